/**
 * Test helper: PIPs driven through an engine on a store until some of them have an overdue
 * acknowledgement, for query, report and migration tests.
 */
import { type Actor, createEngine, defaultPolicy, type Engine, type PipStore } from '@pipkit/core';
import { createTestClock, referenceDocument } from '@pipkit/core/testing';

/** HR: reads every PIP under the default authorizer. */
export const hrActor: Actor = { id: 'hr-1', role: 'hr' };
const plan = referenceDocument('planDocument', 'plan');

/** When the sweep finds the acknowledgements overdue. */
export const OVERDUE_AT = '2026-03-11T15:00:00.000Z';

/**
 * Opens `count` PIPs `p-0`... (managed by `mgr-${i % managers}`), issues them, has all but the
 * first `overdue` acknowledged in time, and sweeps at {@link OVERDUE_AT}.
 */
export async function overduePips(
  store: PipStore,
  options: { count: number; overdue: number; managers?: number },
): Promise<{ engine: Engine; pipIds: string[] }> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  let nextId = '';
  const engine = createEngine({ store, policies: [defaultPolicy], clock, ids: () => nextId });
  const manager = (i: number): Actor => ({
    id: `mgr-${i % (options.managers ?? 2)}`,
    role: 'manager',
  });
  const pipIds: string[] = [];
  for (let i = 0; i < options.count; i++) {
    nextId = `p-${i}`;
    const { pip } = await engine.open(
      {
        employee: { id: `emp-${i}`, timeZone: 'Europe/Berlin' },
        managerId: manager(i).id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager(i) },
    );
    await engine.dispatch(
      pip.pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: manager(i) },
    );
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hrActor });
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
