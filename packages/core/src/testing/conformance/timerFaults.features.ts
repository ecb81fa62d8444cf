// By package name, like the rest of the suite: the parked message every store must write.
import { parkedMessage, type PipStore, type TimerFault, type TimerRow } from '@pipkit/core/adapter';
import type { ConformanceContext } from './conformanceContext.js';
import { at, deadline, FixturePip } from './fixturePip.js';

const CODE = 'POLICY_NOT_FOUND';

/** A failed fire of `timer` at its due time, as the sweep at `minute` reports it. */
const faultOf = (timer: TimerRow, minute = 100): TimerFault => ({
  timerId: timer.timerId,
  pipId: timer.pipId,
  dueAt: timer.dueAt,
  code: CODE,
  at: at(minute),
});

/** Two PIPs, each with a plan end due: `p1` at minute 5, `p2` at minute 6. */
async function seedTwo(context: ConformanceContext) {
  const p1 = new FixturePip('p1');
  const p2 = new FixturePip('p2');
  await context.create(p1, 1, { deadlines: [deadline('planEnd', 5)] });
  await context.create(p2, 1, { deadlines: [deadline('planEnd', 6)] });
  return {
    p1,
    first: p1.timerRow(deadline('planEnd', 5)),
    other: p2.timerRow(deadline('planEnd', 6)),
  };
}

/** The ids of the timers `dueTimers` (and `claimDueTimers`, when present) return at minute 100. */
async function dueIds(store: PipStore) {
  const due = (await store.dueTimers(at(100), 10)).map((timer) => timer.timerId);
  const claimed = store.claimDueTimers
    ? (await store.claimDueTimers(at(100), 10, { owner: 'sweeper', leaseMs: 0 })).map(
        (timer) => timer.timerId,
      )
    : due;
  return { due, claimed };
}

/** The stored fault count and park code of one timer, when the store has `inspect`. */
async function faultsOf(store: PipStore, timer: TimerRow) {
  const rows = await store.inspect?.(timer.pipId);
  const row = rows?.timers.find((candidate) => candidate.timerId === timer.timerId);
  return row && { attempts: row.attempts, parkedCode: row.parkedCode };
}

/**
 * Registers "timer faults": `recordTimerFault` counts failed fires per timer and due time, parks
 * a timer at `parkAfter` with an operators' message, and a later commit that sets it frees it.
 * An optional capability: each test holds a store to it only when the store has the method.
 */
