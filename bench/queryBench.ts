import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine, defaultPolicy, type PipRecord } from '@pipkit/core';
import { mean, type StoreQuery, type StoreReport } from '@pipkit/core/adapter';
import { sqliteStore } from '@pipkit/sqlite';
import { type BenchResult, compare } from './harness.js';
import { buildTemplates, copyCommit, shifted, TEMPLATE_KINDS } from './queryTemplates.js';

const PIPS = 100_000;
const MANAGERS = 1_000;
const WEEKS = 52;
const BATCH = 5_000;
/** Per hundred plans: how many of each kind (10 overdue, 50 active, 40 with an outcome). */
const MIX = { overdue: 10, active: 50, passed: 15, terminated: 10, resigned: 10, transferred: 5 };
const OPTIONS = { rounds: 7, roundMs: 200 };

/** The hand-written queue query, as a host would write it on the same indexes. */
const RAW_QUEUE = `SELECT pip_id, record, next_due_at FROM pipkit_pips
  WHERE manager_id = ? AND overdue_since IS NOT NULL
  ORDER BY next_due_at IS NULL, next_due_at, pip_id LIMIT 50`;
const RAW_OUTCOMES = `SELECT substr(outcome_on, 1, 7) AS month, policy_id AS policyId,
  outcome_status AS status, coalesce(outcome_reason, '') AS reason, count(*) AS count
  FROM pipkit_pips WHERE outcome_on IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
const RAW_TIME_TO_OUTCOME = `SELECT policy_id AS policyId, outcome_status AS status,
    CAST(round(julianday(outcome_on) - julianday(issued_on)) AS INTEGER) AS days, count(*) AS plans
  FROM pipkit_pips WHERE outcome_on IS NOT NULL AND issued_on IS NOT NULL
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

/** The hand-written nearest-rank p50 and p90 and mean of each group of the histogram. */
function rawPercentiles(
  rows: readonly { policyId: string; status: string; days: number; plans: number }[],
) {
  const groups = new Map<string, { days: number; plans: number }[]>();
  for (const row of rows) {
    const key = `${row.policyId}\u0000${row.status}`;
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => {
    const count = group.reduce((total, row) => total + row.plans, 0);
    const sum = group.reduce((total, row) => total + row.days * row.plans, 0);
    const at = (p: number) => {
      let seen = 0;
      for (const row of group)
        if ((seen += row.plans) >= Math.max(1, Math.ceil(p * count))) return row.days;
      return 0;
    };
    return { count, meanDays: mean(sum, count), p50: at(0.5), p90: at(0.9) };
  });
}

/** The kind of plan `index` is, following {@link MIX}. */
function kindOf(index: number): (typeof TEMPLATE_KINDS)[number] {
  let slot = index % 100;
  for (const kind of TEMPLATE_KINDS) {
    if (slot < MIX[kind]) return kind;
    slot -= MIX[kind];
  }
  return 'active';
}

/** Writes {@link PIPS} plans through the store's batch commit; returns the seconds it took. */
async function build(store: ReturnType<typeof sqliteStore>): Promise<number> {
  const started = performance.now();
  const templates = await buildTemplates();
  const variants = TEMPLATE_KINDS.map((kind) =>
    Array.from({ length: WEEKS }, (_, week) => ({
      record: shifted(templates[kind].record, 7 * week),
      created: templates[kind].created,
    })),
  );
  for (let from = 0; from < PIPS; from += BATCH) {
    const requests = [];
    for (let index = from; index < Math.min(from + BATCH, PIPS); index += 1) {
      const kind = TEMPLATE_KINDS.indexOf(kindOf(index));
      const variant = variants[kind]?.[Math.floor(index / 7) % WEEKS];
      if (!variant) throw new Error('every kind has its weeks');
      const pipId = `pip-${String(index).padStart(6, '0')}`;
      // Each manager has 100 consecutive plans: every kind, in MIX's proportions.
      const managerId = `mgr-${Math.floor(index / 100) % MANAGERS}`;
      requests.push(copyCommit(variant, pipId, `emp-${index}`, managerId));
    }
    const failures = (await store.commitMany?.(requests))?.filter(Boolean) ?? [];
    if (failures.length > 0) throw failures[0] as Error;
  }
  return (performance.now() - started) / 1000;
}

