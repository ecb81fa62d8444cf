import { type ConformanceContext, tryToChange } from './conformanceContext.js';
import { FixturePip } from './fixturePip.js';

/**
 * Registers "batch loading" when `options.batchLoading` is set: `loadMany` reads several
 * envelopes at once, each exactly as `load` returns it.
 */
export function registerBatchLoadingFeatures(context: ConformanceContext): void {
  if (!context.options.batchLoading) return;
  const { describe, it, expect } = context.test;
  describe('batch loading', () => {
    const loadMany = (pipIds: string[]) => {
      const { store } = context;
      if (!store.loadMany)
        throw new Error('options.batchLoading is set but the store has no loadMany');
      return store.loadMany(pipIds);
    };

    it('returns one entry per id, in the order asked: the envelope as load returns it, or undefined', async () => {
      const { store } = context;
      const first = await context.create(new FixturePip('p1'), 2);
      const second = await context.create(new FixturePip('p2'), 3);
      expect(await loadMany(['p2', 'missing', 'p1', 'p2'])).toEqual([
        second.record,
        undefined,
        first.record,
        second.record,
      ]);
      expect(await loadMany(['p1'])).toEqual([await store.load('p1')]);
    });

    it('returns nothing for no ids', async () => {
      expect(await loadMany([])).toEqual([]);
    });

    it('returns the envelope of the latest commit, and copies the caller cannot change', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1);
      const latest = await context.create(pip, 2);
      const [loaded] = (await loadMany(['p1'])) as unknown as [
        { version: number; context: { goals: unknown[] } },
      ];
      expect(loaded).toEqual(latest.record);
      tryToChange(() => {
        loaded.version = 99;
      });
      tryToChange(() => {
        loaded.context.goals.length = 0;
      });
      expect(await store.load('p1')).toEqual(latest.record);
      expect(await loadMany(['p1'])).toEqual([latest.record]);
    });
  });
}
