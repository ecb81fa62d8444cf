/**
 * Leave that starts before the plan, and leave across the plan's end, through the engine with
 * dates worked by hand (America/New_York, default policy: 60 inclusive days, acknowledgement due
 * 5 business days after issue, check-ins every 2 weeks from the start, review due 5 business
 * days after the plan's last day). The plan's clock never runs while the employee is on leave:
 * leave before acknowledgement holds the acknowledgement window, and only the part of a leave
 * on or after the plan's first day counts towards the policy's minimum length.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/createEngine.js';
import { isPipkitError } from '../errors/pipkitError.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { definePolicy } from '../policy/definePolicy.js';
import type { PolicyDocumentInput } from '../policy/policySchema.js';
import { memoryStore } from '../store/memoryStore.js';
import { createTestClock } from '../testing/testClock.js';
import { activePlan, employee, hr, manager } from './__fixtures__/activePlan.js';

const planDocument = { kind: 'planDocument', ref: 'dms://plan', sha256: 'b'.repeat(64) };

/** PIP `p` issued Monday 2 March 2026 at 10:00 New York and not yet acknowledged. */
async function issuedPlan(changes: Partial<PolicyDocumentInput> = {}) {
  const policy = definePolicy({ ...defaultPolicyDocument, id: 'leave-around', ...changes });
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store: memoryStore(), policies: [policy], clock });
  await engine.open(
    {
      pipId: 'p',
      employee: { id: employee.id, timeZone: 'America/New_York' },
      managerId: manager.id,
      policy: { id: policy.id },
      goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
      documents: [planDocument],
    },
    { actor: manager },
  );
  await engine.dispatch('p', { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
  await engine.dispatch('p', { type: 'APPROVE' }, { actor: hr });
  return { engine, clock };
}

const onIssue = (leave: PolicyDocumentInput['leave']) => ({
  plan: { ...defaultPolicyDocument.plan, startsOn: 'issue' as const },
  ...(leave ? { leave } : {}),
});

const pause = (from?: string, category: 'medicalLeave' | 'parentalLeave' = 'medicalLeave') => ({
  type: 'PAUSE' as const,
  category,
  hostRef: 'leave-1',
  ...(from ? { from } : {}),
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isPipkitError(error, 'COMMAND_REFUSED')) return error.issues.map((entry) => entry.code);
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('leave that starts before the plan', () => {
  it('leave while the plan awaits acknowledgement holds the acknowledgement window and returns the PIP to opened', async () => {
    const { engine, clock } = await issuedPlan();
    clock.set('2026-03-03T14:00:00Z');
    const paused = await engine.dispatch('p', pause(), { actor: hr });
    expect(paused.pip.state).toBe('paused');
    expect(paused.pip.context.deadlines.acknowledgement).toBeUndefined();
    // Back Monday 16 March: 13 days away, no plan yet, so nothing moves; the 5 business days to
    // acknowledge run again from the return: Tue 17 ... Mon 23 March.
    clock.set('2026-03-16T14:00:00Z');
    const resumed = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
    expect(resumed.pip.state).toBe('opened');
    expect(resumed.pip.context.plan).toBeUndefined();
    expect(resumed.pip.context.deadlines.acknowledgement?.date).toBe('2026-03-23');
    expect(resumed.events.at(-1)?.event).toMatchObject({
      type: 'RESUMED',
      pausedDays: 0,
      leaveDays: 13,
    });
    // The plan starts at acknowledgement after the leave: Tue 17 March + 59 days = Fri 15 May.
    clock.set('2026-03-17T14:00:00Z');
    const acknowledged = await engine.dispatch(
      'p',
      { type: 'ACKNOWLEDGE', documentSha256: planDocument.sha256 },
      { actor: employee },
    );
    expect(acknowledged.pip.state).toBe('active');
    expect(acknowledged.pip.context.plan).toMatchObject({
      startDate: '2026-03-17',
      endDate: '2026-05-15',
    });
  });

  it('leave that began before a plan that starts on issue counts only from the plan start (Mon 2 March)', async () => {
    const { engine, clock } = await issuedPlan(onIssue({ extendsAfterDays: 5 }));
    clock.set('2026-03-04T16:00:00Z');
    // On leave since Wednesday 25 February, recorded on 4 March; the plan started 2 March and
    // ends Thursday 30 April.
    const paused = await engine.dispatch('p', pause('2026-02-25T14:00:00Z'), { actor: hr });
    expect(paused.pip.state).toBe('paused');
    expect(paused.pip.context.plan?.endDate).toBe('2026-04-30');
    expect(paused.pip.context.deadlines.planEnd).toBeUndefined();
    // Back Monday 9 March: 12 days away, 7 of them inside the plan (2 to 8 March), more than 5:
    // the plan ends 7 days later, Thursday 7 May; the grid moves 7 days (check-in 1: Monday 23
    // March); the PIP awaits acknowledgement again, due Monday 16 March.
    clock.set('2026-03-09T14:00:00Z');
    const resumed = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
    expect(resumed.pip.state).toBe('opened');
    expect(resumed.pip.context.plan).toMatchObject({
      startDate: '2026-03-02',
      endDate: '2026-05-07',
    });
    expect(resumed.pip.context.pausedDays).toBe(7);
    const deadlines = resumed.pip.context.deadlines;
    expect(deadlines.planEnd?.date).toBe('2026-05-07');
    expect(deadlines['checkIn:1']?.date).toBe('2026-03-23');
    expect(deadlines.acknowledgement?.date).toBe('2026-03-16');
  });

  it('the minimum length applies to the part inside the plan: 8 days away but 3 inside moves nothing', async () => {
    const { engine, clock } = await issuedPlan(onIssue({ extendsAfterDays: 5 }));
    clock.set('2026-03-04T16:00:00Z');
    await engine.dispatch('p', pause('2026-02-25T14:00:00Z'), { actor: hr });
    // Back Thursday 5 March: 8 days away, 3 inside the plan (2 to 4 March), not more than 5.
    clock.set('2026-03-05T14:00:00Z');
    const resumed = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
    expect(resumed.pip.context.plan?.endDate).toBe('2026-04-30');
    expect(resumed.events.at(-1)?.event).toMatchObject({ pausedDays: 0, leaveDays: 3 });
  });

  it('the categories apply to the part inside the plan: parental leave does not move it when only medical leave does', async () => {
    const { engine, clock } = await issuedPlan(onIssue({ extendingCategories: ['medicalLeave'] }));
    clock.set('2026-03-04T16:00:00Z');
    await engine.dispatch('p', pause('2026-02-25T14:00:00Z', 'parentalLeave'), { actor: hr });
    clock.set('2026-03-09T14:00:00Z');
    const resumed = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
    expect(resumed.pip.context.plan?.endDate).toBe('2026-04-30');
    expect(resumed.events.at(-1)?.event).toMatchObject({ pausedDays: 0, leaveDays: 7 });
  });

  it('an active plan takes leave dated before its start while no check-in is recorded', async () => {
    const { engine, clock } = await activePlan({ id: 'leave-around-active' });
    clock.set('2026-03-05T16:00:00Z');
    // On leave since Sunday 1 March; the plan started at acknowledgement on Tuesday 3 March.
    await engine.dispatch('p', pause('2026-03-01T14:00:00Z'), { actor: hr });
    // Back Tuesday 10 March: 7 days inside the plan (3 to 9 March), so 1 May + 7 = Friday 8 May.
    clock.set('2026-03-10T14:00:00Z');
    const resumed = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
    expect(resumed.pip.state).toBe('active');
    expect(resumed.pip.context.plan?.endDate).toBe('2026-05-08');
  });

  it('refuses leave dated before the last change unless it began before the plan, and once a check-in is recorded', async () => {
    const { engine, clock } = await activePlan({ id: 'leave-around-refused' });
    // Leave from 07:00 on the plan's first day, before the acknowledgement at 10:00 that day.
    clock.set('2026-03-05T16:00:00Z');
    expect(
      await refusal(engine.dispatch('p', pause('2026-03-03T12:00:00Z'), { actor: hr })),
    ).toEqual(['PAUSE_BEFORE_LAST_EVENT']);
    // Check-in 1 (Tuesday 17 March) is missed; leave dated before the plan now contradicts it.
    clock.set('2026-03-18T15:00:00Z');
    await engine.tick();
    expect(
      await refusal(engine.dispatch('p', pause('2026-03-01T14:00:00Z'), { actor: hr })),
    ).toEqual(['PAUSE_BEFORE_LAST_EVENT']);
  });
});
