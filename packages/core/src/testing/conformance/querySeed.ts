// By package name, like the rest of the suite: the engine runs on the same @pipkit/core.
import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicy,
  definePolicy,
  type Engine,
  type PipStore,
} from '@pipkit/core';
import { createTestClock, type TestClock } from '../testClock.js';

/** How many PIPs the query seed opens. */
export const SEEDED_PIPS = 24;

/** The second version of the default policy, so queries can tell versions apart. */
export const secondVersion = definePolicy({ ...defaultPolicy.document, version: 2 });

/** Another policy (the default's rules under another id), for PIPs 1 and 17. */
export const otherPolicy = definePolicy({ ...defaultPolicy.document, id: 'pipkit-other' });

/** The policy id and version seeded PIP `i` opens under. */
export const policyOfSeeded = (i: number): { id: string; version: number } =>
  i === 1 || i === 17
    ? { id: otherPolicy.id, version: 1 }
    : { id: defaultPolicy.id, version: i % 4 === 3 ? 2 : 1 };

const hr: Actor = { id: 'hr-1', role: 'hr' };
const document = (kind: string, n: number) => ({
  kind,
  ref: `dms://${kind}/${n}`,
  sha256: n.toString(16).padStart(64, '0'),
});
const plan = document('planDocument', 1);

/** The manager, employee and id of seeded PIP `i`. */
export const seeded = (i: number) => ({
  pipId: `q-${String(i).padStart(2, '0')}`,
  manager: { id: `mgr-${i % 3}`, role: 'manager' } as Actor,
  employee: { id: `emp-${i}`, role: 'employee' } as Actor,
});

/** What the seed did to each PIP, for tests that check the meaning of a query. */
export const SEED_GROUPS = Object.freeze({
  /** Opened, never submitted. */
  draft: [0, 1, 2, 3],
  /** Issued, never acknowledged: the acknowledgement went overdue. */
  acknowledgementOverdue: [4, 5],
  /** Issued, acknowledged only after the acknowledgement had gone overdue. */
  acknowledgedLate: [6, 7],
  /** Acknowledged on time; a check-in held. */
  checkedIn: [8, 9, 10, 11],
  /** Closed: the employee resigned. */
  resigned: [12, 13],
  /** Extended by 10 days. */
  extended: [14, 15],
  /** Paused for leave. */
  paused: [16, 17],
  /** Passed at review. */
  passed: [18, 19],
  /** Terminated: proposed, then removed. */
  removed: [20, 21],
  /** Left in review past its deadline: the review went overdue. */
  reviewOverdue: [22, 23],
});

/**
 * Opens {@link SEEDED_PIPS} PIPs through an engine on `store` and takes them to a spread of
 * states, outcomes and deadlines over ten weeks of 2026 (employees in New York; managers
 * `mgr-0` to `mgr-2`; PIPs 1 and 17 on another policy, every other fourth PIP on version 2).
 */
export async function seedPlans(store: PipStore): Promise<{ engine: Engine; clock: TestClock }> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({
    store,
    policies: [defaultPolicy, secondVersion, otherPolicy],
    clock,
  });
  const all = Array.from({ length: SEEDED_PIPS }, (_, i) => i);
  const send = async (
    indexes: readonly number[],
    command: (i: number) => Command,
    who: (i: number) => Actor,
  ) => {
    for (const i of indexes) await engine.dispatch(seeded(i).pipId, command(i), { actor: who(i) });
  };
  const manager = (i: number) => seeded(i).manager;
  const employee = (i: number) => seeded(i).employee;
  for (const i of all) {
    const { pipId } = seeded(i);
    await engine.open(
      {
        pipId,
        employee: { id: employee(i).id, timeZone: 'America/New_York' },
        managerId: manager(i).id,
        // Four units; every fifth plan has none.
        ...(i % 5 === 4 ? {} : { orgUnitId: `ou-${i % 4}` }),
        policy: policyOfSeeded(i),
        goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
        documents: [plan],
      },
      { actor: manager(i) },
    );
    clock.set(new Date(Date.parse(clock.iso()) + 60_000));
  }
  const issued = all.slice(4);
  await send(issued, () => ({ type: 'SUBMIT_FOR_APPROVAL' }), manager);
  await send(
    issued,
    () => ({ type: 'APPROVE' }),
    () => hr,
  );
  clock.set('2026-03-03T15:00:00Z');
  const onTime = all.slice(8);
  await send(onTime, () => ({ type: 'ACKNOWLEDGE', documentSha256: plan.sha256 }), employee);
  // The acknowledgement deadline (5 business days after issue) passes for 4 to 7.
  clock.set('2026-03-11T15:00:00Z');
  await engine.tick();
  clock.set('2026-03-12T15:00:00Z');
  await send(
    SEED_GROUPS.acknowledgedLate,
    () => ({ type: 'ACKNOWLEDGE', documentSha256: plan.sha256 }),
    employee,
  );
  clock.set('2026-03-16T15:00:00Z');
  const notes = (i: number) => [document('checkInNotes', 100 + i)];
  await send(
    SEED_GROUPS.checkedIn,
    (i) => ({ type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: notes(i) }),
    manager,
  );
  clock.set('2026-03-20T15:00:00Z');
  await engine.tick();
  await send(
    SEED_GROUPS.resigned,
    () => ({ type: 'CLOSE', reason: 'resigned' }),
    () => hr,
  );
  await send(
    SEED_GROUPS.extended,
    () => ({ type: 'EXTEND', amount: 10, reason: 'training delayed' }),
    manager,
  );
  await send(
    SEED_GROUPS.paused,
    (i) => ({ type: 'PAUSE', category: 'medicalLeave', hostRef: `leave-${i}` }),
    () => hr,
  );
  // The plans acknowledged on 3 March end; their review begins.
  clock.set('2026-05-04T12:00:00Z');
  await engine.tick();
  clock.set('2026-05-04T15:00:00Z');
  await send(
    SEED_GROUPS.passed,
    (i) => ({ type: 'PASS', documents: [document('finalReview', 200 + i)] }),
    manager,
  );
  await send(
    SEED_GROUPS.removed,
    (i) => ({
      type: 'PROPOSE_TERMINATION',
      documents: [document('finalReview', 200 + i), document('proposalNotice', 300 + i)],
    }),
    manager,
  );
  // The review deadline (5 business days) passes for 22 and 23.
  clock.set('2026-05-12T15:00:00Z');
  await engine.tick();
  clock.set('2026-05-20T15:00:00Z');
  await send(
    SEED_GROUPS.removed,
    (i) => ({
      type: 'DECIDE',
      decision: 'remove',
      documents: [document('decisionLetter', 400 + i)],
    }),
    () => hr,
  );
  return { engine, clock };
}
