/**
 * Cost as it grows (`--cases scale`, opt-in: it takes minutes and gigabytes). One database per
 * store is grown in steps to 10,000, 100,000 and 1,000,000 active PIPs, and at each step the
 * bench measures what must not depend on the number of PIPs: `engine.dispatch` of a check-in on
 * a PIP drawn uniformly from the whole population, the store call the sweep makes to read or
 * claim due timers when 1,000 deadlines are due, `engine.tick` firing them, and the bytes the
 * store takes per PIP. Each rate's ratio is against the same operation at the first size (10,000),
 * not against a raw dependency: 1.0 means no degradation. As each database grows, its planner
 * statistics are brought up to date whenever the population has doubled (`seedGrowing`), as
 * autovacuum would on a host's Postgres server.
 */
import { loadavg } from 'node:os';
import { type Actor, createEngine, type Engine } from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import { type BenchResult, median, timeRound } from './harness.js';
import {
  BULK_ACKNOWLEDGED,
  checkInDue,
  type Cohort,
  GROUP_ACKNOWLEDGED,
  managerOf,
  pipIdOf,
  cloneSeeder,
  engineSeeder,
  scalePolicy,
  type Seeder,
  type SeedFigures,
} from './scalePopulation.js';
import { postgresTarget, sqliteTarget, type Target } from './scaleTargets.js';

/** The sizes the database is grown to, in order; the first is every ratio's base. */
export const SCALE_SIZES = [10_000, 100_000, 1_000_000] as const;
/** Deadlines due at each measured instant. */
const DUE = 1000;
/** Due groups per step: the sweep and the claim are measured once on each, the median reported. */
const GROUPS_PER_STEP = 3;
/** The sweep's default round, the size of the claim it makes. */
const SWEEP_LIMIT = 500;
/** Timed claims per due group. */
const CLAIM_CALLS = 20;
/** Dispatch: rounds of at least this long after one warm-up round, the median round reported. */
const DISPATCH_ROUNDS = 5;
const DISPATCH_ROUND_MS = 1000;
/** Seeding: PIPs brought to `active` at once, and at most this many commits per transaction. */
const SEED_CONCURRENCY = 1000;
const SEED_MAX_BATCH = 500;
const HOUR_MS = 3_600_000;
const HR: Actor = { id: 'hr-1', role: 'hr' };

/** What to run: sizes up to `max`, on the named stores, seeded one way or the other. */
export interface ScaleOptions {
  readonly max: number;
  readonly stores: readonly ('sqlite' | 'postgres')[];
  readonly seed: 'clone' | 'engine';
}

/**
 * `--scale-max N` (or `PIPKIT_BENCH_SCALE_MAX`) caps the sizes; `--scale-stores sqlite,postgres`
 * (or `PIPKIT_BENCH_SCALE_STORES`) picks the stores; `--scale-seed engine` (or
 * `PIPKIT_BENCH_SCALE_SEED`) writes every PIP through the engine instead of cloning a template's
 * commits (see `scalePopulation.ts`). Both stores, every size, cloned, by default.
 */
export function scaleOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ScaleOptions {
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const maxText = flag('--scale-max') ?? env.PIPKIT_BENCH_SCALE_MAX;
  const max = maxText === undefined ? Number.POSITIVE_INFINITY : Number(maxText);
  if (!(max > 0))
    throw new Error(`scale bench: the size cap must be a positive number, not ${maxText}`);
  const storesText = flag('--scale-stores') ?? env.PIPKIT_BENCH_SCALE_STORES ?? 'sqlite,postgres';
  const stores = storesText.split(',').filter((name) => name !== '');
  for (const name of stores) {
    if (name !== 'sqlite' && name !== 'postgres') {
      throw new Error(`scale bench: unknown store "${name}" (sqlite or postgres)`);
    }
  }
  const seed = flag('--scale-seed') ?? env.PIPKIT_BENCH_SCALE_SEED ?? 'clone';
  if (seed !== 'clone' && seed !== 'engine') {
    throw new Error(`scale bench: unknown seeding "${seed}" (clone or engine)`);
  }
  return { max, stores: stores as ScaleOptions['stores'], seed };
}

/** One step's rates: dispatches, claims and fires per second. */
interface StepRates {
  readonly dispatch: number;
  readonly claim: number;
  readonly sweep: number;
}

/** Runs the group on each chosen store; a store that cannot be reached is skipped with a note. */
export async function scaleBenches(
  options: ScaleOptions,
): Promise<{ results: BenchResult[]; info: Record<string, number> }> {
  const sizes = SCALE_SIZES.filter((size) => size <= options.max);
  const results: BenchResult[] = [];
  const info: Record<string, number> = {};
  if (sizes.length === 0) {
    console.error(`scale bench skipped: no size up to ${options.max}`);
    return { results, info };
  }
  for (const name of options.stores) {
    const target = name === 'sqlite' ? sqliteTarget() : await postgresTarget();
    if (!target) continue;
    try {
      const seed =
        options.seed === 'engine'
          ? engineSeeder(target.store, SEED_CONCURRENCY, SEED_MAX_BATCH)
          : cloneSeeder(target.store);
      const rates = await growAndMeasure(target, seed, sizes, info);
      results.push(...ratiosOf(name, sizes, rates));
    } finally {
      await target.close();
    }
  }
  return { results, info };
}

