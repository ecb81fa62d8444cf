import { describe, expect, it } from 'vitest';
import {
  type Actor,
  createDefaultAuthorizer,
  createEngine,
  defaultAuthorization,
  defaultPolicy,
  defaultPolicyDocument,
  definePolicy,
  defaultReadScope,
  type EngineOptions,
  memoryStore,
  type PipkitError,
} from '../index.js';
import { createTestClock } from '../testing/index.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const legal: Actor = { id: 'legal-1', role: 'legal' };
const system: Actor = { id: 'sync-1', role: 'system' };
const senior: Actor = { id: 'dir-1', role: 'seniorManager' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };

async function twoPlans(options: Partial<EngineOptions> = {}) {
  let next = 0;
  const engine = createEngine({
    store: memoryStore(),
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00.000Z'),
    ids: () => `pip-${(next += 1)}`,
    ...options,
  });
  for (const [employeeId, managerId] of [
    ['emp-1', 'mgr-1'],
    ['emp-2', 'mgr-2'],
  ] as const) {
    await engine.open(
      {
        employee: { id: employeeId, timeZone: 'Europe/London' },
        managerId,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
      },
      { actor: { id: managerId, role: 'manager' } },
    );
  }
  return engine;
}

async function codesOf(promise: Promise<unknown>): Promise<string[]> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as PipkitError | undefined;
  return error ? [error.code, ...error.issues.map((issue) => issue.code)] : [];
}

describe('the default authorizer reads by least privilege', () => {
  it('no longer lets a senior manager read plans they are not part of', async () => {
    const engine = await twoPlans();
    expect(await codesOf(engine.get('pip-1', { actor: senior }))).toEqual([
      'FORBIDDEN',
      'ROLE_NOT_ALLOWED',
    ]);
    expect(await engine.list({}, { actor: senior })).toEqual([]);
    expect(await engine.query({}, { actor: senior })).toMatchObject({ pips: [], hidden: 0 });
    expect(await engine.count({}, { actor: senior })).toBe(0);
    expect(defaultReadScope(senior)).toEqual({});
  });

  it('lets HR, legal and the system read every plan, and a manager only their own', async () => {
    const engine = await twoPlans();
    for (const actor of [hr, legal, system]) {
      expect((await engine.query({}, { actor })).pips).toHaveLength(2);
      expect(await engine.count({}, { actor })).toBe(2);
    }
    expect((await engine.query({}, { actor: manager })).pips.map((pip) => pip.pipId)).toEqual([
      'pip-1',
    ]);
    expect(await codesOf(engine.get('pip-2', { actor: manager }))).toEqual([
      'FORBIDDEN',
      'NOT_THE_MANAGER',
    ]);
  });

  it('takes tenant-wide reading away when a host lists no tenant-wide readers', async () => {
    const engine = await twoPlans(defaultAuthorization({ tenantWideReaders: [] }));
    for (const actor of [hr, legal, system]) {
      expect(await codesOf(engine.get('pip-1', { actor }))).toEqual([
        'FORBIDDEN',
        'ROLE_NOT_ALLOWED',
      ]);
      expect(await engine.count({}, { actor })).toBe(0);
    }
    // Employees and managers still read the plans they are on.
    expect((await engine.query({}, { actor: manager })).pips).toHaveLength(1);
  });

  it('gives tenant-wide reading to the roles a host names, and to no other', async () => {
    const engine = await twoPlans(
      defaultAuthorization({ tenantWideReaders: ['hr', 'seniorManager'] }),
    );
    expect((await engine.get('pip-2', { actor: senior })).pipId).toBe('pip-2');
    expect(await engine.count({}, { actor: senior })).toBe(2);
    expect(await codesOf(engine.get('pip-2', { actor: legal }))).toEqual([
      'FORBIDDEN',
      'ROLE_NOT_ALLOWED',
    ]);
  });

  it('never lets the employee read their own plan in another role, reader or not', async () => {
    const engine = await twoPlans();
    expect(await codesOf(engine.get('pip-1', { actor: { id: 'emp-1', role: 'hr' } }))).toEqual([
      'FORBIDDEN',
      'SELF_DEALING',
    ]);
  });

  it('refuses invalid options with INVALID_INPUT listing every problem', () => {
    let caught: PipkitError | undefined;
    try {
      createDefaultAuthorizer({ tenantWideReaders: ['employee', 'boss'] } as never);
    } catch (error) {
      caught = error as PipkitError;
    }
    expect(caught?.code).toBe('INVALID_INPUT');
    expect(caught?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'tenantWideReaders.0',
      'tenantWideReaders.1',
    ]);
  });
});

describe('whoever must decide reads what they decide on', () => {
  it('lets an approver read a plan awaiting their approval, and only then', async () => {
    const policy = definePolicy({
      ...defaultPolicyDocument,
      id: 'senior-approves',
      approval: { required: true, approverRoles: ['seniorManager'] },
    });
    const engine = await twoPlans({ policies: [policy, defaultPolicy] });
    const { pip } = await engine.open(
      {
        employee: { id: 'emp-3', timeZone: 'Europe/London' },
        managerId: 'mgr-1',
        policy: { id: policy.id },
        goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
      },
      { actor: manager },
    );
    expect(await codesOf(engine.get(pip.pipId, { actor: senior }))).toEqual([
      'FORBIDDEN',
      'ROLE_NOT_ALLOWED',
    ]);
    await engine.dispatch(
      pip.pipId,
      {
        type: 'SUBMIT_FOR_APPROVAL',
        documents: [{ kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) }],
      },
      { actor: manager },
    );
    expect((await engine.get(pip.pipId, { actor: senior })).state).toBe('pendingApproval');
    // A plan of the default policy, which senior managers do not approve, stays closed to them.
    expect(await codesOf(engine.get('pip-1', { actor: senior }))).toEqual([
      'FORBIDDEN',
      'ROLE_NOT_ALLOWED',
    ]);
  });
});
