import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  memoryStore,
  type OrgChartOptions,
  orgChartAuthorizer,
  type PipkitError,
} from '../index.js';
import { createTestClock } from '../testing/index.js';
import { hostOrgChart, type OrgFacts, orgFacts } from './__fixtures__/hostOrgChart.js';

const START = '2026-03-02T15:00:00.000Z';
const planDocument = { kind: 'planDocument', ref: 'dms://plan/1', sha256: 'a'.repeat(64) };
// Senior managers approve plans under this policy, as a skip-level manager would.
const policy = definePolicy({
  ...defaultPolicyDocument,
  id: 'org-policy',
  approval: { required: true, approverRoles: ['hr', 'seniorManager'] },
});

const ROLES: OrgChartOptions['roles'] = {
  employee: { heldBy: 'employee', actsAs: ['employee'], may: ['READ', 'ACKNOWLEDGE'] },
  lineManager: {
    heldBy: { managerLevel: 1 },
    actsAs: ['manager'],
    may: ['READ', 'OPEN', 'UPDATE_PLAN', 'SUBMIT_FOR_APPROVAL'],
  },
  skipLevel: { heldBy: { managerLevel: 2 }, actsAs: ['seniorManager'], may: ['READ', 'APPROVE'] },
  director: { heldBy: 'managerChain', actsAs: ['seniorManager'], may: ['READ'] },
  hrBusinessPartner: {
    heldBy: 'hrBusinessPartner',
    actsAs: ['hr'],
    may: ['READ', 'OPEN', 'APPROVE', 'PLACE_LEGAL_HOLD'],
  },
  counsel: { heldBy: 'tenant', actsAs: ['legal'], may: ['READ', 'PLACE_LEGAL_HOLD'] },
  timers: { heldBy: 'tenant', actsAs: ['system'], may: ['READ', 'DEADLINE_REACHED'] },
};

const as = (id: string, role: Actor['role']): Actor => ({ id, role });

/**
 * ceo > dir > { mgr-a > emp-1, emp-2 ; mgr-b > emp-3 }; hr-s partners `sales`, hr-o `ops`.
 * Plans: emp-1 (mgr-a, sales), emp-2 (mgr-a, ops), emp-3 (mgr-b, sales).
 */
async function orgWorld(extra: { readonly reports?: number } = {}) {
  const facts: OrgFacts = orgFacts();
  const reportsTo = (boss: string, ...people: string[]) => {
    for (const person of people) facts.managerOf.set(person, boss);
  };
  reportsTo('ceo', 'dir');
  reportsTo('dir', 'mgr-a', 'mgr-b');
  reportsTo('mgr-a', 'emp-1', 'emp-2');
  reportsTo('mgr-b', 'emp-3');
  facts.partners.set('sales', ['hr-s']);
  facts.partners.set('ops', ['hr-o']);
  const clock = createTestClock(START);
  const host = hostOrgChart(facts);
  const engine = createEngine({
    store: memoryStore(),
    policies: [policy],
    clock,
    ids: (() => {
      let next = 0;
      return () => `pip-${String((next += 1)).padStart(3, '0')}`;
    })(),
    ...orgChartAuthorizer({
      managerChainLevels: 3,
      relationships: host.relationships,
      reach: host.reach,
      roles: ROLES,
    }),
  });
  const open = async (employeeId: string, managerId: string, orgUnitId: string) =>
    (
      await engine.open(
        {
          employee: { id: employeeId, timeZone: 'Europe/London' },
          managerId,
          orgUnitId,
          policy: { id: policy.id },
          goals: [{ id: 'g1', description: 'Ship on time', measure: '9 of 10 weekly' }],
        },
        { actor: as(managerId, 'manager') },
      )
    ).pip.pipId;
  const plans = {
    one: await open('emp-1', 'mgr-a', 'sales'),
    two: await open('emp-2', 'mgr-a', 'ops'),
    three: await open('emp-3', 'mgr-b', 'sales'),
  };
  for (let index = 0; index < (extra.reports ?? 0); index++) {
    const team = index % 3 === 0 ? 'mgr-b' : 'mgr-a';
    reportsTo(team, `emp-x${index}`);
    await open(`emp-x${index}`, team, index % 2 === 0 ? 'sales' : 'ops');
  }
  return { engine, facts, clock, plans };
}

