import { type Actor, createEngine, defaultPolicy, type Engine, type PipStore } from '@pipkit/core';
import { createTestClock, referenceDocument } from '@pipkit/core/testing';

export const hrActor: Actor = { id: 'hr-1', role: 'hr' };
const plan = referenceDocument('planDocument', 'plan');

/**
 * An engine on `store` (test clock from 2 March 2026) that opens `count` PIPs `${prefix}${i}`,
 * managed by `mgr-${i % managers}`, issues them, and lets the acknowledgement of the first
 * `overdue` of them go overdue (the others are acknowledged in time) with one sweep on 11 March.
 */
export async function overduePips(
  store: PipStore,
  options: { count: number; overdue: number; prefix?: string; managers?: number },
): Promise<{ engine: Engine; pipIds: string[] }> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const prefix = options.prefix ?? 'pip-';
  let nextId = '';
  const engine = createEngine({ store, policies: [defaultPolicy], clock, ids: () => nextId });
  const pipIds: string[] = [];
  const managerOf = (i: number): Actor => ({
    id: `mgr-${i % (options.managers ?? 2)}`,
    role: 'manager',
  });
  for (let i = 0; i < options.count; i++) {
    nextId = `${prefix}${i}`;
    const { pip } = await engine.open(
      {
        employee: { id: `emp-${prefix}${i}`, timeZone: 'Europe/London' },
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
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hrActor });
    pipIds.push(pip.pipId);
  }
  clock.set('2026-03-03T15:00:00Z');
  for (const [i, pipId] of pipIds.entries()) {
    if (i < options.overdue) continue;
    await engine.dispatch(
      pipId,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: { id: `emp-${pipId}`, role: 'employee' } },
    );
  }
  clock.set('2026-03-11T15:00:00Z');
  await engine.tick();
  return { engine, pipIds };
}
