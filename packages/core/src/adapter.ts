/**
 * `@pipkit/core/adapter`: the kit for writing a store adapter. The port a store implements
 * ({@link PipStore}), the rows it keeps, and the rules every store must apply the same way:
 * {@link commitPreconditionError} (the order of replay, key reuse and version conflict),
 * {@link assertCommitShape}, {@link parkedMessage} and {@link outboxMessageFromRow}. Prove an
 * adapter with `storeConformance` from `@pipkit/core/testing`. Hosts do not need this entry.
 * @packageDocumentation
 */

export {
  DEADLINE_PARKED_MESSAGE,
  isUnreadableEntry,
  LIST_LIMITS,
  NO_PIP_YET,
  outboxMessageFromRow,
  parkedMessage,
} from './store/pipStore.js';
export type {
  CommitRequest,
  QueryEntry,
  EnvelopeColumns,
  IdempotencyRecord,
  ListQuery,
  OutboxMessage,
  PipRecord,
  PipRows,
  PipStore,
  StoredOutboxRow,
  StoredTimerRow,
  TimerFault,
  TimerFaultOutcome,
  TimerRow,
  UnreadableListEntry,
} from './store/pipStore.js';
export { MAX_COMMIT_SLOTS } from './store/commitSlots.js';
export type { StoredEvent } from './audit/hashChain.js';
export { chainRefusal, hashRefusal, refusalEntrySchema } from './audit/refusalChain.js';
export type { RefusalEntry, RefusalHead, RefusalRecord } from './audit/refusalChain.js';
export {
  REFUSAL_LIMITS,
  refusalOfRow,
  refusalPageLimit,
  refusalRowOf,
} from './store/refusalLog.js';
export type { RefusalLogCapabilities, RefusalReadOptions, RefusalRow } from './store/refusalLog.js';
export {
  DELIVERY_FAILURE_MESSAGE_MAX,
  deliveryStateOf,
  storedDeliveryFailure,
} from './store/outboxDelivery.js';
export { deadLetterOfRow, outboxMessageOfRow } from './store/outboxRows.js';
export type { DeadLetterRow, OutboxMessageRow, OutboxTableRow } from './store/outboxRows.js';
export type {
  DeadLetter,
  DeadLetterQuery,
  DeliveryFailure,
  OutboxDeliveryCapabilities,
  OutboxFailure,
  OutboxReadOptions,
} from './store/outboxDelivery.js';
export { assertCommitShape } from './store/commitShape.js';
export { WAKEUP_HORIZON_MS, wakeupHub, wakeupKindsOf } from './store/wakeups.js';
export type {
  Wakeup,
  WakeupCapabilities,
  WakeupHub,
  WakeupKind,
  WakeupListener,
  WakeupSource,
} from './store/wakeups.js';
export {
  compressEventJson,
  decompressEventJson,
  EVENT_COMPRESSION_MIN_LENGTH,
  EVENT_COMPRESSION_V1,
  EVENT_DICTIONARY_V1,
  storedEventBody,
} from './store/eventCompression.js';
export { assertTenantId, isTenantId, tenantIdIssues } from './store/tenantId.js';
export { commitPreconditionError } from './store/commitPreconditions.js';
export type { CommitFacts } from './store/commitPreconditions.js';
export {
  checkedFromVersion,
  frameMigrationScript,
  latestMigrationVersion,
} from './store/migrationScripts.js';
export type { MigrationScriptFrame, ScriptedMigration } from './store/migrationScripts.js';
export {
  IdempotencyKeyReusedError,
  isPipkitError,
  PipAlreadyExistsError,
  StoreError,
  StoreErrorReasons,
  storeErrorReason,
  ValidationError,
  VersionConflictError,
} from './errors/pipkitError.js';
export type { PipkitIssue, StoreErrorReason } from './errors/pipkitError.js';
export {
  comparePositions,
  countMatching,
  inScope,
  matchesFilter,
  positionOf,
  queryRowOf,
  selectPage,
} from './query/storeQuery.js';
export type {
  QueryPosition,
  QueryRow,
  QuerySource,
  ReadScope,
  StoreQuery,
} from './query/storeQuery.js';
export { queryColumns } from './query/queryColumns.js';
export type { ColumnSource, QueryColumns } from './query/queryColumns.js';
export { computeReport, daysBetween, mean, nearestRank } from './query/reports.js';
export type { ReportRow, StoreReport, StoreReportSpec } from './query/reports.js';
export type { NormalizedFilter } from './query/pipFilter.js';
export { summarize } from './status/summary.js';
export type { PipSummary } from './status/summary.js';
