/**
 * One engine, several tenants: `engine.forTenant` keeps each tenant's PIPs, keys and caches
 * apart, and `tickTenants` / `relayTenants` take turns so no tenant starves another.
 */
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  createEngine,
  definePolicy,
  defaultAuthorizer,
  defaultPolicy,
  type Engine,
  type EngineOptions,
  isPipkitError,
  memoryStore,
  type MemoryStore,
  type PipStore,
  StoreError,
  StoreErrorReasons,
} from '../index.js';
import { createTestClock } from '../testing/testClock.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
/** When every acknowledgement deadline of a plan issued on 2 March is past. */
const LATER = '2026-03-20T00:00:00.000Z';

function engineOn(store: PipStore, options: Partial<EngineOptions> = {}): Engine {
  return createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00Z'),
    ...options,
  });
}

/** Opens `pipId` for `employeeId` and issues it: its acknowledgement deadline is then pending. */
async function issue(engine: Engine, pipId: string, employeeId = `emp-${pipId}`) {
  await engine.open(
    {
      pipId,
      employee: { id: employeeId, timeZone: 'Europe/London' },
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

/** A store without `forTenant`, as an embedded single-tenant store is. */
function singleTenantStore(): PipStore {
  const store: Partial<MemoryStore> = { ...memoryStore() };
  delete store.forTenant;
  return store as PipStore;
}

/** A memory store whose scoped stores count their `load` calls, per tenant. */
function countingLoads(): { store: PipStore; loads: Map<string, number> } {
  const inner = memoryStore();
  const loads = new Map<string, number>();
  const scoped = new Map<string, PipStore>();
  const forTenant = (tenantId: string): PipStore => {
    let found = scoped.get(tenantId);
    if (!found) {
      const tenantStore = inner.forTenant(tenantId);
      found = Object.assign(Object.create(tenantStore) as PipStore, {
        load(pipId: string) {
          loads.set(tenantId, (loads.get(tenantId) ?? 0) + 1);
          return tenantStore.load(pipId);
        },
        forTenant,
      });
      scoped.set(tenantId, found);
    }
    return found;
  };
  const store: PipStore = Object.assign(Object.create(inner) as PipStore, { forTenant });
  return { store, loads };
}

describe('engine.forTenant', () => {
  it('keeps the same PIP id in two tenants as two PIPs, each seen only by its tenant', async () => {
    const engine = engineOn(memoryStore());
    const issued = await issue(engine.forTenant('acme'), 'pip-1', 'emp-acme');
    await engine.forTenant('globex').open(
      {
        pipId: 'pip-1',
        employee: { id: 'emp-globex', timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Ship', measure: 'On time' }],
      },
      { actor: manager },
    );
    const acme = await engine.forTenant('acme').get('pip-1', { actor: hr });
    const globex = await engine.forTenant('globex').get('pip-1', { actor: hr });
    expect([acme.employeeId, acme.state, acme.version]).toEqual([
      'emp-acme',
      'opened',
      issued.pip.version,
    ]);
    expect([globex.employeeId, globex.state, globex.version]).toEqual(['emp-globex', 'draft', 1]);
    expect(await engine.forTenant('acme').history('pip-1', { actor: hr })).toHaveLength(
      issued.pip.version,
    );
    const initech = engine.forTenant('initech');
    expect(await initech.list({}, { actor: hr })).toEqual([]);
    await expect(initech.get('pip-1', { actor: hr })).rejects.toMatchObject({
      code: 'PIP_NOT_FOUND',
    });
    // The untenanted root store holds neither.
    expect(await engine.list({}, { actor: hr })).toEqual([]);
  });

  it('keeps idempotency keys per tenant: one key in two tenants is two requests', async () => {
    const engine = engineOn(memoryStore());
    let issuedAt = 0;
    for (const tenant of ['acme', 'globex']) {
      issuedAt = (await issue(engine.forTenant(tenant), 'pip-1')).pip.version;
    }
    const acknowledge = (tenant: string) =>
      engine
        .forTenant(tenant)
        .dispatch(
          'pip-1',
          { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
          { actor: { id: 'emp-pip-1', role: 'employee' }, idempotencyKey: 'ack-1' },
        );
    expect((await acknowledge('acme')).replayed).toBe(false);
    expect((await acknowledge('globex')).replayed).toBe(false);
    const again = await acknowledge('acme');
    expect(again.replayed).toBe(true);
    expect(again.pip.version).toBe(issuedAt + 1);
    expect((await engine.forTenant('globex').get('pip-1', { actor: hr })).version).toBe(
      issuedAt + 1,
    );
  });

  it("never decides from another tenant's cached envelope", async () => {
    const { store, loads } = countingLoads();
    const engine = engineOn(store);
    await issue(engine.forTenant('acme'), 'pip-1', 'emp-acme');
    await issue(engine.forTenant('globex'), 'pip-1', 'emp-globex');
    const acmeLoads = loads.get('acme') ?? 0;
    const globexLoads = loads.get('globex') ?? 0;
    const note = (tenant: string) =>
      engine
        .forTenant(tenant)
        .dispatch('pip-1', { type: 'ATTACH_DOCUMENT', documents: [plan] }, { actor: hr });
    // Each tenant's engine remembers only what it wrote itself: no new read for either.
    const acme = await note('acme');
    const globex = await note('globex');
    expect([acme.pip.employeeId, globex.pip.employeeId]).toEqual(['emp-acme', 'emp-globex']);
    expect(loads.get('acme') ?? 0).toBe(acmeLoads);
    expect(loads.get('globex') ?? 0).toBe(globexLoads);
    // A tenant that never wrote pip-1 reads its own store, finds nothing, and says so.
    await expect(note('initech')).rejects.toMatchObject({ code: 'PIP_NOT_FOUND' });
    expect(loads.get('initech')).toBe(1);
  });

  it('gives the same engine for a tenant while it is kept, and rebuilds one past tenantEngines', async () => {
    const engine = engineOn(memoryStore(), { tenantEngines: 1 });
    const acme = engine.forTenant('acme');
    expect(engine.forTenant('acme')).toBe(acme);
    expect(acme.forTenant('acme')).toBe(acme);
    expect(acme.tenantId).toBe('acme');
    const issued = await issue(acme, 'pip-1');
    engine.forTenant('globex');
    const rebuilt = engine.forTenant('acme');
    expect(rebuilt).not.toBe(acme);
    expect((await rebuilt.get('pip-1', { actor: hr })).version).toBe(issued.pip.version);
    // The store's own tenant is the engine itself.
    const own = engineOn(memoryStore({ tenantId: 'acme' }));
    expect(own.forTenant('acme')).toBe(own);
  });

  it('refuses a tenantEngines option out of range when the engine is built', () => {
    for (const tenantEngines of [-1, 1.5, 2_000_000]) {
      let error: unknown;
      try {
        engineOn(memoryStore(), { tenantEngines });
      } catch (caught) {
        error = caught;
      }
      expect(isPipkitError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as { issues: { code: string }[] }).issues[0]?.code).toBe(
        'TENANT_ENGINES_OUT_OF_RANGE',
      );
    }
  });

  it('hands the tenant to the authorizer', async () => {
    const seen: (string | undefined)[] = [];
    const engine = engineOn(memoryStore(), {
      authorize: (request) => {
        seen.push(request.pip.tenantId);
        return defaultAuthorizer(request);
      },
    });
    await issue(engine.forTenant('acme'), 'pip-1');
    await engine
      .forTenant('globex')
      .get('pip-1', { actor: hr })
      .catch(() => undefined);
    await issue(engine.forTenant('globex'), 'pip-2');
    expect(new Set(seen)).toEqual(new Set(['acme', 'globex']));
    expect(seen.slice(0, 3)).toEqual(['acme', 'acme', 'acme']);
  });

  it('refuses an invalid tenant id, and a store without tenants', () => {
    const engine = engineOn(memoryStore());
    for (const bad of ['', 'line\nbreak', 'x'.repeat(201)]) {
      let error: unknown;
      try {
        engine.forTenant(bad);
      } catch (caught) {
        error = caught;
      }
      expect(isPipkitError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as { issues: { code: string }[] }).issues[0]?.code).toBe('INVALID_TENANT');
    }
    const single = engineOn(singleTenantStore());
    let refusal: unknown;
    try {
      single.forTenant('acme');
    } catch (caught) {
      refusal = caught;
    }
    expect(isPipkitError(refusal, 'STORE_ERROR')).toBe(true);
    expect((refusal as StoreError).reason).toBe(StoreErrorReasons.UNSUPPORTED);
  });
});

describe('engine.tickTenants', () => {
  it("fires a small tenant's deadlines in the first round while a big tenant waits its turn", async () => {
    const engine = engineOn(memoryStore());
    for (let index = 0; index < 40; index += 1) {
      await issue(engine.forTenant('big'), `pip-${index}`);
    }
    let smallVersion = 0;
    for (let index = 0; index < 3; index += 1) {
      smallVersion = (await issue(engine.forTenant('small'), `pip-${index}`)).pip.version;
    }
    const result = await engine.tickTenants({
      tenants: ['big', 'small'],
      at: LATER,
      budgetPerTenant: 5,
    });
    const order = result.fired.map((fire) => fire.tenantId);
    // Round one: five of big's, then all three of small's; big goes on in later rounds.
    expect(order.slice(0, 8)).toEqual([
      ...Array<string>(5).fill('big'),
      ...Array<string>(3).fill('small'),
    ]);
    expect(order.filter((tenant) => tenant === 'big')).toHaveLength(40);
    expect(result.tenantFailures).toEqual([]);
    expect(result.now).toBe(LATER);
    // Every fire took effect in its own tenant.
    const small = await engine.forTenant('small').get('pip-2', { actor: hr });
    expect(small.version).toBeGreaterThan(smallVersion);
    const again = await engine.tickTenants({ tenants: ['big', 'small'], at: LATER });
    expect(again.fired).toEqual([]);
  });

  it("reports one tenant's failures and goes on with every other tenant", async () => {
    const root = memoryStore();
    const v2 = definePolicy({ ...defaultPolicy.document, version: 2 });
    // Tenant "old" has a PIP on a policy version this engine does not register.
    const withV2 = engineOn(root, { policies: [defaultPolicy, v2] });
    await withV2.forTenant('old').open(
      {
        pipId: 'pip-v2',
        employee: { id: 'emp-v2', timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id, version: 2 },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    const oldStore = root.forTenant('old');
    await withV2
      .forTenant('old')
      .dispatch('pip-v2', { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] }, { actor: manager });
    await withV2.forTenant('old').dispatch('pip-v2', { type: 'APPROVE' }, { actor: hr });
    expect(await oldStore.dueTimers(LATER, 10)).not.toEqual([]);
    // Tenant "down"'s store cannot list its timers.
    const unreachable = new StoreError('connection refused', { retryable: true });
    const store: PipStore = Object.assign(Object.create(root) as PipStore, {
      forTenant(tenantId: string) {
        const scoped = root.forTenant(tenantId);
        if (tenantId !== 'down') return scoped;
        return Object.assign(Object.create(scoped) as PipStore, {
          dueTimers: () => Promise.reject(unreachable),
          claimDueTimers: () => Promise.reject(unreachable),
        });
      },
    });
    const engine = engineOn(store);
    await issue(engine.forTenant('down'), 'pip-1');
    await issue(engine.forTenant('fine'), 'pip-1');
    const result = await engine.tickTenants({
      tenants: () => Promise.resolve(['down', 'old', 'fine']),
      at: LATER,
    });
    expect(result.tenantFailures).toEqual([
      { tenantId: 'down', code: StoreErrorReasons.UNAVAILABLE, error: unreachable },
    ]);
    expect(result.faults.map((fault) => [fault.tenantId, fault.pipId, fault.code])).toEqual([
      ['old', 'pip-v2', 'POLICY_NOT_FOUND'],
    ]);
    expect(new Set(result.fired.map((fire) => `${fire.tenantId}/${fire.pipId}`))).toEqual(
      new Set(['fine/pip-1']),
    );
  });

  it('refuses an invalid tenant list before touching any tenant', async () => {
    const engine = engineOn(memoryStore());
    const issued = await issue(engine.forTenant('acme'), 'pip-1');
    const refused = await engine
      .tickTenants({ tenants: ['acme', ''], at: LATER })
      .catch((error: unknown) => error);
    expect(isPipkitError(refused, 'INVALID_INPUT')).toBe(true);
    expect((refused as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual(['tenants', 1]);
    const notAList = await engine
      .tickTenants({ tenants: (() => 'acme') as unknown as () => string[], at: LATER })
      .catch((error: unknown) => error);
    expect(isPipkitError(notAList, 'INVALID_INPUT')).toBe(true);
    expect((await engine.forTenant('acme').get('pip-1', { actor: hr })).version).toBe(
      issued.pip.version,
    );
    const single = engineOn(singleTenantStore());
    await expect(single.tickTenants({ tenants: ['acme'] })).rejects.toMatchObject({
      code: 'STORE_ERROR',
    });
  });
});

describe('engine.relayTenants', () => {
  it("delivers every tenant's messages in turns, naming the tenant, past one tenant's failures", async () => {
    const root = memoryStore();
    const engine = engineOn(root);
    for (let index = 0; index < 4; index += 1) await issue(engine.forTenant('big'), `pip-${index}`);
    await issue(engine.forTenant('small'), 'pip-0');
    await issue(engine.forTenant('flaky'), 'pip-0');
    const pending = (tenant: string) => root.forTenant(tenant).pendingOutbox(1000);
    const bigCount = (await pending('big')).length;
    const smallCount = (await pending('small')).length;
    expect(smallCount).toBeGreaterThan(0);
    const heard: string[] = [];
    const result = await engine.relayTenants(
      (message, { tenantId }) => {
        if (tenantId === 'flaky') throw new Error('webhook down');
        heard.push(`${tenantId}/${message.pipId}`);
      },
      { tenants: ['big', 'small', 'flaky'], budgetPerTenant: 2 },
    );
    expect(result.delivered.filter((entry) => entry.tenantId === 'big')).toHaveLength(bigCount);
    expect(result.delivered.filter((entry) => entry.tenantId === 'small')).toHaveLength(smallCount);
    // Round one: two of big's, then small's first two, before big's third.
    expect(result.delivered.slice(0, 4).map((entry) => entry.tenantId)).toEqual([
      'big',
      'big',
      'small',
      'small',
    ]);
    expect(result.failed.map((entry) => entry.tenantId)).toEqual(['flaky']);
    expect(result.tenantFailures).toEqual([]);
    expect(await pending('big')).toEqual([]);
    expect((await pending('flaky')).length).toBeGreaterThan(0);
    expect(heard.every((entry) => !entry.startsWith('flaky'))).toBe(true);
  });
});
