/**
 * The worker: rounds of the timer sweep and the outbox relay in a loop, at once while there is
 * work, after `pollMs` when there is none, sooner when a wake-up comes, later (backing off) when a
 * round fails; stopped gracefully, never in the middle of a claimed fire.
 */
import { z } from 'zod';
import { systemClock } from '../engine/engineApi.js';
import { parseInput } from '../errors/zodIssues.js';
import { type RoundReport, runRound } from './workerRound.js';
import type {
  Worker,
  WorkerOptions,
  WorkerRound,
  WorkerRoundCause,
  WorkerTimers,
  WorkerTotals,
} from './workerApi.js';

const isFunction = (value: unknown) => typeof value === 'function';
const hasMethods =
  (...names: string[]) =>
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
const wholeMs = (max: number) => z.number().int().positive().max(max);

const workerOptionsSchema = z
  .object({
    engine: z.custom<WorkerOptions['engine']>(hasMethods('tick', 'relay'), {
      message: 'engine must be an engine from createEngine',
    }),
    deliver: z.custom<WorkerOptions['deliver']>(isFunction, {
      message: 'deliver must be a function',
    }),
    tenants: z
      .custom<NonNullable<WorkerOptions['tenants']>>(
        (value) => Array.isArray(value) || isFunction(value),
        { message: 'tenants must be an array of tenant ids or a function returning one' },
      )
      .optional(),
    pollMs: wholeMs(86_400_000).optional(),
    maxPerTenant: wholeMs(10_000).optional(),
    leaseMs: wholeMs(86_400_000).optional(),
    wakeups: z
      .custom<NonNullable<WorkerOptions['wakeups']>>(hasMethods('subscribe'), {
        message: 'wakeups must have a subscribe function',
      })
      .optional(),
    clock: z
      .custom<NonNullable<WorkerOptions['clock']>>(hasMethods('now'), {
        message: 'clock must have a now function',
      })
      .optional(),
    timers: z
      .custom<WorkerTimers>(hasMethods('setTimeout', 'clearTimeout'), {
        message: 'timers must have setTimeout and clearTimeout functions',
      })
      .optional(),
    backoff: z
      .object({ initialMs: wholeMs(3_600_000).optional(), maxMs: wholeMs(3_600_000).optional() })
      .strict()
      .refine((value) => (value.maxMs ?? 60_000) >= (value.initialMs ?? 1000), {
        message: 'backoff.maxMs must be at least backoff.initialMs',
        path: ['maxMs'],
      })
      .optional(),
    signal: z
      .custom<AbortSignal>((value) => value instanceof AbortSignal, {
        message: 'signal must be an AbortSignal',
      })
      .optional(),
    onRound: z
      .custom<NonNullable<WorkerOptions['onRound']>>(isFunction, {
        message: 'onRound must be a function',
      })
      .optional(),
  })
  .strict();

const globalTimers: WorkerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A worker over `engine`: each round fires the due deadlines and relays the outbox, at most
 * `maxPerTenant` of each per tenant, every tenant taking one turn per round. Nothing runs until
 * `run()`. Throws `INVALID_INPUT` for options out of range.
 *
 * @example
 * ```ts
 * const worker = createWorker({
 *   engine,
 *   deliver: (message) => mailer.send(message),
 *   wakeups: store.wakeups,
 *   pollMs: 30_000,
 *   signal: controller.signal,
 * });
 * const totals = await worker.run(); // until controller.abort() and the round in flight ends
 * ```
 */
export function createWorker(rawOptions: WorkerOptions): Worker {
  const options = parseInput(workerOptionsSchema, rawOptions, 'worker options');
  const timers = options.timers ?? globalTimers;
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 30_000;
  const initialMs = options.backoff?.initialMs ?? 1000;
  const maxMs = options.backoff?.maxMs ?? 60_000;
  const settings = {
    engine: options.engine,
    deliver: options.deliver,
    tenants: options.tenants,
    maxPerTenant: options.maxPerTenant ?? 100,
    leaseMs: options.leaseMs,
  };
  const totals = { rounds: 0, fired: 0, delivered: 0, deadLettered: 0, failedRounds: 0 };
  let stops = 0;
  let running = false;
  let woken = false;
  let waiting: { handle: unknown; resolve: () => void; wakeable: boolean } | undefined;
  let done: Promise<WorkerTotals> | undefined;

  const endWait = (): void => {
    if (!waiting) return;
    const { handle, resolve } = waiting;
    waiting = undefined;
    timers.clearTimeout(handle);
    resolve();
  };
  const wait = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      const handle = timers.setTimeout(() => {
        waiting = undefined;
        resolve();
      }, ms);
      waiting = { handle, resolve, wakeable };
    });
  const wake = (): void => {
    if (!running) return;
    woken = true;
    if (waiting?.wakeable) endWait();
  };
  const stop = (): Promise<WorkerTotals> => {
    stops += 1;
    endWait();
    return done ?? Promise.resolve({ ...totals });
  };

  /** The wait after a round and the cause of the next one. */
  const next = (report: RoundReport, failures: number): [number, WorkerRoundCause] => {
    if (report.error)
      return [Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30)), 'retry'];
    if (report.busy) return [0, 'busy'];
    if (woken) return [0, 'wakeup'];
    return [pollMs, 'poll'];
  };

  const emit = (round: WorkerRound): void => {
    try {
      options.onRound?.(round);
    } catch {
      // A listener's failure is its own: the worker goes on.
    }
  };

  const loop = async (): Promise<WorkerTotals> => {
    let cause: WorkerRoundCause = 'start';
    let failures = 0;
    // Listening before the first round reads, so no commit falls between the two. A source that
    // cannot listen yet keeps trying on its own; the worker polls meanwhile.
    await options.wakeups?.ready?.().catch(() => undefined);
    while (stops === 0) {
      woken = false;
      const report = await runRound(
        settings,
        totals.rounds,
        () => stops > 1,
        () => clock.now().toISOString(),
      );
      totals.rounds += 1;
      totals.fired += report.fired;
      totals.delivered += report.delivered;
      totals.deadLettered += report.deadLettered;
      failures = report.error ? failures + 1 : 0;
      if (report.error) totals.failedRounds += 1;
      const [nextInMs, nextCause] = next(report, failures);
      const { busy: _busy, ...reported } = report;
      emit({ ...reported, round: totals.rounds, cause, nextInMs: stops > 0 ? 0 : nextInMs });
      if (stops > 0) break;
      cause = nextCause;
      // One turn of the event loop between rounds, even busy ones: a store that answers without
      // I/O (memory, SQLite) must not keep signals and requests waiting until the work is done.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stops > 0) break;
      const wakeable = nextCause !== 'retry';
      // A wake-up that came during the round or that turn starts the next round now.
      if (nextInMs > 0 && !(wakeable && woken)) await wait(nextInMs, wakeable);
      if (wakeable && woken && cause !== 'busy') cause = 'wakeup';
    }
    return { ...totals };
  };

  const run = (): Promise<WorkerTotals> => {
    if (done) return done;
    running = true;
    const unsubscribe = options.wakeups?.subscribe(() => wake());
    const onAbort = () => void stop();
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) stops += 1;
    done = loop().finally(() => {
      running = false;
      unsubscribe?.();
      options.signal?.removeEventListener('abort', onAbort);
    });
    return done;
  };

  return {
    run,
    stop,
    wake,
    get running() {
      return running;
    },
  };
}