/**
 * Queries and reports over 100,000 plans on one SQLite file, each against the same SQL written
 * by hand with better-sqlite3 on the same indexes in the same run: one manager's overdue queue
 * by next deadline (first page of 50) through `store.queryPips` and through `engine.query`
 * (validation, cursor and authorization of every row included), and the outcomesByMonth and
 * timeToOutcome reports through `store.reportPips`. The raw queue parses each record too, since
 * a page of plans is what both return.
 */
export async function queryBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const directory = mkdtempSync(join(tmpdir(), 'pipkit-query-bench-'));
  try {
    const store = sqliteStore({ path: join(directory, 'queries.db'), synchronous: 'NORMAL' });
    const buildSeconds = await build(store);
    store.database.exec('ANALYZE');
    const engine = createEngine({ store, policies: [defaultPolicy] });
    const raw = store.database;
    const rawQueue = raw.prepare(RAW_QUEUE);
    let turn = 0;
    const manager = () => `mgr-${(turn++ * 7) % MANAGERS}`;
    const queue = (managerId: string): StoreQuery => ({
      filter: { overdue: true },
      scope: { managerIds: [managerId] },
      sort: 'nextDeadline',
      limit: 50,
    });
    const rawPage = () => {
      const rows = rawQueue.all(manager()) as { record: string }[];
      return rows.map((row) => JSON.parse(row.record) as PipRecord).length > 0 ? 1 : 1;
    };
    const sample = await store.queryPips?.(queue('mgr-0'));
    const results: BenchResult[] = [];
    results.push(
      await compare(
        'sqlite query: a manager overdue queue, page of 50 (store.queryPips)',
        async () => ((await store.queryPips?.(queue(manager()))) ? 1 : 1),
        'raw better-sqlite3 (same SQL, JSON.parse)',
        rawPage,
        OPTIONS,
      ),
    );
    results.push(
      await compare(
        'sqlite query: a manager overdue queue, page of 50 (engine.query)',
        async () => {
          const actor = { id: manager(), role: 'manager' as const };
          await engine.query({ overdue: true, sort: 'nextDeadline', limit: 50 }, { actor });
          return 1;
        },
        'raw better-sqlite3 (same SQL, JSON.parse)',
        rawPage,
        OPTIONS,
      ),
    );
    const rawOutcomes = raw.prepare(RAW_OUTCOMES);
    const all = (name: 'outcomesByMonth' | 'timeToOutcome'): StoreReport => ({
      report: { name },
      filter: {},
      scope: 'all',
    });
    results.push(
      await compare(
        'sqlite report: outcomesByMonth over 100,000 plans (store.reportPips)',
        async () => ((await store.reportPips?.(all('outcomesByMonth'))) ? 1 : 1),
        'raw better-sqlite3 GROUP BY',
        () => (rawOutcomes.all().length > 0 ? 1 : 1),
        OPTIONS,
      ),
    );
    const rawTime = raw.prepare(RAW_TIME_TO_OUTCOME);
    results.push(
      await compare(
        'sqlite report: timeToOutcome over 100,000 plans (store.reportPips)',
        async () => ((await store.reportPips?.(all('timeToOutcome'))) ? 1 : 1),
        'raw better-sqlite3 GROUP BY days, percentiles in JS',
        () =>
          rawPercentiles(rawTime.all() as Parameters<typeof rawPercentiles>[0]).length > 0 ? 1 : 1,
        OPTIONS,
      ),
    );
    const outcomes = await store.reportPips?.(all('outcomesByMonth'));
    await store.close();
    return {
      results,
      info: {
        'sqlite query bench: plans': PIPS,
        'sqlite query bench: build seconds': Number(buildSeconds.toFixed(1)),
        'sqlite query bench: overdue queue rows (mgr-0)': sample?.length ?? 0,
        'sqlite query bench: outcomesByMonth rows': outcomes?.length ?? 0,
      },
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

// Run alone: node --conditions=@pipkit/source --import tsx bench/queryBench.ts
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const { results, info } = await queryBenches();
  for (const result of results) {
    console.log(result.name);
    console.log(
      `  ${Math.round(result.opsPerSec).toLocaleString('en-US')} ops/s vs ${result.baselineName} ${Math.round(result.baselineOpsPerSec).toLocaleString('en-US')} ops/s: ratio ${result.ratio.toFixed(3)}`,
    );
  }
  for (const [key, value] of Object.entries(info)) console.log(`${key}: ${value}`);
  console.log(`total seconds: ${((performance.now() - started) / 1000).toFixed(1)}`);
}
