import { randomBytes } from 'node:crypto';
import { type Actor, createEngine, defaultPolicy, type Engine } from '@pipkit/core';
import { createTestClock, referenceDocument } from '@pipkit/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL } from './__fixtures__/database.js';
import { TENANT_TABLES } from './migrations.js';
import { postgresStore } from './postgresStore.js';

/**
 * One engine, many tenants, per request: `forTenant` scopes a store and an engine to a tenant on
 * the parent's pool, and row-level security keeps each to its own rows. Proven as an application
 * role that is neither a superuser nor the tables' owner (a superuser bypasses row security), on
 * a pool small enough that every connection serves several tenants.
 */
const suffix = randomBytes(4).toString('hex');
const ownerRole = `pipkit_tpr_owner_${suffix}`;
const appRole = `pipkit_tpr_app_${suffix}`;
const schema = `pipkit_test_tenants_${suffix}`;
const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
const urlAs = (role: string) => {
  const url = new URL(PG_URL);
  url.username = role;
  url.password = '';
  return url.toString();
};
let ownerPool: pg.Pool;
/** Two connections for every tenant of a test: each connection serves many tenants. */
let appPool: pg.Pool;

beforeAll(async () => {
  const { rows } = await admin.query('SELECT current_database() AS db');
  const database = (rows[0] as { db: string }).db;
  await admin.query(`CREATE ROLE ${ownerRole} LOGIN NOSUPERUSER NOBYPASSRLS`);
  await admin.query(`CREATE ROLE ${appRole} LOGIN NOSUPERUSER NOBYPASSRLS`);
  await admin.query(`GRANT CREATE ON DATABASE "${database}" TO ${ownerRole}`);
  ownerPool = new pg.Pool({ connectionString: urlAs(ownerRole), max: 2 });
  appPool = new pg.Pool({ connectionString: urlAs(appRole), max: 2 });
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

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = referenceDocument('planDocument', 'plan');
const LATER = '2026-03-20T00:00:00.000Z';

/** One engine over the application role's pool; tenants come per request. */
function sharedEngine(): Engine {
  const store = postgresStore({ pool: appPool, schema });
  return createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00Z'),
  });
}

