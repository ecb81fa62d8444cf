import {
  type Actor,
  createEngine,
  defaultPolicy,
  isPipkitError,
  memoryStore,
  type OutboxMessage,
} from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ScriptedEndpoint, scriptedEndpoint } from '../__fixtures__/scriptedEndpoint.js';
import { isWebhookDeliveryError, WebhookDeliveryError } from '../errors.js';
import { webhookDelivery, type WebhookDeliveryOptions } from './webhookDelivery.js';
import { webhookPayload } from './webhookPayload.js';

const secret = 'whsec_' + Buffer.from('pipkit-test-signing-secret-32byt').toString('base64');
const clock = createTestClock('2026-10-01T10:00:00Z');
beforeEach(() => clock.set('2026-10-01T10:00:00Z'));
const message: OutboxMessage = {
  id: 'pip-1:5:0',
  pipId: 'pip-1',
  type: 'notification',
  payload: { template: 'pip.issued', notify: ['employee', 'manager'], seq: 5 },
  createdAt: '2026-10-01T09:59:00.000Z',
};

let endpoint: ScriptedEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

/** A delivery to the scripted endpoint whose waits are recorded, never slept. */
async function deliveryTo(
  behaviours: Parameters<typeof scriptedEndpoint>,
  options: Partial<WebhookDeliveryOptions> = {},
) {
  endpoint = await scriptedEndpoint(...behaviours);
  const waits: number[] = [];
  const deliver = webhookDelivery({
    url: endpoint.url,
    secret,
    clock,
    // Small enough to keep the test short, large enough for a loaded CI machine to answer.
    timeoutMs: 500,
    retries: 3,
    backoffMs: 100,
    wait: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  return { endpoint, deliver, waits };
}

/** The error a delivery rejected with. */
async function failure(run: Promise<void>): Promise<WebhookDeliveryError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isWebhookDeliveryError(error))
    throw new Error(`expected a WebhookDeliveryError: ${String(error)}`);
  return error;
}

