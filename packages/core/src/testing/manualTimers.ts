import type { WorkerTimers } from '@pipkit/core';

/** Timers a test moves by hand, for a worker's `timers` option: nothing fires until `advance`. */
export interface ManualTimers {
  /** What to pass as the worker's `timers`. */
  readonly timers: WorkerTimers;
  /** The delays (ms from now) of the callbacks still pending, soonest first. */
  pending(): number[];
  /** Moves time forward by `ms` and runs, in order, every callback due by then. */
  advance(ms: number): void;
}

/**
 * Creates {@link ManualTimers}: a test runs a worker's polls, backoffs and waits forward without
 * sleeping.
 *
 * @example
 * ```ts
 * const manual = createManualTimers();
 * const worker = createWorker({ engine, deliver, timers: manual.timers, pollMs: 60_000 });
 * void worker.run();
 * manual.advance(60_000); // the poll: the next round starts
 * ```
 */
export function createManualTimers(): ManualTimers {
  let now = 0;
  let nextId = 0;
  const waiting = new Map<number, { at: number; callback: () => void }>();
  return {
    timers: {
      setTimeout(callback, ms) {
        nextId += 1;
        waiting.set(nextId, { at: now + Math.max(0, ms), callback });
        return nextId;
      },
      clearTimeout(handle) {
        waiting.delete(handle as number);
      },
    },
    pending: () => [...waiting.values()].map((entry) => entry.at - now).sort((a, b) => a - b),
    advance(ms) {
      now += ms;
      const due = [...waiting.entries()]
        .filter(([, entry]) => entry.at <= now)
        .sort(([a, x], [b, y]) => x.at - y.at || a - b);
      for (const [id, entry] of due) {
        waiting.delete(id);
        entry.callback();
      }
    },
  };
}
