import type { CommitRequest } from '@pipkit/core/adapter';
import { codeOf, type ConformanceContext } from './conformanceContext.js';
import { at, deadline, FixturePip } from './fixturePip.js';

/** Two requests built at version 1 of a PIP now at version 3. */
interface StaleRequests {
  /** Committed at version 1 under `${pipId}-won`: sent again, it is stale and its key recorded. */
  readonly won: CommitRequest;
  /** A rival of `won` under the fresh key `${pipId}-fresh`: stale only. */
  readonly rival: CommitRequest;
}

/** Creates `pipId`, commits `won`, then one commit more; `rival` is never committed. */
async function seedStaleRequests(context: ConformanceContext, pipId: string) {
  const pip = new FixturePip(pipId);
  await context.create(pip, 1);
  // Both carry a timer and a message, so a refusal that wrote anything would show.
  const won = pip.commit(1, {
    key: `${pipId}-won`,
    deadlines: [deadline('checkIn:1', 7)],
    outbox: 1,
  });
  const rival = pip.commit(2, {
    key: `${pipId}-fresh`,
    deadlines: [deadline('checkIn:2', 8)],
    outbox: 1,
  });
  await context.store.commit(won);
  pip.accept(won);
  await context.create(pip, 1);
  return { won, rival } satisfies StaleRequests;
}

/** What a refused commit must leave as it was: the PIP's events, envelope, timers and outbox. */
async function snapshotOf(context: ConformanceContext, pipId: string) {
  const { store } = context;
  return {
    record: await store.load(pipId),
    events: await store.readEvents(pipId),
    timers: (await store.dueTimers(at(100_000), 1000)).filter((timer) => timer.pipId === pipId),
    outbox: (await store.pendingOutbox(1000)).filter((message) => message.pipId === pipId),
  };
}

const actualVersionOf = (error: unknown): unknown =>
  (error as { readonly actualVersion?: unknown } | undefined)?.actualVersion;

/**
 * Registers "commit preconditions": the one order every store applies (`commitPreconditionError`
 * in core), the idempotency key before the version, for `commit` and for each slot of
 * `commitMany`. Errors are recognised by their stable `code`, not by their class.
 */
export function registerCommitPreconditionFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('commit preconditions', () => {
    it('refuses a commit whose key is recorded and whose version is stale with IDEMPOTENCY_KEY_REUSED, writing nothing', async () => {
      const { store } = context;
      const { won } = await seedStaleRequests(context, 'p1');
      const before = await snapshotOf(context, 'p1');
      // Both preconditions fail: the key is recorded and the PIP has moved on from version 1.
      expect([won.expectedVersion, before.record?.version]).toEqual([1, 3]);
      const error: unknown = await store.commit(won).catch((caught: unknown) => caught);
      expect(codeOf(error)).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await snapshotOf(context, 'p1')).toEqual(before);
      expect(await store.getIdempotency('p1-won')).toEqual(won.idempotency);
    });

    it('refuses a stale version under a fresh key with VERSION_CONFLICT and the actual version, writing nothing', async () => {
      const { store } = context;
      const { rival } = await seedStaleRequests(context, 'p1');
      const before = await snapshotOf(context, 'p1');
      const error: unknown = await store.commit(rival).catch((caught: unknown) => caught);
      expect(codeOf(error)).toBe('VERSION_CONFLICT');
      expect(actualVersionOf(error)).toBe(3);
      expect(await snapshotOf(context, 'p1')).toEqual(before);
      expect(await store.getIdempotency('p1-fresh')).toBeUndefined();
    });

    it('applies the same order to each slot of a batch: a recorded key first, then the version', async () => {
      const { store } = context;
      // An optional capability: held to the rule only when the store has it.
      if (!store.commitMany) return;
      const retried = await seedStaleRequests(context, 'retried');
      const stale = await seedStaleRequests(context, 'stale');
      const before = [await snapshotOf(context, 'retried'), await snapshotOf(context, 'stale')];
      const fresh = new FixturePip('fresh').commit(1, { key: 'fresh-key' });
      const outcomes = await store.commitMany([retried.won, stale.rival, fresh]);
      expect(outcomes.map(codeOf)).toEqual([
        'IDEMPOTENCY_KEY_REUSED',
        'VERSION_CONFLICT',
        undefined,
      ]);
      expect(actualVersionOf(outcomes[1])).toBe(3);
      expect(outcomes[2]).toBeUndefined();
      expect([await snapshotOf(context, 'retried'), await snapshotOf(context, 'stale')]).toEqual(
        before,
      );
      expect(await store.getIdempotency('stale-fresh')).toBeUndefined();
      expect((await store.load('fresh'))?.version).toBe(1);
    });
  });
}
