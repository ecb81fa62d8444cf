import { durations } from '../../calendar/duration.js';
import { definePolicy } from '../definePolicy.js';
import type { PolicyDocumentInput } from '../policySchema.js';
import { US_FEDERAL_CLOSURES, US_FEDERAL_HOLIDAY_RULES } from './holidays.js';

/**
 * A US public-sector collective bargaining agreement, from the DOE HQ-NTEU 2001 CBA Article 45 and
 * published federal CBA clauses (lawinsider.com clause collections, a federal CBA at
 * users.erols.com/pastoreg): a 90-calendar-day letter of requirements with a signed
 * acknowledgement of receipt, feedback at least every 30 days, extensions capped at 12 months
 * from the start with the union told of each extension within 5 business days (an obligation the
 * engine escalates when it is not recorded met), 30 calendar days' notice, 10 calendar days to
 * respond, a decision within 30 days after the notice concurred in by the proposer's supervisor,
 * 30 days to invoke arbitration, and a 2-year relapse window. Numbers and sources:
 * `docs/policies/unionAgreement.md`. Not legal advice.
 */
export const unionAgreementDocument = {
  id: 'union-agreement',
  version: 1,
  name: 'Union agreement PIP (US public sector CBA)',
  description:
    '90-day letter of requirements, feedback every 30 days, extensions to at most 12 months with the union told within 5 business days, 30-day notice, 10-day reply.',
  calendar: {
    weekend: [6, 7],
    holidays: [...US_FEDERAL_CLOSURES],
    holidayRules: [...US_FEDERAL_HOLIDAY_RULES],
  },
  plan: {
    duration: durations.inclusiveDays(90),
    startsOn: 'issue',
    minGoals: 1,
    requireMeasurableGoals: true,
    allowEarlyConclusion: false,
  },
  approval: { required: false, approverRoles: ['hr'] },
  acknowledgement: { mode: 'required', due: durations.businessDaysAfter(5) },
  checkIns: {
    every: { amount: 30, unit: 'days' },
    at: '10:00',
    anchor: 'planStart',
    onNonBusinessDay: 'previousBusinessDay',
  },
  extensions: {
    maxCount: 3,
    unit: 'calendarDays',
    maxEach: 180,
    maxTotal: 366,
    maxPlanLength: durations.inclusiveMonths(12, { monthEnd: 'bgb188' }),
    notify: { recipients: ['union'], within: durations.businessDaysAfter(5) },
  },
  // Leave of more than 5 days extends the plan day for day; shorter leave moves nothing.
  leave: { extendsAfterDays: 5, checkIns: 'shift' },
  review: { due: durations.businessDaysAfter(10) },
  termination: {
    noticePeriod: durations.daysAfter(30),
    replyWindow: durations.daysAfter(10),
    decisionDue: durations.daysAfter(30),
    deciderRoles: ['seniorManager'],
  },
  appealWindow: durations.daysAfter(30),
  watchWindow: durations.monthsAfter(24),
  recipients: ['union'],
  escalations: [
    { trigger: 'checkInMissed', notify: ['hr', 'union'] },
    { trigger: 'obligationOverdue', notify: ['hr', 'union'] },
    { trigger: 'decisionOverdue', notify: ['hr'] },
  ],
  requiredDocuments: {
    ISSUE: ['planDocument'],
    RECORD_CHECK_IN: ['feedbackNotes'],
    PROPOSE_TERMINATION: ['finalAppraisal', 'proposalNotice'],
    DECIDE: ['decisionLetter', 'higherLevelConcurrence'],
  },
  permissions: {},
} as const satisfies PolicyDocumentInput;

/** {@link unionAgreementDocument}, validated and frozen: `presets.unionAgreement`. */
export const unionAgreement = definePolicy(unionAgreementDocument);
