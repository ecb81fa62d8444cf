/**
 * A deliver function for `engine.relay` that POSTs each outbox message to one endpoint, signed per
 * the Standard Webhooks specification by the `standardwebhooks` package: a bounded time per
 * attempt, a few retries for failures that may pass, no redirects followed, and a typed error
 * when the last attempt fails, so the relay records it and goes on with other PIPs.
 */
import type { Clock, OutboxMessage } from '@pipkit/core';
import { Webhook } from 'standardwebhooks';
import {
  DeliveryIssueCodes,
  invalidOption,
  type WebhookAttempt,
  WebhookDeliveryError,
} from '../errors.js';
import { webhookPayload } from './webhookPayload.js';

/** Options of {@link webhookDelivery}. */
export interface WebhookDeliveryOptions {
  /** The endpoint: an absolute `https:` URL (`http:` for a local receiver). Never redirected. */
  readonly url: string | URL;
  /**
   * The endpoint's signing secret, as Standard Webhooks writes it: base64, usually with the
   * `whsec_` prefix. Share it with the receiver only.
   */
  readonly secret: string;
  /** How long one attempt may wait for the response headers (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Further attempts after a failure that may pass: a timeout, no answer, 5xx, 408, 425, 429 (default 2). */
  readonly retries?: number;
  /** The wait before the first retry, doubled before each next one (default 1000 ms; 0: at once). */
  readonly backoffMs?: number;
  /** The clock of `webhook-timestamp` (default the system clock): pass the engine's. */
  readonly clock?: Clock;
  /** Stops a delivery in progress (a worker shutting down): it fails with `WEBHOOK_ABORTED`. */
  readonly signal?: AbortSignal;
  /** Headers to add (an API key of a gateway); the content type and the signature are ours. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The JSON body of a message (default {@link webhookPayload}). */
  readonly body?: (message: OutboxMessage) => unknown;
  /** The `fetch` to call (default the global one, Node's undici). */
  readonly fetch?: typeof globalThis.fetch;
  /** How to wait between attempts (default a timer). Tests pass one that returns at once. */
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A deliver function for `engine.relay`. */
export type DeliverMessage = (message: OutboxMessage) => Promise<void>;

/** Statuses worth trying again soon: the endpoint is busy or asked to be retried. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

/**
 * A deliver function for `engine.relay(deliver)`: each message is POSTed as JSON
 * ({@link webhookPayload}) with the Standard Webhooks headers `webhook-id` (the outbox message
 * id, the same on every attempt and every relay round, so the receiver deduplicates),
 * `webhook-timestamp` (the attempt's time, in seconds) and `webhook-signature` (`v1,` HMAC-SHA256
 * of `id.timestamp.body`). It resolves on a 2xx answer. Otherwise it retries a failure that may
 * pass (a timeout, no answer, 5xx, 408, 425, 429) up to `retries` times with a doubling wait, and
 * then throws a {@link WebhookDeliveryError}; a redirect or another 4xx throws at once. One
 * message takes at most `(retries + 1) × timeoutMs` plus the waits, so a slow endpoint delays
 * the relay round by a bounded time and never holds another PIP's messages after it.
 *
 * Throws a `ValidationError` (`INVALID_INPUT`) at once for an unusable URL, secret or limit.
 *
 * @example
 * ```ts
 * const deliver = webhookDelivery({
 *   url: 'https://hr.example.com/hooks/pipkit',
 *   secret: process.env.PIPKIT_WEBHOOK_SECRET!, // whsec_...
 *   timeoutMs: 5000,
 *   retries: 2,
 * });
 * const { delivered, failed } = await engine.relay(deliver);
 * ```
 */
export function webhookDelivery(options: WebhookDeliveryOptions): DeliverMessage {
  const url = endpoint(options.url);
  const signer = signerFor(options.secret);
  const timeoutMs = limit(options.timeoutMs, 'timeoutMs', 10_000, 1, 600_000);
  const retries = limit(options.retries, 'retries', 2, 0, 10);
  const backoffMs = limit(options.backoffMs, 'backoffMs', 1000, 0, 600_000);
  const send = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? { now: () => new Date() };
  const wait = options.wait ?? waitFor;
  const extraHeaders = options.headers ?? {};
  return async (message) => {
    const body = JSON.stringify((options.body ?? webhookPayload)(message));
    const attempts: WebhookAttempt[] = [];
    let cause: unknown;
    for (let attempt = 1; attempt <= retries + 1; attempt += 1) {
      if (attempt > 1) await wait(backoffMs * 2 ** (attempt - 2), options.signal);
      const timestamp = clock.now();
      const headers = {
        ...extraHeaders,
        'content-type': 'application/json',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signer.sign(message.id, timestamp, body),
      };
      const outcome = await post(send, url, headers, body, timeoutMs, options.signal);
      if (outcome === 'delivered') return;
      attempts.push({ attempt, ...outcome.failure });
      cause = outcome.cause;
      // A stopped worker does not try again now; a later round may.
      if (outcome.failure.code === 'WEBHOOK_ABORTED' || !mayPass(outcome.failure)) break;
    }
    const last = attempts[attempts.length - 1] as WebhookAttempt;
    throw new WebhookDeliveryError(message.id, attempts as [WebhookAttempt, ...WebhookAttempt[]], {
      retryable: mayPass(last),
      cause,
    });
  };
}

type Failure = Omit<WebhookAttempt, 'attempt'>;

/** One POST: delivered, or why not. The body is never read: a slow one cannot hold us. */
async function post(
  send: typeof globalThis.fetch,
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  hostSignal: AbortSignal | undefined,
): Promise<'delivered' | { failure: Failure; cause?: unknown }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = hostSignal ? AbortSignal.any([timeout, hostSignal]) : timeout;
  let response: Response;
  try {
    // `manual`: a 3xx comes back as it is. A signed body must not be replayed to another host.
    response = await send(url, { method: 'POST', headers, body, redirect: 'manual', signal });
  } catch (cause) {
    if (hostSignal?.aborted) return { failure: { code: 'WEBHOOK_ABORTED' }, cause };
    if (timeout.aborted) return { failure: { code: 'WEBHOOK_TIMEOUT' }, cause };
    return { failure: { code: 'WEBHOOK_NETWORK' }, cause };
  }
  // Release the connection without waiting for a body nobody reads.
  await response.body?.cancel().catch(() => undefined);
  const { status } = response;
  if (status >= 200 && status < 300) return 'delivered';
  if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
    const location = response.headers.get('location');
    return {
      failure: { code: 'WEBHOOK_REDIRECT', status, ...(location ? { location } : {}) },
    };
  }
  return { failure: { code: 'WEBHOOK_HTTP_STATUS', status } };
}

