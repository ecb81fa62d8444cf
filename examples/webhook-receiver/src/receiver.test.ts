import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutboxMessage } from '@pipkit/core';
import {
  isWebhookDeliveryError,
  webhookDelivery,
  webhookPayload,
  type WebhookPayload,
} from '@pipkit/delivery';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReceiver } from './receiver.js';

const secret = 'whsec_' + Buffer.from('receiver-example-secret-32-bytes').toString('base64');
const NOW = new Date('2026-10-01T10:00:00Z');
const message: OutboxMessage = {
  id: 'pip-1:7:0',
  pipId: 'pip-1',
  type: 'notification',
  payload: { template: 'pip.extended', notify: ['employee'], endDate: '2026-12-30' },
  createdAt: '2026-10-01T09:58:00.000Z',
};

let server: Server | undefined;
let handled: { payload: WebhookPayload; id: string }[];

beforeEach(() => {
  handled = [];
  // standardwebhooks checks the timestamp against Date.now(): Date is set, timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(async () => {
  vi.useRealTimers();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Starts the receiver on a free port; its URL. */
async function receiver(): Promise<string> {
  server = createServer(
    createReceiver({ secret, onMessage: (payload, id) => void handled.push({ payload, id }) }),
  );
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A sender with no retries, signing at `at` with `key`. */
const sender = (url: string, key = secret, at = NOW) =>
  webhookDelivery({ url, secret: key, retries: 0, timeoutMs: 5000, clock: { now: () => at } });

/** POSTs a body with headers of our own, as a forger would. */
async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body, headers });
  return response.status;
}

describe('the webhook receiver', () => {
  it('verifies a delivery from webhookDelivery and hands it over once, a redelivery answered 200', async () => {
    const url = await receiver();
    const deliver = sender(url);
    await deliver(message);
    await deliver(message);
    expect(handled).toEqual([{ id: 'pip-1:7:0', payload: webhookPayload(message) }]);
    const signed = new Webhook(secret).sign(
      message.id,
      NOW,
      JSON.stringify(webhookPayload(message)),
    );
    const headers = {
      'webhook-id': message.id,
      'webhook-timestamp': String(NOW.getTime() / 1000),
      'webhook-signature': signed,
    };
    expect(await post(url, JSON.stringify(webhookPayload(message)), headers)).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it('answers 401 to a sender with another secret, and the sender fails without retrying', async () => {
    const url = await receiver();
    const other = 'whsec_' + Buffer.from('someone-else-entirely-32-bytes!!').toString('base64');
    const error = await sender(url, other)(message).catch((caught: unknown) => caught);
    expect(isWebhookDeliveryError(error, 'WEBHOOK_HTTP_STATUS')).toBe(true);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(handled).toEqual([]);
  });

  it('answers 401 to a body changed after signing', async () => {
    const url = await receiver();
    const body = JSON.stringify(webhookPayload(message));
    const headers = {
      'webhook-id': message.id,
      'webhook-timestamp': String(NOW.getTime() / 1000),
      'webhook-signature': new Webhook(secret).sign(message.id, NOW, body),
    };
    expect(await post(url, body.replace('2026-12-30', '2027-12-30'), headers)).toBe(401);
    expect(await post(url, body, { ...headers, 'webhook-id': 'pip-1:8:0' })).toBe(401);
    expect(await post(url, body, { 'webhook-id': message.id })).toBe(401);
    expect(await post(url, body, headers)).toBe(204);
    expect(handled.map((entry) => entry.id)).toEqual(['pip-1:7:0']);
  });

  it('answers 401 to a message signed more than five minutes ago (a replay)', async () => {
    const url = await receiver();
    const sixMinutesAgo = new Date(NOW.getTime() - 6 * 60_000);
    const error = await sender(
      url,
      secret,
      sixMinutesAgo,
    )(message).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'WEBHOOK_HTTP_STATUS', status: 401 });
    await sender(url, secret, new Date(NOW.getTime() - 4 * 60_000))(message);
    expect(handled).toHaveLength(1);
  });

  it('answers 405 to anything but POST', async () => {
    const url = await receiver();
    expect((await fetch(url)).status).toBe(405);
  });
});
