import { createEngine, defaultPolicy } from '@pipkit/core';
import { isUnreadableEntry, type QueryRow, queryRowOf } from '@pipkit/core/adapter';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OVERDUE_AT, OVERDUE_HR as hrActor, overduePips } from '@pipkit/core/testing';
import { copyAtSchemaTwo } from './__fixtures__/schemaTwo.js';
import { QUERY_COLUMN_FIELDS } from './queryColumnsSql.js';
import { reportStatement } from './reports.js';
import { SCHEMA_VERSION } from './migrations.js';
import { sqliteStore } from './sqliteStore.js';

const directory = mkdtempSync(join(tmpdir(), 'pipkit-sqlite-queries-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `store-${(files += 1)}.db`);

/** The query columns of a row of pipkit_pips, camelCased, as core's QueryRow names them. */
function storedRow(database: Database.Database, pipId: string): Record<string, unknown> {
  const columns = QUERY_COLUMN_FIELDS.map(([column, field]) => `${column} AS ${field}`).join(', ');
  return database
    .prepare(`SELECT ${columns}, created_at AS createdAt FROM pipkit_pips WHERE pip_id = ?`)
    .get(pipId) as Record<string, unknown>;
}

/** The query columns core derives from a record, in the same shape. */
function expectedRow(row: QueryRow): Record<string, unknown> {
  return Object.fromEntries<unknown>([
    ...QUERY_COLUMN_FIELDS.map(([, field]): [string, unknown] => [field, row[field]]),
    ['createdAt', row.createdAt],
  ]);
}

/** `EXPLAIN QUERY PLAN` details of `sql` (every parameter bound to a placeholder value). */
function planOf(database: Database.Database, sql: string, parameters?: unknown[]): string[] {
  const statement = database.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const values = parameters ?? Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');
  return (statement.all(...values) as { detail: string }[]).map((row) => row.detail);
}

/** True when every step that reads pipkit_pips reads it through one of its indexes. */
const onIndexes = (plan: readonly string[]) =>
  plan.some((step) => /pipkit_pips USING (COVERING )?INDEX pipkit_pips_/.test(step)) &&
  plan.every((step) => !/pipkit_pips\b/.test(step) || /INDEX/.test(step));

describe('queries on SQLite', () => {
  it('reports a corrupt record as unreadable in its page and still returns the others', async () => {
    const store = sqliteStore({ path: newFile() });
    const { engine, pipIds } = await overduePips(store, { prefix: 'p-', count: 4, overdue: 2 });
    store.database
      .prepare("UPDATE pipkit_pips SET record = '{broken' WHERE pip_id = ?")
      .run(pipIds[1]);
    const entries = await store.queryPips?.({
      filter: {},
      scope: 'all',
      sort: 'nextDeadline',
      limit: 10,
    });
    expect(entries?.map(({ entry }) => entry.pipId).sort()).toEqual([...pipIds].sort());
    const broken = entries?.find(({ entry }) => entry.pipId === pipIds[1])?.entry;
    expect(broken && isUnreadableEntry(broken)).toBe(true);
    expect(broken).toMatchObject({
      columns: { employeeId: 'emp-1', managerId: 'mgr-1', policyId: 'pipkit-default' },
      error: { reason: 'STORE_CORRUPT_ROW' },
    });
    const page = await engine.query({ overdue: true }, { actor: hrActor });
    expect(page.pips.map((pip) => pip.pipId)).toEqual([pipIds[0]]);
    // engine.query names the error's code (listPage names its reason): either way a store error.
    expect(page.unreadable).toHaveLength(1);
    expect(page.unreadable[0]?.pipId).toBe(pipIds[1]);
    expect(page.unreadable[0]?.code).toMatch(/^STORE_/);
    expect(await engine.count({ overdue: true }, { actor: hrActor })).toBe(2);
    await store.close();
  });

  it('has verify report a tampered overdue_since column', async () => {
    const store = sqliteStore({ path: newFile() });
    const { engine, pipIds } = await overduePips(store, { prefix: 'p-', count: 2, overdue: 1 });
    const [overdue] = pipIds as [string];
    expect(await engine.verify(overdue, { actor: hrActor })).toMatchObject({ ok: true });
    // Hiding a plan from the overdue queue while its chain still verifies.
    store.database
      .prepare('UPDATE pipkit_pips SET overdue_since = NULL WHERE pip_id = ?')
      .run(overdue);
    expect((await engine.query({ overdue: true }, { actor: hrActor })).pips).toEqual([]);
    const verification = await engine.verify(overdue, { actor: hrActor });
    expect(verification.ok).toBe(false);
    expect(verification.derived).toContainEqual(
      expect.objectContaining({ code: 'ENVELOPE_MISMATCH', path: ['columns', 'overdueSince'] }),
    );
    await store.close();
  });

  it('reads a manager overdue queue and the outcome reports through indexes', async () => {
    const path = newFile();
    const seen: string[] = [];
    const database = new Database(path);
    const prepare = database.prepare.bind(database);
    database.prepare = (sql: string) => {
      seen.push(sql);
      return prepare(sql);
    };
    const store = sqliteStore({ database });
    await overduePips(store, { prefix: 'p-', count: 6, overdue: 3, managers: 3 });
    seen.length = 0;
    await store.queryPips?.({
      filter: { overdue: true },
      scope: { managerIds: ['mgr-1'] },
      sort: 'nextDeadline',
      limit: 50,
    });
    const queue = seen.filter((sql) => sql.startsWith('SELECT') && sql.includes('overdue_since'));
    expect(queue.length).toBeGreaterThan(0);
    for (const sql of queue)
      expect({ sql, plan: onIndexes(planOf(database, sql)) }).toMatchObject({ plan: true });
    for (const name of ['outcomesByMonth', 'timeToOutcome', 'overdueByKind'] as const) {
      const statement = reportStatement({ report: { name }, filter: {}, scope: 'all' });
      if (!statement) throw new Error('a report over every PIP has a statement');
      const plan = planOf(database, statement.sql, statement.parameters);
      expect({ name, plan, onIndexes: onIndexes(plan) }).toMatchObject({ onIndexes: true });
    }
    await store.close();
    database.close();
  });
});

describe('BI views', () => {
  it('show one row per PIP in pipkit_plan_facts, and outcomes by month in pipkit_outcomes', async () => {
    const store = sqliteStore({ path: newFile() });
    const { engine, pipIds } = await overduePips(store, { prefix: 'p-', count: 3, overdue: 1 });
    await engine.dispatch(
      pipIds[2] as string,
      { type: 'CLOSE', reason: 'resigned' },
      { actor: hrActor },
    );
    const facts = store.database
      .prepare(
        'SELECT pip_id, overdue, overdue_kind, outcome_status, outcome_month, days_to_outcome FROM pipkit_plan_facts ORDER BY pip_id',
      )
      .all();
    expect(facts).toEqual([
      {
        pip_id: 'p-0',
        overdue: 1,
        overdue_kind: 'acknowledgement',
        outcome_status: null,
        outcome_month: null,
        days_to_outcome: null,
      },
      {
        pip_id: 'p-1',
        overdue: 0,
        overdue_kind: null,
        outcome_status: null,
        outcome_month: null,
        days_to_outcome: null,
      },
      {
        pip_id: 'p-2',
        overdue: 0,
        overdue_kind: null,
        outcome_status: 'closed',
        outcome_month: '2026-03',
        days_to_outcome: 9,
      },
    ]);
    expect(store.database.prepare('SELECT * FROM pipkit_outcomes').all()).toEqual([
      {
        month: '2026-03',
        policy_id: 'pipkit-default',
        outcome_status: 'closed',
        outcome_reason: 'resigned',
        plans: 1,
        mean_days_to_outcome: 9,
      },
    ]);
    await store.close();
  });
});

describe('migration 3 on a database written at schema 2', () => {
  it('fills the query columns and the summary of existing PIPs, so overdue plans are found', async () => {
    const path = newFile();
    const writer = sqliteStore({ path });
    const { pipIds } = await overduePips(writer, { prefix: 'p-', count: 5, overdue: 2 });
    await writer.close();
    const old = newFile();
    copyAtSchemaTwo(path, old);
    // One PIP's log no longer replays: its summary-derived columns stay NULL, the rest fill.
    const raw = new Database(old);
    raw
      .prepare(
        "UPDATE pipkit_events SET event = json_set(event, '$.type', 'NOT_AN_EVENT') WHERE pip_id = ? AND seq = 2",
      )
      .run(pipIds[4]);
    expect(
      raw
        .prepare("SELECT count(*) AS n FROM pipkit_pips WHERE record -> '$.summary' IS NOT NULL")
        .get(),
    ).toEqual({ n: 0 });
    raw.close();

    const store = sqliteStore({ path: old });
    const db = store.database as unknown as Database.Database;
    expect(store.database.prepare('SELECT max(version) AS v FROM pipkit_migrations').get()).toEqual(
      {
        v: SCHEMA_VERSION,
      },
    );
    for (const pipId of pipIds.slice(0, 4)) {
      const record = await store.load(pipId);
      expect(record?.summary).toBeDefined();
      expect(storedRow(db, pipId)).toEqual(
        expectedRow(queryRowOf(record as NonNullable<typeof record>)),
      );
    }
    expect(storedRow(db, pipIds[0] as string)).toMatchObject({
      overdueSince: OVERDUE_AT,
      overdueKind: 'acknowledgement',
    });
    const unreplayable = storedRow(db, pipIds[4] as string);
    expect(unreplayable).toMatchObject({ stateSince: null, overdueSince: null });
    expect(typeof unreplayable.issuedAt).toBe('string');
    expect((await store.load(pipIds[4] as string))?.summary).toBeUndefined();

    const engine = createEngine({ store, policies: [defaultPolicy] });
    const page = await engine.query({ overdue: true, sort: 'nextDeadline' }, { actor: hrActor });
    expect(page.pips.map((pip) => pip.pipId).sort()).toEqual(pipIds.slice(0, 2).sort());
    expect(await engine.count({ overdue: false }, { actor: hrActor })).toBe(3);
    for (const pipId of pipIds.slice(0, 4)) {
      const check = await engine.verify(pipId, { actor: hrActor });
      expect(check, JSON.stringify(check)).toMatchObject({ ok: true });
    }
    await store.close();
  });
});