/** True for a failure that may pass without anyone changing the endpoint or its settings. */
function mayPass(failure: Failure): boolean {
  switch (failure.code) {
    case 'WEBHOOK_TIMEOUT':
    case 'WEBHOOK_NETWORK':
    case 'WEBHOOK_ABORTED':
      return true;
    case 'WEBHOOK_HTTP_STATUS': {
      const status = failure.status ?? 0;
      return status >= 500 || TRANSIENT_STATUSES.has(status);
    }
    case 'WEBHOOK_REDIRECT':
      return false;
  }
}

function endpoint(value: string | URL): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    invalidOption(
      DeliveryIssueCodes.WEBHOOK_URL_INVALID,
      ['url'],
      `The webhook URL must be an absolute https: (or http:) URL, not "${String(value)}".`,
    );
  }
  return url;
}

function signerFor(secret: string): Webhook {
  try {
    if (typeof secret !== 'string' || secret.replace(/^whsec_/, '').length === 0) throw new Error();
    return new Webhook(secret);
  } catch {
    return invalidOption(
      DeliveryIssueCodes.WEBHOOK_SECRET_INVALID,
      ['secret'],
      'The webhook secret must be base64, optionally prefixed "whsec_" (as Standard Webhooks issues them).',
    );
  }
}

function limit(
  value: number | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    invalidOption(
      DeliveryIssueCodes.WEBHOOK_LIMIT_INVALID,
      [name],
      `${name} must be a whole number from ${min} to ${max}, not ${String(value)}.`,
    );
  }
  return value;
}

/** Resolves after `ms`, or at once when `signal` aborts (the next attempt then fails aborted). */
function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms === 0 || signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
