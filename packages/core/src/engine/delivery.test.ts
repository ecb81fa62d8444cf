/**
 * Delivery that cannot block: retries with backoff, dead letters on the PIP's log, and the
 * operator's retry and discard, through `createEngine` on the memory store.
 */
import { describe, expect, it } from 'vitest';
import { DeliveryError, DeliveryErrorReasons } from '../errors/deliveryErrors.js';
import type { Actor } from '../model/actor.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { memoryStore } from '../store/memoryStore.js';
import type { OutboxMessage, PipStore } from '../store/pipStore.js';
import { createTestClock } from '../testing/testClock.js';
import { referenceDocument } from '../testing/referenceLifecycle.js';
import { createEngine } from './createEngine.js';
import type { DeliveryOptions } from './deliveryApi.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const START = '2026-03-02T15:00:00.000Z';

/** An engine on a memory store and a test clock; `random` is the backoff's jitter source. */
function setup(delivery: DeliveryOptions = {}, store: PipStore = memoryStore()) {
  const clock = createTestClock(START);
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    delivery: { random: () => 0.5, ...delivery },
  });
  /** Opens a PIP and takes it through approval: two messages, approval requested then issued. */
  const issue = async (pipId: string) => {
    await engine.open(
      {
        pipId,
        employee: { id: `emp-${pipId}`, timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Ship the report', measure: 'Weekly, on time' }],
        documents: [referenceDocument('planDocument', `plan ${pipId}`)],
      },
      { actor: manager },
    );
    await engine.dispatch(pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
    const ids = (await store.pendingOutbox(100))
      .filter((message) => message.pipId === pipId)
      .map((message) => message.id);
    return { first: ids[0] as string, second: ids[1] as string };
  };
  return { store, clock, engine, issue };
}

/** A handler that records what it was given and fails for the ids in `failing`. */
function handlerFailing(failing: Set<string>, error: () => unknown = () => new Error('down')) {
  const seen: string[] = [];
  const handler = (message: OutboxMessage) => {
    seen.push(message.id);
    if (failing.has(message.id)) throw error();
  };
  return { seen, handler };
}

const deadLetterEvents = async (engine: ReturnType<typeof setup>['engine'], pipId: string) =>
  (await engine.history(pipId, { actor: hr }))
    .map((stored) => stored.event)
    .filter((event) => event.type === 'MESSAGE_DEAD_LETTERED');

describe('a failing delivery', () => {
  it("records the attempt on the message, holds that PIP's later messages and delivers every other PIP's", async () => {
    const { engine, store, issue } = setup({ baseDelayMs: 1000 });
    const a = await issue('pip-a');
    const b = await issue('pip-b');
    const { seen, handler } = handlerFailing(new Set([a.first]), () => {
      const error = new Error('connect ECONNREFUSED 10.0.0.7:25') as Error & { code: string };
      error.code = 'ECONNREFUSED';
      return error;
    });
    const round = await engine.relay(handler);
    expect(seen).toEqual([a.first, b.first, b.second]);
    expect(round.delivered).toEqual([b.first, b.second]);
    expect(round.deadLettered).toEqual([]);
    // Attempt 1 waits up to 1000 ms; the jitter drew 0.5.
    expect(round.failed).toEqual([
      expect.objectContaining({
        id: a.first,
        pipId: 'pip-a',
        attempts: 1,
        code: 'ECONNREFUSED',
        nextAttemptAt: '2026-03-02T15:00:00.500Z',
      }),
    ]);
    const [pending] = await store.pendingOutbox(10);
    expect(pending).toMatchObject({
      id: a.first,
      attempts: 1,
      nextAttemptAt: '2026-03-02T15:00:00.500Z',
      lastError: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.7:25', at: START },
    });
  });

  it('is not tried again before its backoff ends, and the waits grow exponentially to the maximum', async () => {
    const { engine, clock, issue } = setup({
      baseDelayMs: 1000,
      maxDelayMs: 5000,
      maxAttempts: 6,
      random: () => 0.999,
    });
    const { first } = await issue('pip-a');
    const { seen, handler } = handlerFailing(new Set([first]));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const round = await engine.relay(handler);
      const next = round.failed[0]?.nextAttemptAt as string;
      waits.push(Date.parse(next) - clock.now().getTime());
      // Just before the wait ends: the handler is not called and nothing is reported.
      clock.set(new Date(Date.parse(next) - 1));
      expect(await engine.relay(handler)).toEqual({ delivered: [], failed: [], deadLettered: [] });
      clock.set(next);
    }
    expect(waits).toEqual([999, 1998, 3996, 4995, 4995]);
    expect(seen).toEqual(Array.from({ length: 5 }, () => first));
  });

  it('keeps an untyped error message out of the store: only its class is recorded', async () => {
    const { engine, store, issue } = setup();
    const { first } = await issue('pip-a');
    const { handler } = handlerFailing(
      new Set([first]),
      () => new TypeError('no mailbox for jane.doe@example.com'),
    );
    await engine.relay(handler);
    const [pending] = await store.pendingOutbox(10);
    expect(pending?.lastError).toEqual({
      code: 'DELIVERY_FAILED',
      message: 'The delivery handler threw TypeError.',
      at: START,
    });
    expect(JSON.stringify(await store.inspect?.('pip-a'))).not.toContain('jane.doe');
  });
});

