import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../model/actor.js';
import { memoryStore } from '../store/memoryStore.js';
import {
  otherPolicy,
  secondVersion,
  seedPlans,
  SEED_GROUPS,
  seeded,
} from '../testing/conformance/querySeed.js';
import { createEngine } from './createEngine.js';
import type { Engine } from './engineApi.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import type { PipStore } from '../store/pipStore.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const ids = (indexes: readonly number[]) => indexes.map((i) => seeded(i).pipId);

let engine: Engine;
let store: PipStore;

beforeAll(async () => {
  store = memoryStore();
  ({ engine } = await seedPlans(store));
});

/** The error's code and the paths of its issues. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const { code, issues } = error as { code: string; issues: { path: unknown[]; code: string }[] };
    return { code, issues: issues.map((issue) => ({ path: issue.path, code: issue.code })) };
  }
  throw new Error('expected a refusal');
}

describe('engine.query: what a manager and HR ask for', () => {
  it("gives a manager their team's overdue plans, and only theirs", async () => {
    const page = await engine.query(
      { overdue: true, sort: 'nextDeadline' },
      { actor: { id: 'mgr-1', role: 'manager' } },
    );
    expect(page.pips.map((pip) => pip.pipId)).toEqual(ids([4, 10, 22]));
    expect(page.pips.map((pip) => pip.summary?.overdue.map((item) => item.kind))).toEqual([
      ['acknowledgement'],
      ['review'],
      ['review'],
    ]);
    expect(page).toMatchObject({ hidden: 0, unreadable: [] });
    expect(page.next).toBeUndefined();
  });

  it('shows an employee their own plan and nobody else’s', async () => {
    const mine = await engine.query({}, { actor: { id: 'emp-4', role: 'employee' } });
    expect(mine.pips.map((pip) => pip.pipId)).toEqual(ids([4]));
    expect(await engine.count({}, { actor: { id: 'emp-4', role: 'employee' } })).toBe(1);
  });

  it('sorts by the next deadline, earliest first, plans without one last', async () => {
    const page = await engine.query({ sort: 'nextDeadline' }, { actor: hr });
    const due = page.pips.map((pip) => pip.summary?.next?.dueAt ?? null);
    const firstNone = due.indexOf(null);
    expect(firstNone).toBeGreaterThan(0);
    expect(due.slice(firstNone).every((value) => value === null)).toBe(true);
    const dated = due.slice(0, firstNone) as string[];
    expect(dated).toEqual([...dated].sort());
    expect(page.pips[0]?.summary?.next).toEqual({
      id: 'review',
      kind: 'review',
      dueAt: '2026-05-16T03:59:59.999Z',
    });
  });

  it('pages through every plan exactly once, most recently changed first', async () => {
    const seen: string[] = [];
    const changed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.query(
        { sort: 'lastChange', limit: 5, ...(cursor ? { cursor } : {}) },
        { actor: hr },
      );
      seen.push(...page.pips.map((pip) => pip.pipId));
      changed.push(...page.pips.map((pip) => pip.updatedAt));
      cursor = page.next;
    } while (cursor);
    expect([...seen].sort()).toEqual(ids(Array.from({ length: 24 }, (_, i) => i)));
    expect(changed).toEqual([...changed].sort().reverse());
  });

  it('filters on states, outcomes, reasons, policies, opened and closed ranges and the next deadline', async () => {
    const count = (filter: Parameters<Engine['count']>[0]) => engine.count(filter, { actor: hr });
    expect(await count({ states: ['draft', 'paused'] })).toBe(6);
    expect(await count({ outcomes: ['terminated'] })).toBe(2);
    expect(await count({ outcomeReasons: ['resigned'] })).toBe(2);
    expect(await count({ policies: [{ id: defaultPolicy.id, version: 2 }] })).toBe(6);
    expect(await count({ policies: [{ id: defaultPolicy.id }] })).toBe(22);
    expect(await count({ policies: [{ id: otherPolicy.id }, { id: 'unknown' }] })).toBe(2);
    expect(await count({ managerIds: ['mgr-0', 'mgr-2'] })).toBe(16);
    expect(await count({ employeeIds: ['emp-1', 'emp-2', 'nobody'] })).toBe(2);
    expect(await count({ opened: { from: '2026-03-02T15:10:00Z' } })).toBe(14);
    expect(
      await count({ closed: { from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z' } }),
    ).toBe(4);
    expect(
      await count({ nextDeadline: { from: '2026-05-16T00:00:00Z', to: '2026-05-17T00:00:00Z' } }),
    ).toBe(2);
    expect(await count({ nextDeadline: { kinds: ['watch'] } })).toBe(2);
    expect(await count({ overdue: false })).toBe(16);
    // Units ou-0 to ou-3 (i % 4), none for every fifth plan: ou-1 has plans 1, 5, 13, 17, 21.
    expect(await count({ orgUnitIds: ['ou-1'] })).toBe(5);
    // In review since before 10 May: the plans whose review began on 4 May, not those of 12 May.
    expect(await count({ states: ['review'], stateSince: { to: '2026-05-10T00:00:00Z' } })).toBe(6);
  });

  it('answers the reports HR and a regulator ask for', async () => {
    const as = { actor: hr };
    expect((await engine.report({ name: 'openByState' }, as)).rows).toEqual([
      { state: 'draft', count: 4 },
      { state: 'opened', count: 2 },
      { state: 'passed.watching', count: 2 },
      { state: 'paused', count: 2 },
      { state: 'review', count: 10 },
    ]);
    expect((await engine.report({ name: 'overdueByKind' }, as)).rows).toEqual([
      { kind: 'acknowledgement', count: 2, oldestSince: '2026-03-11T15:00:00.000Z' },
      { kind: 'review', count: 6, oldestSince: '2026-05-12T15:00:00.000Z' },
    ]);
    expect((await engine.report({ name: 'outcomesByMonth' }, as)).rows).toEqual([
      {
        month: '2026-03',
        policyId: 'pipkit-default',
        status: 'closed',
        reason: 'resigned',
        count: 2,
      },
      {
        month: '2026-05',
        policyId: 'pipkit-default',
        status: 'passed',
        reason: 'passed',
        count: 2,
      },
      {
        month: '2026-05',
        policyId: 'pipkit-default',
        status: 'terminated',
        reason: 'removed',
        count: 2,
      },
    ]);
    const time = await engine.report({ name: 'timeToOutcome' }, as);
    expect(time.rows.map((row) => [row.status, row.count, row.p50Days, row.p90Days])).toEqual([
      ['closed', 2, 18, 18],
      ['passed', 2, 63, 63],
      ['terminated', 2, 79, 79],
    ]);
    expect((await engine.report({ name: 'longPlans', overDays: 60 }, as)).rows).toEqual([
      { policyId: 'pipkit-default', count: 2 },
    ]);
    const extended = await engine.report({ name: 'extensionsAndPauses' }, as);
    expect(extended.rows).toEqual([
      {
        policyId: 'pipkit-default',
        plans: 19,
        extended: 2,
        extensions: 2,
        meanExtensions: 0.11,
        paused: 0,
        pausedDays: 0,
        meanPausedDays: 0,
      },
      {
        policyId: 'pipkit-other',
        plans: 1,
        extended: 0,
        extensions: 0,
        meanExtensions: 0,
        paused: 0,
        pausedDays: 0,
        meanPausedDays: 0,
      },
    ]);
  });

  it("scopes a report to the actor: a manager's report counts only their plans", async () => {
    const rows = (
      await engine.report({ name: 'openByState' }, { actor: { id: 'mgr-2', role: 'manager' } })
    ).rows;
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(
      await engine.count(
        { states: ['draft', 'opened', 'paused', 'review', 'passed.watching'] },
        {
          actor: { id: 'mgr-2', role: 'manager' },
        },
      ),
    );
  });
});

describe('engine.deadlines: what became of each deadline', () => {
  it('marks an unanswered acknowledgement overdue, and a late one met late', async () => {
    const unanswered = await engine.deadlines(seeded(4).pipId, { actor: hr });
    expect(unanswered.find((entry) => entry.id === 'acknowledgement')).toMatchObject({
      status: 'overdue',
      overdueSince: '2026-03-11T15:00:00.000Z',
    });
    const late = await engine.deadlines(seeded(6).pipId, { actor: hr });
    expect(late.find((entry) => entry.id === 'acknowledgement')).toMatchObject({
      status: 'met',
      late: true,
      overdueSince: '2026-03-11T15:00:00.000Z',
      changedAt: '2026-03-12T15:00:00.000Z',
    });
  });

  it('records check-ins held as met, missed ones as missed, and the plan end as elapsed', async () => {
    const statuses = await engine.deadlines(seeded(SEED_GROUPS.checkedIn[0] as number).pipId, {
      actor: hr,
    });
    const byId = new Map(statuses.map((entry) => [entry.id, entry.status]));
    expect(byId.get('checkIn:1')).toBe('met');
    expect(byId.get('checkIn:2')).toBe('missed');
    expect(byId.get('planEnd')).toBe('elapsed');
    expect(byId.get('review')).toBe('overdue');
    const closed = await engine.deadlines(seeded(12).pipId, { actor: hr });
    expect(closed.filter((entry) => entry.status === 'pending')).toEqual([]);
    expect(closed.some((entry) => entry.status === 'cancelled')).toBe(true);
  });

  it('keeps each stored summary equal to the one its events give (verify)', async () => {
    for (let i = 0; i < 24; i++) {
      expect(await engine.verify(seeded(i).pipId, { actor: hr })).toMatchObject({ ok: true });
    }
  });
});

describe('engine.query: bad input is a typed error naming the field', () => {
  it.each([
    [{ colour: 'red' }, ['colour']],
    [{ states: ['limbo'] }, ['states', 0]],
    [{ sort: 'salary' }, ['sort']],
    [{ limit: 1001 }, ['limit']],
    [{ limit: 0 }, ['limit']],
    [{ opened: { from: '2026-05-01T00:00:00Z', to: '2026-04-01T00:00:00Z' } }, ['opened', 'from']],
    [{ nextDeadline: { kinds: ['lunch'] } }, ['nextDeadline', 'kinds', 0]],
    [{ closed: { from: 'yesterday' } }, ['closed', 'from']],
  ])('refuses %j', async (query, path) => {
    const error = await refusal(engine.query(query as never, { actor: hr }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((issue) => issue.path)).toContainEqual(path);
  });

  it('refuses a cursor from another query, and one pipkit did not give', async () => {
    const first = await engine.query({ limit: 2 }, { actor: hr });
    const cursor = first.next as string;
    expect(cursor).toBeTypeOf('string');
    expect(
      await refusal(engine.query({ limit: 2, states: ['review'], cursor }, { actor: hr })),
    ).toEqual({
      code: 'INVALID_INPUT',
      issues: [{ path: ['cursor'], code: 'CURSOR_OF_ANOTHER_QUERY' }],
    });
    expect(await refusal(engine.query({ cursor: 'not-a-cursor' }, { actor: hr }))).toEqual({
      code: 'INVALID_INPUT',
      issues: [{ path: ['cursor'], code: 'CURSOR_MALFORMED' }],
    });
  });

  it('refuses an unknown report or a report without its parameter', async () => {
    expect((await refusal(engine.report({ name: 'salaries' } as never, { actor: hr }))).code).toBe(
      'INVALID_INPUT',
    );
    const missing = await refusal(engine.report({ name: 'longPlans' } as never, { actor: hr }));
    expect(missing.issues.map((issue) => issue.path)).toContainEqual(['overDays']);
  });
});

describe('readScope: the host says who sees what', () => {
  it('pushes a custom scope into the query and still hides what the authorizer denies', async () => {
    const skipLevel: Actor = { id: 'dir-1', role: 'seniorManager' };
    const scoped = createEngine({
      store,
      policies: [defaultPolicy, secondVersion, otherPolicy],
      readScope: (actor) => (actor.id === 'dir-1' ? { managerIds: ['mgr-0'] } : {}),
      authorize: ({ pip }) =>
        pip.pipId === seeded(0).pipId ? [{ code: 'HOST_DENIED', path: [], message: 'no' }] : [],
    });
    const page = await scoped.query({}, { actor: skipLevel });
    expect(page.pips.map((pip) => pip.pipId)).toEqual(ids([3, 6, 9, 12, 15, 18, 21]));
    expect(page.hidden).toBe(1);
    expect(await scoped.count({}, { actor: skipLevel })).toBe(8);
    expect((await scoped.query({}, { actor: hr })).pips).toEqual([]);
  });

  it("scopes an HR business partner to their units' plans", async () => {
    const partner = createEngine({
      store,
      policies: [defaultPolicy, secondVersion, otherPolicy],
      readScope: () => ({ orgUnitIds: ['ou-2'] }),
    });
    const page = await partner.query({}, { actor: hr });
    expect(page.pips.map((pip) => pip.pipId)).toEqual(ids([2, 6, 10, 18, 22]));
    expect(page.pips.every((pip) => pip.context.orgUnitId === 'ou-2')).toBe(true);
  });

  it('refuses a malformed scope from the host with a typed error', async () => {
    const broken = createEngine({
      store,
      policies: [defaultPolicy],
      readScope: () => ({ managerIds: 'mgr-0' }) as never,
    });
    expect((await refusal(broken.query({}, { actor: hr }))).code).toBe('INVALID_INPUT');
  });
});

describe('a stored summary that is not one', () => {
  it('is recomputed from the log at the next commit, and verify reports it until then', async () => {
    const inner = memoryStore();
    const { engine: seeder } = await seedPlans(inner);
    void seeder;
    // A store whose records come back with their summary overwritten (a row edited by hand).
    const forged = { overdue: 'none', stateSince: 7 };
    const tampered: PipStore = Object.create(inner) as PipStore;
    tampered.load = async (pipId) => {
      const record = await inner.load(pipId);
      return record && { ...record, summary: forged as never };
    };
    // Loads go through `load` one by one, so every read is the tampered one.
    (tampered as { loadMany?: unknown }).loadMany = undefined;
    const engine = createEngine({
      store: tampered,
      policies: [defaultPolicy, secondVersion, otherPolicy],
      clock: { now: () => new Date('2026-05-21T15:00:00Z') },
      recordCache: 0,
    });
    const pipId = seeded(4).pipId;
    expect(await engine.verify(pipId, { actor: hr })).toMatchObject({ ok: false });
    const { pip } = await engine.dispatch(
      pipId,
      { type: 'CLOSE', reason: 'withdrawn' },
      { actor: hr },
    );
    expect(pip.summary).toMatchObject({
      overdue: [],
      stateSince: '2026-05-21T15:00:00.000Z',
      closedAt: '2026-05-21T15:00:00.000Z',
    });
    expect(await engine.deadlines(pipId, { actor: hr })).toContainEqual(
      expect.objectContaining({ id: 'acknowledgement', status: 'cancelled' }),
    );
    expect(
      await createEngine({
        store: inner,
        policies: [defaultPolicy, secondVersion, otherPolicy],
      }).verify(pipId, { actor: hr }),
    ).toMatchObject({ ok: true });
  });
});
