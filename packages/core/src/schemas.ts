/**
 * `@pipkit/core/schemas`: every zod schema pipkit validates with, for hosts that check input
 * before it reaches the engine (an HTTP handler, a form in the browser, a scenario file). The
 * schemas are the engine's own, so what passes here passes the engine's boundary. This entry
 * pulls in zod and luxon only: no engine, no store, no `node:` module.
 * @packageDocumentation
 */

export {
  citedInstanceSchema,
  closeReasonSchema,
  COMMAND_TYPES,
  commandSchema,
  decisionSchema,
  documentRefSchema,
  goalSchema,
  openPipSchema,
  pauseCategorySchema,
  triggerSchema,
} from './model/commands.js';
export type {
  CitedInstance,
  Command,
  CommandOf,
  CommandType,
  DocumentRef,
  Goal,
  OpenPipInput,
  Trigger,
} from './model/commands.js';
export {
  companionSchema,
  localMeetingTimeSchema,
  meetingIdSchema,
  meetingKindSchema,
  meetingOutcomeSchema,
  postponementReasonSchema,
} from './model/meetings.js';
export type { Companion, Meeting } from './model/meetings.js';
export { appealOutcomeSchema, skipReasonSchema, stageIdSchema } from './model/stages.js';
export type { AppealOutcome, AppealRecord, StageRecord } from './model/stages.js';
export { appealsSchema, stageSchema } from './policy/stagesSchema.js';
export type { PolicyStage } from './policy/stagesSchema.js';
export { actorSchema, hostIdSchema, roleSchema } from './model/actor.js';
export type { Actor, Role } from './model/actor.js';
export { escalationTriggerSchema, policyDocumentSchema } from './policy/policySchema.js';
export type {
  EscalationTrigger,
  PolicyDocument,
  PolicyDocumentInput,
} from './policy/policySchema.js';
export { PIP_EVENT_TYPES } from './machine/eventTypes.js';
export { durationSchema } from './calendar/duration.js';
export type { Duration } from './calendar/duration.js';
export {
  DEADLINE_KINDS,
  OUTCOME_STATUSES,
  pipFilterSchema,
  pipQuerySchema,
  QUERY_LIMITS,
  QUERY_SORTS,
} from './query/pipFilter.js';
export type { PipFilter, PipQuery, QuerySort } from './query/pipFilter.js';
export { REPORT_NAMES, reportRequestSchema } from './query/reports.js';
export type { Report, ReportName, ReportRequest, ReportRow, ReportRows } from './query/reports.js';
