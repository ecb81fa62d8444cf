import type { ConformanceContext } from './conformanceContext.js';
import { at, deadline, FixturePip } from './fixturePip.js';

/** Registers "timers": the due index, its order, its limit, replacement and clearing. */
export function registerTimerFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('timers', () => {
    it('returns timers due at or before the given instant, earliest first', async () => {
      await context.create(new FixturePip('a'), 1, {
        deadlines: [deadline('planEnd', 30), deadline('checkIn:1', 10)],
      });
      await context.create(new FixturePip('b'), 1, {
        deadlines: [deadline('planEnd', 20), deadline('checkIn:1', 40)],
      });
      const due = await context.store.dueTimers(at(30), 10);
      expect(due.map((timer) => timer.timerId)).toEqual(['a/checkIn:1', 'b/planEnd', 'a/planEnd']);
      expect(due[0]).toEqual({
        timerId: 'a/checkIn:1',
        pipId: 'a',
        deadlineId: 'checkIn:1',
        kind: 'checkIn',
        dueAt: at(10),
      });
      expect(await context.store.dueTimers(at(9), 10)).toEqual([]);
    });

    it('returns at most `limit` timers', async () => {
      for (let index = 0; index < 5; index += 1) {
        await context.create(new FixturePip(`p${index}`), 1, {
          deadlines: [deadline('planEnd', index)],
        });
      }
      expect(await context.store.dueTimers(at(100), 3)).toHaveLength(3);
    });

    it('replaces a timer with the same id and removes cleared timers', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1, {
        deadlines: [deadline('planEnd', 10), deadline('checkIn:1', 5)],
      });
      await context.create(pip, 1, { deadlines: [deadline('planEnd', 50)], clear: ['checkIn:1'] });
      expect(await store.dueTimers(at(40), 10)).toEqual([]);
      expect((await store.dueTimers(at(50), 10)).map((timer) => timer.dueAt)).toEqual([at(50)]);
    });
  });
}

/**
 * Registers "timer leases" when `options.leasing` is set: `claimDueTimers` spreads due timers
 * over several sweepers.
 */
export function registerTimerLeaseFeatures(context: ConformanceContext): void {
  if (!context.options.leasing) return;
  const { describe, it, expect } = context.test;
  describe('timer leases', () => {
    const claim = (owner: string, limit: number, leaseMs = 60_000, minute = 1000) => {
      const { store } = context;
      if (!store.claimDueTimers)
        throw new Error('options.leasing is set but the store has no claimDueTimers');
      return store.claimDueTimers(at(minute), limit, { owner, leaseMs });
    };
    const seed = async (count: number) => {
      for (let index = 0; index < count; index += 1) {
        await context.create(new FixturePip(`p${String(index).padStart(2, '0')}`), 1, {
          deadlines: [deadline('planEnd', index)],
        });
      }
    };

    it('claims each due timer once across concurrent sweepers', async () => {
      await seed(20);
      const [first, second] = await Promise.all([claim('sweeper-a', 15), claim('sweeper-b', 15)]);
      const ids = [...(first ?? []), ...(second ?? [])].map((timer) => timer.timerId);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    });

    it('never claims a timer that is not due', async () => {
      await seed(5);
      expect((await claim('sweeper-a', 10, 60_000, 2)).map((timer) => timer.timerId)).toEqual([
        'p00/planEnd',
        'p01/planEnd',
        'p02/planEnd',
      ]);
    });

    it("skips another sweeper's live lease but returns its own again", async () => {
      await seed(3);
      expect(await claim('sweeper-a', 10)).toHaveLength(3);
      expect(await claim('sweeper-b', 10)).toEqual([]);
      expect(await claim('sweeper-a', 10)).toHaveLength(3);
    });

    it('makes a timer claimable again when its lease has ended', async () => {
      await seed(2);
      expect(await claim('crashed-sweeper', 10, 0)).toHaveLength(2);
      expect((await claim('sweeper-b', 10)).map((timer) => timer.timerId)).toEqual([
        'p00/planEnd',
        'p01/planEnd',
      ]);
    });
  });
}