/** Each measure's rate at each size over its rate at the first size. */
function ratiosOf(store: string, sizes: readonly number[], rates: StepRates[]): BenchResult[] {
  const first = rates[0] as StepRates;
  const labels: Record<keyof StepRates, string> = {
    dispatch: 'dispatch RECORD_CHECK_IN',
    claim: `due-timer claim (${SWEEP_LIMIT} of ${DUE} due)`,
    sweep: `sweep fires (${DUE} due)`,
  };
  return (Object.keys(labels) as (keyof StepRates)[]).flatMap((measure) =>
    rates.map((rate, step) => ({
      name: `scale ${store} ${labels[measure]} @${sizes[step]} PIPs`,
      opsPerSec: rate[measure],
      baselineName: `the same at ${sizes[0]} PIPs`,
      baselineOpsPerSec: first[measure],
      ratio: rate[measure] / first[measure],
    })),
  );
}

/** Grows `target`'s database through `sizes`, measuring at each; returns each step's rates. */
async function growAndMeasure(
  target: Target,
  seed: Seeder,
  sizes: readonly number[],
  info: Record<string, number>,
): Promise<StepRates[]> {
  const clock = createTestClock(BULK_ACKNOWLEDGED);
  // The measuring engine: no group commit, the default record cache, one caller.
  const engine = createEngine({ store: target.store, policies: [scalePolicy], clock });
  const rates: StepRates[] = [];
  let seeded = 0;
  for (const [step, size] of sizes.entries()) {
    const key = (measure: string) => `scale.${target.name}.${measure}.${size}`;
    // This step's due groups, then the rest of the population up to `size`.
    const groups: Cohort[] = Array.from({ length: GROUPS_PER_STEP }, (_, group) => ({
      from: seeded + group * DUE,
      to: seeded + (group + 1) * DUE,
      acknowledgedAt: GROUP_ACKNOWLEDGED[step * GROUPS_PER_STEP + group] as string,
    }));
    const bulk = {
      from: seeded + GROUPS_PER_STEP * DUE,
      to: size,
      acknowledgedAt: BULK_ACKNOWLEDGED,
    };
    if (bulk.to <= bulk.from || groups.some((group) => !group.acknowledgedAt)) {
      throw new Error(`scale bench: ${size} PIPs is too few or too many steps for its due groups`);
    }
    const seedStart = performance.now();
    for (const group of groups) await seedGrowing(seed, target, group);
    const bulkSeed = await seedGrowing(seed, target, bulk);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    info[key('seed') + '.seconds'] = round(seedSeconds, 1);
    info[key('seed') + '.pipsPerSec'] = Math.round((size - seeded) / seedSeconds);
    info[key('seed') + '.commandsPerTransaction'] = round(bulkSeed.commandsPerTransaction, 1);
    seeded = size;
    await verifySamples(engine, [...groups, bulk]);
    // Progress on stderr (the JSON stays alone on stdout): a step at 1,000,000 takes minutes.
    console.error(
      `scale ${target.name}: ${size} PIPs seeded, ${info[key('seed') + '.pipsPerSec']} PIPs/s, ` +
        `${info[key('seed') + '.commandsPerTransaction']} commands per transaction`,
    );
    // The load as the measuring starts (seeding a step can take many minutes).
    info[`scale.${target.name}.loadAverage1m.${size}`] = round(loadavg()[0] as number, 2);
    info[`scale.${target.name}.bytesPerPip.${size}`] = Math.round((await target.bytes()) / size);

    const laterThanAll = await checkInDue(target.store, bulk.from);
    const claims: number[] = [];
    const fires: number[] = [];
    let instant = '';
    for (const group of groups) {
      instant = new Date(
        Date.parse(await checkInDue(target.store, group.from)) + HOUR_MS,
      ).toISOString();
      if (instant >= laterThanAll)
        throw new Error('scale bench: a due group is not before the rest');
      claims.push(...(await timeClaims(target, instant)));
      fires.push(await timeSweep(engine, group, instant));
    }
    const claimMs = median(claims);
    info[key('claim') + '.msPerCall'] = round(claimMs, 3);
    info[key('claim') + '.usPerTimer'] = round((claimMs * 1000) / SWEEP_LIMIT, 2);
    const sweep = median(fires);
    info[key('sweep') + '.firesPerSec'] = Math.round(sweep);

    clock.set(instant);
    const dispatch = await timeDispatch(engine, size);
    info[key('dispatch') + '.opsPerSec'] = Math.round(dispatch);
    rates.push({ dispatch, claim: 1000 / claimMs, sweep });
    // The step's figures on stderr as they come, so a run stopped at a later size keeps them.
    const figures = Object.entries(info).filter(
      ([name]) => name.endsWith(`.${size}`) || name.includes(`.${size}.`),
    );
    console.error(`scale ${target.name} step ${JSON.stringify(Object.fromEntries(figures))}`);
  }
  return rates;
}

