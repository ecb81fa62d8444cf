// Test data for the report tests: PIPs with overdue deadlines and outcomes in two months, built
// through the engine on a test clock (the same idea as core's query seed, kept local).
import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicy,
  type Engine,
  type PipStore,
} from '@pipkit/core';
import { createTestClock, type TestClock } from '@pipkit/core/testing';

/**
 * An employee id a host may use (employee and manager ids allow any printable text): markup that
 * would run a script if the page did not escape it.
 */
export const EVIL_ID = '<img src=x onerror="window.__pwned=1">';

/** HR, who reads every PIP. */
export const HR: Actor = { id: 'hr-1', role: 'hr' };

const doc = (kind: string, n: number) => ({
  kind,
  ref: `dms://${kind}/${n}`,
  sha256: n.toString(16).padStart(64, '0'),
});
const plan = doc('planDocument', 1);

/** The seeded PIPs: id, employee, manager, zone, and what happens to each. */
export const SEEDED = [
  {
    pipId: 'ack-1',
    employee: 'emp-1',
    manager: 'mgr-a',
    zone: 'America/New_York',
    fate: 'ackOverdue',
  },
  {
    pipId: 'ack-2',
    employee: EVIL_ID,
    manager: 'mgr-b',
    zone: 'Europe/Berlin',
    fate: 'ackOverdue',
  },
  {
    pipId: 'resign-1',
    employee: 'emp-3',
    manager: 'mgr-a',
    zone: 'America/New_York',
    fate: 'resigned',
  },
  {
    pipId: 'resign-2',
    employee: 'emp-4',
    manager: 'mgr-b',
    zone: 'Europe/Berlin',
    fate: 'resigned',
  },
  {
    pipId: 'pass-1',
    employee: 'emp-5',
    manager: 'mgr-a',
    zone: 'America/New_York',
    fate: 'passed',
  },
  {
    pipId: 'pass-2',
    employee: 'emp-6',
    manager: 'mgr-a',
    zone: 'America/New_York',
    fate: 'passed',
  },
  { pipId: 'pass-3', employee: 'emp-7', manager: 'mgr-b', zone: 'Europe/Berlin', fate: 'passed' },
  {
    pipId: 'removed-1',
    employee: 'emp-8',
    manager: 'mgr-b',
    zone: 'Europe/Berlin',
    fate: 'removed',
  },
  {
    pipId: 'review-1',
    employee: 'emp-9',
    manager: 'mgr-a',
    zone: 'America/New_York',
    fate: 'reviewOverdue',
  },
] as const;

type Fate = (typeof SEEDED)[number]['fate'];

/**
 * Opens the {@link SEEDED} PIPs on `store` and takes them through ten weeks of 2026: two
 * acknowledgements and one final review go overdue, two plans close as resigned in March, three
 * pass and one ends in removal in May.
 */
export async function seedReports(store: PipStore): Promise<{ engine: Engine; clock: TestClock }> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store, policies: [defaultPolicy], clock });
  const manager = (pipId: string): Actor => ({
    id: SEEDED.find((entry) => entry.pipId === pipId)?.manager ?? '',
    role: 'manager',
  });
  const employee = (pipId: string): Actor => ({
    id: SEEDED.find((entry) => entry.pipId === pipId)?.employee ?? '',
    role: 'employee',
  });
  const ids = (...fates: Fate[]) =>
    SEEDED.filter((entry) => (fates as string[]).includes(entry.fate)).map((entry) => entry.pipId);
  const send = async (pipIds: readonly string[], command: Command, who: (id: string) => Actor) => {
    for (const pipId of pipIds) await engine.dispatch(pipId, command, { actor: who(pipId) });
  };
  for (const entry of SEEDED) {
    await engine.open(
      {
        pipId: entry.pipId,
        employee: { id: entry.employee, timeZone: entry.zone },
        managerId: entry.manager,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
        documents: [plan],
      },
      { actor: manager(entry.pipId) },
    );
    clock.advance({ minutes: 1 });
  }
  const all = SEEDED.map((entry) => entry.pipId);
  await send(all, { type: 'SUBMIT_FOR_APPROVAL' }, manager);
  await send(all, { type: 'APPROVE' }, () => HR);
  clock.set('2026-03-03T15:00:00Z');
  const acknowledged = ids('resigned', 'passed', 'removed', 'reviewOverdue');
  await send(acknowledged, { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 }, employee);
  clock.set('2026-03-11T15:00:00Z');
  await engine.tick();
  clock.set('2026-03-20T15:00:00Z');
  await send(ids('resigned'), { type: 'CLOSE', reason: 'resigned' }, () => HR);
  clock.set('2026-05-04T12:00:00Z');
  await engine.tick();
  clock.set('2026-05-04T15:00:00Z');
  let n = 200;
  for (const pipId of ids('passed'))
    await engine.dispatch(
      pipId,
      { type: 'PASS', documents: [doc('finalReview', n++)] },
      { actor: manager(pipId) },
    );
  for (const pipId of ids('removed'))
    await engine.dispatch(
      pipId,
      {
        type: 'PROPOSE_TERMINATION',
        documents: [doc('finalReview', n++), doc('proposalNotice', n++)],
      },
      { actor: manager(pipId) },
    );
  clock.set('2026-05-12T15:00:00Z');
  await engine.tick();
  clock.set('2026-05-20T15:00:00Z');
  await send(
    ids('removed'),
    { type: 'DECIDE', decision: 'remove', documents: [doc('decisionLetter', n)] },
    () => HR,
  );
  return { engine, clock };
}
