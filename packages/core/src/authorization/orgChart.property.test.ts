/**
 * Property: over random org trees, HR business partners, delegations and conflicts, the org
 * chart authorizer lets through exactly what the org chart allows. Every attempt is checked
 * against a model that walks the tree itself: no unauthorized attempt succeeds, and every
 * permitted one works, through the engine's public API.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  allowedRoles,
  type AuthorizationAction,
  type Command,
  createEngine,
  defaultPolicy,
  type Delegation,
  memoryStore,
  type OrgChartOptions,
  orgChartAuthorizer,
  type Role,
} from '../index.js';
import { createTestClock } from '../testing/index.js';
import { hostOrgChart, type OrgFacts, orgFacts } from './__fixtures__/hostOrgChart.js';

const LEVELS = 3;
const DAY = 86_400_000;
const BASE = Date.parse('2026-03-02T00:00:00.000Z');
const UNITS = ['u1', 'u2'] as const;

/** Who holds what, as the host configures it. */
const ROLES: OrgChartOptions['roles'] = {
  employee: { heldBy: 'employee', actsAs: ['employee'], may: ['READ'] },
  lineManager: {
    heldBy: { managerLevel: 1 },
    actsAs: ['manager'],
    may: ['READ', 'OPEN', 'UPDATE_PLAN'],
  },
  skipLevel: {
    heldBy: { managerLevel: 2 },
    actsAs: ['seniorManager', 'manager'],
    may: ['READ', 'UPDATE_PLAN'],
  },
  director: { heldBy: 'managerChain', actsAs: ['seniorManager'], may: ['READ'] },
  hrbp: {
    heldBy: 'hrBusinessPartner',
    actsAs: ['hr'],
    may: ['READ', 'OPEN', 'UPDATE_PLAN', 'PLACE_LEGAL_HOLD'],
  },
  counsel: { heldBy: 'tenant', actsAs: ['legal'], may: ['READ', 'PLACE_LEGAL_HOLD'] },
};

type Action = 'READ' | 'OPEN' | 'UPDATE_PLAN' | 'PLACE_LEGAL_HOLD';

interface Plan {
  readonly employeeId: string;
  readonly managerId: string;
  readonly orgUnitId: string;
}

/** The model: the roles an actor holds on a plan, by walking the tree (not the adapter's lists). */
function modelRoles(facts: OrgFacts, person: string, role: Role, plan: Plan, delegated: boolean) {
  const held: string[] = [];
  const chain = [plan.managerId];
  for (let boss = facts.managerOf.get(plan.managerId); boss && chain.length < LEVELS;) {
    chain.push(boss);
    boss = facts.managerOf.get(boss);
  }
  const level = chain.indexOf(person) + 1;
  if (!delegated && role === 'employee' && person === plan.employeeId) held.push('employee');
  if (role === 'manager' && level === 1) held.push('lineManager');
  if ((role === 'seniorManager' || role === 'manager') && level === 2) held.push('skipLevel');
  if (role === 'seniorManager' && level >= 1) held.push('director');
  if (role === 'hr' && (facts.partners.get(plan.orgUnitId) ?? []).includes(person)) {
    held.push('hrbp');
  }
  if (!delegated && role === 'legal') held.push('counsel');
  return held;
}

