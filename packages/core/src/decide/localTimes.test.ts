import { describe, expect, it } from 'vitest';
import {
  type Actor,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  durations,
  memoryStore,
} from '../index.js';
import { createTestClock } from '../testing/index.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const plan = { kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://n', sha256: 'b'.repeat(64) };

/** Weekly check-ins at 01:30, kept on weekends, under a policy calendar with `ambiguousTime`. */
function policyWith(ambiguousTime: 'earlier' | 'later' | undefined) {
  return definePolicy({
    ...defaultPolicyDocument,
    id: `night-${ambiguousTime ?? 'default'}`,
    approval: { required: false },
    calendar: { weekend: [6, 7], holidays: [], ...(ambiguousTime ? { ambiguousTime } : {}) },
    plan: { ...defaultPolicyDocument.plan, duration: durations.inclusiveDays(30) },
    checkIns: { every: { amount: 1, unit: 'weeks' }, at: '01:30', onNonBusinessDay: 'keep' },
  });
}

/** Starts a plan on Sunday 25 October 2026 in New York; check-in 1 is Sunday 1 November 01:30. */
async function firstCheckIn(ambiguousTime: 'earlier' | 'later' | undefined) {
  const policy = policyWith(ambiguousTime);
  const engine = createEngine({
    store: memoryStore(),
    policies: [policy],
    clock: createTestClock('2026-10-25T16:00:00Z'),
    ids: () => 'pip',
  });
  await engine.open(
    {
      employee: { id: 'emp-1', timeZone: 'America/New_York' },
      managerId: 'mgr-1',
      policy: { id: policy.document.id },
      goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
      documents: [plan, notes],
    },
    { actor: manager },
  );
  await engine.dispatch('pip', { type: 'ISSUE' }, { actor: manager });
  const { pip } = await engine.dispatch(
    'pip',
    { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
    { actor: employee },
  );
  return pip.context.deadlines['checkIn:1'];
}

describe("the policy calendar's ambiguousTime reaches the engine's calendars", () => {
  it('schedules 01:30 on the night clocks go back at the first 01:30 unless the policy says later', async () => {
    expect(await firstCheckIn(undefined)).toMatchObject({
      date: '2026-11-01',
      scheduledAt: '2026-11-01T05:30:00.000Z',
      dueAt: '2026-11-02T04:59:59.999Z',
    });
    expect((await firstCheckIn('earlier'))?.scheduledAt).toBe('2026-11-01T05:30:00.000Z');
    expect(await firstCheckIn('later')).toMatchObject({
      scheduledAt: '2026-11-01T06:30:00.000Z',
      // End of day does not depend on the option.
      dueAt: '2026-11-02T04:59:59.999Z',
    });
  });
});