describe('webhookDelivery', () => {
  it('POSTs the message as JSON signed per Standard Webhooks, its outbox id as webhook-id', async () => {
    const { endpoint, deliver } = await deliveryTo([204]);
    await deliver(message);
    const [request] = endpoint.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/pipkit' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'pip-1:5:0',
      'webhook-timestamp': String(Date.parse('2026-10-01T10:00:00Z') / 1000),
    });
    expect(JSON.parse(request!.body)).toEqual(webhookPayload(message));
    expect(JSON.parse(request!.body)).toMatchObject({
      type: 'pip.issued',
      timestamp: message.createdAt,
      data: { messageId: message.id, pipId: 'pip-1', payload: message.payload },
    });
    // The receiver's own computation from the shared secret gives the same signature.
    const expected = new Webhook(secret).sign('pip-1:5:0', clock.now(), request!.body);
    expect(request!.headers['webhook-signature']).toBe(expected);
  });

  it('retries a 500, a hang and a slow answer with the same id and body, then succeeds', async () => {
    const { endpoint, deliver, waits } = await deliveryTo([500, 'hang', 'slow', 200]);
    await deliver(message);
    expect(endpoint.requests).toHaveLength(4);
    expect(new Set(endpoint.requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set(['pip-1:5:0']),
    );
    expect(new Set(endpoint.requests.map((request) => request.body)).size).toBe(1);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('fails with WEBHOOK_HTTP_STATUS after its last retry, and says a later round may pass', async () => {
    const { endpoint, deliver } = await deliveryTo([500, 502, 503, 500], { retries: 3 });
    const error = await failure(deliver(message));
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({
      code: 'WEBHOOK_HTTP_STATUS',
      status: 500,
      retryable: true,
      messageId: 'pip-1:5:0',
    });
    expect(error.attempts.map((attempt) => attempt.status)).toEqual([500, 502, 503, 500]);
    expect(endpoint.requests).toHaveLength(4);
  });

  it('gives up on an endpoint that never answers with WEBHOOK_TIMEOUT', async () => {
    const { deliver } = await deliveryTo(['hang', 'slow'], { retries: 1 });
    const error = await failure(deliver(message));
    expect(error.code).toBe('WEBHOOK_TIMEOUT');
    expect(error.attempts).toEqual([
      { attempt: 1, code: 'WEBHOOK_TIMEOUT' },
      { attempt: 2, code: 'WEBHOOK_TIMEOUT' },
    ]);
    expect(error.retryable).toBe(true);
  });

  it('never follows a redirect: WEBHOOK_REDIRECT at once, not retryable as configured', async () => {
    const { endpoint, deliver } = await deliveryTo([{ redirect: 307, to: '/elsewhere' }]);
    const error = await failure(deliver(message));
    expect(error).toMatchObject({ code: 'WEBHOOK_REDIRECT', status: 307, retryable: false });
    expect(error.attempts).toEqual([
      { attempt: 1, code: 'WEBHOOK_REDIRECT', status: 307, location: '/elsewhere' },
    ]);
    expect(endpoint.requests.map((request) => request.path)).toEqual(['/hooks/pipkit']);
  });

  it('does not retry a refusal (400) but retries 408 and 429', async () => {
    const refused = await deliveryTo([400]);
    expect(await failure(refused.deliver(message))).toMatchObject({
      code: 'WEBHOOK_HTTP_STATUS',
      status: 400,
      retryable: false,
    });
    expect(refused.endpoint.requests).toHaveLength(1);
    await refused.endpoint.close();
    const busy = await deliveryTo([429, 408, 204]);
    await busy.deliver(message);
    expect(busy.endpoint.requests).toHaveLength(3);
  });

  it('fails with WEBHOOK_NETWORK when nothing listens', async () => {
    const { endpoint: closed, deliver } = await deliveryTo([], { retries: 1 });
    await closed.close();
    endpoint = undefined;
    const error = await failure(deliver(message));
    expect(error.attempts.map((attempt) => attempt.code)).toEqual([
      'WEBHOOK_NETWORK',
      'WEBHOOK_NETWORK',
    ]);
  });

  it('stops when the host aborts (a worker shutting down): WEBHOOK_ABORTED, no further attempt', async () => {
    const controller = new AbortController();
    controller.abort();
    const { endpoint, deliver } = await deliveryTo([204], { signal: controller.signal });
    const error = await failure(deliver(message));
    expect(error).toMatchObject({ code: 'WEBHOOK_ABORTED', retryable: true });
    expect(error.attempts).toHaveLength(1);
    expect(endpoint.requests).toHaveLength(0);
  });

  it('sends the host’s headers and body, but its own signature headers', async () => {
    const { endpoint, deliver } = await deliveryTo([204], {
      headers: { authorization: 'Bearer gateway', 'webhook-id': 'forged' },
      body: (entry) => ({ id: entry.id }),
    });
    await deliver(message);
    expect(endpoint.requests[0]!.headers).toMatchObject({
      authorization: 'Bearer gateway',
      'webhook-id': 'pip-1:5:0',
    });
    expect(endpoint.requests[0]!.body).toBe('{"id":"pip-1:5:0"}');
  });
});

describe('webhookDelivery with engine.relay', () => {
  it('holds a failing PIP’s messages, delivers the others, and resends under the same id', async () => {
    const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy], clock });
    const manager: Actor = { id: 'mgr-1', role: 'manager' };
    for (const pipId of ['pip-a', 'pip-b']) {
      await engine.open(
        {
          pipId,
          employee: { id: `emp-${pipId}`, timeZone: 'Europe/London' },
          managerId: manager.id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g1', description: 'Close tickets', measure: '90% within SLA' }],
          documents: [{ kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) }],
        },
        { actor: manager },
      );
      await engine.dispatch(pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    }
    // pip-a's message is first: its endpoint attempt answers 500 twice, then pip-b's goes through.
    const { endpoint, deliver } = await deliveryTo([500, 500], { retries: 1 });
    const first = await engine.relay(deliver);
    expect(first.failed.map((entry) => entry.id)).toEqual(['pip-a:3:0']);
    expect(isWebhookDeliveryError(first.failed[0]?.error, 'WEBHOOK_HTTP_STATUS')).toBe(true);
    expect(first.delivered).toEqual(['pip-b:3:0']);

    // Past any backoff the relay puts between attempts.
    clock.advance({ hours: 2 });
    const second = await engine.relay(deliver);
    expect(second.delivered).toEqual(['pip-a:3:0']);
    expect(second.failed).toEqual([]);
    const ids = endpoint.requests.map((request) => request.headers['webhook-id']);
    expect(ids).toEqual(['pip-a:3:0', 'pip-a:3:0', 'pip-b:3:0', 'pip-a:3:0']);
  });
});

describe('webhookDelivery refusals', () => {
  const issueCode = (options: Partial<WebhookDeliveryOptions>) => {
    try {
      webhookDelivery({ url: 'https://hooks.example.com/pipkit', secret, ...options });
    } catch (error) {
      if (!isPipkitError(error, 'INVALID_INPUT')) throw error;
      return error.issues[0]?.code;
    }
    return 'accepted';
  };

  it('refuses a URL that is not absolute http or https', () => {
    expect(issueCode({ url: 'hooks.example.com' })).toBe('WEBHOOK_URL_INVALID');
    expect(issueCode({ url: 'ftp://hooks.example.com/' })).toBe('WEBHOOK_URL_INVALID');
  });

  it('refuses a secret that is not a Standard Webhooks secret', () => {
    expect(issueCode({ secret: 'whsec_' })).toBe('WEBHOOK_SECRET_INVALID');
    expect(issueCode({ secret: 'whsec_%%%not base64%%%' })).toBe('WEBHOOK_SECRET_INVALID');
  });

  it('refuses limits out of range', () => {
    expect(issueCode({ timeoutMs: 0 })).toBe('WEBHOOK_LIMIT_INVALID');
    expect(issueCode({ retries: 11 })).toBe('WEBHOOK_LIMIT_INVALID');
    expect(issueCode({ backoffMs: 1.5 })).toBe('WEBHOOK_LIMIT_INVALID');
    expect(issueCode({ timeoutMs: 5000, retries: 0, backoffMs: 0 })).toBe('accepted');
  });
});
