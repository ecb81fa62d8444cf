import { durations } from '../../calendar/duration.js';
import { definePolicy } from '../definePolicy.js';
import type { PolicyDocumentInput } from '../policySchema.js';
import { ENGLAND_AND_WALES_HOLIDAY_RULES } from './holidays.js';

/**
 * A UK capability procedure following the Acas Code of Practice (2015) and the right to be
 * accompanied (Employment Relations Act 1999, s.10): the improvement note given in writing with
 * a timescale and review dates, the hearing invitation in writing with 5 days' notice, 5 working
 * days (England and Wales bank holidays excluded) for the worker to propose another time when
 * their companion cannot come, the decision in writing, 5 working days to appeal, and the ladder
 * of stages: a first written warning current for 6 months, a final written warning current for
 * 12 months (each counted from its issue day, with a 3-month review period), then dismissal, each
 * open to appeal at an appeal hearing. Numbers and sources:
 * `docs/policies/ukAcasCapability.md`. Not legal advice.
 */
export const ukAcasCapabilityDocument = {
  id: 'uk-acas-capability',
  version: 1,
  name: 'UK capability procedure (Acas Code, ERA 1999 s.10)',
  description:
    'Improvement note with a 3-month timescale; hearing on 5 days notice; 5 working days to rearrange for a companion; 5 working days to appeal; first warning current 6 months and final warning 12 months from issue, then dismissal; appeal hearing for every stage.',
  calendar: { weekend: [6, 7], holidays: [], holidayRules: [...ENGLAND_AND_WALES_HOLIDAY_RULES] },
  plan: {
    duration: durations.inclusiveMonths(3, { monthEnd: 'bgb188' }),
    startsOn: 'issue',
    minGoals: 1,
    requireMeasurableGoals: true,
    allowEarlyConclusion: false,
  },
  approval: { required: false, approverRoles: ['hr'] },
  acknowledgement: { mode: 'refusalWithWitness', due: durations.businessDaysAfter(5) },
  checkIns: {
    every: { amount: 2, unit: 'weeks' },
    at: '10:00',
    anchor: 'planStart',
    onNonBusinessDay: 'previousBusinessDay',
  },
  extensions: { maxCount: 1, unit: 'weeks', maxEach: 4, maxTotal: 4 },
  review: { due: durations.businessDaysAfter(5) },
  termination: {
    noticePeriod: durations.daysAfter(5),
    replyWindow: durations.businessDaysAfter(5),
    deciderRoles: ['seniorManager', 'hr'],
  },
  // A formal meeting that could end in a warning or dismissal carries the right to be
  // accompanied (ERA 1999 s.10 and s.13(4)); when the companion cannot come, the worker may propose
  // a time within five working days beginning with the first working day after the day the
  // employer proposed (s.10(4)-(5)). Review meetings during the improvement period are informal.
  meetings: {
    reviewMeeting: {},
    hearing: {
      minNotice: durations.daysAfter(5),
      companion: true,
      postponement: { within: durations.businessDaysAfter(5), maxCount: 1 },
    },
    appealHearing: {
      minNotice: durations.daysAfter(5),
      companion: true,
      postponement: { within: durations.businessDaysAfter(5), maxCount: 1 },
    },
  },
  // The Acas ladder for poor performance (Code paras 18-22): a first written warning (the
  // improvement note), a final written warning, then dismissal. Each warning states how long it
  // stays current; counted from and including the issue day (Bevan Ashford v Malin [1995] IRLR
  // 360), and where the last month has no such day, to that month's end (the corresponding date
  // rule, Dodds v Walker [1980] 1 WLR 1061). Going straight to a final warning is open where the
  // impact of the poor performance is serious; dismissal needs a live final warning whose review
  // period is over.
  stages: [
    {
      id: 'firstWarning',
      label: 'first written warning (improvement note)',
      reviewPeriod: durations.inclusiveMonths(3, { monthEnd: 'bgb188' }),
      warningLife: durations.inclusiveMonths(6, { monthEnd: 'bgb188' }),
      skippableFor: ['seriousImpact'],
    },
    {
      id: 'finalWarning',
      label: 'final written warning',
      reviewPeriod: durations.inclusiveMonths(3, { monthEnd: 'bgb188' }),
      warningLife: durations.inclusiveMonths(12, { monthEnd: 'bgb188' }),
    },
    { id: 'dismissal', label: 'dismissal', decisions: ['remove'] },
  ],
  // A right of appeal against every formal stage (Code paras 26-29), lodged within 5 working days,
  // heard at an appeal hearing with the right to be accompanied (ERA 1999 s.13(4)(c): a hearing
  // that could confirm a warning or other action), and decided
  // by someone not previously involved (para 27).
  appeals: {
    window: durations.businessDaysAfter(5),
    hearing: 'appealHearing',
    deciderRoles: ['seniorManager', 'hr'],
  },
  appealWindow: durations.businessDaysAfter(5),
  watchWindow: durations.inclusiveMonths(6, { monthEnd: 'bgb188' }),
  watchWindowFrom: 'planStart',
  escalations: [{ trigger: 'reviewOverdue', notify: ['hr'] }],
  requiredDocuments: {
    ISSUE: ['planDocument'],
    RECORD_CHECK_IN: ['reviewMeetingNotes'],
    PROPOSE_TERMINATION: ['hearingInvitation'],
    DECIDE: ['decisionLetter'],
  },
  permissions: {},
  recipients: [],
} as const satisfies PolicyDocumentInput;

/** {@link ukAcasCapabilityDocument}, validated and frozen: `presets.ukAcasCapability`. */
export const ukAcasCapability = definePolicy(ukAcasCapabilityDocument);