/** The model's answer: may `actor` do `action` on `plan` at `at`? */
function modelAllows(facts: OrgFacts, actor: Actor, action: Action, plan: Plan, at: number) {
  const conflicted = facts.conflicts.get(plan.employeeId) ?? [];
  if (conflicted.includes(actor.id)) return false;
  if (actor.id === plan.employeeId && actor.role !== 'employee') return false;
  const held = modelRoles(facts, actor.id, actor.role, plan, false);
  for (const delegation of facts.delegations) {
    if (delegation.deputyId !== actor.id || delegation.principalId === actor.id) continue;
    if (conflicted.includes(delegation.principalId)) continue;
    if (delegation.principalId === plan.employeeId) continue;
    if (!(Date.parse(delegation.from) <= at && at < Date.parse(delegation.until))) continue;
    held.push(...modelRoles(facts, delegation.principalId, actor.role, plan, true));
  }
  const may = new Set<string>(held.flatMap((name) => ROLES[name]?.may ?? []));
  if (!may.has(action)) return false;
  if (action === 'READ' || action === 'OPEN') return true;
  return allowedRoles(defaultPolicy.document, action).includes(actor.role);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A random org: a tree of people, plans for some of them, partners, delegations, conflicts. */
const worldArb = fc.integer({ min: 5, max: 10 }).chain((size) => {
  const person = fc.integer({ min: 0, max: size - 1 });
  return fc.record({
    size: fc.constant(size),
    bosses: fc.tuple(...Array.from({ length: size - 1 }, (_, index) => fc.nat(index))),
    planned: fc.uniqueArray(fc.integer({ min: 1, max: size - 1 }), { minLength: 1, maxLength: 5 }),
    units: fc.array(fc.constantFrom(...UNITS), { minLength: 5, maxLength: 5 }),
    partners: fc.tuple(
      fc.uniqueArray(person, { maxLength: 2 }),
      fc.uniqueArray(person, { maxLength: 2 }),
    ),
    delegations: fc.array(
      fc.record({
        principal: person,
        deputy: person,
        from: fc.nat(8),
        days: fc.integer({ min: 1, max: 6 }),
      }),
      { maxLength: 4 },
    ),
    conflicts: fc.array(fc.tuple(person, person), { maxLength: 3 }),
    attempts: fc.array(
      fc.record({
        actor: person,
        role: fc.constantFrom<Role>('employee', 'manager', 'seniorManager', 'hr', 'legal'),
        action: fc.constantFrom<Action>('READ', 'READ', 'OPEN', 'UPDATE_PLAN', 'PLACE_LEGAL_HOLD'),
        plan: fc.nat(4),
        // Whole days hit the delegations' bounds often; a millisecond before, just inside.
        day: fc.nat(14),
        justBefore: fc.boolean(),
        // Often a deputy, at one of their delegation's bounds: where off-by-one errors live.
        deputyOf: fc.option(fc.nat(3), { freq: 2 }),
        bound: fc.constantFrom('from' as const, 'until' as const),
      }),
      { minLength: 4, maxLength: 12 },
    ),
  });
});

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;
type Attempt = World['attempts'][number];

/** An attempt aimed at a delegation when it names one: its deputy, at its start or end day. */
function aimed(attempt: Attempt, world: World): Attempt {
  const delegation =
    attempt.deputyOf === null
      ? undefined
      : world.delegations[attempt.deputyOf % world.delegations.length];
  if (!delegation) return attempt;
  const day = attempt.bound === 'from' ? delegation.from : delegation.from + delegation.days;
  return { ...attempt, actor: delegation.deputy, day };
}

const timeOf = (attempt: Attempt) => BASE + attempt.day * DAY - (attempt.justBefore ? 1 : 0);

function factsOf(world: World): OrgFacts {
  const facts = orgFacts();
  const id = (index: number) => `p${index}`;
  for (const [index, boss] of world.bosses.entries()) facts.managerOf.set(id(index + 1), id(boss));
  for (const [index, unit] of UNITS.entries())
    facts.partners.set(unit, (world.partners[index] ?? []).map(id));
  for (const { principal, deputy, from, days } of world.delegations) {
    const delegation: Delegation = {
      principalId: id(principal),
      deputyId: id(deputy),
      from: iso(BASE + from * DAY),
      until: iso(BASE + (from + days) * DAY),
    };
    facts.delegations.push(delegation);
  }
  for (const [who, about] of world.conflicts) {
    facts.conflicts.set(id(about), [...(facts.conflicts.get(id(about)) ?? []), id(who)]);
  }
  return facts;
}

/**
 * An org chart run every time besides the random ones, so that a delegation and a conflict are
 * exercised whatever the seed: p0 manages p1, who manages p2 and p3; p2 manages p4, who is on a
 * plan. p2 delegates to p3 for days 0 to 6, and p0 declared a conflict about p4. On day 1 p3 reads
 * the plan as a manager through the delegation alone; on day 2 p0 tries to, and is refused.
 */
const DELEGATED_AND_CONFLICTED: World = {
  size: 5,
  bosses: [0, 1, 1, 2],
  planned: [4],
  units: ['u1', 'u1', 'u1', 'u1', 'u1'],
  partners: [[], []],
  delegations: [{ principal: 2, deputy: 3, from: 0, days: 6 }],
  conflicts: [[0, 4]],
  attempts: [
    {
      actor: 3,
      role: 'manager',
      action: 'READ',
      plan: 0,
      day: 1,
      justBefore: false,
      deputyOf: null,
      bound: 'from',
    },
    {
      actor: 0,
      role: 'seniorManager',
      action: 'READ',
      plan: 0,
      day: 2,
      justBefore: false,
      deputyOf: null,
      bound: 'from',
    },
  ],
};

describe('orgChartAuthorizer over random org charts', () => {
  it('lets no unauthorized attempt through, and every permitted one works', async () => {
    const tally = { allowed: 0, denied: 0, delegated: 0, conflicted: 0 };
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const facts = factsOf(world);
        // Plans open the day before; attempts then run forward in time (never backwards).
        const clock = createTestClock(iso(BASE - DAY));
        const store = memoryStore();
        const host = hostOrgChart(facts);
        let next = 0;
        const engine = createEngine({
          store,
          policies: [defaultPolicy],
          clock,
          ids: () => `pip-${(next += 1)}`,
          ...orgChartAuthorizer({ managerChainLevels: LEVELS, roles: ROLES, ...host }),
        });
        // The plans are opened by legal-free setup: their line manager, before any conflict counts.
        const conflicts = new Map(facts.conflicts);
        facts.conflicts.clear();
        const plans: (Plan & { pipId: string })[] = [];
        for (const [index, employee] of world.planned.entries()) {
          const plan = {
            employeeId: `p${employee}`,
            managerId: facts.managerOf.get(`p${employee}`) as string,
            orgUnitId: world.units[index] as string,
          };
          const { pip } = await engine.open(
            {
              employee: { id: plan.employeeId, timeZone: 'UTC' },
              managerId: plan.managerId,
              orgUnitId: plan.orgUnitId,
              policy: { id: defaultPolicy.id },
              goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
            },
            { actor: { id: plan.managerId, role: 'manager' } },
          );
          plans.push({ ...plan, pipId: pip.pipId });
        }
        for (const [employee, people] of conflicts) facts.conflicts.set(employee, people);

        const attempts = world.attempts
          .map((attempt) => aimed(attempt, world))
          .sort((a, b) => timeOf(a) - timeOf(b));
        for (const [index, attempt] of attempts.entries()) {
          const plan = plans[attempt.plan % plans.length] as Plan & { pipId: string };
          const actor: Actor = { id: `p${attempt.actor}`, role: attempt.role };
          const at = timeOf(attempt);
          clock.set(iso(at));
          const expected = modelAllows(facts, actor, attempt.action, plan, at);
          const outcome = await run(engine, attempt.action, plan, actor, index).then(
            () => 'ok',
            (error: { code?: string }) => error.code ?? 'thrown',
          );
          expect({ ...attempt, outcome }).toEqual({
            ...attempt,
            outcome: expected ? 'ok' : 'FORBIDDEN',
          });
          if (expected) tally.allowed++;
          else tally.denied++;
          const ownRoles = modelRoles(facts, actor.id, actor.role, plan, false);
          if (expected && ownRoles.length === 0) tally.delegated++;
          if ((facts.conflicts.get(plan.employeeId) ?? []).includes(actor.id)) tally.conflicted++;

          // What a query shows is exactly what the model lets the actor read.
          const readable = plans
            .filter((other) => modelAllows(facts, actor, 'READ', other, at))
            .map((other) => other.pipId);
          const page = await engine.query({ limit: 1000 }, { actor });
          const shown = page.pips
            .map((pip) => pip.pipId)
            .filter((id) => plans.some((p) => p.pipId === id));
          expect(shown.sort()).toEqual(readable.sort());
          expect(await engine.count({}, { actor })).toBe(page.pips.length + page.hidden);
        }
      }),
      // The example counts among numRuns: the random runs stay 60.
      { numRuns: 61, examples: [[DELEGATED_AND_CONFLICTED]] },
    );
    // Both sides, delegations and conflicts were exercised: the example makes the last two certain
    // (60 random runs alone left no delegated attempt in about one seed in 200).
    expect(tally.allowed).toBeGreaterThan(20);
    expect(tally.denied).toBeGreaterThan(20);
    expect(tally.delegated).toBeGreaterThan(0);
    expect(tally.conflicted).toBeGreaterThan(0);
    // About 3 s alone; the 5 s default failed on a loaded machine.
  }, 60_000);
});

/** One attempt through the public API. */
async function run(
  engine: ReturnType<typeof createEngine>,
  action: AuthorizationAction,
  plan: Plan & { pipId: string },
  actor: Actor,
  index: number,
): Promise<unknown> {
  switch (action) {
    case 'READ':
      return engine.get(plan.pipId, { actor });
    case 'OPEN':
      return engine.open(
        {
          employee: { id: plan.employeeId, timeZone: 'UTC' },
          managerId: plan.managerId,
          orgUnitId: plan.orgUnitId,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
        },
        { actor },
      );
    default: {
      const command: Command =
        action === 'UPDATE_PLAN'
          ? {
              type: 'UPDATE_PLAN',
              goals: [{ id: `g${index}`, description: 'Do', measure: 'weekly' }],
            }
          : { type: 'PLACE_LEGAL_HOLD', matterRef: `M-${index}` };
      return engine.dispatch(plan.pipId, command, { actor });
    }
  }
}