export function registerTimerFaultFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('timer faults', () => {
    it('counts the failed fires of a timer at its due time and keeps it due below parkAfter', async () => {
      const { store } = context;
      if (!store.recordTimerFault) return;
      const { first } = await seedTwo(context);
      expect(await store.recordTimerFault(faultOf(first), { parkAfter: 3 })).toEqual({
        attempts: 1,
        parked: false,
      });
      expect(await store.recordTimerFault(faultOf(first, 101), { parkAfter: 3 })).toEqual({
        attempts: 2,
        parked: false,
      });
      if (store.inspect) expect(await faultsOf(store, first)).toEqual({ attempts: 2 });
      expect((await dueIds(store)).due).toEqual(['p1/planEnd', 'p2/planEnd']);
      expect(await store.pendingOutbox(10)).toEqual([]);
    });

    it('ignores a fault for a timer since moved or cleared, counting nothing', async () => {
      const { store } = context;
      if (!store.recordTimerFault) return;
      const { p1, first } = await seedTwo(context);
      await context.create(p1, 1, {
        deadlines: [deadline('planEnd', 50), deadline('checkIn:1', 40)],
      });
      // Due at minute 5 no more: the fault is for a fire that is not pending.
      expect(await store.recordTimerFault(faultOf(first), { parkAfter: 1 })).toEqual({
        attempts: 0,
        parked: false,
      });
      const checkIn = p1.timerRow(deadline('checkIn:1', 40));
      await context.create(p1, 1, { clear: ['checkIn:1'] });
      expect(await store.recordTimerFault(faultOf(checkIn), { parkAfter: 1 })).toEqual({
        attempts: 0,
        parked: false,
      });
      const moved = p1.timerRow(deadline('planEnd', 50));
      if (store.inspect) expect(await faultsOf(store, moved)).toEqual({ attempts: 0 });
      expect((await dueIds(store)).due).toEqual(['p2/planEnd', 'p1/planEnd']);
      expect(await store.pendingOutbox(10)).toEqual([]);
    });

    it("parks a timer at parkAfter: never due again, one operators' message pending, other PIPs' timers untouched", async () => {
      const { store } = context;
      if (!store.recordTimerFault) return;
      const { first, other } = await seedTwo(context);
      await store.recordTimerFault(faultOf(first), { parkAfter: 2 });
      const last = faultOf(first, 101);
      expect(await store.recordTimerFault(last, { parkAfter: 2 })).toEqual({
        attempts: 2,
        parked: true,
      });
      expect(await dueIds(store)).toEqual({ due: ['p2/planEnd'], claimed: ['p2/planEnd'] });
      expect(await store.pendingOutbox(10)).toEqual([parkedMessage(first, last, 2)]);
      if (store.inspect) {
        expect(await faultsOf(store, first)).toEqual({ attempts: 2, parkedCode: CODE });
        expect(await faultsOf(store, other)).toEqual({ attempts: 0 });
      }
    });

    it('makes a parked timer due again, with its count cleared, when a later commit sets it again', async () => {
      const { store } = context;
      if (!store.recordTimerFault) return;
      const { p1, first } = await seedTwo(context);
      await store.recordTimerFault(faultOf(first), { parkAfter: 1 });
      await context.create(p1, 1, { deadlines: [deadline('planEnd', 20)] });
      const reset = p1.timerRow(deadline('planEnd', 20));
      expect(
        (await store.dueTimers(at(100), 10)).map((timer) => [timer.timerId, timer.dueAt]),
      ).toEqual([
        ['p2/planEnd', at(6)],
        ['p1/planEnd', at(20)],
      ]);
      if (store.inspect) expect(await faultsOf(store, reset)).toEqual({ attempts: 0 });
      expect(await store.recordTimerFault(faultOf(reset), { parkAfter: 3 })).toEqual({
        attempts: 1,
        parked: false,
      });
    });

    it("resets a PIP's failed and parked timers on request, and only that PIP's", async () => {
      const { store } = context;
      if (!store.recordTimerFault || !store.resetTimerFaults) return;
      const { first, other } = await seedTwo(context);
      // A sweeper that claimed the timer and failed holds a lease on it: the reset frees it.
      await store.claimDueTimers?.(at(100), 10, { owner: 'failed-sweeper', leaseMs: 600_000 });
      await store.recordTimerFault(faultOf(first), { parkAfter: 1 });
      await store.recordTimerFault(faultOf(other), { parkAfter: 3 });
      expect((await store.dueTimers(at(100), 10)).map((timer) => timer.timerId)).toEqual([
        'p2/planEnd',
      ]);
      expect(await store.resetTimerFaults('p1')).toEqual(['p1/planEnd']);
      expect(await store.resetTimerFaults('p1')).toEqual([]);
      expect(await store.resetTimerFaults('p-none')).toEqual([]);
      expect((await store.dueTimers(at(100), 10)).map((timer) => timer.timerId)).toEqual([
        'p1/planEnd',
        'p2/planEnd',
      ]);
      if (store.claimDueTimers) {
        const claimed = await store.claimDueTimers(at(100), 10, { owner: 'next', leaseMs: 0 });
        expect(claimed.map((timer) => timer.timerId)).toEqual(['p1/planEnd']);
      }
      if (store.inspect) {
        expect(await faultsOf(store, first)).toEqual({ attempts: 0 });
        expect(await faultsOf(store, other)).toEqual({ attempts: 1 });
      }
      // Failing again counts from zero, parks again, and the operators' message is pending again.
      await store.markOutboxDelivered((await store.pendingOutbox(10)).map((message) => message.id));
      const again = faultOf(first, 200);
      expect(await store.recordTimerFault(again, { parkAfter: 1 })).toEqual({
        attempts: 1,
        parked: true,
      });
      expect(await store.pendingOutbox(10)).toEqual([parkedMessage(first, again, 1)]);
    });
  });
}
