// Imported by package name, not by path: adapters throw the errors of the one @pipkit/core they
// load, and `instanceof` must see the same classes here.
import { type CommitRequest, VersionConflictError } from '@pipkit/core/adapter';
import type { ConformanceContext } from './conformanceContext.js';
import { FixturePip } from './fixturePip.js';

/** Registers "optimistic concurrency": one writer per version, contiguous sequence numbers. */
export function registerConcurrencyFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('optimistic concurrency', () => {
    it('creates a PIP at NO_PIP_YET and refuses to create it twice', async () => {
      await context.create(new FixturePip('p1'));
      const again = new FixturePip('p1').commit(1);
      await expect(context.store.commit(again)).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('refuses an append at a stale version and writes nothing', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1);
      const stale = pip.commit(1);
      await context.create(pip, 1);
      const before = await store.load('p1');
      const error: unknown = await store.commit(stale).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as VersionConflictError).code).toBe('VERSION_CONFLICT');
      expect((error as VersionConflictError).retryable).toBe(true);
      expect(await store.load('p1')).toEqual(before);
      expect(await store.readEvents('p1')).toHaveLength(2);
    });

    it('refuses a commit whose events do not follow the expected version', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1);
      const commit = pip.commit(2);
      const gap: CommitRequest = { ...commit, events: commit.events.slice(1) };
      await expect(store.commit(gap)).rejects.toThrow();
      expect((await store.load('p1'))?.version).toBe(1);
    });

    it('lets exactly one of several concurrent commits at the same version win', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1);
      const rivals = Array.from({ length: 4 }, (_, index) => pip.commit(index + 1));
      const results = await Promise.allSettled(rivals.map((commit) => store.commit(commit)));
      const winners = results.filter((result) => result.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected')
          expect(result.reason).toBeInstanceOf(VersionConflictError);
      }
      const winner = rivals[
        results.findIndex((result) => result.status === 'fulfilled')
      ] as CommitRequest;
      expect(await store.load('p1')).toEqual(winner.record);
      expect((await store.readEvents('p1')).map((event) => event.seq)).toEqual(
        Array.from({ length: winner.record.version }, (_, index) => index + 1),
      );
    });

    it('keeps versions contiguous across many commits', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      for (let index = 0; index < 20; index += 1) await context.create(pip, (index % 3) + 1);
      const events = await store.readEvents('p1');
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      expect((await store.load('p1'))?.version).toBe(events.length);
    });
  });
}

/**
 * Registers "parallel writers" when `options.parallelWriters` is set: commits to different PIPs
 * on separate connections at once.
 */
export function registerParallelWriterFeatures(context: ConformanceContext): void {
  if (!context.options.parallelWriters) return;
  const { describe, it, expect } = context.test;
  describe('parallel writers', () => {
    it('accepts interleaved commits to different PIPs without loss', async () => {
      const pips = Array.from({ length: 8 }, (_, index) => new FixturePip(`p${index}`));
      for (let round = 0; round < 5; round += 1) {
        await Promise.all(pips.map((pip) => context.create(pip, 1)));
      }
      for (const pip of pips) expect((await context.store.load(pip.pipId))?.version).toBe(5);
    });
  });
}
