import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryStore } from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, eventually, T0 } from './__fixtures__/service.js';
import { createServiceEngine } from './config.js';
import { seedPips } from './seed.js';
import { runWorker, webhookFromEnv } from './worker.js';

const secret = 'whsec_' + Buffer.from('http-service-worker-secret-32-by').toString('base64');

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A receiver that records what it gets and answers `status` to the first `failures` requests. */
async function receiver(failures = 0, status = 500) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(received.length <= failures ? status : 204).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks` };
}

describe('the worker with PIPKIT_WEBHOOK_URL', () => {
  it('delivers every notification as a signed webhook whose id is the outbox id', async () => {
    const clock = createTestClock(T0);
    const store = memoryStore();
    const engine = createServiceEngine(store, clock);
    await seedPips(engine, { count: 4 });
    const outbox = await store.pendingOutbox(1000);
    expect(outbox.length).toBeGreaterThan(0);
    // The first attempt fails: the adapter retries within the same delivery.
    const { received, url } = await receiver(1);
    const controller = new AbortController();
    const env = { PIPKIT_WEBHOOK_URL: url, PIPKIT_WEBHOOK_SECRET: secret };
    const deliver = webhookFromEnv(
      { ...env, PIPKIT_WEBHOOK_RETRIES: '1' },
      clock,
      controller.signal,
    );
    const running = runWorker({
      engine,
      logger: captureLogs().logger,
      signal: controller.signal,
      idleMs: 1,
      ...(deliver ? { deliver } : {}),
    });
    await eventually(async () => (await store.pendingOutbox(1000)).length === 0, 'delivered');
    controller.abort();
    const summary = await running;
    expect(summary.delivered).toBe(outbox.length);

    const delivered = received.slice(1);
    expect(delivered.map((entry) => entry.headers['webhook-id'])).toEqual(
      outbox.map((message) => message.id),
    );
    expect(received[0]?.headers['webhook-id']).toBe(outbox[0]?.id);
    const webhook = new Webhook(secret);
    for (const { headers, body } of delivered) {
      const id = String(headers['webhook-id']);
      const at = new Date(Number(headers['webhook-timestamp']) * 1000);
      expect(at.toISOString()).toBe(T0);
      expect(headers['webhook-signature']).toBe(webhook.sign(id, at, body));
      expect(JSON.parse(body)).toMatchObject({ data: { messageId: id } });
    }
  });

  it('is off without a URL, and refuses a URL without a secret or a bad limit', () => {
    const signal = new AbortController().signal;
    expect(webhookFromEnv({}, undefined, signal)).toBeUndefined();
    const url = 'https://hooks.example.com/pipkit';
    expect(() => webhookFromEnv({ PIPKIT_WEBHOOK_URL: url }, undefined, signal)).toThrow(
      /PIPKIT_WEBHOOK_SECRET/,
    );
    const env = { PIPKIT_WEBHOOK_URL: url, PIPKIT_WEBHOOK_SECRET: secret };
    expect(() =>
      webhookFromEnv({ ...env, PIPKIT_WEBHOOK_RETRIES: 'many' }, undefined, signal),
    ).toThrow(/PIPKIT_WEBHOOK_RETRIES/);
    expect(() =>
      webhookFromEnv({ ...env, PIPKIT_WEBHOOK_SECRET: 'whsec_' }, undefined, signal),
    ).toThrow(/secret/);
    expect(typeof webhookFromEnv(env, undefined, signal)).toBe('function');
  });
});
