// By package name, like the rest of the suite: the limits of the one @pipkit/core adapters load.
import { LIST_LIMITS, type PipStore } from '@pipkit/core';
import type { ConformanceContext } from './conformanceContext.js';
import { FixturePip } from './fixturePip.js';

/** Registers "listing": filters by state, employee and manager, ordered by id, keyset paging. */
export function registerListingFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('listing', () => {
    it('filters by state, employee and manager, ordered by id, with keyset paging', async () => {
      await context.create(new FixturePip('c', 'emp-1', 'mgr-1'), 1, { state: 'active' });
      await context.create(new FixturePip('a', 'emp-2', 'mgr-1'), 1, { state: 'draft' });
      await context.create(new FixturePip('b', 'emp-1', 'mgr-2'), 1, { state: 'active' });
      const ids = async (query: Parameters<PipStore['list']>[0]) =>
        (await context.store.list(query)).map((pip) => pip.pipId);
      expect(await ids({})).toEqual(['a', 'b', 'c']);
      expect(await ids({ state: 'active' })).toEqual(['b', 'c']);
      expect(await ids({ employeeId: 'emp-1' })).toEqual(['b', 'c']);
      expect(await ids({ managerId: 'mgr-1' })).toEqual(['a', 'c']);
      expect(await ids({ afterPipId: 'a', limit: 1 })).toEqual(['b']);
    });

    it('lists the same entries through listEntries as through list, when every row is readable', async () => {
      const { store } = context;
      if (!store.listEntries) return;
      await context.create(new FixturePip('c', 'emp-1', 'mgr-1'), 1, { state: 'active' });
      await context.create(new FixturePip('a', 'emp-2', 'mgr-1'), 1, { state: 'draft' });
      await context.create(new FixturePip('b', 'emp-1', 'mgr-2'), 1, { state: 'active' });
      for (const query of [
        {},
        { state: 'active' as const },
        { managerId: 'mgr-1' },
        { afterPipId: 'a', limit: 1 },
      ]) {
        expect(await store.listEntries(query)).toEqual(await store.list(query));
      }
    });
  });
}

/** Registers "limits and order": list caps and defaults, negative limits, bytewise id order. */
export function registerLimitFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('limits and order', () => {
    it('caps a list at 1000, defaults to 100, treats a negative limit as none, and orders ids bytewise', async () => {
      const { store } = context;
      const id = (n: number) => `p-${String(n).padStart(4, '0')}`;
      const ids = [...Array.from({ length: 1005 }, (_, n) => id(n + 1)), 'P-upper', 'p_under'];
      await Promise.all(ids.map((pipId) => store.commit(new FixturePip(pipId).commit(1))));
      expect(await store.list()).toHaveLength(LIST_LIMITS.default);
      expect(await store.list({ limit: 5000 })).toHaveLength(LIST_LIMITS.max);
      expect(await store.list({ limit: -1 })).toEqual([]);
      expect(await store.dueTimers('2100-01-01T00:00:00Z', -1)).toEqual([]);
      expect(await store.pendingOutbox(-1)).toEqual([]);
      // Bytewise, as JavaScript compares strings: '-' (0x2d) < '_' (0x5f); 'P' before 'p'.
      const page = await store.list({ afterPipId: 'p-1000', limit: 10 });
      expect(page.map((record) => record.pipId)).toEqual([
        'p-1001',
        'p-1002',
        'p-1003',
        'p-1004',
        'p-1005',
        'p_under',
      ]);
      expect((await store.list({ limit: 1 })).map((record) => record.pipId)).toEqual(['P-upper']);
    });
  });
}