async function codesOf(promise: Promise<unknown>): Promise<string[]> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as PipkitError | undefined;
  return error ? [error.code, ...error.issues.map((issue) => issue.code)] : [];
}

describe('orgChartAuthorizer: who reads a plan', () => {
  it('lets the plan line manager, the managers above, and the HR partner of its unit read it', async () => {
    const { engine, plans } = await orgWorld();
    for (const actor of [
      as('emp-1', 'employee'),
      as('mgr-a', 'manager'),
      as('dir', 'seniorManager'),
      as('ceo', 'seniorManager'),
      as('hr-s', 'hr'),
      as('lawyer', 'legal'),
    ]) {
      expect((await engine.get(plans.one, { actor })).pipId).toBe(plans.one);
    }
  });

  it('refuses a manager of another team, another unit HR partner and a colleague', async () => {
    const { engine, plans } = await orgWorld();
    expect(await codesOf(engine.get(plans.one, { actor: as('mgr-b', 'manager') }))).toEqual([
      'FORBIDDEN',
      'NO_RELATIONSHIP',
    ]);
    expect(await codesOf(engine.get(plans.one, { actor: as('hr-o', 'hr') }))).toEqual([
      'FORBIDDEN',
      'NO_RELATIONSHIP',
    ]);
    expect(await codesOf(engine.get(plans.one, { actor: as('emp-2', 'employee') }))).toEqual([
      'FORBIDDEN',
      'NO_RELATIONSHIP',
    ]);
    // A relationship counts only in the role it is held in: the director is no line manager.
    expect(await codesOf(engine.get(plans.one, { actor: as('dir', 'manager') }))).toEqual([
      'FORBIDDEN',
      'NO_RELATIONSHIP',
    ]);
  });
});

