import { calendarBenches } from './calendarBench.js';
import { dispatchBenches } from './dispatchBench.js';
import { footprintBenches } from './footprintBench.js';
import { postgresGroupCommitBenches, sqliteGroupCommitBenches } from './groupCommitBench.js';
import type { BenchResult } from './harness.js';
import { postgresBenches } from './postgresBench.js';
import { postgresQueryBenches } from './postgresQueryBench.js';
import { postgresTickBenches } from './postgresTickBench.js';
import { queryBenches } from './queryBench.js';
import { scaleBenches, scaleOptions } from './scaleBench.js';
import { sqliteBenches } from './sqliteBench.js';
import { sweepBenches } from './sweepBench.js';
import { tickBenches } from './tickBench.js';

/**
 * `pnpm bench` prints a table; `pnpm bench -- --json` prints one JSON object on one line:
 * `{ "results": [{ "name", "opsPerSec", "baselineOpsPerSec", "ratio" }], "info": {...} }`.
 * `--cases sqlite,sweep,footprint` runs only the named groups (the file names without `Bench`:
 * dispatch, calendar, sqlite, query, postgres, groupCommit, tick, sweep, postgresTick,
 * postgresQuery, footprint); without it every group runs but `scale`.
 *
 * `scale` (cost as it grows: one SQLite file and one Postgres schema grown to 10,000, 100,000 and
 * 1,000,000 PIPs) runs only when named, `--cases scale`: it takes many minutes and gigabytes of
 * disk. `--scale-max 100000` (or `PIPKIT_BENCH_SCALE_MAX`) caps its sizes, `--scale-stores sqlite`
 * (or `PIPKIT_BENCH_SCALE_STORES`) picks its stores. Its ratios are each rate over the same
 * operation's rate at 10,000 PIPs, not over a raw dependency.
 */
const json = process.argv.includes('--json');
const casesAt = process.argv.indexOf('--cases');
const selected = casesAt >= 0 ? new Set((process.argv[casesAt + 1] ?? '').split(',')) : undefined;
const runs = (group: string) => selected === undefined || selected.has(group);
/** Groups too long for a plain run: only when named in `--cases`. */
const optedIn = (group: string) => selected?.has(group) === true;
const log = (line: string) => {
  if (!json) console.log(line);
};

log('pipkit bench: each case against the raw dependency doing the same work, in the same run\n');
const results: BenchResult[] = [];
const info: Record<string, number> = {};

if (runs('dispatch')) {
  const dispatch = await dispatchBenches();
  results.push(...dispatch.results);
  Object.assign(info, dispatch.info);
}
if (runs('calendar')) results.push(...(await calendarBenches()));
if (runs('sqlite')) {
  const sqlite = await sqliteBenches();
  results.push(...sqlite.results);
  Object.assign(info, sqlite.info);
}
if (runs('query')) {
  const queries = await queryBenches();
  results.push(...queries.results);
  Object.assign(info, queries.info);
}
if (runs('postgres')) {
  const postgres = await postgresBenches();
  results.push(...postgres.results);
  Object.assign(info, postgres.info);
}
if (runs('groupCommit')) {
  for (const group of [await sqliteGroupCommitBenches(), await postgresGroupCommitBenches()]) {
    results.push(...group.results);
    Object.assign(info, group.info);
  }
}
if (runs('tick')) {
  const tick = await tickBenches();
  results.push(...tick.results);
  Object.assign(info, tick.info);
}
if (runs('sweep')) {
  const sweep = await sweepBenches();
  results.push(...sweep.results);
  Object.assign(info, sweep.info);
}
if (runs('postgresTick')) {
  const postgresTick = await postgresTickBenches();
  results.push(...postgresTick.results);
  Object.assign(info, postgresTick.info);
}
if (runs('postgresQuery')) {
  const postgresQuery = await postgresQueryBenches();
  results.push(...postgresQuery.results);
  Object.assign(info, postgresQuery.info);
}
if (runs('footprint')) Object.assign(info, (await footprintBenches()).info);
if (optedIn('scale')) {
  const scale = await scaleBenches(scaleOptions(process.argv, process.env));
  results.push(...scale.results);
  Object.assign(info, scale.info);
}

if (json) {
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  console.log(
    JSON.stringify({
      results: results.map((result) => ({
        name: result.name,
        opsPerSec: round(result.opsPerSec, 0),
        baselineName: result.baselineName,
        baselineOpsPerSec: round(result.baselineOpsPerSec, 0),
        ratio: round(result.ratio, 3),
      })),
      info,
    }),
  );
} else {
  for (const result of results) {
    log(`${result.name}`);
    log(
      `  ${Math.round(result.opsPerSec).toLocaleString('en-US')} ops/s vs ${result.baselineName} ${Math.round(result.baselineOpsPerSec).toLocaleString('en-US')} ops/s: ratio ${result.ratio.toFixed(3)}`,
    );
  }
  log('');
  for (const [key, value] of Object.entries(info)) log(`${key}: ${value}`);
}
