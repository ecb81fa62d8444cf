// Imported by package name, not by path: adapters throw the errors of the one @pipkit/core they
// load, and `instanceof` must see the same classes here.
import { VersionConflictError } from '@pipkit/core';
import type { ConformanceContext } from './conformanceContext.js';
import { at, deadline, FixturePip } from './fixturePip.js';

/**
 * Registers "purging" when `options.purging` is set: `purge` deletes one PIP's every row, only at
 * the version the caller checked.
 */
export function registerPurgeFeatures(context: ConformanceContext): void {
  if (!context.options.purging) return;
  const { describe, it, expect } = context.test;
  describe('purging', () => {
    const purge = (pipId: string, expectedVersion: number) => {
      const { store } = context;
      if (!store.purge) throw new Error('options.purging is set but the store has no purge');
      return store.purge(pipId, expectedVersion);
    };
    const seedTwo = async () => {
      const gone = new FixturePip('gone');
      const kept = new FixturePip('kept');
      for (const pip of [gone, kept]) {
        await context.create(pip, 1, { deadlines: [deadline('planEnd', 5)], outbox: 1 });
        await context.create(pip, 1, { outbox: 1, key: `key-${pip.pipId}` });
      }
      return { gone, kept };
    };

    it("deletes every row of one PIP and nothing of another's", async () => {
      const { store } = context;
      const { kept } = await seedTwo();
      const keptBefore = {
        record: await store.load('kept'),
        events: await store.readEvents('kept'),
      };
      await purge('gone', 2);
      expect(await store.load('gone')).toBeUndefined();
      expect(await store.readEvents('gone')).toEqual([]);
      expect(await store.getIdempotency('key-gone')).toBeUndefined();
      expect((await store.dueTimers(at(100), 10)).map((timer) => timer.pipId)).toEqual(['kept']);
      expect(new Set((await store.pendingOutbox(10)).map((message) => message.pipId))).toEqual(
        new Set(['kept']),
      );
      expect((await store.list()).map((pip) => pip.pipId)).toEqual(['kept']);
      expect(await store.load('kept')).toEqual(keptBefore.record);
      expect(await store.readEvents('kept')).toEqual(keptBefore.events);
      expect((await store.getIdempotency('key-kept'))?.pipId).toBe(kept.pipId);
      // The id is free again, as for a PIP that never existed.
      await context.create(new FixturePip('gone'), 1);
      expect((await store.load('gone'))?.version).toBe(1);
    });

    it('refuses a purge at a stale version, or of an unknown PIP, and deletes nothing', async () => {
      const { store } = context;
      await seedTwo();
      const before = await store.readEvents('gone');
      const error: unknown = await purge('gone', 1).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as VersionConflictError).actualVersion).toBe(2);
      expect(await store.readEvents('gone')).toEqual(before);
      await expect(purge('never', 1)).rejects.toBeInstanceOf(VersionConflictError);
    });
  });
}