describe('orgChartAuthorizer: who acts on a plan', () => {
  it('lets the skip-level manager approve, not the director above, who only reads', async () => {
    const { engine, plans } = await orgWorld();
    const submit: Command = { type: 'SUBMIT_FOR_APPROVAL', documents: [planDocument] };
    await engine.dispatch(plans.one, submit, { actor: as('mgr-a', 'manager') });
    expect(
      await codesOf(
        engine.dispatch(plans.one, { type: 'APPROVE' }, { actor: as('ceo', 'seniorManager') }),
      ),
    ).toEqual(['FORBIDDEN', 'CAPABILITY_NOT_GRANTED']);
    const { pip } = await engine.dispatch(
      plans.one,
      { type: 'APPROVE' },
      { actor: as('dir', 'seniorManager') },
    );
    expect(pip.state).toBe('opened');
  });

  it("keeps the policy's roles and separation of duties on top of the org chart", async () => {
    const { engine, facts, plans } = await orgWorld();
    // hr-s partners sales and may approve, but not a plan they submitted themselves.
    facts.partners.set('sales', ['hr-s', 'mgr-a']);
    const submit: Command = { type: 'SUBMIT_FOR_APPROVAL', documents: [planDocument] };
    await engine.dispatch(plans.one, submit, { actor: as('mgr-a', 'manager') });
    expect(
      await codesOf(engine.dispatch(plans.one, { type: 'APPROVE' }, { actor: as('mgr-a', 'hr') })),
    ).toEqual(['FORBIDDEN', 'SEPARATION_OF_DUTIES']);
    // The policy lets only managers and HR update a plan: a role granting it to legal is not enough.
    expect(
      await codesOf(
        engine.dispatch(
          plans.two,
          { type: 'UPDATE_PLAN', goals: [{ id: 'g2', description: 'Doc', measure: 'weekly' }] },
          { actor: as('emp-2', 'manager') },
        ),
      ),
    ).toEqual(['FORBIDDEN', 'SELF_DEALING']);
  });

  it('gives a deputy the principal roles from the start of a delegation, up to but not at its end', async () => {
    const { engine, facts, clock, plans } = await orgWorld();
    facts.delegations.push({
      principalId: 'mgr-a',
      deputyId: 'deputy',
      from: '2026-03-10T00:00:00.000Z',
      until: '2026-03-20T00:00:00.000Z',
    });
    const deputy = as('deputy', 'manager');
    const attempt = () => engine.get(plans.one, { actor: deputy });
    clock.set('2026-03-09T23:59:59.999Z');
    expect(await codesOf(attempt())).toEqual(['FORBIDDEN', 'NO_RELATIONSHIP']);
    clock.set('2026-03-10T00:00:00.000Z');
    expect(await codesOf(attempt())).toEqual([]);
    clock.set('2026-03-19T23:59:59.999Z');
    expect(await codesOf(attempt())).toEqual([]);
    expect((await engine.query({}, { actor: deputy })).pips).toHaveLength(2);
    clock.set('2026-03-20T00:00:00.000Z');
    expect(await codesOf(attempt())).toEqual(['FORBIDDEN', 'NO_RELATIONSHIP']);
    expect((await engine.query({}, { actor: deputy })).pips).toEqual([]);
  });

  it('limits a delegation to the roles it names, and never to the plan of its own principal', async () => {
    const { engine, facts, plans } = await orgWorld();
    facts.delegations.push({
      principalId: 'dir',
      deputyId: 'chief-of-staff',
      from: '2026-01-01T00:00:00.000Z',
      until: '2027-01-01T00:00:00.000Z',
      roles: ['director'],
    });
    const deputy = as('chief-of-staff', 'seniorManager');
    const submit: Command = { type: 'SUBMIT_FOR_APPROVAL', documents: [planDocument] };
    await engine.dispatch(plans.one, submit, { actor: as('mgr-a', 'manager') });
    expect((await engine.get(plans.one, { actor: deputy })).pipId).toBe(plans.one);
    expect(
      await codesOf(engine.dispatch(plans.one, { type: 'APPROVE' }, { actor: deputy })),
    ).toEqual(['FORBIDDEN', 'CAPABILITY_NOT_GRANTED']);
  });

  it('denies everything to someone with a declared conflict of interest, whatever their roles', async () => {
    const { engine, facts, plans } = await orgWorld();
    facts.conflicts.set('emp-1', ['hr-s', 'lawyer', 'mgr-b']);
    facts.delegations.push({
      principalId: 'mgr-b',
      deputyId: 'deputy',
      from: '2026-01-01T00:00:00.000Z',
      until: '2027-01-01T00:00:00.000Z',
    });
    facts.managerOf.set('mgr-a', 'mgr-b');
    for (const actor of [as('hr-s', 'hr'), as('lawyer', 'legal')]) {
      expect(await codesOf(engine.get(plans.one, { actor }))).toEqual([
        'FORBIDDEN',
        'CONFLICT_OF_INTEREST',
      ]);
      expect(
        await codesOf(
          engine.dispatch(plans.one, { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-1' }, { actor }),
        ),
      ).toEqual(['FORBIDDEN', 'CONFLICT_OF_INTEREST']);
    }
    // A conflicted principal delegates nothing on that plan; their other plans are untouched.
    expect(await codesOf(engine.get(plans.one, { actor: as('deputy', 'seniorManager') }))).toEqual([
      'FORBIDDEN',
      'NO_RELATIONSHIP',
    ]);
    expect(await codesOf(engine.get(plans.three, { actor: as('deputy', 'manager') }))).toEqual([]);
    // Queries leave the conflicted plan out and count it as hidden.
    const page = await engine.query({}, { actor: as('hr-s', 'hr') });
    expect(page.pips.map((pip) => pip.pipId)).toEqual([plans.three]);
    expect(page.hidden).toBe(1);
  });
});

describe('orgChartAuthorizer: options and answers', () => {
  it('refuses invalid options with INVALID_INPUT listing every problem', () => {
    let caught: PipkitError | undefined;
    try {
      orgChartAuthorizer({
        managerChainLevels: 2,
        relationships: () => ({}),
        reach: 'not a function',
        roles: {
          tooHigh: { heldBy: { managerLevel: 3 }, actsAs: ['seniorManager'], may: ['READ'] },
          asAnother: { heldBy: 'employee', actsAs: ['hr'], may: ['READ'] },
          unknownAction: { heldBy: 'tenant', actsAs: ['legal'], may: ['READ_EVERYTHING'] },
        },
      } as unknown as OrgChartOptions);
    } catch (error) {
      caught = error as PipkitError;
    }
    expect(caught?.code).toBe('INVALID_INPUT');
    expect(caught?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'reach',
      'roles.asAnother.actsAs',
      'roles.tooHigh.heldBy.managerLevel',
      'roles.unknownAction.may.0',
    ]);
  });

  it('refuses with AUTHORIZATION_FAILED when the org chart answers out of shape', async () => {
    const engine = createEngine({
      store: memoryStore(),
      policies: [policy],
      clock: createTestClock(START),
      ...orgChartAuthorizer({
        managerChainLevels: 1,
        relationships: () => ({ managersAbove: 'mgr-a' }) as never,
        reach: () => ({}),
        roles: ROLES_LEVEL_ONE,
      }),
    });
    const opening = engine.open(
      {
        employee: { id: 'emp-1', timeZone: 'Europe/London' },
        managerId: 'mgr-a',
        policy: { id: policy.id },
        goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
      },
      { actor: as('mgr-a', 'manager') },
    );
    expect(await codesOf(opening)).toEqual(['AUTHORIZATION_FAILED', 'AUTHORIZER_FAILED']);
  });
});

const ROLES_LEVEL_ONE: OrgChartOptions['roles'] = {
  lineManager: { heldBy: { managerLevel: 1 }, actsAs: ['manager'], may: ['READ', 'OPEN'] },
};

describe('orgChartAuthorizer: queries within the read scope', () => {
  it('pages a manager through all of their plans, and only theirs, with query and listPage', async () => {
    const { engine } = await orgWorld({ reports: 30 });
    const actor = as('mgr-a', 'manager');
    const everything = await engine.query({ limit: 1000 }, { actor: as('lawyer', 'legal') });
    const theirs = everything.pips
      .filter((pip) => pip.managerId === 'mgr-a')
      .map((pip) => pip.pipId);
    expect(theirs.length).toBe(22);
    const paged: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const page = await engine.query({ limit: 5, ...(cursor ? { cursor } : {}) }, { actor });
      expect(page.hidden).toBe(0);
      // The scope is in the store's query: every page is full but the last.
      if (page.next) expect(page.pips).toHaveLength(5);
      paged.push(...page.pips.map((pip) => pip.pipId));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(paged).toEqual(theirs);
    expect(await engine.count({}, { actor })).toBe(22);
    const listed: string[] = [];
    let afterPipId: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const page = await engine.listPage(
        { limit: 4, ...(afterPipId ? { afterPipId } : {}) },
        { actor },
      );
      listed.push(...page.pips.map((pip) => pip.pipId));
      if (!page.nextAfterPipId) break;
      afterPipId = page.nextAfterPipId;
    }
    expect(listed).toEqual(theirs);
  });

  it('scopes the skip level to both teams, an HR partner to their unit, an employee to their own', async () => {
    const { engine } = await orgWorld({ reports: 12 });
    const all = (await engine.query({ limit: 1000 }, { actor: as('lawyer', 'legal') })).pips;
    const expectScope = async (actor: Actor, keep: (pip: (typeof all)[number]) => boolean) => {
      const page = await engine.query({ limit: 1000 }, { actor });
      const expected = all.filter(keep).map((pip) => pip.pipId);
      expect(page.pips.map((pip) => pip.pipId)).toEqual(expected);
      expect(page.hidden).toBe(0);
      expect(await engine.count({}, { actor })).toBe(expected.length);
    };
    await expectScope(as('dir', 'seniorManager'), () => true);
    await expectScope(as('hr-s', 'hr'), (pip) => pip.context.orgUnitId === 'sales');
    await expectScope(as('emp-2', 'employee'), (pip) => pip.employeeId === 'emp-2');
    // Acting as a senior manager, a manager holds `director` (any level of the chain): their team.
    await expectScope(as('mgr-b', 'seniorManager'), (pip) => pip.managerId === 'mgr-b');
    await expectScope(as('emp-1', 'seniorManager'), () => false);
  });
});
