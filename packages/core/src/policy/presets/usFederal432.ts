import { durations } from '../../calendar/duration.js';
import { definePolicy } from '../definePolicy.js';
import type { PolicyDocumentInput } from '../policySchema.js';
import { US_FEDERAL_CLOSURES, US_FEDERAL_HOLIDAY_RULES } from './holidays.js';

/**
 * The reasons 5 CFR 432.105(a)(4)(i)(B) lists for extending a notice of proposed action beyond
 * the agency's 30 days without prior OPM approval, plus `opmApproval` for any other reason
 * (which needs OPM's prior written approval). See `docs/policies/usFederal432.md`.
 */
export const FEDERAL_NOTICE_EXTENSION_REASONS = [
  'medicalInformation',
  'travelForOralReply',
  'considerAnswerAfterReplyExtension',
  'reasonableAccommodation',
  'mspbStay',
  'specialCounselStay',
  'opmApproval',
] as const;

/**
 * US federal civil service, chapter 43 (5 USC 4302-4303, 5 CFR 432.104-105, 5 CFR 1201.22-23):
 * a 30-day opportunity period from the notice of unacceptable performance (the June 2025 OPM
 * memo's "30 days", counted here in calendar days), 30 days' advance notice of proposed action,
 * extendable by 30 days and beyond only for a listed reason, a decision within 30 days after the
 * notice period concurred in by a higher-level official, an MSPB appeal within 30 days that rolls
 * past weekends and federal holidays, relapse within 1 year of the start of the opportunity
 * period acted on without a new one, and notations purged 1 year after the advance notice when
 * the employee is kept. Numbers and sources: `docs/policies/usFederal432.md`. Not legal advice.
 */
export const usFederal432Document = {
  id: 'us-federal-432',
  version: 1,
  name: 'US federal chapter 43 performance-based action (5 CFR 432)',
  description:
    '30-day opportunity period; 30 days notice (+30, then listed reasons); decision within 30 days after the notice, concurred in; MSPB appeal 30 days rolling; 1-year relapse and purge.',
  calendar: {
    weekend: [6, 7],
    holidays: [...US_FEDERAL_CLOSURES],
    holidayRules: [...US_FEDERAL_HOLIDAY_RULES],
  },
  plan: {
    duration: durations.inclusiveDays(30),
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
  extensions: { maxCount: 0, unit: 'calendarDays', maxEach: 1, maxTotal: 1 },
  review: { due: durations.businessDaysAfter(10) },
  termination: {
    noticePeriod: durations.daysAfter(30),
    replyWindow: durations.daysAfter(30),
    decisionDue: durations.daysAfter(30),
    deciderRoles: ['seniorManager'],
    noticeExtension: { maxDays: 30, reasons: [...FEDERAL_NOTICE_EXTENSION_REASONS] },
    // The notice identifies the specific instances (5 U.S.C. 4303(b)(1)(A)), only those within
    // the 1 year ending on the date of the notice count (4303(c)(2)(A)), and the decision
    // specifies the instances relied on (4303(b)(1)(D)).
    citedInstances: { required: true, lookBack: { amount: 12, unit: 'months' } },
  },
  appealWindow: durations.daysAfterRolling(30),
  watchWindow: durations.inclusiveMonths(12, { monthEnd: 'bgb188' }),
  watchWindowFrom: 'planStart',
  recordPurge: { after: durations.monthsAfter(12), from: 'proposal' },
  escalations: [
    { trigger: 'reviewOverdue', notify: ['hr'] },
    { trigger: 'decisionOverdue', notify: ['hr', 'legal'] },
  ],
  requiredDocuments: {
    ISSUE: ['planDocument', 'priorUnacceptablePerformance'],
    PROPOSE_TERMINATION: ['proposalNotice'],
    DECIDE: ['decisionLetter', 'higherLevelConcurrence'],
    RECORD_RELAPSE: ['relapseEvidence'],
  },
  permissions: {},
  recipients: [],
} as const satisfies PolicyDocumentInput;

/** {@link usFederal432Document}, validated and frozen: `presets.usFederal432`. */
export const usFederal432 = definePolicy(usFederal432Document);
