import type { PipEventType } from './types.js';

/**
 * Every event type, in the order the union lists them: for hosts that describe events (an
 * OpenAPI document, a timeline catalogue) and must know when pipkit adds one.
 */
export const PIP_EVENT_TYPES = [
  'PIP_CREATED',
  'PLAN_UPDATED',
  'DOCUMENTS_ATTACHED',
  'SUBMITTED_FOR_APPROVAL',
  'APPROVAL_REJECTED',
  'APPROVED',
  'ISSUED',
  'ISSUANCE_OVERDUE',
  'ACKNOWLEDGED',
  'REFUSAL_WITNESSED',
  'ACKNOWLEDGEMENT_OVERDUE',
  'CHECK_IN_HELD',
  'CHECK_IN_MISSED',
  'ESCALATED',
  'REMINDER_SENT',
  'AMENDMENT_STARTED',
  'AMENDMENT_ISSUED',
  'AMENDMENT_CANCELLED',
  'INVESTIGATION_STARTED',
  'INVESTIGATION_CLOSED',
  'INVESTIGATION_OVERDUE',
  'PAUSED',
  'RESUMED',
  'EXTENDED',
  'OBLIGATION_FULFILLED',
  'OBLIGATION_OVERDUE',
  'NOTICE_EXTENDED',
  'RELAPSE_RECORDED',
  'MEETING_SCHEDULED',
  'MEETING_POSTPONED',
  'MEETING_RECORDED',
  'MEETING_CANCELLED',
  'MEETING_OVERDUE',
  'STAGE_ISSUED',
  'STAGE_REVIEW_DUE',
  'WARNING_EXPIRED',
  'APPEAL_LODGED',
  'APPEAL_WINDOW_CLOSED',
  'APPEAL_DECIDED',
  'APPEAL_OVERDUE',
  'LEGAL_HOLD_PLACED',
  'LEGAL_HOLD_RELEASED',
  'PURGE_DUE',
  'POLICY_MIGRATED',
  'PERIOD_ENDED',
  'REVIEW_OVERDUE',
  'PASSED',
  'WATCH_ENDED',
  'TERMINATION_PROPOSED',
  'REPLY_SUBMITTED',
  'REPLY_WINDOW_CLOSED',
  'DECISION_OVERDUE',
  'DECIDED',
  'CLOSED',
  'MESSAGE_DEAD_LETTERED',
] as const satisfies readonly PipEventType[];

/** Compile-time check: {@link PIP_EVENT_TYPES} names every event type. */
type MissingEventTypes = Exclude<PipEventType, (typeof PIP_EVENT_TYPES)[number]>;
const everyEventTypeListed: [MissingEventTypes] extends [never] ? true : MissingEventTypes = true;
void everyEventTypeListed;
