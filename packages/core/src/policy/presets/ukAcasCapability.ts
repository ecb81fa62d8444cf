import { durations } from '../../calendar/duration.js';
import { definePolicy } from '../definePolicy.js';
import type { PolicyDocumentInput } from '../policySchema.js';
import { ENGLAND_AND_WALES_HOLIDAY_RULES } from './holidays.js';

/**
 * A UK capability procedure following the Acas Code of Practice (2015) and the right to be
 * accompanied (Employment Relations Act 1999, s.10): the improvement note given in writing with
 * a timescale and review dates, the hearing invitation in writing with 5 days' notice, 5 working
 * days (England and Wales bank holidays excluded) for the worker to propose another time when
 * their companion cannot come, the decision in writing, 5 working days to appeal, and a warning
 * that stays current for 6 months counted from its issue day. Numbers and sources:
 * `docs/policies/ukAcasCapability.md`. Not legal advice.
 */
export const ukAcasCapabilityDocument = {
  id: 'uk-acas-capability',
  version: 1,
  name: 'UK capability procedure (Acas Code, ERA 1999 s.10)',
  description:
    'Improvement note with a 3-month timescale; hearing on 5 days notice; 5 working days to rearrange for a companion; 5 working days to appeal; warning current 6 months from issue.',
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
