import { type ConformanceContext, tryToChange } from './conformanceContext.js';
import { FixturePip } from './fixturePip.js';

/** Registers "loading": unknown PIPs, exact round trips, and reads the caller cannot change. */
export function registerLoadingFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('loading', () => {
    it('returns undefined and no events for a PIP that does not exist', async () => {
      const { store } = context;
      expect(await store.load('missing')).toBeUndefined();
      expect(await store.readEvents('missing')).toEqual([]);
    });

    it('returns the record and events exactly as committed', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      const first = await context.create(pip, 3);
      const second = await context.create(pip, 2);
      expect(await store.load('p1')).toEqual(second.record);
      expect(await store.readEvents('p1')).toEqual([...first.events, ...second.events]);
      expect(await store.readEvents('p1', { afterSeq: 3 })).toEqual(second.events);
    });

    it('returns copies or frozen objects: changing a returned record or event does not change the store', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      const commit = await context.create(pip, 2);
      const loaded = (await store.load('p1')) as unknown as {
        version: number;
        context: { goals: unknown[] };
      };
      tryToChange(() => {
        loaded.version = 99;
      });
      tryToChange(() => {
        loaded.context.goals.length = 0;
      });
      const events = await store.readEvents('p1');
      tryToChange(() => {
        (events[0] as { seq: number }).seq = 42;
      });
      tryToChange(() => {
        events.length = 0;
      });
      expect(await store.load('p1')).toEqual(commit.record);
      expect(await store.readEvents('p1')).toEqual(commit.events);
    });
  });
}
