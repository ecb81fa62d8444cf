/**
 * The worker's loop, with timers moved by hand: it polls, a wake-up starts a round before the
 * poll, a failing round backs off, and a stop lets the round in flight finish.
 */
import { describe, expect, it } from 'vitest';
import {
  createWorker,
  isPipkitError,
  memoryStore,
  type OutboxMessage,
  type PipStore,
  StoreError,
  StoreErrorReasons,
} from '../index.js';
import { createManualTimers } from '../testing/manualTimers.js';
import { engineOn, issue, roundLog, settle } from './__fixtures__/workerSetup.js';

/** A promise with its resolve, to hold a store call or a delivery until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('createWorker', () => {
  it('waits for its poll when there is nothing to do, then runs the next round', async () => {
    const store = memoryStore();
    const { engine } = engineOn(store);
    const manual = createManualTimers();
    const log = roundLog();
    const delivered: string[] = [];
    const worker = createWorker({
      engine,
      deliver: (message) => void delivered.push(message.id),
      pollMs: 60_000,
      timers: manual.timers,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => manual.pending().length === 1);
    expect(log.rounds[0]).toMatchObject({
      round: 1,
      cause: 'start',
      delivered: 0,
      nextInMs: 60_000,
    });
    expect(manual.pending()).toEqual([60_000]);

    await issue(engine, 'pip-1');
    manual.advance(59_999);
    await settle(() => true);
    expect(log.rounds).toHaveLength(1);
    manual.advance(1);
    await settle(() => log.rounds.length >= 2);
    expect(log.rounds[1]).toMatchObject({ round: 2, cause: 'poll', nextInMs: 0 });
    expect(log.rounds[1]?.delivered).toBeGreaterThan(0);
    // A round that did work is followed at once by another, which finds nothing left.
    await settle(() => log.rounds.length >= 3 && manual.pending().length === 1);
    expect(log.rounds[2]).toMatchObject({ cause: 'busy', delivered: 0, nextInMs: 60_000 });
    expect(await store.pendingOutbox(100)).toEqual([]);

    const totals = await worker.stop();
    expect(await running).toEqual(totals);
    expect(totals).toMatchObject({ rounds: 3, delivered: delivered.length, failedRounds: 0 });
    expect(manual.pending()).toEqual([]);
    expect(worker.running).toBe(false);
  });

  it("starts a round on the store's wake-up, before its poll", async () => {
    const store = memoryStore();
    const { engine } = engineOn(store);
    const manual = createManualTimers();
    const log = roundLog();
    const worker = createWorker({
      engine,
      deliver: () => undefined,
      pollMs: 3_600_000,
      timers: manual.timers,
      wakeups: store.wakeups,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => manual.pending().length === 1);

    await issue(engine, 'pip-1');
    await settle(() => log.rounds.length >= 2);
    expect(log.rounds[1]).toMatchObject({ cause: 'wakeup' });
    expect(log.rounds[1]?.delivered).toBeGreaterThan(0);
    await settle(() => manual.pending().length === 1);
    expect(await store.pendingOutbox(100)).toEqual([]);
    await worker.stop();
    await running;
  });

  it('finishes the round in flight when stopped, and delivers what it claimed', async () => {
    const store = memoryStore();
    const { engine } = engineOn(store);
    await issue(engine, 'pip-1');
    const held = gate();
    const inHandler: OutboxMessage[] = [];
    const log = roundLog();
    const worker = createWorker({
      engine,
      deliver: async (message) => {
        inHandler.push(message);
        await held.promise;
      },
      timers: createManualTimers().timers,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => inHandler.length === 1);
    let stopped = false;
    const stopping = worker.stop().then((totals) => {
      stopped = true;
      return totals;
    });
    await settle(() => true);
    expect(stopped).toBe(false);
    expect(worker.running).toBe(true);

    held.open();
    const totals = await stopping;
    expect(await running).toEqual(totals);
    // The round went on to the end: every message it read was delivered and marked.
    expect(totals.delivered).toBe(inHandler.length);
    expect(await store.pendingOutbox(100)).toEqual([]);
    expect(log.rounds).toHaveLength(1);
    expect(log.rounds[0]?.nextInMs).toBe(0);
  });

  it('on a second stop, leaves the relay for the next run once the sweep in flight ends', async () => {
    const inner = memoryStore();
    const { engine: writer } = engineOn(inner);
    await issue(writer, 'pip-1');
    const held = gate();
    let sweeps = 0;
    const store: PipStore = Object.assign(Object.create(inner) as PipStore, {
      claimDueTimers: undefined,
      async dueTimers(now: string, limit: number) {
        sweeps += 1;
        await held.promise;
        return inner.dueTimers(now, limit);
      },
    });
    const { engine } = engineOn(store);
    const worker = createWorker({
      engine,
      deliver: () => undefined,
      timers: createManualTimers().timers,
    });
    const running = worker.run();
    await settle(() => sweeps === 1);
    void worker.stop();
    const forced = worker.stop();
    held.open();
    const totals = await forced;
    expect(await running).toEqual(totals);
    expect(totals).toMatchObject({ rounds: 1, delivered: 0 });
    expect((await inner.pendingOutbox(100)).length).toBeGreaterThan(0);
  });

  it('backs off, doubling up to its maximum, while rounds fail, and ignores wake-ups meanwhile', async () => {
    const inner = memoryStore();
    let failing = 4;
    const store: PipStore = Object.assign(Object.create(inner) as PipStore, {
      claimDueTimers: undefined,
      dueTimers(now: string, limit: number) {
        if (failing > 0) {
          failing -= 1;
          return Promise.reject(
            new StoreError('The database is restarting.', {
              retryable: true,
              reason: StoreErrorReasons.UNAVAILABLE,
            }),
          );
        }
        return inner.dueTimers(now, limit);
      },
    });
    const { engine, clock } = engineOn(store);
    const manual = createManualTimers();
    const log = roundLog();
    const worker = createWorker({
      engine,
      deliver: () => undefined,
      pollMs: 30_000,
      backoff: { initialMs: 1000, maxMs: 3000 },
      timers: manual.timers,
      clock,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => manual.pending().length === 1);
    expect(log.rounds[0]).toMatchObject({ cause: 'start', nextInMs: 1000 });
    expect(log.rounds[0]?.error?.code).toBe(StoreErrorReasons.UNAVAILABLE);
    expect(isPipkitError(log.rounds[0]?.error?.error, 'STORE_ERROR')).toBe(true);
    expect(log.rounds[0]?.at).toBe(clock.iso());

    worker.wake();
    await settle(() => true);
    expect(log.rounds).toHaveLength(1);
    for (const wait of [1000, 2000, 3000, 3000]) {
      expect(manual.pending()).toEqual([wait]);
      const before = log.rounds.length;
      manual.advance(wait);
      await settle(() => log.rounds.length > before && manual.pending().length === 1);
    }
    expect(log.rounds.map((round) => [round.cause, round.nextInMs])).toEqual([
      ['start', 1000],
      ['retry', 2000],
      ['retry', 3000],
      ['retry', 3000],
      ['retry', 30_000],
    ]);
    expect(log.rounds[4]?.error).toBeUndefined();
    const totals = await worker.stop();
    await running;
    expect(totals).toMatchObject({ rounds: 5, failedRounds: 4 });
  });

  it('refuses options out of range with INVALID_INPUT naming each field', () => {
    const { engine } = engineOn(memoryStore());
    let thrown: unknown;
    try {
      createWorker({
        engine,
        deliver: () => undefined,
        pollMs: 0,
        maxPerTenant: 20_000,
        backoff: { initialMs: 5000, maxMs: 1000 },
      });
    } catch (error) {
      thrown = error;
    }
    expect(isPipkitError(thrown, 'INVALID_INPUT')).toBe(true);
    const paths = (thrown as { issues: { path: unknown[] }[] }).issues.map((issue) =>
      issue.path.join('.'),
    );
    expect(paths).toEqual(['pollMs', 'maxPerTenant', 'backoff.maxMs']);
  });

  it('does not start when its signal is already aborted, and stops when it aborts', async () => {
    const { engine } = engineOn(memoryStore());
    const aborted = new AbortController();
    aborted.abort();
    const idle = createWorker({ engine, deliver: () => undefined, signal: aborted.signal });
    expect(await idle.run()).toMatchObject({ rounds: 0 });

    const controller = new AbortController();
    const manual = createManualTimers();
    const log = roundLog();
    const worker = createWorker({
      engine,
      deliver: () => undefined,
      signal: controller.signal,
      timers: manual.timers,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => log.rounds.length === 1);
    controller.abort();
    expect(await running).toMatchObject({ rounds: 1 });
    expect(manual.pending()).toEqual([]);
  });
});
