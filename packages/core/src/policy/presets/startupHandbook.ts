import { durations } from '../../calendar/duration.js';
import { definePolicy } from '../definePolicy.js';
import type { PolicyDocumentInput } from '../policySchema.js';

/**
 * A company handbook PIP modelled on GitLab's "Underperformance" page: Team Member Relations
 * (HR) aligns before the plan is given, the employee e-signs (a refusal is noted on the
 * document), weekly progress checks, the plan may end early or be extended at the manager's
 * discretion, a signed completion letter on success, a 6-month watch window after it in which
 * action may follow without a second plan, and investigation leave aimed at 5 business days.
 * Plans run 30 days by default; the opener may choose GitLab's own typical 2, 3 or 4 weeks, or
 * the vendors' 60 or 90 days (`durationChoices`). Numbers and sources:
 * `docs/policies/startupHandbook.md`. Not legal advice.
 */
export const startupHandbookDocument = {
  id: 'startup-handbook',
  version: 1,
  name: 'Startup handbook PIP (GitLab model)',
  description:
    'HR-approved plan of 2-4 weeks or 30/60/90 days, weekly checks, may end early or be extended, completion letter, 6-month watch window.',
  calendar: { weekend: [6, 7], holidays: [] },
  plan: {
    duration: durations.inclusiveDays(30),
    durationChoices: [
      // GitLab: a PIP is typically 2-4 weeks (GitLab Handbook, 'Underperformance').
      durations.inclusiveWeeks(2),
      durations.inclusiveWeeks(3),
      durations.inclusiveWeeks(4),
      // 30/60/90-day timelines (Leapsome, Betterworks).
      durations.inclusiveDays(30),
      durations.inclusiveDays(60),
      durations.inclusiveDays(90),
    ],
    startsOn: 'acknowledgement',
    minGoals: 1,
    requireMeasurableGoals: true,
    allowEarlyConclusion: true,
  },
  approval: { required: true, approverRoles: ['hr'] },
  acknowledgement: { mode: 'refusalWithWitness', due: durations.businessDaysAfter(2) },
  checkIns: {
    every: { amount: 1, unit: 'weeks' },
    at: '09:00',
    anchor: 'planStart',
    onNonBusinessDay: 'previousBusinessDay',
  },
  extensions: { maxCount: 1, unit: 'calendarDays', maxEach: 30, maxTotal: 30 },
  review: { due: durations.businessDaysAfter(5) },
  termination: {
    noticePeriod: durations.daysAfter(0),
    replyWindow: durations.businessDaysAfter(1),
    deciderRoles: ['hr', 'legal'],
  },
  investigation: { stopsClock: false, due: durations.businessDaysAfter(5) },
  watchWindow: durations.monthsAfter(6),
  escalations: [
    { trigger: 'checkInMissed', notify: ['hr'] },
    { trigger: 'acknowledgementOverdue', notify: ['hr'] },
    { trigger: 'investigationOverdue', notify: ['hr', 'legal'] },
  ],
  requiredDocuments: {
    SUBMIT_FOR_APPROVAL: ['planDocument'],
    PASS: ['completionLetter'],
    RECORD_RELAPSE: ['relapseNotice'],
    PROPOSE_TERMINATION: ['separationNotice'],
  },
  permissions: {},
  recipients: [],
} as const satisfies PolicyDocumentInput;

/** {@link startupHandbookDocument}, validated and frozen: `presets.startupHandbook`. */
export const startupHandbook = definePolicy(startupHandbookDocument);
