/**
 * A small, honest benchmark harness: each case runs in rounds that alternate with its baseline,
 * so both see the same machine state (JIT, GC, the other core's load). The rates reported are each
 * side's median round; the ratio is the median of the paired rounds' ratios (each subject round over
 * the baseline round just before it), so a slow spell that hits one pair moves one ratio, not both
 * medians apart. Time is read only here, never in tests.
 */

/** One measured case against its baseline, as `pnpm bench -- --json` prints it. */
export interface BenchResult {
  readonly name: string;
  readonly opsPerSec: number;
  readonly baselineName: string;
  readonly baselineOpsPerSec: number;
  /**
   * The median over rounds of subject rate / baseline rate, each pair measured back to back: above 1
   * is faster than the raw dependency.
   */
  readonly ratio: number;
}

/** An operation to time: it runs `batch` units of work per call and returns how many it did. */
export type Operation = () => number | Promise<number>;

/** Runs `operation` for at least `minMs` and returns its units of work per second. */
export async function timeRound(operation: Operation, minMs: number): Promise<number> {
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  const min = BigInt(minMs) * 1_000_000n;
  while (elapsedNs < min) {
    ops += await operation();
    elapsedNs = process.hrtime.bigint() - start;
  }
  return (ops * 1e9) / Number(elapsedNs);
}

/** The middle value (the upper middle for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The 50th and 99th percentile of one call's latency, in milliseconds (3 decimals). */
export interface Latency {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Calls `operation` `calls` times, one after another, and returns the p50 and p99 of their
 * latencies (nearest rank on the sorted latencies).
 */
export async function latencyOf(
  operation: () => Promise<unknown>,
  calls: number,
): Promise<Latency> {
  const latencies: number[] = [];
  for (let index = 0; index < calls; index += 1) {
    const start = process.hrtime.bigint();
    await operation();
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => {
    const rank = Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length));
    return Number((latencies[rank] as number).toFixed(3));
  };
  return { p50Ms: percentile(50), p99Ms: percentile(99) };
}

/** How {@link compare} measures: rounds, their length, and how long each side warms up first. */
export interface CompareOptions {
  /** Measured rounds per side; default 7. */
  readonly rounds?: number;
  /** Each round's minimum length; default 300 ms. */
  readonly roundMs?: number;
  /**
   * How long each side runs, unmeasured, before the first round; default one round. A case whose
   * few operations per round leave the engine's code unoptimized (a command that costs a
   * Postgres round trip) warms for longer, so that it measures the steady state of a process that
   * runs for hours, not V8 compiling the code.
   */
  readonly warmupMs?: number;
}

/** Measures `subject` and `baseline` in alternating rounds (after a warm-up of each). */
export async function compare(
  name: string,
  subject: Operation,
  baselineName: string,
  baseline: Operation,
  options: CompareOptions = {},
): Promise<BenchResult> {
  const rounds = options.rounds ?? 7;
  const roundMs = options.roundMs ?? 300;
  const warmupMs = options.warmupMs ?? roundMs;
  await timeRound(baseline, warmupMs);
  await timeRound(subject, warmupMs);
  const subjectRates: number[] = [];
  const baselineRates: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    baselineRates.push(await timeRound(baseline, roundMs));
    subjectRates.push(await timeRound(subject, roundMs));
  }
  const opsPerSec = median(subjectRates);
  const baselineOpsPerSec = median(baselineRates);
  const ratio = median(subjectRates.map((rate, round) => rate / (baselineRates[round] as number)));
  return { name, opsPerSec, baselineName, baselineOpsPerSec, ratio };
}

/**
 * Wraps the named methods of `target` in place, and returns the milliseconds each has spent so
 * far, counted from its call until its promise settles: where a measured operation's time goes
 * among the store calls it makes. The wrapper costs two clock reads per call, so it belongs on
 * calls made once per round or batch, not once per item.
 */
export function timeCalls<Name extends string>(
  target: Partial<Record<Name, unknown>>,
  names: readonly Name[],
): Record<Name, number> {
  const spent = Object.fromEntries(names.map((name) => [name, 0])) as Record<Name, number>;
  for (const name of names) {
    const method = target[name];
    if (typeof method !== 'function') continue;
    target[name] = async (...args: unknown[]) => {
      const start = performance.now();
      try {
        return await (method as (...a: unknown[]) => unknown).apply(target, args);
      } finally {
        spent[name] += performance.now() - start;
      }
    };
  }
  return spent;
}

/** What one call of an operation costs this process, from {@link cpuPerCall}. */
export interface CallCost {
  /** This process's CPU time (user and system) per call, µs: the driver's and the caller's. */
  readonly cpuUs: number;
  /** Wall time per call, µs: the CPU above, plus waiting for the server and the wire. */
  readonly wallUs: number;
}

/**
 * Runs `operation` `calls` times one after another and returns its cost per call in this
 * process's CPU and in wall time (`process.cpuUsage`, `performance.now`). Against a server on the
 * same machine, the difference between two sides' `cpuUs` is the client-side work one does and
 * the other does not, and the rest of `wallUs` is the server and the wire.
 */
export async function cpuPerCall(
  operation: () => Promise<unknown>,
  calls: number,
): Promise<CallCost> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let call = 0; call < calls; call += 1) await operation();
  const wallMs = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  return { cpuUs: (user + system) / calls, wallUs: (wallMs * 1000) / calls };
}
