import { describe, expect, it } from 'vitest';
import {
  defaultPolicy,
  defaultPolicyDocument,
  definePolicy,
  durations,
  PolicyValidationError,
  type PolicyDocumentInput,
} from '../index.js';

const invalid = (document: unknown) => {
  try {
    definePolicy(document as PolicyDocumentInput);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyValidationError);
    return error as PolicyValidationError;
  }
  throw new Error('expected the policy to be refused');
};

describe('definePolicy', () => {
  it('applies documented defaults and freezes the result deeply', () => {
    const policy = definePolicy({
      id: 'minimal',
      version: 1,
      name: 'Minimal',
      plan: { duration: durations.inclusiveDays(30) },
      acknowledgement: { mode: 'required', due: durations.businessDaysAfter(3) },
      checkIns: { every: { amount: 1, unit: 'weeks' }, at: '10:00' },
      review: { due: durations.businessDaysAfter(5) },
      termination: { noticePeriod: durations.daysAfter(30), replyWindow: durations.daysAfter(10) },
    });
    expect(policy.document.calendar).toEqual({ weekend: [6, 7], holidays: [] });
    expect(policy.document.plan).toMatchObject({
      startsOn: 'acknowledgement',
      minGoals: 1,
      requireMeasurableGoals: true,
    });
    expect(policy.document.approval).toEqual({ required: false, approverRoles: ['hr'] });
    expect(policy.document.extensions.maxCount).toBe(0);
    expect(policy.document.termination.deciderRoles).toEqual(['hr']);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.document.plan.duration)).toBe(true);
    expect(() => {
      policy.document.calendar.holidays.push('2026-12-25');
    }).toThrow(TypeError);
  });

  it('ships a default policy that validates and pins pipkit-default@1', () => {
    expect(defaultPolicy.id).toBe('pipkit-default');
    expect(defaultPolicy.version).toBe(1);
    expect(defaultPolicy.document.plan.duration).toEqual(durations.inclusiveDays(60));
  });

  it('refuses unknown fields, so a typo never silently disables a rule', () => {
    const error = invalid({ ...defaultPolicyDocument, extentions: { maxCount: 9 } });
    expect(error.code).toBe('INVALID_POLICY');
    expect(error.issues).toEqual([
      expect.objectContaining({ code: 'SCHEMA_UNRECOGNIZED_KEYS', path: ['extentions'] }),
    ]);
  });

  it('lists every problem with its path at once', () => {
    const error = invalid({
      ...defaultPolicyDocument,
      id: 'Not A Slug',
      version: 0,
      plan: {
        ...defaultPolicyDocument.plan,
        duration: { ...durations.inclusiveDays(30), amount: 2.5 },
      },
      checkIns: { ...defaultPolicyDocument.checkIns, at: '25:00' },
      extensions: { ...defaultPolicyDocument.extensions, maxEach: 60, maxTotal: 30 },
      requiredDocuments: { FIRE: ['x'] },
    });
    expect(error.issues.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining([
        'id',
        'version',
        'plan.duration.amount',
        'checkIns.at',
        'extensions.maxEach',
        'requiredDocuments.FIRE',
      ]),
    );
  });

  it('refuses an inclusive-start duration of zero days and a negative amount', () => {
    const zero = invalid({
      ...defaultPolicyDocument,
      plan: {
        ...defaultPolicyDocument.plan,
        duration: { ...durations.inclusiveDays(1), amount: 0 },
      },
    });
    expect(zero.issues.map((issue) => issue.path.join('.'))).toEqual(['plan.duration.amount']);
    const negative = invalid({
      ...defaultPolicyDocument,
      review: { due: { ...durations.daysAfter(1), amount: -1 } },
    });
    expect(negative.issues.map((issue) => issue.path.join('.'))).toEqual(['review.due.amount']);
  });

  it('refuses rules without a name or check, and two rules with one name', () => {
    const check = () => [];
    expect(() => definePolicy(defaultPolicyDocument, { rules: [{ name: '', check }] })).toThrow(
      PolicyValidationError,
    );
    expect(() =>
      definePolicy(defaultPolicyDocument, {
        rules: [
          { name: 'a', check },
          { name: 'a', check },
        ],
      }),
    ).toThrow(/named "a"/);
  });

  it('refuses a policy registered twice in one engine', async () => {
    const { createEngine, memoryStore } = await import('../index.js');
    expect(() =>
      createEngine({ store: memoryStore(), policies: [defaultPolicy, defaultPolicy] }),
    ).toThrow(/registered twice/);
  });
});
