/**
 * @pipkit/core: Performance Improvement Plans as durable, auditable state machines.
 *
 * The host API, by concept: errors, calendar, policy, machine, audit, store, engine. Other
 * audiences have their own entries: `@pipkit/core/adapter` (writing a store),
 * `@pipkit/core/schemas` (validating input without the engine), `@pipkit/core/presets` and
 * `@pipkit/core/testing` (the conformance suite and a test clock).
 * @packageDocumentation
 */

// errors
export {
  AuthorizationFailedError,
  CalendarError,
  CommandRefusedError,
  ErrorCodes,
  ForbiddenError,
  IdempotencyKeyReusedError,
  PipAlreadyExistsError,
  PipkitError,
  PipNotFoundError,
  PolicyNotFoundError,
  PolicyValidationError,
  isPipkitError,
  StoreError,
  StoreErrorReasons,
  storeErrorReason,
  ValidationError,
  VersionConflictError,
} from './errors/pipkitError.js';
export type { ErrorCode, PipkitIssue, StoreErrorReason } from './errors/pipkitError.js';

// calendar
export { createCalendar, isValidTimeZone } from './calendar/calendar.js';
export type { Calendar, CalendarDefinition, CalendarSpec, Weekday } from './calendar/calendar.js';
export { computeDueDate, durationSchema, durations } from './calendar/duration.js';
export { explainDueDate, MAX_EXPLAINED_DAYS } from './calendar/explain.js';
export type {
  DueDateExplanation,
  ExplainedDay,
  ExplainedDayNote,
  ExplainedPause,
  ExplainOptions,
} from './calendar/explain.js';
export { resolveLocalTime } from './calendar/wallTime.js';
export type { AmbiguousTime, LocalTimeResolution, WallTimeKind } from './calendar/wallTime.js';
export type { DueDate, Duration } from './calendar/duration.js';
export {
  easterSunday,
  holidayObservanceSchema,
  holidayRuleSchema,
  namedHolidaySchema,
} from './calendar/holidayRules.js';
export type {
  HolidayDate,
  HolidayInfo,
  HolidayObservance,
  HolidayRule,
} from './calendar/holidayRules.js';

// policy (the shipped policies are also at `@pipkit/core/presets`)
export * from './presets.js';
export { definePolicy } from './policy/definePolicy.js';
export type { Policy, PolicyRule, PolicyRuleInput } from './policy/definePolicy.js';
export {
  allowedRoles,
  commandRoleIssues,
  createDefaultAuthorizer,
  DEFAULT_PERMISSIONS,
  defaultAuthorizer,
} from './decide/authorize.js';
export type {
  AuthorizationAction,
  AuthorizationRequest,
  AuthorizationSubject,
  Authorizer,
  DefaultAuthorizerOptions,
  SyncAuthorizer,
} from './decide/authorize.js';

// authorization: the default one with its options, and authorization by the host's org chart
export { DEFAULT_TENANT_WIDE_READERS } from './model/actor.js';
export { defaultAuthorization } from './authorization/authorization.js';
export type { Authorization, ReadScopeProvider } from './authorization/authorization.js';
export {
  CAPABILITIES,
  delegationSchema,
  MAX_MANAGER_CHAIN_LEVELS,
  orgReachSchema,
  orgRelationshipsSchema,
} from './authorization/orgChartOptions.js';
export type {
  Delegation,
  HostRole,
  OrgChartOptions,
  OrgReach,
  OrgRelationships,
  ReachRequest,
  RelationshipsRequest,
} from './authorization/orgChartOptions.js';
export { delegationRunsAt, orgChartAuthorizer } from './authorization/orgChartAuthorizer.js';

// machine
export { FINAL_STATES, MACHINE_VERSION, PIP_STATES, pipMachine } from './machine/pipMachine.js';
export type { PipMachine, PipState } from './machine/pipMachine.js';
export { flattenState, isFinalState, replayEvents } from './machine/snapshot.js';
export { toMermaid } from './machine/diagram.js';
export type {
  AttachedDocument,
  Deadline,
  Obligation,
  DeadlineChanges,
  DeadlineKind,
  OutcomeDates,
  PipContext,
  PipEmployee,
  PipEvent,
  PipEventBase,
  PipEventType,
  PipOutcome,
  PlanDates,
} from './machine/types.js';

// audit
export { GENESIS_HASH, hashEvent, verifyHistory } from './audit/hashChain.js';
export type { HistoryBreak, HistoryVerification, StoredEvent } from './audit/hashChain.js';
export { hashRefusal, verifyRefusalChain } from './audit/refusalChain.js';
export type {
  RefusalChainBreak,
  RefusalChainVerification,
  RefusalEntry,
  RefusalOutcome,
  RefusalRecord,
} from './audit/refusalChain.js';
export { REFUSAL_LIMITS, verifyStoredRefusals } from './store/refusalLog.js';
export type { RefusalLogCapabilities, RefusalReadOptions } from './store/refusalLog.js';
export type { RefusalOperations, RefusalPage, RefusalPageOptions } from './engine/refusalReads.js';