describe('dead letters', () => {
  it("dead-letters a message after maxAttempts, records it on the PIP's log without its payload, and lets the PIP's later messages go", async () => {
    const { engine, clock, issue } = setup({ maxAttempts: 3, baseDelayMs: 1000 });
    const { first, second } = await issue('pip-a');
    const { seen, handler } = handlerFailing(new Set([first]), () => new Error('timeout'));
    await engine.relay(handler);
    clock.advance(1000);
    await engine.relay(handler);
    clock.advance(2000);
    const last = await engine.relay(handler);
    expect(last.deadLettered).toEqual([
      {
        id: first,
        pipId: 'pip-a',
        type: 'pip.approvalRequested',
        attempts: 3,
        code: 'DELIVERY_FAILED',
      },
    ]);
    expect(last.delivered).toEqual([second]);
    expect(last.failed).toEqual([]);
    expect(seen).toEqual([first, first, first, second]);
    expect(await deadLetterEvents(engine, 'pip-a')).toEqual([
      {
        type: 'MESSAGE_DEAD_LETTERED',
        at: clock.iso(),
        actor: { id: 'pipkit-relay', role: 'system' },
        messageId: first,
        messageType: 'pip.approvalRequested',
        attempts: 3,
        code: 'DELIVERY_FAILED',
      },
    ]);
    expect(await engine.verify('pip-a', { actor: hr })).toMatchObject({ ok: true });
    // Given up: never handed over again.
    clock.advance({ days: 30 });
    expect(await engine.relay(handler)).toEqual({ delivered: [], failed: [], deadLettered: [] });
  });

  it('dead-letters at the first failure that says it is not retryable (an unknown recipient)', async () => {
    const { engine, issue } = setup();
    const { first, second } = await issue('pip-a');
    const { handler } = handlerFailing(
      new Set([first]),
      () =>
        new DeliveryError(DeliveryErrorReasons.UNKNOWN_RECIPIENT, 'No address for the employee.', {
          retryable: false,
        }),
    );
    const round = await engine.relay(handler);
    expect(round.deadLettered).toEqual([
      expect.objectContaining({ id: first, attempts: 1, code: 'DELIVERY_UNKNOWN_RECIPIENT' }),
    ]);
    expect(round.delivered).toEqual([second]);
    const page = await engine.deadLetters({}, { actor: hr });
    expect(page.deadLetters).toEqual([
      {
        id: first,
        pipId: 'pip-a',
        type: 'pip.approvalRequested',
        createdAt: START,
        attempts: 1,
        lastError: {
          code: 'DELIVERY_UNKNOWN_RECIPIENT',
          message: 'No address for the employee.',
          at: START,
        },
        deadLetteredAt: START,
      },
    ]);
  });

  it('records a dead letter on a PIP that has reached its outcome', async () => {
    const { engine, issue } = setup();
    const { first } = await issue('pip-a');
    await engine.relay(() => undefined);
    await engine.dispatch('pip-a', { type: 'CLOSE', reason: 'withdrawn' }, { actor: hr });
    const closing = (await engine.history('pip-a', { actor: hr })).length;
    const round = await engine.relay(() => {
      throw new DeliveryError('DELIVERY_REJECTED', 'Refused.', { retryable: false });
    });
    expect(round.deadLettered.map((letter) => letter.id)).not.toContain(first);
    expect(round.deadLettered).toHaveLength(1);
    expect((await engine.get('pip-a', { actor: hr })).state).toBe('closed');
    expect((await engine.history('pip-a', { actor: hr })).length).toBe(closing + 1);
    expect(await engine.verify('pip-a', { actor: hr })).toMatchObject({ ok: true });
  });

  it('finishes a dead-lettering a crash interrupted, without delivering again or recording twice', async () => {
    const inner = memoryStore();
    let crash = true;
    const store: PipStore = {
      ...inner,
      deadLetterOutbox(id, at) {
        if (crash) {
          crash = false;
          return Promise.reject(new Error('process died after the event, before the mark'));
        }
        return inner.deadLetterOutbox?.(id, at) ?? Promise.resolve(false);
      },
    };
    const { engine, issue } = setup({ maxAttempts: 1 }, store);
    const { first, second } = await issue('pip-a');
    const { seen, handler } = handlerFailing(new Set([first]));
    const crashed = await engine.relay(handler);
    expect(crashed.failed.map((entry) => entry.id)).toEqual([first]);
    expect(crashed.delivered).toEqual([]);
    const next = await engine.relay(handler);
    expect(next.deadLettered.map((letter) => letter.id)).toEqual([first]);
    expect(next.delivered).toEqual([second]);
    expect(seen).toEqual([first, second]);
    expect(await deadLetterEvents(engine, 'pip-a')).toHaveLength(1);
  });
});

