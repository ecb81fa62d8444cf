import { randomBytes } from 'node:crypto';
import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicy,
  type Engine,
  isPipkitError,
} from '@pipkit/core';
import { parkedMessage } from '@pipkit/core/adapter';
import { createTestClock, referenceDocument } from '@pipkit/core/testing';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL } from './__fixtures__/database.js';
import { copyRows } from './__fixtures__/copyRows.js';
import { overduePips } from '@pipkit/core/testing';
import { migrate, MIGRATIONS, SCHEMA_VERSION, TENANT_TABLES } from './migrations.js';
import { postgresStore, type PostgresStore } from './postgresStore.js';

/**
 * Tenant isolation as the database enforces it, exercised as roles that are not superusers (a
 * superuser bypasses row security): an owner role that migrates the schema and so owns the
 * tables (FORCE makes row security apply to it too), and an application role that only has the
 * grants the README lists.
 */
const SEQUENCES = Number(process.env.PIPKIT_PG_TENANT_SEQUENCES ?? 500);
const suffix = randomBytes(4).toString('hex');
const ownerRole = `pipkit_owner_${suffix}`;
const appRole = `pipkit_app_${suffix}`;
const schema = `pipkit_test_tenancy_${suffix}`;

const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
const urlAs = (role: string) => {
  const url = new URL(PG_URL);
  url.username = role;
  url.password = '';
  return url.toString();
};
let ownerPool: pg.Pool;
let appPool: pg.Pool;

beforeAll(async () => {
  const { rows } = await admin.query('SELECT current_database() AS db');
  const database = (rows[0] as { db: string }).db;
  await admin.query(`CREATE ROLE ${ownerRole} LOGIN NOSUPERUSER NOBYPASSRLS`);
  await admin.query(`CREATE ROLE ${appRole} LOGIN NOSUPERUSER NOBYPASSRLS`);
  await admin.query(`GRANT CREATE ON DATABASE "${database}" TO ${ownerRole}`);
  ownerPool = new pg.Pool({ connectionString: urlAs(ownerRole), max: 4 });
  appPool = new pg.Pool({ connectionString: urlAs(appRole), max: 8 });
  // The owner migrates (and so owns every table), then grants the application role what the
  // package README lists: nothing more.
  await postgresStore({ pool: ownerPool, schema }).ready();
  for (const grant of [
    `GRANT USAGE ON SCHEMA "${schema}" TO ${appRole}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${appRole}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA "${schema}" TO ${appRole}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA "${schema}" TO ${appRole}`,
  ]) {
    await ownerPool.query(grant);
  }
});

afterAll(async () => {
  await appPool.end();
  await ownerPool.end();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  for (const role of [ownerRole, appRole]) {
    await admin.query(`DROP OWNED BY ${role}`);
    await admin.query(`DROP ROLE ${role}`);
  }
  await admin.end();
});

/** Rows of every tenant table that a role sees, with `pipkit.tenant_id` set or not. */
async function visibleRows(pool: pg.Pool, tenant: string | undefined) {
  const connection = await pool.connect();
  try {
    await connection.query('BEGIN');
    if (tenant !== undefined) {
      await connection.query("SELECT set_config('pipkit.tenant_id', $1, true)", [tenant]);
    }
    const counts: Record<string, string[]> = {};
    for (const table of TENANT_TABLES) {
      const { rows } = await connection.query(`SELECT tenant_id FROM "${schema}".${table}`);
      counts[table] = rows.map((row) => (row as { tenant_id: string }).tenant_id);
    }
    await connection.query('COMMIT');
    return counts;
  } finally {
    connection.release();
  }
}

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = referenceDocument('planDocument', 'plan');