// store (writing an adapter? the port's rows and shared rules are in `@pipkit/core/adapter`)
export { DEADLINE_PARKED_MESSAGE, LIST_LIMITS } from './store/pipStore.js';
export type { ListQuery, OutboxMessage, PipRecord, PipStore, TimerRow } from './store/pipStore.js';
export { memoryStore } from './store/memoryStore.js';
export type { MemoryStore, MemoryStoreOptions } from './store/memoryStore.js';
export { assertTenantId, isTenantId } from './store/tenantId.js';

// schemas: commands, actors, policy documents (also at `@pipkit/core/schemas`)
export * from './schemas.js';

// engine
export { createEngine } from './engine/createEngine.js';
export { systemClock } from './engine/engineApi.js';
export type { RefusalListener, RefusedAttempt } from './engine/refusals.js';
export type { LogFn, Logger } from './observability/logger.js';
export { PERSON_FIELDS, PERSONAL_FIELDS, REDACTED, redact } from './observability/redaction.js';
export { INSTRUMENTATION_SCOPE, type TelemetryOptions } from './observability/telemetry.js';
export {
  MetricNames,
  SpanNames,
  TELEMETRY_ATTRIBUTE_KEYS,
  type TelemetryAttribute,
  TelemetryAttributes,
  type WriteOutcome,
} from './observability/telemetryNames.js';
export { TRACED_STORE_METHODS } from './observability/instrumentedStore.js';
export { SYSTEM_ACTOR } from './engine/sweep.js';
export type { MigrationChange, MigrationPlanEntry } from './decide/migration.js';
export type {
  Clock,
  DispatchOptions,
  DispatchResult,
  Engine,
  EngineOptions,
  Explanation,
  FiredDeadline,
  ListPage,
  PipVerification,
  PurgeReceipt,
  UnparkReceipt,
  RelayResult,
  SweepFault,
  TickResult,
} from './engine/engineApi.js';
export type { GroupCommitOptions } from './engine/groupCommit.js';
export type {
  DeadLetterListQuery,
  DeadLetterPage,
  DeadLetterReceipt,
  DeliveryOperations,
  DeliveryOptions,
  OutboxHandler,
  RelayDeadLetter,
  RelayFailure,
  RelayOptions,
} from './engine/deliveryApi.js';
export { DELIVERY_DEFAULTS } from './engine/deliveryPolicy.js';
export type {
  DeliveredMessage,
  Person,
  RecipientPip,
  RecipientResolver,
  RecipientRole,
  ResolvedRecipients,
} from './engine/recipients.js';
export {
  isCalendarMessageType,
  isMessageType,
  MESSAGE_TYPES,
  messagePayloadSchemas,
} from './messages/catalogue.js';
export { messageJsonSchema, messageJsonSchemas } from './messages/messageJsonSchemas.js';
export { occurrenceCompletedBy } from './messages/calendarMessages.js';
export type {
  CalendarMessageType,
  MessageOccurrence,
  MessageOf,
  MessagePayload,
  MessageType,
  PipkitMessage,
} from './messages/catalogue.js';
export { RELAY_ACTOR } from './engine/deadLetters.js';
export type { DeadLetter, DeliveryFailure } from './store/outboxDelivery.js';
export {
  DeadLetterNotFoundError,
  DeliveryError,
  DeliveryErrorReasons,
} from './errors/deliveryErrors.js';
export type { DeliveryErrorReason } from './errors/deliveryErrors.js';
export type {
  TenantEngineOptions,
  TenantFailure,
  TenantList,
  TenantOperations,
  TenantOutboxHandler,
  TenantRelayOptions,
  TenantRelayResult,
  TenantTickOptions,
  TenantTickResult,
} from './engine/tenantApi.js';
export type { QueryPage } from './engine/engineApi.js';

// worker
export { createWorker } from './worker/createWorker.js';
export type {
  Worker,
  WorkerBackoff,
  WorkerDelivery,
  WorkerItem,
  WorkerOptions,
  WorkerRound,
  WorkerRoundCause,
  WorkerTenantTurn,
  WorkerTimers,
  WorkerTotals,
} from './worker/workerApi.js';
export { WAKEUP_HORIZON_MS, wakeupHub, wakeupKindsOf } from './store/wakeups.js';
export type {
  Wakeup,
  WakeupCapabilities,
  WakeupHub,
  WakeupKind,
  WakeupListener,
  WakeupSource,
} from './store/wakeups.js';
export { defaultReadScope } from './query/storeQuery.js';
export type { ReadScope } from './query/storeQuery.js';
export { DEADLINE_STATUSES, deadlineStatuses } from './status/deadlineStatus.js';
export type { DeadlineStatus, DeadlineStatusValue } from './status/deadlineStatus.js';
export { summarize } from './status/summary.js';
export type { OverdueItem, PipSummary } from './status/summary.js';
export { signCheckpoint, verifyCheckpoint, verifyAgainstCheckpoint } from './audit/checkpoint.js';
export type { Checkpoint, ChainHead, CheckpointVerification } from './audit/checkpoint.js';
