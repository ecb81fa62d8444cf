import { durations } from '../../calendar/duration.js';
import { definePolicy } from '../definePolicy.js';
import type { PolicyDocumentInput } from '../policySchema.js';

/**
 * A US university staff PIP modelled on the University of Louisville's: an official memorandum
 * with a feedback plan, an evaluation at least once every 30 calendar days, never more than 90
 * calendar days in all (ending early once expectations are met), a refusal to sign noted and
 * witnessed (South Carolina's witness), and 15 calendar days for a written statement of
 * disagreement. Numbers and sources: `docs/policies/universityStaff.md`. Not legal advice.
 */
export const universityStaffDocument = {
  id: 'university-staff',
  version: 1,
  name: 'University staff PIP (Louisville model)',
  description:
    'Evaluation at least every 30 calendar days, at most 90 calendar days, witnessed refusal to sign, 15-day written rebuttal.',
  calendar: { weekend: [6, 7], holidays: [] },
  plan: {
    duration: durations.inclusiveDays(90),
    startsOn: 'issue',
    minGoals: 1,
    requireMeasurableGoals: true,
    allowEarlyConclusion: true,
  },
  approval: { required: false, approverRoles: ['hr'] },
  acknowledgement: {
    mode: 'refusalWithWitness',
    due: durations.businessDaysAfter(5),
    rebuttalWindow: durations.daysAfter(15),
  },
  checkIns: {
    every: { amount: 30, unit: 'days' },
    at: '10:00',
    anchor: 'planStart',
    onNonBusinessDay: 'previousBusinessDay',
  },
  extensions: {
    maxCount: 0,
    unit: 'calendarDays',
    maxEach: 1,
    maxTotal: 1,
    maxPlanLength: durations.inclusiveDays(90),
  },
  review: { due: durations.businessDaysAfter(5) },
  termination: {
    noticePeriod: durations.daysAfter(14),
    replyWindow: durations.daysAfter(7),
    deciderRoles: ['hr'],
  },
  escalations: [
    { trigger: 'checkInMissed', notify: ['hr'] },
    { trigger: 'reviewOverdue', notify: ['hr'] },
  ],
  requiredDocuments: {
    ISSUE: ['planDocument'],
    RECORD_CHECK_IN: ['evaluation'],
    PASS: ['finalReview'],
    PROPOSE_TERMINATION: ['finalReview', 'proposalNotice'],
    DECIDE: ['decisionLetter'],
  },
  permissions: {},
  recipients: [],
} as const satisfies PolicyDocumentInput;

/** {@link universityStaffDocument}, validated and frozen: `presets.universityStaff`. */
export const universityStaff = definePolicy(universityStaffDocument);
