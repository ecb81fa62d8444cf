import { durations } from '../calendar/duration.js';
import { definePolicy } from './definePolicy.js';
import type { PolicyDocumentInput } from './policySchema.js';

/**
 * The default company policy, as data. A careful middle ground drawn from public handbooks: HR approves
 * before the plan reaches the employee (Madison, ICC, Lattice); acknowledgement is receipt, not
 * agreement, and a witnessed refusal does not block (Louisville, South Carolina); a 60-day plan
 * with a check-in every two weeks at 09:00 local; one extension of up to 30 days and never more
 * than 90 days in all (Louisville's cap); a 14-day notice of proposed termination with a 7-day
 * reply window, decided by someone other than the proposer; a 6-month watch window after a pass
 * (GitLab). Not legal advice: copy it, change the numbers, bump the version.
 */
export const defaultPolicyDocument = {
  id: 'pipkit-default',
  version: 1,
  name: 'pipkit default company PIP',
  description:
    'HR-approved 60-day plan, fortnightly check-ins, one extension to at most 90 days, 14-day notice with a 7-day reply window, 6-month watch window.',
  calendar: { weekend: [6, 7], holidays: [] },
  plan: {
    duration: durations.inclusiveDays(60),
    startsOn: 'acknowledgement',
    minGoals: 1,
    requireMeasurableGoals: true,
    allowEarlyConclusion: false,
  },
  approval: { required: true, approverRoles: ['hr'] },
  acknowledgement: { mode: 'refusalWithWitness', due: durations.businessDaysAfter(5) },
  checkIns: {
    every: { amount: 2, unit: 'weeks' },
    at: '09:00',
    anchor: 'planStart',
    onNonBusinessDay: 'previousBusinessDay',
  },
  extensions: {
    maxCount: 1,
    unit: 'calendarDays',
    maxEach: 30,
    maxTotal: 30,
    maxPlanLength: durations.inclusiveDays(90),
  },
  review: { due: durations.businessDaysAfter(5) },
  termination: {
    noticePeriod: durations.daysAfter(14),
    replyWindow: durations.daysAfter(7),
    decisionDue: durations.businessDaysAfter(10),
    deciderRoles: ['hr', 'legal'],
  },
  watchWindow: durations.monthsAfter(6),
  meetings: {
    reviewMeeting: {},
    hearing: { minNotice: durations.daysAfter(2), companion: true },
  },
  escalations: [
    { trigger: 'checkInMissed', occurrence: 1, notify: ['hr'] },
    { trigger: 'checkInMissed', occurrence: 2, notify: ['hr', 'hrDirector'] },
    { trigger: 'acknowledgementOverdue', notify: ['hr'] },
    { trigger: 'reviewOverdue', notify: ['hr'] },
    { trigger: 'decisionOverdue', notify: ['hr', 'legal'] },
  ],
  requiredDocuments: {
    SUBMIT_FOR_APPROVAL: ['planDocument'],
    ISSUE: ['planDocument'],
    RECORD_CHECK_IN: ['checkInNotes'],
    PASS: ['finalReview'],
    PROPOSE_TERMINATION: ['finalReview', 'proposalNotice'],
    DECIDE: ['decisionLetter'],
  },
  permissions: {},
  recipients: ['hrDirector'],
} as const satisfies PolicyDocumentInput;

/** {@link defaultPolicyDocument}, validated and frozen. */
export const defaultPolicy = definePolicy(defaultPolicyDocument);
