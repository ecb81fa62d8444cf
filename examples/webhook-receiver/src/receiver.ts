import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { WebhookPayload } from '@pipkit/delivery';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** How to build a receiver. */
export interface ReceiverOptions {
  /** The secret the sender signs with (`whsec_...`), from your secret manager. */
  readonly secret: string;
  /**
   * Does the work for one verified message, once per `webhook-id`. Keep it short (queue the
   * work): the sender waits for the answer and gives up after its timeout.
   */
  readonly onMessage: (payload: WebhookPayload, webhookId: string) => void | Promise<void>;
  /** Ids already handled (default: the last 10 000 in memory; use your database in production). */
  readonly seen?: SeenIds;
  /** The largest body accepted, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
}

/** Where a receiver remembers the `webhook-id`s it handled. */
export interface SeenIds {
  has(id: string): boolean | Promise<boolean>;
  add(id: string): void | Promise<void>;
}

/** The last `capacity` ids, in memory: enough for one process in a demo. */
export function recentIds(capacity = 10_000): SeenIds {
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      ids.add(id);
      if (ids.size > capacity) ids.delete(ids.values().next().value as string);
    },
  };
}

/**
 * A `node:http` request handler for pipkit's webhooks. It reads the raw body, verifies the
 * Standard Webhooks signature and timestamp with `Webhook.verify` (401 when they do not hold),
 * answers 200 to a `webhook-id` it already handled without handling it again, and 204 after
 * `onMessage`. A failure inside `onMessage` answers 500, so the sender retries.
 */
export function createReceiver(options: ReceiverOptions): RequestListener {
  const webhook = new Webhook(options.secret);
  const seen = options.seen ?? recentIds();
  const bodyLimit = options.bodyLimit ?? 1_048_576;
  return (request, response) => {
    void (async () => {
      if (request.method !== 'POST') return answer(response, 405, { allow: 'POST' });
      const body = await rawBody(request, bodyLimit);
      if (body === undefined) return answer(response, 413);
      let payload: WebhookPayload;
      try {
        // Verify the bytes as they came, before parsing: a re-serialised body would not match.
        payload = webhook.verify(body, headersOf(request)) as WebhookPayload;
      } catch (error) {
        if (error instanceof WebhookVerificationError) return answer(response, 401);
        return answer(response, 400);
      }
      const id = String(request.headers['webhook-id']);
      if (await seen.has(id)) return answer(response, 200);
      await options.onMessage(payload, id);
      await seen.add(id);
      answer(response, 204);
    })().catch(() => answer(response, 500));
  };
}

function answer(response: ServerResponse, status: number, headers: Record<string, string> = {}) {
  if (!response.headersSent) response.writeHead(status, headers).end();
}

/** The request's headers as single strings, as `Webhook.verify` reads them. */
function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** The body as text, or undefined when it is larger than `limit` bytes. */
async function rawBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