/** The first slice {@link seedGrowing} seeds on an empty database. */
const FIRST_SLICE = 100;

/**
 * Seeds `cohort` (PIPs `from` to `to`, PIPs before `from` already written) in slices of at most
 * as many PIPs as the database holds when the slice starts (at least {@link FIRST_SLICE}), and
 * has `target` bring the planner's statistics up to date after each: the population at most
 * doubles between two, as autovacuum would keep them on a host's server (see `analyze` in
 * `scaleTargets.ts`). The figures are the whole cohort's, the statistics' time included.
 */
async function seedGrowing(seed: Seeder, target: Target, cohort: Cohort): Promise<SeedFigures> {
  let pips = 0;
  let ms = 0;
  let weight = 0;
  for (let from = cohort.from; from < cohort.to;) {
    const to = Math.min(cohort.to, from + Math.max(from, FIRST_SLICE));
    const start = performance.now();
    const slice = await seed.seed({ ...cohort, from, to });
    await target.analyze();
    ms += performance.now() - start;
    pips += slice.pips;
    // Every PIP takes the same number of commands: a slice's transactions are in proportion
    // to its PIPs over its commands per transaction, and the cohort's mean is PIPs over that sum.
    weight += slice.pips / slice.commandsPerTransaction;
    from = to;
  }
  return { pips, ms, commandsPerTransaction: pips / weight };
}

/** `engine.verify` on the first and last PIP of each cohort: the chain and the replay hold. */
async function verifySamples(engine: Engine, cohorts: readonly Cohort[]): Promise<void> {
  for (const { from, to } of cohorts) {
    for (const index of [from, to - 1]) {
      const verification = await engine.verify(pipIdOf(index), { actor: HR });
      if (!verification.ok) throw new Error(`scale bench: ${pipIdOf(index)} does not verify`);
    }
  }
}

/** The sweep's first store call at `instant`, `CLAIM_CALLS` times: milliseconds per call. */
async function timeClaims(target: Target, instant: string): Promise<number[]> {
  const ms: number[] = [];
  for (let call = 0; call < CLAIM_CALLS; call += 1) {
    const start = performance.now();
    const rows = await target.claim(instant, SWEEP_LIMIT);
    ms.push(performance.now() - start);
    if (rows !== SWEEP_LIMIT) {
      throw new Error(`scale bench: the claim read ${rows} timers, not ${SWEEP_LIMIT}`);
    }
  }
  return ms;
}

/**
 * `engine.tick` at `instant`, which must fire exactly the group's first check-ins, one each, and
 * nothing else (else the bench throws, so a broken run prints no figure): fires per second.
 */
async function timeSweep(engine: Engine, group: Cohort, instant: string): Promise<number> {
  const start = performance.now();
  const result = await engine.tick(instant, { limit: SWEEP_LIMIT });
  const seconds = (performance.now() - start) / 1000;
  const expected = new Set(
    Array.from({ length: group.to - group.from }, (_, offset) => pipIdOf(group.from + offset)),
  );
  const strays = result.fired.filter(
    (fire) => !expected.delete(fire.pipId) || fire.deadlineId !== 'checkIn:1',
  );
  if (
    result.fired.length !== DUE ||
    strays.length > 0 ||
    expected.size > 0 ||
    result.skipped.length > 0 ||
    result.faults.length > 0
  ) {
    throw new Error(
      `scale bench: the tick at ${instant} fired ${result.fired.length} (${strays.length} not due), ` +
        `skipped ${result.skipped.length}, faulted ${result.faults.length}; expected ${DUE}`,
    );
  }
  return DUE / seconds;
}

/** `RECORD_CHECK_IN` by each PIP's manager on PIPs drawn uniformly from all `size`: per second. */
async function timeDispatch(engine: Engine, size: number): Promise<number> {
  const random = xorshift(size);
  const operation = async () => {
    for (let n = 0; n < 10; n += 1) {
      const index = Math.floor(random() * size);
      await engine.dispatch(
        pipIdOf(index),
        { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
        { actor: managerOf(index) },
      );
    }
    return 10;
  };
  await timeRound(operation, 300);
  const rounds: number[] = [];
  for (let round = 0; round < DISPATCH_ROUNDS; round += 1) {
    rounds.push(await timeRound(operation, DISPATCH_ROUND_MS));
  }
  return median(rounds);
}

/** A seeded xorshift32 in [0, 1), so each run draws the same PIPs. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