describe('retrying and discarding dead letters', () => {
  /** pip-a's first message dead-lettered at once, its second delivered. */
  async function deadLettered() {
    const context = setup({ maxAttempts: 1 });
    const ids = await context.issue('pip-a');
    await context.engine.relay(handlerFailing(new Set([ids.first])).handler);
    return { ...context, ...ids };
  }

  it('retries a dead letter: the next round delivers it, with its attempts counted from zero', async () => {
    const { engine, first } = await deadLettered();
    const receipt = await engine.retryDeadLetter(
      { pipId: 'pip-a', messageId: first },
      { actor: hr },
    );
    expect(receipt).toEqual({
      pipId: 'pip-a',
      messageId: first,
      action: 'retried',
      at: START,
      by: hr,
    });
    expect((await engine.deadLetters({}, { actor: hr })).deadLetters).toEqual([]);
    const { seen, handler } = handlerFailing(new Set());
    expect(await engine.relay(handler)).toEqual({
      delivered: [first],
      failed: [],
      deadLettered: [],
    });
    // Its PIP's later message went out while it was dead: the host sees it after that one.
    expect(seen).toEqual([first]);
    await expect(
      engine.retryDeadLetter({ pipId: 'pip-a', messageId: first }, { actor: hr }),
    ).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND' });
  });

  it('discards a dead letter: never delivered, and compacted like a delivered message', async () => {
    const { engine, store, first } = await deadLettered();
    await engine.discardDeadLetter({ pipId: 'pip-a', messageId: first }, { actor: hr });
    expect((await engine.deadLetters({}, { actor: hr })).deadLetters).toEqual([]);
    expect(await engine.relay(() => undefined)).toEqual({
      delivered: [],
      failed: [],
      deadLettered: [],
    });
    await expect(
      engine.retryDeadLetter({ pipId: 'pip-a', messageId: first }, { actor: hr }),
    ).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND' });
    expect(await store.compactOutbox?.({ deliveredBefore: '2999-01-01T00:00:00.000Z' })).toBe(2);
    expect(await engine.verify('pip-a', { actor: hr })).toMatchObject({ ok: true });
  });

  it('refuses to settle a dead letter through another PIP, and hides dead letters from those who may not manage them', async () => {
    const { engine, issue, first } = await deadLettered();
    await issue('pip-b');
    await expect(
      engine.retryDeadLetter({ pipId: 'pip-b', messageId: first }, { actor: hr }),
    ).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND' });
    await expect(
      engine.discardDeadLetter({ pipId: 'pip-a', messageId: first }, { actor: manager }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await engine.deadLetters({}, { actor: manager })).toEqual({
      deadLetters: [],
      hidden: 1,
    });
    expect((await engine.deadLetters({ pipId: 'pip-b' }, { actor: hr })).deadLetters).toEqual([]);
    await expect(engine.deadLetters({ limit: 0 }, { actor: hr })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
