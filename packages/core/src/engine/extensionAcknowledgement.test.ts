import { describe, expect, it } from 'vitest';
import type { PipkitError } from '../errors/pipkitError.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { definePolicy } from '../policy/definePolicy.js';
import type { Actor } from '../model/actor.js';
import { memoryStore } from '../store/memoryStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const planV1 = { kind: 'planDocument', ref: 'dms://plan/v1', sha256: '1'.repeat(64) };
const planV2 = { kind: 'planDocument', ref: 'dms://plan/v2', sha256: '2'.repeat(64) };

/** The default policy, issued without HR approval, where an extension is re-acknowledged. */
const policy = definePolicy({
  ...defaultPolicyDocument,
  id: 'reacknowledged-extensions',
  approval: { required: false },
  extensions: { ...defaultPolicyDocument.extensions, reacknowledge: true },
});

async function refusal(promise: Promise<unknown>): Promise<PipkitError> {
  try {
    await promise;
  } catch (error) {
    return error as PipkitError;
  }
  throw new Error('expected a refusal');
}

/** Issued and acknowledged on Mon 2 Mar 2026 (Chicago); the 60-day plan runs to Thu 30 Apr. */
async function activePlan() {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store: memoryStore(), policies: [policy], clock, ids: () => 'p' });
  await engine.open(
    {
      employee: { id: employee.id, timeZone: 'America/Chicago' },
      managerId: manager.id,
      policy: { id: policy.id },
      goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  await engine.dispatch('p', { type: 'ISSUE', documents: [planV1] }, { actor: manager });
  await engine.dispatch(
    'p',
    { type: 'ACKNOWLEDGE', documentSha256: planV1.sha256 },
    { actor: employee },
  );
  return { clock, engine };
}

describe('re-acknowledgement after an extension (extensions.reacknowledge)', () => {
  it('waits for the employee to acknowledge the extended plan document, then runs extended', async () => {
    const { clock, engine } = await activePlan();
    clock.set('2026-04-20T15:00:00Z'); // Mon 20 Apr
    const unchanged = await refusal(
      engine.dispatch('p', { type: 'EXTEND', amount: 14, reason: 'training' }, { actor: manager }),
    );
    expect(unchanged.issues.map((entry) => entry.code)).toEqual(['EXTENSION_DOCUMENT_UNCHANGED']);

    const extended = await engine.dispatch(
      'p',
      { type: 'EXTEND', amount: 14, reason: 'training', documents: [planV2] },
      { actor: manager },
    );
    expect(extended.pip.state).toBe('amending.awaitingAcknowledgement');
    // Five business days after Mon 20 Apr (C2): Mon 27 Apr. The period is already extended.
    expect(extended.pip.context.deadlines.acknowledgement?.date).toBe('2026-04-27');
    expect(extended.pip.context.deadlines.planEnd?.date).toBe(extended.pip.context.plan?.endDate);

    clock.set('2026-04-21T15:00:00Z');
    const stale = await refusal(
      engine.dispatch(
        'p',
        { type: 'ACKNOWLEDGE', documentSha256: planV1.sha256 },
        { actor: employee },
      ),
    );
    expect(stale.issues.map((entry) => entry.code)).toEqual(['DOCUMENT_NOT_CURRENT']);
    const signed = await engine.dispatch(
      'p',
      { type: 'ACKNOWLEDGE', documentSha256: planV2.sha256 },
      { actor: employee },
    );
    expect(signed.pip.state).toBe('extended');
    expect(signed.pip.context.acknowledgement?.documentSha256).toBe(planV2.sha256);
    expect(signed.pip.context.amendment).toBeUndefined();
    expect(signed.pip.context.deadlines.acknowledgement).toBeUndefined();
    expect((await engine.verify('p', { actor: hr })).ok).toBe(true);
  });

  it('escalates an extension the employee has not acknowledged by its due date', async () => {
    const { clock, engine } = await activePlan();
    clock.set('2026-04-20T15:00:00Z');
    await engine.dispatch(
      'p',
      { type: 'EXTEND', amount: 14, reason: 'training', documents: [planV2] },
      { actor: manager },
    );
    const swept = await engine.tick('2026-04-28T12:00:00Z');
    const fired = swept.fired.find((entry) => entry.deadlineId === 'acknowledgement');
    expect(fired?.events).toEqual(['ACKNOWLEDGEMENT_OVERDUE', 'ESCALATED']);
    expect((await engine.get('p', { actor: hr })).state).toBe('amending.awaitingAcknowledgement');
  });

  it('asks for the extra approval record a reason needs (extensions.approvalFor), and only for it', async () => {
    const gated = definePolicy({
      ...defaultPolicyDocument,
      id: 'gated-extensions',
      approval: { required: false },
      extensions: {
        ...defaultPolicyDocument.extensions,
        maxCount: 2,
        maxTotal: 60,
        maxPlanLength: undefined,
        reasons: ['leave', 'performanceDisputed'],
        approvalFor: { performanceDisputed: ['deanApproval'] },
      },
    });
    const clock = createTestClock('2026-03-02T15:00:00Z');
    const engine = createEngine({ store: memoryStore(), policies: [gated], clock, ids: () => 'g' });
    await engine.open(
      {
        employee: { id: employee.id, timeZone: 'America/Chicago' },
        managerId: manager.id,
        policy: { id: gated.id },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    await engine.dispatch('g', { type: 'ISSUE', documents: [planV1] }, { actor: manager });
    await engine.dispatch(
      'g',
      { type: 'ACKNOWLEDGE', documentSha256: planV1.sha256 },
      { actor: employee },
    );
    clock.set('2026-04-20T15:00:00Z');
    const missing = await refusal(
      engine.dispatch(
        'g',
        { type: 'EXTEND', amount: 10, reason: 'performanceDisputed' },
        { actor: manager },
      ),
    );
    expect(missing.issues.map((entry) => [entry.code, entry.path])).toEqual([
      ['DOCUMENT_MISSING', ['documents', 'deanApproval']],
    ]);
    const approval = { kind: 'deanApproval', ref: 'dms://dean/1', sha256: '3'.repeat(64) };
    const granted = await engine.dispatch(
      'g',
      { type: 'EXTEND', amount: 10, reason: 'performanceDisputed', documents: [approval] },
      { actor: manager },
    );
    expect(granted.pip.state).toBe('extended');
    // Leave needs no extra record.
    await engine.dispatch('g', { type: 'EXTEND', amount: 5, reason: 'leave' }, { actor: manager });
    expect((await engine.get('g', { actor: hr })).context.extensions).toEqual({
      count: 2,
      total: 15,
    });
  });
});