/** Opens and issues `pipId` in the engine's tenant for an employee named after the tenant. */
async function issue(engine: Engine, tenantId: string, pipId: string) {
  await engine.open(
    {
      pipId,
      employee: { id: `emp-${tenantId}-${pipId}`, timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  await engine.dispatch(
    pipId,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager },
  );
  return engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
}

/** The tenant ids of every row of every tenant table the application role sees with `tenant` set. */
async function visibleTenants(tenant: string | undefined): Promise<string[]> {
  const connection = await appPool.connect();
  try {
    await connection.query('BEGIN');
    if (tenant !== undefined) {
      await connection.query("SELECT set_config('pipkit.tenant_id', $1, true)", [tenant]);
    }
    const seen: string[] = [];
    for (const table of TENANT_TABLES) {
      const { rows } = await connection.query(`SELECT tenant_id FROM "${schema}".${table}`);
      seen.push(...rows.map((row) => (row as { tenant_id: string }).tenant_id));
    }
    await connection.query('COMMIT');
    return seen;
  } finally {
    connection.release();
  }
}

describe('one engine serving several tenants on Postgres, as a role that owns nothing', () => {
  it('keeps the same PIP id in three tenants apart, and sweeps and relays them all in one loop', async () => {
    const engine = sharedEngine();
    const tenants = ['a', 'b', 'c'].map((name) => `${name}-${suffix}`);
    for (const tenantId of tenants) await issue(engine.forTenant(tenantId), tenantId, 'pip-1');
    for (const tenantId of tenants) {
      const scoped = engine.forTenant(tenantId);
      const listed = await scoped.list({}, { actor: hr });
      expect(listed.map((pip) => [pip.pipId, pip.employeeId])).toEqual([
        ['pip-1', `emp-${tenantId}-pip-1`],
      ]);
      const seen = await visibleTenants(tenantId);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set([tenantId]));
    }
    // The engine's own tenant ("default") sees none of them.
    expect(await engine.list({}, { actor: hr })).toEqual([]);

    const ticked = await engine.tickTenants({ tenants, at: LATER, budgetPerTenant: 1 });
    expect(ticked.tenantFailures).toEqual([]);
    expect(ticked.faults).toEqual([]);
    expect(ticked.fired.slice(0, 3).map((fire) => fire.tenantId)).toEqual(tenants);
    for (const tenantId of tenants) {
      const after = await engine.forTenant(tenantId).get('pip-1', { actor: hr });
      const fires = ticked.fired.filter((fire) => fire.tenantId === tenantId);
      expect(fires.length).toBeGreaterThan(0);
      expect(after.employeeId).toBe(`emp-${tenantId}-pip-1`);
      expect(new Set(await visibleTenants(tenantId))).toEqual(new Set([tenantId]));
    }

    const heard: string[] = [];
    const relayed = await engine.relayTenants(
      (message, { tenantId }) => {
        heard.push(`${tenantId}:${message.pipId}`);
      },
      { tenants },
    );
    expect(relayed.tenantFailures).toEqual([]);
    expect(relayed.failed).toEqual([]);
    expect(new Set(heard)).toEqual(new Set(tenants.map((tenantId) => `${tenantId}:pip-1`)));
    // Nothing is visible without a tenant, whatever the pooled connections ran before.
    expect(await visibleTenants(undefined)).toEqual([]);
  });

  it("never shows a scoped store another tenant's rows while tenants share two pooled connections", async () => {
    const root = postgresStore({ pool: appPool, schema });
    const engine = sharedEngine();
    const tenants = Array.from({ length: 8 }, (_, index) => `race-${index}-${suffix}`);
    const pipIds = ['pip-1', 'pip-2', 'pip-3'];
    // Every tenant writes the same PIP ids at once: 24 plans over two connections.
    await Promise.all(
      tenants.map(async (tenantId) => {
        for (const pipId of pipIds) await issue(engine.forTenant(tenantId), tenantId, pipId);
      }),
    );
    expect(appPool.totalCount).toBeLessThanOrEqual(2);
    let reads = 0;
    let foreign = 0;
    const mine = (tenantId: string, employeeId: string) =>
      employeeId.startsWith(`emp-${tenantId}-`);
    // Reads of all tenants interleaved on the same connections, many rounds.
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(
        tenants.flatMap((tenantId) => {
          const store = root.forTenant(tenantId);
          return [
            store.list().then((rows) => {
              reads += rows.length;
              foreign += rows.filter((row) => !mine(tenantId, row.employeeId)).length;
              expect(rows.map((row) => row.pipId)).toEqual(pipIds);
            }),
            store.load(pipIds[round % 3] as string).then((row) => {
              reads += 1;
              if (!row || !mine(tenantId, row.employeeId)) foreign += 1;
            }),
            store.loadMany(pipIds).then((rows) => {
              for (const row of rows) {
                reads += 1;
                if (!row || row instanceof Error || !mine(tenantId, row.employeeId)) foreign += 1;
              }
            }),
            store.dueTimers(LATER, 100).then((rows) => {
              reads += rows.length;
              expect(new Set(rows.map((row) => row.pipId))).toEqual(new Set(pipIds));
            }),
            store.readEvents('pip-2').then((events) => {
              reads += events.length;
              const opened = events[0]?.event as { employee?: { id?: string } } | undefined;
              if (!opened?.employee?.id || !mine(tenantId, opened.employee.id)) foreign += 1;
            }),
          ];
        }),
      );
    }
    expect(reads).toBeGreaterThan(tenants.length * 5 * 10);
    expect(foreign).toBe(0);
    expect(appPool.totalCount).toBeLessThanOrEqual(2);
    // A scoped store's close leaves the shared pool open for every other tenant.
    await root.forTenant(tenants[0] as string).close();
    expect((await root.forTenant(tenants[1] as string).list()).length).toBe(3);
    // The setting never outlives a statement's transaction on a pooled connection.
    const held = await Promise.all([appPool.connect(), appPool.connect()]);
    try {
      for (const connection of held) {
        const { rows } = await connection.query(
          "SELECT coalesce(current_setting('pipkit.tenant_id', true), '') AS tenant",
        );
        expect(rows).toEqual([{ tenant: '' }]);
      }
    } finally {
      for (const connection of held) connection.release();
    }
  });
});
