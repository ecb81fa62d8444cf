import type {
  DeadLetterQuery,
  DeliveryFailure,
  OutboxFailure,
  PipStore,
} from '@pipkit/core/adapter';
import type { ConformanceContext } from './conformanceContext.js';
import { at, FixturePip } from './fixturePip.js';

/** A failure at `minute`, to try again at `retryMinute` (none: the last attempt). */
const failure = (id: string, attempts: number, minute: number, retryMinute?: number) => {
  const error: DeliveryFailure = {
    code: 'WEBHOOK_TIMEOUT',
    message: 'No answer in 10 s.',
    at: at(minute),
  };
  const value: OutboxFailure = {
    id,
    attempts,
    error,
    ...(retryMinute === undefined ? {} : { nextAttemptAt: at(retryMinute) }),
  };
  return value;
};

/** The ids `pendingOutbox` returns at `minute` (no `now` when undefined). */
const pendingIds = async (store: PipStore, minute?: number) =>
  (await store.pendingOutbox(10, minute === undefined ? {} : { now: at(minute) })).map(
    (message) => message.id,
  );

/** The store's delivery capabilities, or `undefined` when it lacks one. */
function delivery(store: PipStore) {
  if (
    !store.recordOutboxFailure ||
    !store.deadLetterOutbox ||
    !store.listDeadLetters ||
    !store.retryDeadLetter ||
    !store.discardDeadLetter
  ) {
    return undefined;
  }
  return {
    fail: async (value: OutboxFailure) => (await store.recordOutboxFailure?.(value)) ?? false,
    dead: async (id: string, minute: number) =>
      (await store.deadLetterOutbox?.(id, at(minute))) ?? false,
    list: async (query: DeadLetterQuery) => (await store.listDeadLetters?.(query)) ?? [],
    retry: async (id: string) => (await store.retryDeadLetter?.(id)) ?? false,
    discard: async (id: string) => (await store.discardDeadLetter?.(id)) ?? false,
  };
}

/** Two PIPs with two messages each: `p1:1:0`, `p1:1:1`, `p2:1:0`, `p2:1:1`. */
async function seedTwo(context: ConformanceContext) {
  await context.create(new FixturePip('p1'), 1, { outbox: 2 });
  await context.create(new FixturePip('p2'), 1, { outbox: 2 });
}

/**
 * Registers "outbox delivery": failed attempts counted once each, the backoff keeping a PIP out
 * of the page without taking other PIPs' room, dead letters that stop blocking, and the
 * operator's retry and discard. A capability: each test holds a store to it when it has the
 * methods (memory, SQLite and Postgres do).
 */
