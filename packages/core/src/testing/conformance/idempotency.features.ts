// By package name, like the rest of the suite: one set of error classes for adapters and suite.
import { IdempotencyKeyReusedError } from '@pipkit/core';
import type { ConformanceContext } from './conformanceContext.js';
import { at, deadline, FixturePip } from './fixturePip.js';

/** Registers "idempotency": a recorded key returns its first outcome and is never reused. */
export function registerIdempotencyFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('idempotency', () => {
    it('returns the first result for a recorded idempotency key', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      const commit = await context.create(pip, 2, { key: 'key-1' });
      expect(await store.getIdempotency('key-1')).toEqual(commit.idempotency);
      expect(await store.getIdempotency('key-2')).toBeUndefined();
    });

    it('refuses a second commit under a recorded key and writes nothing', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1, { key: 'key-1' });
      const other = new FixturePip('p2');
      await expect(store.commit(other.commit(1, { key: 'key-1' }))).rejects.toBeInstanceOf(
        IdempotencyKeyReusedError,
      );
      expect(await store.load('p2')).toBeUndefined();
      expect(await store.readEvents('p2')).toEqual([]);
    });
  });
}

/** Registers "atomicity": a refused commit leaves events, envelope, timers and outbox untouched. */
export function registerAtomicityFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('atomicity', () => {
    it('rolls back events, snapshot, timers and outbox together when a commit is refused', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1, { deadlines: [deadline('planEnd', 10)], key: 'first' });
      const refused = pip.commit(2, {
        deadlines: [deadline('checkIn:1', 5)],
        clear: ['planEnd'],
        outbox: 2,
        key: 'first',
      });
      await expect(store.commit(refused)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect((await store.load('p1'))?.version).toBe(1);
      expect(await store.readEvents('p1')).toHaveLength(1);
      expect((await store.dueTimers(at(1000), 10)).map((timer) => timer.timerId)).toEqual([
        'p1/planEnd',
      ]);
      expect(await store.pendingOutbox(10)).toEqual([]);
    });
  });
}
