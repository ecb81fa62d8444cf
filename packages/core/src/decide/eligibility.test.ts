import { describe, expect, it } from 'vitest';
import {
  CommandRefusedError,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  isPipkitError,
  memoryStore,
  type OpenPipInput,
  type PipkitError,
  type PolicyDocumentInput,
} from '../index.js';
import { createTestClock } from '../testing/testClock.js';

const manager = { id: 'mgr-1', role: 'manager' } as const;

/** Up to level 7 (no formal PIP for directors and above), academic staff excluded. */
const staffOnly = definePolicy({
  ...defaultPolicyDocument,
  id: 'staff-capability',
  eligibility: { maxLevel: 7, groups: { exclude: ['academic'] } },
});
/** One bargaining unit only (a union agreement's procedure). */
const unitOnly = definePolicy({
  ...defaultPolicyDocument,
  id: 'unit-7-agreement',
  eligibility: { groups: { include: ['unit7', 'unit7Supervisors'] } },
});
const everyone = definePolicy({ ...defaultPolicyDocument, id: 'everyone' });

function setup() {
  const store = memoryStore();
  const engine = createEngine({
    store,
    policies: [staffOnly, unitOnly, everyone],
    clock: createTestClock('2026-03-02T15:00:00Z'),
  });
  const open = (policyId: string, employee: Partial<OpenPipInput['employee']>) =>
    engine.open(
      {
        employee: { id: 'emp-1', timeZone: 'Europe/London', ...employee },
        managerId: manager.id,
        policy: { id: policyId },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
  return { store, open };
}

async function refusal(promise: Promise<unknown>): Promise<PipkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isPipkitError(error)) throw new Error('expected a typed refusal');
  return error;
}
const codes = (error: PipkitError) => error.issues.map((entry) => entry.code);

describe('eligibility at open', () => {
  it('refuses an employee above the level and in an excluded group, listing both, and writes nothing', async () => {
    const { store, open } = setup();
    const error = await refusal(open(staffOnly.id, { level: 9, group: 'academic' }));
    expect(error).toBeInstanceOf(CommandRefusedError);
    expect(error.issues).toEqual([
      {
        code: 'EMPLOYEE_ABOVE_MAX_LEVEL',
        path: ['employee', 'level'],
        message: 'Policy staff-capability@1 applies up to level 7; the employee is at level 9.',
      },
      {
        code: 'EMPLOYEE_GROUP_NOT_ELIGIBLE',
        path: ['employee', 'group'],
        message:
          'Policy staff-capability@1 does not apply to academic; the employee is in academic.',
      },
    ]);
    expect(await store.list({ limit: 10 })).toEqual([]);
  });

  it('needs the level and group a rule reads, listing each missing one', async () => {
    const { open } = setup();
    const error = await refusal(open(staffOnly.id, {}));
    expect(codes(error)).toEqual(['EMPLOYEE_LEVEL_REQUIRED', 'EMPLOYEE_GROUP_REQUIRED']);
  });

  it('opens for an employee at the highest level allowed, and records the facts it checked', async () => {
    const { open } = setup();
    const { pip } = await open(staffOnly.id, { level: 7, group: 'professionalServices' });
    expect(pip.state).toBe('draft');
    expect(pip.context.employee).toEqual({
      id: 'emp-1',
      timeZone: 'Europe/London',
      level: 7,
      group: 'professionalServices',
    });
  });

  it('admits only the groups a policy includes', async () => {
    const { open } = setup();
    const error = await refusal(open(unitOnly.id, { group: 'unit9' }));
    expect(error.issues).toEqual([
      {
        code: 'EMPLOYEE_GROUP_NOT_ELIGIBLE',
        path: ['employee', 'group'],
        message:
          'Policy unit-7-agreement@1 applies only to unit7, unit7Supervisors; the employee is in unit9.',
      },
    ]);
    expect((await open(unitOnly.id, { group: 'unit7Supervisors', level: 12 })).pip.state).toBe(
      'draft',
    );
  });

  it('asks nothing of a policy without eligibility rules', async () => {
    const { open } = setup();
    expect((await open(everyone.id, {})).pip.context.employee).toEqual({
      id: 'emp-1',
      timeZone: 'Europe/London',
    });
  });

  it('refuses a level that is not a whole number at the boundary', async () => {
    const { open } = setup();
    const error = await refusal(open(staffOnly.id, { level: 6.5, group: 'staff' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((entry) => entry.path)).toEqual([['employee', 'level']]);
  });

  it('refuses a policy that both includes and excludes groups', () => {
    const document = {
      ...defaultPolicyDocument,
      id: 'both-ways',
      eligibility: { groups: { include: ['staff'], exclude: ['academic'] } },
    } as unknown as PolicyDocumentInput;
    let caught: unknown;
    try {
      definePolicy(document);
    } catch (error) {
      caught = error;
    }
    expect(isPipkitError(caught, 'INVALID_POLICY')).toBe(true);
    expect((caught as PipkitError).issues[0]?.path.slice(0, 2)).toEqual(['eligibility', 'groups']);
  });
});
