// By package name, like the rest of the suite: the engine runs on the same @pipkit/core.
import { type Actor, createEngine, defaultPolicy, type Engine, type PipStore } from '@pipkit/core';
import { referenceDocument } from './referenceLifecycle.js';
import { createTestClock } from './testClock.js';

/** HR under the default authorizer: reads every PIP. */
export const OVERDUE_HR: Actor = { id: 'hr-1', role: 'hr' };

/** When {@link overduePips} sweeps, finding the unacknowledged plans overdue. */
export const OVERDUE_AT = '2026-03-11T15:00:00.000Z';

const plan = referenceDocument('planDocument', 'plan');

/**
 * For an adapter's own query, report and migration tests: an engine on `store` (test clock from
 * Monday 2 March 2026) that opens `count` PIPs `${prefix}${i}` (default prefix `pip-`) for
 * employees `emp-${i}` in Europe/London, managed by `mgr-${i % managers}` (default 2), issues
 * them, has all but the first `overdue` acknowledged on 3 March, and sweeps at
 * {@link OVERDUE_AT}, when the first `overdue` acknowledgements go overdue.
 */
export async function overduePips(
  store: PipStore,
  options: {
    readonly count: number;
    readonly overdue: number;
    readonly prefix?: string;
    readonly managers?: number;
  },
): Promise<{ engine: Engine; pipIds: string[] }> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const prefix = options.prefix ?? 'pip-';
  let nextId = '';
  const engine = createEngine({ store, policies: [defaultPolicy], clock, ids: () => nextId });
  const managerOf = (i: number): Actor => ({
    id: `mgr-${i % (options.managers ?? 2)}`,
    role: 'manager',
  });
  const pipIds: string[] = [];
  for (let i = 0; i < options.count; i++) {
    nextId = `${prefix}${i}`;
    const { pip } = await engine.open(
      {
        employee: { id: `emp-${i}`, timeZone: 'Europe/London' },
        managerId: managerOf(i).id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: managerOf(i) },
    );
    await engine.dispatch(
      pip.pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: managerOf(i) },
    );
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: OVERDUE_HR });
    pipIds.push(pip.pipId);
  }
  clock.set('2026-03-03T15:00:00Z');
  for (const [i, pipId] of pipIds.entries()) {
    if (i < options.overdue) continue;
    await engine.dispatch(
      pipId,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: { id: `emp-${i}`, role: 'employee' } },
    );
  }
  clock.set(OVERDUE_AT);
  await engine.tick();
  return { engine, pipIds };
}
