import { randomBytes } from 'node:crypto';
import { type Actor, createEngine, defaultPolicy, type Engine, type PipStore } from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import { postgresStore } from '@pipkit/postgres';
import pg from 'pg';
import { type BenchResult, compare } from './harness.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PIPS = 100_000;
const MANAGERS = 1_000;
const TENANT = 'default';
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };

/**
 * Template PIPs made by a real engine: `tpl-0` with its acknowledgement overdue, `tpl-1` active,
 * and `tpl-2` to `tpl-7` closed (the employee resigned) in six different months.
 */
async function templates(store: PipStore): Promise<Engine> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  let nextId = '';
  const engine = createEngine({ store, policies: [defaultPolicy], clock, ids: () => nextId });
  const manager: Actor = { id: 'mgr-tpl', role: 'manager' };
  for (let i = 0; i < 8; i++) {
    clock.set('2026-03-02T15:00:00Z');
    nextId = `tpl-${i}`;
    await engine.open(
      {
        employee: { id: `emp-tpl-${i}`, timeZone: 'America/New_York' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
        documents: [plan],
      },
      { actor: manager },
    );
    await engine.dispatch(nextId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch(nextId, { type: 'APPROVE' }, { actor: hr });
    if (i === 0) continue;
    clock.set('2026-03-03T15:00:00Z');
    const employee: Actor = { id: `emp-tpl-${i}`, role: 'employee' };
    await engine.dispatch(
      nextId,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: employee },
    );
    if (i === 1) continue;
    clock.set(new Date(Date.UTC(2026, 2 + (i - 2), 10 + i, 15)).toISOString());
    await engine.dispatch(nextId, { type: 'CLOSE', reason: 'resigned' }, { actor: hr });
  }
  clock.set('2026-03-11T15:00:00Z');
  await engine.tick();
  return engine;
}

/**
 * 100,000 rows cloned from the templates in one INSERT ... SELECT, as the store writes them:
 * the record text with its ids replaced, the template's query columns, managers `mgr-0` to
 * `mgr-999` with 100 PIPs each: 60 overdue, 20 active, 20 closed. Events and timers are not cloned: queries and
 * reports read only `pipkit_pips`.
 */
async function cloneRows(pool: pg.Pool, s: string): Promise<void> {
  const columns = `state, version, updated_at, policy_id, policy_version, created_at, issued_at,
    issued_on, state_since, next_due_at, next_kind, overdue_since, overdue_kind, outcome_status,
    outcome_reason, outcome_at, outcome_on, plan_start, plan_end, extensions, paused_days`;
  await pool.query(
    `INSERT INTO ${s}.pipkit_pips (tenant_id, pip_id, employee_id, manager_id, record, ${columns})
     SELECT t.tenant_id, g.pip_id, 'emp-' || g.i, 'mgr-' || (g.i % ${MANAGERS}),
            replace(replace(replace(t.record, '"' || t.pip_id || '"', '"' || g.pip_id || '"'),
                            '"emp-' || t.pip_id || '"', '"emp-' || g.i || '"'),
                    '"mgr-tpl"', '"mgr-' || (g.i % ${MANAGERS}) || '"'),
            ${columns.replace(/(\w+)/g, 't.$1')}
       FROM (SELECT i, 'b-' || lpad(i::text, 6, '0') AS pip_id,
                    'tpl-' || CASE WHEN (i / ${MANAGERS}) % 10 < 6 THEN 0
                                   WHEN (i / ${MANAGERS}) % 10 < 8 THEN 1
                                   ELSE 2 + i % 6 END AS template
               FROM generate_series(0, ${PIPS - 1}) AS i) g
       JOIN ${s}.pipkit_pips t ON t.tenant_id = $1 AND t.pip_id = g.template`,
    [TENANT],
  );
  await pool.query(`ANALYZE ${s}.pipkit_pips`);
}

/**
 * Queries and reports on 100,000 PIPs against the same SQL sent raw through `pg` on the same
 * indexes: a manager's overdue queue by next deadline (first page of 50, through the store and
 * through `engine.query`, which also authorizes every row), and two reports.
 */
