import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from './__fixtures__/database.js';
import { OVERDUE_HR as hrActor, overduePips } from '@pipkit/core/testing';
import { postgresStore } from './postgresStore.js';

const db = testDatabase('queries');
afterAll(() => db.dropAll());

const everything = { filter: {}, scope: 'all' as const, sort: 'pipId' as const, limit: 10 };

describe('postgres queries', () => {
  it('returns a row whose record cannot be read as its own unreadable entry, never failing the page', async () => {
    const store = postgresStore({ pool: db.pool, schema: db.newSchema() });
    const { engine } = await overduePips(store, { count: 3, overdue: 1 });
    await db.pool.query(
      `UPDATE "${store.schema}".pipkit_pips SET record = '{not json' WHERE pip_id = 'pip-1'`,
    );
    const entries = await store.queryPips(everything);
    expect(entries.map(({ position }) => position.pipId)).toEqual(['pip-0', 'pip-1', 'pip-2']);
    expect(entries[1]?.entry).toMatchObject({
      unreadable: true,
      pipId: 'pip-1',
      columns: { managerId: 'mgr-1', state: 'active', tenantId: 'default' },
      error: { reason: 'STORE_CORRUPT_ROW' },
    });
    const page = await engine.query({}, { actor: hrActor });
    expect(page.pips.map((pip) => pip.pipId)).toEqual(['pip-0', 'pip-2']);
    expect(page.unreadable).toEqual([{ pipId: 'pip-1', code: 'STORE_CORRUPT_ROW' }]);
    expect(await engine.count({ overdue: true }, { actor: hrActor })).toBe(1);
    await store.close();
  });

  it('reports a tampered overdue_since column in verify, and the query follows the column', async () => {
    const store = postgresStore({ pool: db.pool, schema: db.newSchema() });
    const { engine } = await overduePips(store, { count: 2, overdue: 1 });
    expect((await engine.verify('pip-0', { actor: hrActor })).ok).toBe(true);
    expect((await store.inspect('pip-0'))?.queryColumns).toMatchObject({
      overdueKind: 'acknowledgement',
      overdueSince: '2026-03-11T15:00:00.000Z',
    });
    await db.pool.query(
      `UPDATE "${store.schema}".pipkit_pips SET overdue_since = NULL WHERE pip_id = 'pip-0'`,
    );
    const check = await engine.verify('pip-0', { actor: hrActor });
    expect(check.ok).toBe(false);
    expect(check.derived).toEqual([
      expect.objectContaining({ code: 'ENVELOPE_MISMATCH', path: ['columns', 'overdueSince'] }),
    ]);
    expect((await engine.query({ overdue: true }, { actor: hrActor })).pips).toEqual([]);
    await store.close();
  });

  it("plans a manager's overdue queue on an index, after ANALYZE on 20,000 rows", async () => {
    const store = postgresStore({ pool: db.pool, schema: db.newSchema() });
    await store.ready();
    const s = `"${store.schema}"`;
    // Rows as the commit writes them, minus a real record: only the plan is under test.
    await db.pool.query(
      `INSERT INTO ${s}.pipkit_pips (tenant_id, pip_id, employee_id, manager_id, state, version,
              record, updated_at, policy_id, policy_version, created_at, next_due_at, next_kind,
              overdue_since, overdue_kind, extensions, paused_days)
       SELECT 'default', 'pip-' || lpad(i::text, 6, '0'), 'emp-' || i, 'mgr-' || (i % 400),
              'active', 3, '{}', '2026-03-02T15:00:00.000Z', 'pipkit-default', 1,
              '2026-03-02T15:00:00.000Z',
              to_char(timestamp '2026-04-01' + i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'checkIn', CASE WHEN i % 10 = 0 THEN '2026-03-11T15:00:00.000Z' END,
              CASE WHEN i % 10 = 0 THEN 'acknowledgement' END, 0, 0
         FROM generate_series(1, 20000) AS i`,
    );
    await db.pool.query(`ANALYZE ${s}.pipkit_pips`);
    const connection = await db.pool.connect();
    const plans: string[] = [];
    try {
      // The plan of the statement inside pipkit_query_pips, as the server ran it.
      await connection.query(`LOAD 'auto_explain'`);
      await connection.query(`SET auto_explain.log_min_duration = 0`);
      await connection.query(`SET auto_explain.log_nested_statements = on`);
      await connection.query(`SET auto_explain.log_level = notice`);
      connection.on('notice', (notice) => {
        plans.push(notice.message ?? '');
      });
      const query = { scope_all: false, scope_managers: '{"mgr-40"}', overdue: true };
      const { rows } = await connection.query(
        `SELECT pip_id FROM ${s}.pipkit_query_pips('default', $1::jsonb)`,
        [JSON.stringify({ ...query, sort: 'nextDeadline', limit: 50 })],
      );
      expect(rows).toHaveLength(50);
    } finally {
      connection.release(true);
    }
    const nested = plans.find((plan) => plan.includes('pipkit_pips p')) ?? plans.join('\n');
    expect(nested).toMatch(/Index (Only )?Scan using pipkit_pips_manager_(overdue|due)/);
    expect(nested).not.toMatch(/Seq Scan on pipkit_pips/);
    await store.close();
  });

  it('shows BI views of the session tenant only, as security_invoker views', async () => {
    const store = postgresStore({ pool: db.pool, schema: db.newSchema() });
    await overduePips(store, { count: 2, overdue: 1 });
    const other = postgresStore({ pool: db.pool, schema: store.schema, tenantId: 'other' });
    await overduePips(other, { count: 1, overdue: 1, prefix: 'o-' });
    const s = `"${store.schema}"`;
    const facts = async (tenant: string | undefined) => {
      const connection = await db.pool.connect();
      try {
        await connection.query('BEGIN');
        if (tenant)
          await connection.query(`SELECT set_config('pipkit.tenant_id', $1, true)`, [tenant]);
        const { rows } = await connection.query(
          `SELECT tenant_id, pip_id, is_overdue, overdue_kind, next_deadline_kind, issued_on::text
             FROM ${s}.pipkit_plan_facts ORDER BY pip_id`,
        );
        await connection.query('COMMIT');
        return rows as Record<string, unknown>[];
      } finally {
        connection.release();
      }
    };
    expect(await facts(undefined)).toEqual([]);
    expect(await facts('default')).toEqual([
      {
        tenant_id: 'default',
        pip_id: 'pip-0',
        is_overdue: true,
        overdue_kind: 'acknowledgement',
        next_deadline_kind: null,
        issued_on: '2026-03-02',
      },
      expect.objectContaining({ pip_id: 'pip-1', is_overdue: false }),
    ]);
    const { rows } = await db.pool.query(
      `SELECT relname, reloptions FROM pg_class
        WHERE relnamespace = $1::regnamespace AND relkind = 'v' ORDER BY relname`,
      [store.schema],
    );
    expect(rows).toEqual([
      { relname: 'pipkit_pending_deadlines', reloptions: ['security_invoker=true'] },
      { relname: 'pipkit_plan_facts', reloptions: ['security_invoker=true'] },
    ]);
    await store.close();
    await other.close();
  });
});
