// Imported by package name, not by path: adapters throw the errors of the one @pipkit/core they
// load, and `instanceof` must see the same classes here.
import {
  type CommitRequest,
  IdempotencyKeyReusedError,
  VersionConflictError,
} from '@pipkit/core/adapter';
import type { ConformanceContext } from './conformanceContext.js';
import { at, deadline, FixturePip } from './fixturePip.js';

/**
 * Registers "batched commits" when `options.batching` is set: `commitMany` commits each request
 * as if it were alone.
 */
export function registerBatchingFeatures(context: ConformanceContext): void {
  if (!context.options.batching) return;
  const { describe, it, expect } = context.test;
  describe('batched commits', () => {
    const commitMany = (requests: CommitRequest[]) => {
      const { store } = context;
      if (!store.commitMany)
        throw new Error('options.batching is set but the store has no commitMany');
      return store.commitMany(requests);
    };

    it('commits every request of a batch as if each were alone', async () => {
      const { store } = context;
      const pips = Array.from({ length: 5 }, (_, index) => new FixturePip(`p${index}`));
      const first = pips.map((pip) => pip.commit(1, { deadlines: [deadline('planEnd', 5)] }));
      expect(await commitMany(first)).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      first.forEach((commit, index) => pips[index]?.accept(commit));
      const second = pips.map((pip) => pip.commit(2, { outbox: 1, key: `k-${pip.pipId}` }));
      expect(await commitMany(second)).toEqual(second.map(() => undefined));
      for (const pip of pips) {
        expect((await store.load(pip.pipId))?.version).toBe(3);
        expect((await store.readEvents(pip.pipId)).map((event) => event.seq)).toEqual([1, 2, 3]);
        expect((await store.getIdempotency(`k-${pip.pipId}`))?.version).toBe(3);
      }
      expect(await store.dueTimers(at(10), 10)).toHaveLength(5);
      expect(await store.pendingOutbox(10)).toHaveLength(5);
    });

    it('refuses a stale, a reused-key, a malformed or a late-failing request alone, writing nothing of it', async () => {
      const { store } = context;
      const ok = new FixturePip('ok');
      const stale = new FixturePip('stale');
      const keyed = new FixturePip('keyed');
      await context.create(stale, 1);
      await context.create(keyed, 1, { key: 'taken' });
      // A request that already won once is stale when it comes again.
      const staleRequest = stale.accept(stale.commit(1));
      await store.commit(staleRequest);
      const before = await store.readEvents('stale');
      const reused = keyed.commit(1, { key: 'taken', outbox: 1 });
      const okCommit = ok.commit(2, { deadlines: [deadline('planEnd', 1)], outbox: 1 });
      const malformed = { ...new FixturePip('bad').commit(2), expectedVersion: 5 };
      // Passes every check, then fails as it writes: its outbox id is already stored.
      await context.create(new FixturePip('first'), 1, { outbox: 1 });
      const late = new FixturePip('late').commit(1, { outbox: 1 });
      const failsLate: CommitRequest = {
        ...late,
        outbox: late.outbox.map((message) => ({ ...message, id: 'first:1:0' })),
      };
      const outcomes = await commitMany([staleRequest, reused, okCommit, malformed, failsLate]);
      expect(outcomes[0]).toBeInstanceOf(VersionConflictError);
      expect(outcomes[1]).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(outcomes[2]).toBeUndefined();
      expect(outcomes[3]).toBeInstanceOf(Error);
      expect(outcomes[4]).toBeInstanceOf(Error);
      expect(await store.readEvents('stale')).toEqual(before);
      expect((await store.load('keyed'))?.version).toBe(1);
      expect(await store.load('bad')).toBeUndefined();
      expect(await store.load('late')).toBeUndefined();
      expect(await store.readEvents('late')).toEqual([]);
      expect((await store.load('ok'))?.version).toBe(2);
      expect((await store.pendingOutbox(10)).map((message) => message.pipId)).toEqual([
        'first',
        'ok',
      ]);
      expect((await store.dueTimers(at(10), 10)).map((timer) => timer.pipId)).toEqual(['ok']);
    });
  });
}