export function registerDeliveryFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('outbox delivery', () => {
    it('counts a failed attempt once, only on a pending message at the expected count, and returns it with the message', async () => {
      const ops = delivery(context.store);
      if (!ops) return;
      await seedTwo(context);
      expect(await ops.fail(failure('p1:1:0', 2, 1, 2))).toBe(false);
      expect(await ops.fail(failure('p1:1:0', 1, 1, 2))).toBe(true);
      expect(await ops.fail(failure('p1:1:0', 1, 1, 2))).toBe(false);
      expect(await ops.fail(failure('p-none:1:0', 1, 1, 2))).toBe(false);
      await context.store.markOutboxDelivered(['p2:1:0']);
      expect(await ops.fail(failure('p2:1:0', 1, 1, 2))).toBe(false);
      const [first] = await context.store.pendingOutbox(10);
      expect(first).toMatchObject({
        id: 'p1:1:0',
        attempts: 1,
        nextAttemptAt: at(2),
        lastError: { code: 'WEBHOOK_TIMEOUT', message: 'No answer in 10 s.', at: at(1) },
      });
      // A message never tried carries no delivery state.
      const untried = (await context.store.pendingOutbox(10)).find((m) => m.id === 'p1:1:1');
      expect(untried && 'attempts' in untried).toBe(false);
    });

    it("leaves a waiting message and its PIP's later ones out of the page until their time, and no other PIP's", async () => {
      const ops = delivery(context.store);
      if (!ops) return;
      await seedTwo(context);
      await ops.fail(failure('p1:1:0', 1, 1, 5));
      expect(await pendingIds(context.store, 4)).toEqual(['p2:1:0', 'p2:1:1']);
      expect(await pendingIds(context.store, 5)).toEqual(['p1:1:0', 'p1:1:1', 'p2:1:0', 'p2:1:1']);
      expect(await pendingIds(context.store)).toEqual(['p1:1:0', 'p1:1:1', 'p2:1:0', 'p2:1:1']);
      // The page's room goes to messages that are due.
      expect((await context.store.pendingOutbox(1, { now: at(4) })).map((m) => m.id)).toEqual([
        'p2:1:0',
      ]);
    });

    it("dead-letters a pending message: never pending again, listed without its payload, and its PIP's later messages go", async () => {
      const ops = delivery(context.store);
      if (!ops) return;
      await seedTwo(context);
      await ops.fail(failure('p1:1:0', 1, 1, 2));
      await ops.fail(failure('p1:1:0', 2, 2));
      expect(await ops.dead('p1:1:0', 3)).toBe(true);
      expect(await ops.dead('p1:1:0', 4)).toBe(false);
      expect(await ops.dead('p-none:1:0', 4)).toBe(false);
      expect(await pendingIds(context.store, 3)).toEqual(['p1:1:1', 'p2:1:0', 'p2:1:1']);
      const [letter, ...others] = await ops.list({ limit: 10 });
      expect(others).toEqual([]);
      expect(typeof letter?.createdAt).toBe('string');
      expect({ ...letter, createdAt: undefined }).toEqual({
        id: 'p1:1:0',
        pipId: 'p1',
        type: 'notification',
        createdAt: undefined,
        attempts: 2,
        lastError: { code: 'WEBHOOK_TIMEOUT', message: 'No answer in 10 s.', at: at(2) },
        deadLetteredAt: at(3),
      });
      await ops.dead('p2:1:1', 3);
      expect((await ops.list({ limit: 10 })).map((letter) => letter.id)).toEqual([
        'p1:1:0',
        'p2:1:1',
      ]);
      expect((await ops.list({ limit: 1 })).map((letter) => letter.id)).toEqual(['p1:1:0']);
      expect((await ops.list({ limit: 10, afterId: 'p1:1:0' })).map((l) => l.id)).toEqual([
        'p2:1:1',
      ]);
      expect((await ops.list({ limit: 10, pipId: 'p2' })).map((l) => l.id)).toEqual(['p2:1:1']);
      expect(await ops.list({ limit: 10, pipId: 'p-none' })).toEqual([]);
    });

    it('retries a dead letter: pending again, first of its PIP, with no count and no wait', async () => {
      const ops = delivery(context.store);
      if (!ops) return;
      await seedTwo(context);
      await ops.fail(failure('p1:1:0', 1, 1));
      await ops.dead('p1:1:0', 1);
      expect(await ops.retry('p1:1:1')).toBe(false);
      expect(await ops.retry('p-none:1:0')).toBe(false);
      expect(await ops.retry('p1:1:0')).toBe(true);
      expect(await ops.retry('p1:1:0')).toBe(false);
      expect(await ops.list({ limit: 10 })).toEqual([]);
      const pending = await context.store.pendingOutbox(10, { now: at(1) });
      expect(pending.map((message) => message.id)).toEqual([
        'p1:1:0',
        'p1:1:1',
        'p2:1:0',
        'p2:1:1',
      ]);
      expect(pending[0]?.attempts ?? 0).toBe(0);
      expect(pending[0]?.nextAttemptAt).toBeUndefined();
      // Counted from zero again.
      expect(await ops.fail(failure('p1:1:0', 1, 2, 3))).toBe(true);
    });

    it('discards a dead letter: never pending nor listed again, and compacted after the cutoff', async () => {
      const ops = delivery(context.store);
      if (!ops) return;
      await seedTwo(context);
      await ops.dead('p1:1:0', 1);
      expect(await ops.discard('p1:1:1')).toBe(false);
      expect(await ops.discard('p1:1:0')).toBe(true);
      expect(await ops.discard('p1:1:0')).toBe(false);
      expect(await ops.retry('p1:1:0')).toBe(false);
      expect(await ops.list({ limit: 10 })).toEqual([]);
      expect(await pendingIds(context.store, 1)).toEqual(['p1:1:1', 'p2:1:0', 'p2:1:1']);
      if (!context.store.compactOutbox) return;
      expect(
        await context.store.compactOutbox({ deliveredBefore: '2999-01-01T00:00:00.000Z' }),
      ).toBe(1);
      expect(await pendingIds(context.store)).toEqual(['p1:1:1', 'p2:1:0', 'p2:1:1']);
    });

    it('claims no PIP whose first message waits, and no dead letter', async () => {
      const ops = delivery(context.store);
      const { store } = context;
      if (!ops || !store.claimOutbox) return;
      await seedTwo(context);
      await ops.fail(failure('p1:1:0', 1, 1, 5));
      await ops.dead('p2:1:0', 1);
      const claim = async (owner: string, minute: number) =>
        (await store.claimOutbox?.(10, { owner, leaseMs: 0 }, { now: at(minute) })) ?? [];
      expect((await claim('relay-a', 4)).map((message) => message.id)).toEqual(['p2:1:1']);
      expect((await claim('relay-b', 5)).map((message) => message.id)).toEqual([
        'p1:1:0',
        'p1:1:1',
        'p2:1:1',
      ]);
    });
  });
}