/** One tenant's engine over the application role's pool. */
function tenantEngine(tenantId: string) {
  const store = postgresStore({ pool: appPool, schema, tenantId });
  const clock = createTestClock('2026-03-02T15:00:00Z');
  let nextId = '';
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => nextId,
  });
  const open = (pipId: string) => {
    nextId = pipId;
    return engine.open(
      {
        employee: { id: `emp-${pipId}`, timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
  };
  return { store, engine, open };
}

describe('tenant isolation on real Postgres, as roles that are not superusers', () => {
  it('hides other tenants and everything without a tenant from the owner (FORCE) and the application role', async () => {
    const a = tenantEngine(`a-${suffix}`);
    const b = tenantEngine(`b-${suffix}`);
    // The same PIP id in two tenants: two PIPs.
    await a.open('pip-1');
    await b.open('pip-1');
    await b.open('pip-2');
    expect((await a.store.list()).map((pip) => pip.pipId)).toEqual(['pip-1']);
    expect((await b.store.list()).map((pip) => pip.pipId)).toEqual(['pip-1', 'pip-2']);
    expect(await a.store.load('pip-2')).toBeUndefined();
    // A refused read leaves a row in tenant a's refusal log, under the same row security.
    await expect(
      a.engine.get('pip-1', { actor: { id: 'mgr-x', role: 'manager' } }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await b.store.readRefusals('pip-1')).toEqual([]);

    for (const pool of [ownerPool, appPool]) {
      const none = await visibleRows(pool, undefined);
      for (const table of TENANT_TABLES) expect(none[table], table).toEqual([]);
      const onlyA = await visibleRows(pool, `a-${suffix}`);
      expect(onlyA.pipkit_pips).toEqual([`a-${suffix}`]);
      expect(onlyA.pipkit_refusals).toEqual([`a-${suffix}`]);
      for (const table of TENANT_TABLES) {
        expect(new Set(onlyA[table]), table).toEqual(
          onlyA[table]?.length ? new Set([`a-${suffix}`]) : new Set(),
        );
      }
    }
  });

  it("refuses a write of another tenant's row, even by the tables' owner", async () => {
    for (const pool of [ownerPool, appPool]) {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        await connection.query("SELECT set_config('pipkit.tenant_id', 'tenant-x', true)");
        await expect(
          connection.query(
            `INSERT INTO "${schema}".pipkit_pips
               (tenant_id, pip_id, employee_id, manager_id, state, version, record, updated_at)
             VALUES ('tenant-y', 'p', 'e', 'm', 'draft', 1, '{}', 'now')`,
          ),
        ).rejects.toThrow(/row-level security/);
        await connection.query('ROLLBACK');
      } finally {
        connection.release();
      }
    }
  });

  it('inspects and parks timers as the application role, within its own tenant only', async () => {
    const a = tenantEngine(`fa-${suffix}`);
    const b = tenantEngine(`fb-${suffix}`);
    for (const tenant of [a, b]) {
      await tenant.open('pip-f');
      await tenant.engine.dispatch(
        'pip-f',
        { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
        { actor: manager },
      );
      await tenant.engine.dispatch('pip-f', { type: 'APPROVE' }, { actor: hr });
    }
    const [timer] = await a.store.dueTimers('2100-01-01T00:00:00.000Z', 1);
    if (!timer) throw new Error('no timer');
    const fault = { ...timer, code: 'POLICY_NOT_FOUND', at: '2026-06-01T00:00:00.000Z' };
    expect(await a.store.recordTimerFault(fault, { parkAfter: 1 })).toEqual({
      attempts: 1,
      parked: true,
    });
    const mine = await a.store.inspect('pip-f');
    const theirs = await b.store.inspect('pip-f');
    expect(mine?.columns.tenantId).toBe(`fa-${suffix}`);
    expect(theirs?.columns.tenantId).toBe(`fb-${suffix}`);
    expect(mine?.timers.find((row) => row.timerId === timer.timerId)).toMatchObject({
      attempts: 1,
      parkedCode: 'POLICY_NOT_FOUND',
    });
    expect(theirs?.timers.every((row) => row.attempts === 0 && !row.parkedCode)).toBe(true);
    expect(mine?.outbox.filter((row) => row.type === 'pipkit.deadlineParked')).toEqual([
      { ...parkedMessage(timer, fault, 1), delivered: false },
    ]);
    expect(theirs?.outbox.some((row) => row.type === 'pipkit.deadlineParked')).toBe(false);
    const due = (store: PostgresStore) => store.dueTimers('2100-01-01T00:00:00.000Z', 100);
    expect((await due(a.store)).map((row) => row.timerId)).not.toContain(timer.timerId);
    expect((await due(b.store)).map((row) => row.timerId)).toContain(timer.timerId);
  });

  it('queries, counts, reports and BI views of one tenant never include another tenant', async () => {
    const [a, b] = [`qa-${suffix}`, `qb-${suffix}`].map((tenantId) => {
      const store = postgresStore({ pool: appPool, schema, tenantId });
      return { store, engine: createEngine({ store, policies: [defaultPolicy] }) };
    }) as [{ store: PostgresStore; engine: Engine }, { store: PostgresStore; engine: Engine }];
    await overduePips(a.store, { count: 2, overdue: 1 });
    await overduePips(b.store, { count: 3, overdue: 3 });
    const page = await a.engine.query({ sort: 'lastChange' }, { actor: hr });
    expect(page.pips.map((pip) => pip.pipId)).toEqual(['pip-0', 'pip-1']);
    expect(await a.engine.count({}, { actor: hr })).toBe(2);
    expect(await b.engine.count({ overdue: true }, { actor: hr })).toBe(3);
    const report = await a.engine.report({ name: 'overdueByKind' }, { actor: hr });
    expect(report.rows).toEqual([expect.objectContaining({ kind: 'acknowledgement', count: 1 })]);
    const connection = await appPool.connect();
    try {
      await connection.query('BEGIN');
      const view = `SELECT tenant_id, count(*)::int AS n FROM "${schema}".pipkit_plan_facts GROUP BY 1`;
      expect((await connection.query(view)).rows).toEqual([]);
      await connection.query("SELECT set_config('pipkit.tenant_id', $1, true)", [b.store.tenantId]);
      expect((await connection.query(view)).rows).toEqual([{ tenant_id: b.store.tenantId, n: 3 }]);
      await connection.query('COMMIT');
    } finally {
      connection.release();
    }
  });

  it("fills the new policy columns of every tenant's rows when the owner upgrades a schema, and forces row security again", async () => {
    const source = `pipkit_test_tenancy_src_${suffix}`;
    const upgraded = `pipkit_test_tenancy_old_${suffix}`;
    try {
      for (const tenantId of ['ua', 'ub']) {
        const store = postgresStore({ pool: admin, schema: source, tenantId });
        const engine = createEngine({ store, policies: [defaultPolicy], ids: () => 'pip-u' });
        await engine.open(
          {
            employee: { id: 'emp-u', timeZone: 'Europe/London' },
            managerId: manager.id,
            policy: { id: defaultPolicy.id },
            goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
          },
          { actor: manager },
        );
      }
      const connection = await ownerPool.connect();
      try {
        await migrate(connection, {
          schema: upgraded,
          migrations: MIGRATIONS.slice(0, SCHEMA_VERSION - 1),
        });
      } finally {
        connection.release();
      }
      await copyRows(admin, source, upgraded);
      await postgresStore({ pool: ownerPool, schema: upgraded }).ready();
      const { rows } = await admin.query(
        `SELECT tenant_id, policy_id, policy_version FROM "${upgraded}".pipkit_pips ORDER BY tenant_id`,
      );
      expect(rows).toEqual(
        ['ua', 'ub'].map((tenant) => ({
          tenant_id: tenant,
          policy_id: defaultPolicy.id,
          policy_version: defaultPolicy.version,
        })),
      );
      const forced = await admin.query(
        `SELECT relforcerowsecurity AS forced FROM pg_class WHERE oid = $1::regclass`,
        [`"${upgraded}".pipkit_pips`],
      );
      expect(forced.rows).toEqual([{ forced: true }]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${source}" CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS "${upgraded}" CASCADE`);
    }
  });

  it(`shows 0 rows across tenants over ${SEQUENCES} random multi-tenant operation sequences`, async () => {
    type Op =
      | { kind: 'open' | 'issue' | 'attach'; tenant: number; pip: number }
      | { kind: 'tick' | 'relay'; tenant: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('open' as const, 'issue' as const, 'attach' as const),
        tenant: fc.nat(2),
        pip: fc.nat(2),
      }),
      fc.record({ kind: fc.constantFrom('tick' as const, 'relay' as const), tenant: fc.nat(2) }),
    );
    let sequence = 0;
    let operations = 0;
    let crossTenantRows = 0;
    let rowsChecked = 0;
    const started = performance.now();

    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        sequence += 1;
        const names = [0, 1, 2].map((index) => `s${sequence}-${suffix}-t${index}`);
        const tenants = names.map((name) => tenantEngine(name));
        // The model: each tenant's PIP ids and their versions.
        const model = names.map(() => new Map<string, number>());
        const remember = (tenant: number, pip: { pipId: string; version: number }) =>
          (model[tenant] as Map<string, number>).set(pip.pipId, pip.version);
        const relayed: string[][] = names.map(() => []);

        for (const step of ops) {
          operations += 1;
          const { engine, open } = tenants[step.tenant] as ReturnType<typeof tenantEngine>;
          const mine = model[step.tenant] as Map<string, number>;
          if (step.kind === 'tick') {
            for (const fired of (await engine.tick('2026-06-01T00:00:00Z')).fired) {
              expect(mine.has(fired.pipId)).toBe(true);
            }
            for (const pipId of mine.keys()) {
              remember(step.tenant, await engine.get(pipId, { actor: hr }));
            }
            continue;
          }
          if (step.kind === 'relay') {
            await engine.relay((message) => {
              (relayed[step.tenant] as string[]).push(message.pipId);
            });
            continue;
          }
          if (!('pip' in step)) continue;
          const pipId = `pip-${step.pip}`;
          try {
            if (step.kind === 'open') {
              remember(step.tenant, (await open(pipId)).pip);
              continue;
            }
            const commands: [Actor, Command][] =
              step.kind === 'issue'
                ? [
                    [manager, { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] }],
                    [hr, { type: 'APPROVE' }],
                  ]
                : [[hr, { type: 'ATTACH_DOCUMENT', documents: [plan] }]];
            for (const [actor, command] of commands) {
              remember(step.tenant, (await engine.dispatch(pipId, command, { actor })).pip);
            }
          } catch (error) {
            // Refusals are expected (a PIP opened twice, a command in the wrong state); which one
            // must agree with this tenant's model, never with another tenant's.
            if (!isPipkitError(error)) throw error;
            if (isPipkitError(error, 'PIP_ALREADY_EXISTS')) expect(mine.has(pipId)).toBe(true);
            if (isPipkitError(error, 'PIP_NOT_FOUND')) expect(mine.has(pipId)).toBe(false);
            const current = await tenants[step.tenant]?.store.load(pipId);
            if (current) remember(step.tenant, current);
          }
        }

        for (const [index, name] of names.entries()) {
          const { store } = tenants[index] as { store: PostgresStore };
          const mine = model[index] as Map<string, number>;
          const listed = await store.list();
          expect(new Map(listed.map((pip) => [pip.pipId, pip.version]))).toEqual(mine);
          for (const pipId of ['pip-0', 'pip-1', 'pip-2']) {
            const events = await store.readEvents(pipId);
            expect(events.length).toBe(mine.get(pipId) ?? 0);
          }
          for (const pipId of relayed[index] as string[]) expect(mine.has(pipId)).toBe(true);
          for (const timer of await store.dueTimers('2100-01-01T00:00:00Z', 1000)) {
            expect(mine.has(timer.pipId)).toBe(true);
          }
          // What the database itself shows the application role for this tenant.
          const seen = await visibleRows(appPool, name);
          for (const table of TENANT_TABLES) {
            const rows = seen[table] as string[];
            rowsChecked += rows.length;
            crossTenantRows += rows.filter((tenant) => tenant !== name).length;
          }
          expect(seen.pipkit_pips?.length).toBe(mine.size);
          expect(seen.pipkit_events?.length).toBe(
            [...mine.values()].reduce((sum, version) => sum + version, 0),
          );
        }
        const untenanted = await visibleRows(appPool, undefined);
        for (const table of TENANT_TABLES) expect(untenanted[table], table).toEqual([]);
      }),
      { numRuns: SEQUENCES },
    );
    expect(crossTenantRows).toBe(0);
    console.log(
      `tenant isolation: ${sequence} sequences, ${operations} operations over 3 tenants sharing PIP ids, ` +
        `${rowsChecked} rows read back as the application role, ${crossTenantRows} visible across tenants; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 600_000);
});