export async function postgresQueryBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  try {
    await pool.query('SELECT 1');
  } catch {
    console.error(`postgres query bench skipped: no server at ${PG_URL}`);
    await pool.end();
    return { results: [], info: {} };
  }
  const schema = `pipkit_bench_query_${randomBytes(4).toString('hex')}`;
  const s = `"${schema}"`;
  const results: BenchResult[] = [];
  const info: Record<string, number> = {};
  const store = postgresStore({ pool, schema, tenantId: TENANT });
  try {
    await templates(store);
    const started = performance.now();
    await cloneRows(pool, s);
    info.postgresQuerySeedMs = Math.round(performance.now() - started);
    const engine = createEngine({ store, policies: [defaultPolicy] });
    let turn = 0;
    const nextManager = () => `mgr-${(turn++ * 37) % MANAGERS}`;
    const rawQueue = async (managerId: string) => {
      const { rows } = await pool.query(
        `SELECT pip_id, record, next_due_at FROM ${s}.pipkit_pips
          WHERE tenant_id = $1 AND manager_id = $2 AND overdue_since IS NOT NULL
          ORDER BY next_due_at, pip_id LIMIT 50`,
        [TENANT, managerId],
      );
      for (const row of rows as { record: string }[]) JSON.parse(row.record);
      if (rows.length !== 50) throw new Error(`raw queue: ${rows.length} rows`);
      return 1;
    };
    const storeQueue = async () => {
      const entries = await store.queryPips({
        filter: { overdue: true },
        scope: { managerIds: [nextManager()] },
        sort: 'nextDeadline',
        limit: 50,
      });
      if (entries.length !== 50) throw new Error(`store queue: ${entries.length} rows`);
      return 1;
    };
    const engineQueue = async () => {
      const actor: Actor = { id: nextManager(), role: 'manager' };
      const page = await engine.query(
        { overdue: true, sort: 'nextDeadline', limit: 50 },
        { actor },
      );
      if (page.pips.length !== 50) throw new Error(`engine queue: ${page.pips.length} rows`);
      return 1;
    };
    const options = { rounds: 7, roundMs: 400 };
    const raw = () => rawQueue(nextManager());
    results.push(
      await compare(
        "store.queryPips a manager's overdue queue, 50 by next deadline (postgres, 100k PIPs)",
        storeQueue,
        'raw pg, the same SELECT',
        raw,
        options,
      ),
      await compare(
        "engine.query a manager's overdue queue, 50 by next deadline (postgres, 100k PIPs)",
        engineQueue,
        'raw pg, the same SELECT',
        raw,
        options,
      ),
    );
    results.push(...(await reportBenches(pool, s, store, options)));
  } finally {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await pool.end();
  }
  return { results, info };
}

/** outcomesByMonth and timeToOutcome over every PIP, against the same GROUP BY raw. */
async function reportBenches(
  pool: pg.Pool,
  s: string,
  store: ReturnType<typeof postgresStore>,
  options: { rounds: number; roundMs: number },
): Promise<BenchResult[]> {
  const raws = {
    outcomesByMonth: `SELECT left(outcome_on, 7), policy_id, coalesce(outcome_status, ''),
             coalesce(outcome_reason, ''), count(*)
        FROM ${s}.pipkit_pips WHERE tenant_id = $1 AND outcome_on IS NOT NULL
       GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    timeToOutcome: `SELECT policy_id, coalesce(outcome_status, ''), count(*),
             sum(outcome_on::date - issued_on::date),
             percentile_disc(0.5) WITHIN GROUP (ORDER BY outcome_on::date - issued_on::date),
             percentile_disc(0.9) WITHIN GROUP (ORDER BY outcome_on::date - issued_on::date)
        FROM ${s}.pipkit_pips
       WHERE tenant_id = $1 AND issued_on IS NOT NULL AND outcome_on IS NOT NULL
       GROUP BY 1, 2 ORDER BY 1, 2`,
  } as const;
  const results: BenchResult[] = [];
  for (const name of ['outcomesByMonth', 'timeToOutcome'] as const) {
    const expected = (await pool.query(raws[name], [TENANT])).rows.length;
    results.push(
      await compare(
        `store.reportPips ${name} (postgres, 100k PIPs)`,
        async () => {
          const rows = await store.reportPips({ report: { name }, filter: {}, scope: 'all' });
          if (rows.length !== expected) throw new Error(`${name}: ${rows.length} rows`);
          return 1;
        },
        'raw pg, the same GROUP BY',
        async () => {
          await pool.query(raws[name], [TENANT]);
          return 1;
        },
        options,
      ),
    );
  }
  return results;
}
