import { describe, expect, it } from 'vitest';
import {
  defaultPolicyDocument,
  definePolicy,
  durations,
  PolicyValidationError,
  presets,
} from '../index.js';

function problems(build: () => unknown): { path: string; code: string }[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyValidationError);
    return (error as PolicyValidationError).issues.map((issue) => ({
      path: issue.path.join('.'),
      code: issue.code,
    }));
  }
  throw new Error('definePolicy accepted a contradictory policy');
}

describe('definePolicy refuses contradictions between fields', () => {
  it('lists every contradiction at once, each with its path', () => {
    const found = problems(() =>
      definePolicy({
        ...defaultPolicyDocument,
        plan: { ...defaultPolicyDocument.plan, duration: durations.inclusiveDays(30) },
        extensions: {
          maxCount: 1,
          unit: 'calendarDays',
          maxEach: 10,
          maxTotal: 10,
          maxPlanLength: durations.inclusiveDays(20),
        },
        termination: { ...defaultPolicyDocument.termination, deciderRoles: ['hr', 'employee'] },
        reminders: [{ before: 'decision', offset: { hours: 24 }, notify: ['union'] }],
        escalations: [
          { trigger: 'checkInMissed', notify: ['hr', 'hrDirectr'] },
          { trigger: 'investigationOverdue', notify: ['hr'] },
        ],
        recipients: ['hrDirector'],
      }),
    );
    expect(found).toEqual([
      { path: 'extensions.maxPlanLength', code: 'POLICY_CONTRADICTION' },
      { path: 'reminders.0.notify.0', code: 'POLICY_CONTRADICTION' },
      { path: 'escalations.0.notify.1', code: 'POLICY_CONTRADICTION' },
      { path: 'escalations.1.trigger', code: 'POLICY_CONTRADICTION' },
      { path: 'termination.deciderRoles.1', code: 'POLICY_CONTRADICTION' },
    ]);
  });

  it('refuses extensions that the plan cap leaves no room for, and a watch window over before the plan', () => {
    expect(
      problems(() =>
        definePolicy({
          ...defaultPolicyDocument,
          extensions: {
            maxCount: 2,
            unit: 'calendarDays',
            maxEach: 10,
            maxTotal: 20,
            maxPlanLength: durations.inclusiveDays(60),
          },
          watchWindow: durations.inclusiveDays(45),
          watchWindowFrom: 'planStart',
        }),
      ),
    ).toEqual([
      { path: 'extensions.maxCount', code: 'POLICY_CONTRADICTION' },
      { path: 'watchWindow', code: 'POLICY_CONTRADICTION' },
    ]);
  });

  it('compares plan and cap in business days on the policy calendar', () => {
    // 20 business days always outlast 20 calendar days, whatever the start day.
    expect(
      problems(() =>
        definePolicy({
          ...defaultPolicyDocument,
          plan: { ...defaultPolicyDocument.plan, duration: durations.businessDaysInclusive(20) },
          extensions: {
            ...defaultPolicyDocument.extensions,
            maxPlanLength: durations.inclusiveDays(20),
          },
        }),
      ),
    ).toEqual([{ path: 'extensions.maxPlanLength', code: 'POLICY_CONTRADICTION' }]);
  });

  it('names extra recipients explicitly: the default policy declares hrDirector', () => {
    expect(problems(() => definePolicy({ ...defaultPolicyDocument, recipients: [] }))).toEqual([
      { path: 'escalations.1.notify.1', code: 'POLICY_CONTRADICTION' },
    ]);
  });

  it('refuses an approval rule for an extension reason the policy does not allow', () => {
    expect(
      problems(() =>
        definePolicy({
          ...defaultPolicyDocument,
          extensions: {
            ...defaultPolicyDocument.extensions,
            reasons: ['leave', 'training'],
            approvalFor: { training: ['deanApproval'], workload: ['deanApproval'] },
          },
        }),
      ),
    ).toEqual([{ path: 'extensions.approvalFor.workload', code: 'POLICY_CONTRADICTION' }]);
  });

  it('accepts every preset', () => {
    for (const preset of Object.values(presets)) {
      expect(definePolicy(preset.document).id).toBe(preset.id);
    }
  });
});
