import type { PipSummary } from '../status/summary.js';
import type { ReportRow, StoreReport } from '../query/reports.js';
import type { QueryPosition, StoreQuery } from '../query/storeQuery.js';
import type { QueryColumns } from '../query/queryColumns.js';
import type { StoredEvent } from '../audit/hashChain.js';
import type { PipState } from '../machine/pipMachine.js';
import type { DeadlineKind, PipContext } from '../machine/types.js';
import type {
  DeliveryFailure,
  OutboxDeliveryCapabilities,
  OutboxReadOptions,
} from './outboxDelivery.js';
import type { StoreErrorReason } from '../errors/pipkitError.js';
import type { WakeupCapabilities } from './wakeups.js';
import type { RefusalLogCapabilities } from './refusalLog.js';

export { outboxMessageFromRow } from './outboxDelivery.js';

/** `expectedVersion` for a PIP that does not exist yet: the commit creates it. */
export const NO_PIP_YET = 0;

/**
 * The persisted envelope of one PIP: our own shape, not XState's internals, so a future XState
 * major cannot strand stored PIPs. Plain JSON.
 */
export interface PipRecord {
  readonly pipId: string;
  readonly employeeId: string;
  readonly managerId: string;
  readonly policyId: string;
  readonly policyVersion: number;
  /** The lifecycle machine's shape version ({@link MACHINE_VERSION}) the PIP runs on. */
  readonly machineVersion: number;
  readonly state: PipState;
  readonly context: PipContext;
  /** Number of events; every write names the version it read. */
  readonly version: number;
  /** Hash of the last event, so a deleted tail is detectable. */
  readonly lastHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * Derived facts queries filter and sort on (overdue, next deadline, since when in its state),
   * kept by the engine at every commit; a fold of the events, so verify recomputes it. Absent on
   * records written before pipkit kept it, until their next commit.
   */
  readonly summary?: PipSummary;
}

/** One pending deadline in the store's timer index. */
export interface TimerRow {
  /** `pipId/deadlineId`: globally unique and stable. */
  readonly timerId: string;
  readonly pipId: string;
  readonly deadlineId: string;
  readonly kind: DeadlineKind;
  /** UTC ISO instant; ISO strings in UTC sort in time order. */
  readonly dueAt: string;
}

/** A side effect to deliver (a notification, a webhook), written in the command's transaction. */
export interface OutboxMessage {
  /** Deterministic: `pipId:version:index`, so a redelivery is recognisable. */
  readonly id: string;
  readonly pipId: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  /**
   * Set by a store when the stored payload cannot be read back (`STORE_CORRUPT_ROW`); the payload
   * is then empty. `engine.relay` never hands such a message to its handler: it reports it in
   * `failed` and holds that PIP's later messages, while every other PIP's messages go out.
   */
  readonly unreadable?: StoreErrorReason;
  /** Set by a store that keeps delivery state: failed attempts so far (absent: none). */
  readonly attempts?: number;
  /** Set by a store that keeps delivery state: not to be tried before this instant. */
  readonly nextAttemptAt?: string;
  /** Set by a store that keeps delivery state: why the last attempt failed. */
  readonly lastError?: DeliveryFailure;
}

/** What a repeated idempotency key returns: the first outcome. */
export interface IdempotencyRecord {
  readonly key: string;
  readonly pipId: string;
  /** SHA-256 of the canonical request; a different request under the same key is refused. */
  readonly requestHash: string;
  /** The PIP version the first request produced. */
  readonly version: number;
  /** The events the first request appended (their sequence numbers). */
  readonly seqs: readonly number[];
}

/** The envelope columns a store indexes and authorization reads, as the store holds them. */
export interface EnvelopeColumns {
  readonly employeeId: string;
  readonly managerId: string;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly state: string;
  readonly version: number;
  /** The tenant the row belongs to, for stores with tenants. */
  readonly tenantId?: string;
}

/** A row {@link PipStore.listEntries} found but could not read. */
export interface UnreadableListEntry {
  readonly unreadable: true;
  readonly pipId: string;
  /** The envelope columns, as the store holds them: enough to authorize a read. */
  readonly columns: EnvelopeColumns;
  /** Why the record could not be read: a `StoreError` (`STORE_CORRUPT_ROW`). */
  readonly error: Error;
}

/** True for a {@link PipStore.listEntries} entry that could not be read. */
export function isUnreadableEntry(
  entry: PipRecord | UnreadableListEntry,
): entry is UnreadableListEntry {
  return (entry as { unreadable?: unknown }).unreadable === true;
}

/** One pending timer row as stored, with its fault count (see {@link PipStore.recordTimerFault}). */
export interface StoredTimerRow extends TimerRow {
  /** Fires that failed for a reason other than a refusal. */
  readonly attempts: number;
  /** Set once the timer is parked: the last failure's code. A parked timer is not swept. */
  readonly parkedCode?: string;
}

/** One outbox row as stored. */
export interface StoredOutboxRow extends OutboxMessage {
  readonly delivered: boolean;
}

/**
 * Everything a store holds about one PIP besides its events, raw, for `engine.verify` to compare
 * with what the events imply: the envelope columns, the timer index and the outbox.
 */
export interface PipRows {
  readonly columns: EnvelopeColumns;
  readonly timers: readonly StoredTimerRow[];
  readonly outbox: readonly StoredOutboxRow[];
  /**
   * The query columns the store keeps for the PIP (see `queryColumns` in
   * `@pipkit/core/adapter`), for stores with `queryPips`: verify compares them with what the
   * events imply.
   */
  readonly queryColumns?: QueryColumns;
  /**
   * The latest `deliveredBefore` {@link PipStore.compactOutbox} ran with, when it ran: verify does
   * not count as missing a message created before it (it may have been delivered and compacted).
   */
  readonly outboxCompactedBefore?: string;
}

/** A deadline fire that failed for a reason other than a refusal (unreadable row, unknown policy). */
export interface TimerFault {
  readonly timerId: string;
  readonly pipId: string;
  /** The due time the sweep tried to fire; a fault for a timer since moved is ignored. */
  readonly dueAt: string;
  /** A stable code (a `StoreError` reason or a pipkit error code); never personal data. */
  readonly code: string;
  /** When the sweep failed (the sweep's `now`). */
  readonly at: string;
}

/** What {@link PipStore.recordTimerFault} did. */
export interface TimerFaultOutcome {
  /** Failed fires of this timer at this due time, including this one (0: the timer was gone or moved). */
  readonly attempts: number;
  /** True when this fault parked the timer (and wrote the operators' outbox message). */
  readonly parked: boolean;
}

/** The outbox message type a store writes when it parks a timer: for operators, not employees. */
export const DEADLINE_PARKED_MESSAGE = 'pipkit.deadlineParked';

/**
 * The operators' message for a parked timer, exactly as every store writes it (adapters call
 * this so the id and payload never differ between stores).
 */
export function parkedMessage(timer: TimerRow, fault: TimerFault, attempts: number): OutboxMessage {
  return {
    id: `${timer.pipId}:parked:${timer.timerId}@${timer.dueAt}`,
    pipId: timer.pipId,
    type: DEADLINE_PARKED_MESSAGE,
    payload: {
      timerId: timer.timerId,
      deadlineId: timer.deadlineId,
      dueAt: timer.dueAt,
      code: fault.code,
      attempts,
    },
    createdAt: fault.at,
  };
}

/** Everything one accepted command writes, atomically. */
export interface CommitRequest {
  readonly pipId: string;
  /** The version read before deciding; {@link NO_PIP_YET} to create. */
  readonly expectedVersion: number;
  /** The new envelope; its `version` is the last event's `seq`. */
  readonly record: PipRecord;
  /** New events, `seq` from `expectedVersion + 1`, contiguous. */
  readonly events: readonly StoredEvent[];
  /** Timer index changes: rows to insert or replace, timer ids to remove. */
  readonly timers: { readonly set: readonly TimerRow[]; readonly clear: readonly string[] };
  readonly outbox: readonly OutboxMessage[];
  readonly idempotency?: IdempotencyRecord;
}

/** One row of a query page: the record (or why it cannot be read) and its position. */
export interface QueryEntry {
  readonly entry: PipRecord | UnreadableListEntry;
  readonly position: QueryPosition;
}

/** How many PIPs {@link PipStore.list} returns: `limit` defaults to 100 and is capped at 1000. */
export const LIST_LIMITS = Object.freeze({ default: 100, max: 1000 });

/** Filters for {@link PipStore.list}. */
export interface ListQuery {
  readonly state?: PipState;
  readonly employeeId?: string;
  readonly managerId?: string;
  /** Return PIPs whose id sorts after this one (keyset paging). */
  readonly afterPipId?: string;
  /** At most this many: {@link LIST_LIMITS} (default 100, capped at 1000; negative means none). */
  readonly limit?: number;
}

/**
 * The persistence port. Core owns it; adapters (memory, SQLite, Postgres) implement it and prove
 * themselves with `describeStoreConformance` from `@pipkit/core/testing`.
 */
export interface PipStore
  extends OutboxDeliveryCapabilities, WakeupCapabilities, RefusalLogCapabilities {
  /** The current envelope, or `undefined` when the PIP does not exist. */
  load(pipId: string): Promise<PipRecord | undefined>;
  /**
   * Optional capability: the envelopes of several PIPs in one read (one round trip), one entry
   * per requested id, in order: the envelope as `load` returns it, `undefined` when the PIP does
   * not exist, or the error `load` would throw for that PIP alone (an unreadable row is its own
   * `STORE_CORRUPT_ROW`, never the whole read's). A failure of the read itself (the store is
   * unreachable) rejects. `engine.tick` uses it to read a round's PIPs at once; when absent, the
   * engine loads them one by one.
   */
  loadMany?(pipIds: readonly string[]): Promise<(PipRecord | Error | undefined)[]>;
  /**
   * Optional capability: {@link PipStore.list} where a row whose record cannot be read is its own
   * {@link UnreadableListEntry} (its id, its envelope columns and the `STORE_CORRUPT_ROW` error)
   * instead of failing the page. Same filters, order, paging and limit as `list`, counting the
   * unreadable rows. `engine.listPage` uses it so one corrupt row never hides every other PIP.
   */
  listEntries?(query: ListQuery): Promise<(PipRecord | UnreadableListEntry)[]>;
  /** The PIP's events in `seq` order (after `afterSeq` when given); empty for an unknown PIP. */
  readEvents(pipId: string, options?: { readonly afterSeq?: number }): Promise<StoredEvent[]>;
  /**
   * Writes a command's events, envelope, timers, outbox and idempotency record in one
   * transaction. Throws `VersionConflictError` if the PIP is not at `expectedVersion` (or exists
   * when creating), and `IdempotencyKeyReusedError` if the key is already recorded; then nothing
   * is written.
   */
  commit(request: CommitRequest): Promise<void>;
  /**
   * Optional capability: commits several requests for different PIPs in one transaction (one
   * disk flush), each exactly as `commit` would on its own: a request that `commit` would refuse
   * (a conflict, a reused key, a malformed request) writes nothing and its error is returned in
   * its slot; the others commit. Resolves, once all are durable, to one entry per request:
   * `undefined` for committed, the error otherwise. `engine.tick` uses it to fire a round of
   * deadlines together; when absent, the engine commits one by one.
   */
  commitMany?(requests: readonly CommitRequest[]): Promise<(Error | undefined)[]>;
  /**
   * Optional hint: how many `commitMany` calls the store runs at once (separate connections).
   * `engine.tick` commits a round in that many batches, each sent once decided, and group commit
   * keeps that many groups in flight. Default 1 (one batch, one flush), as suits SQLite; a value
   * that is not a finite number from 1 counts as 1, rounded down, at most 64.
   */
  readonly concurrentCommits?: number;
  /** Optional hint: commits share a cost (a flush, a round trip); engines group them by default. */
  readonly prefersGroupCommit?: boolean;
  /** The first outcome recorded under an idempotency key. */
  getIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  /** PIPs matching the query, ordered by id. */
  list(query?: ListQuery): Promise<PipRecord[]>;
  /**
   * Optional capability: one page of a query, in its order, after its position, at most its
   * limit: the PIPs within the read scope that match every filter (the semantics of
   * `selectPage` in `@pipkit/core/adapter`), each with its position for the next page's cursor.
   * A row whose record cannot be read is its own {@link UnreadableListEntry}. `engine.query`
   * needs it.
   */
  queryPips?(query: StoreQuery): Promise<QueryEntry[]>;
  /** Optional capability: how many PIPs a query's scope and filters select. `engine.count` needs it. */
  countPips?(query: Pick<StoreQuery, 'filter' | 'scope'>): Promise<number>;
  /**
   * Optional capability: a report's rows over the PIPs the scope and filters select, exactly as
   * `computeReport` in `@pipkit/core/adapter` gives them (same groups, order and rounding).
   * `engine.report` needs it.
   */
  reportPips?(request: StoreReport): Promise<ReportRow[]>;
  /** Timers due at or before `now`, earliest first, at most `limit`. */
  dueTimers(now: string, limit: number): Promise<TimerRow[]>;
  /**
   * Optional capability for stores shared by several engine instances: like `dueTimers`, but each
   * returned timer is leased to `owner` until the store's own clock passes `leaseMs`, and timers
   * leased to another owner are skipped (Postgres: `FOR UPDATE SKIP LOCKED`). A lease only spreads
   * the work: firing stays idempotent, and a timer whose owner died is claimable again when its
   * lease ends. When absent, `engine.tick` uses `dueTimers`.
   */
  claimDueTimers?(
    now: string,
    limit: number,
    lease: { readonly owner: string; readonly leaseMs: number },
  ): Promise<TimerRow[]>;
  /**
   * Outbox messages not yet delivered nor dead-lettered, oldest first. Given `now`, a store that
   * keeps delivery state leaves out every message of a PIP from its first one waiting for a later
   * attempt (`nextAttemptAt` after `now`), so a PIP that backs off takes no room in the page.
   */
  pendingOutbox(limit: number, options?: OutboxReadOptions): Promise<OutboxMessage[]>;
  /**
   * Optional capability for stores shared by several relays: undelivered messages, oldest first,
   * a whole PIP at a time (all of its undelivered messages, so they stay in order), for at most
   * `limit` PIPs whose messages no other owner holds a live lease on. Each returned message is
   * leased to `owner` until the store's clock passes `leaseMs`; a relay that dies leaves them
   * claimable again when the lease ends. Delivery stays at least once. Given `now`, a PIP whose
   * oldest pending message waits for a later attempt is not claimed. Dead letters are never
   * claimed. When absent, `engine.relay` uses `pendingOutbox`.
   */
  claimOutbox?(
    limit: number,
    lease: { readonly owner: string; readonly leaseMs: number },
    options?: OutboxReadOptions,
  ): Promise<OutboxMessage[]>;
  /** Marks outbox messages delivered; unknown ids are ignored. */
  markOutboxDelivered(ids: readonly string[]): Promise<void>;
  /**
   * Optional capability: deletes the outbox messages marked delivered before `deliveredBefore`
   * (a UTC ISO instant, compared with the store's clock when each was marked) and returns how
   * many; an undelivered message is never deleted. Remembers the latest cutoff for `inspect`
   * ({@link PipRows.outboxCompactedBefore}). A host runs it after the retention it chooses, so
   * delivered notifications do not stay in the store forever.
   */
  compactOutbox?(options: { readonly deliveredBefore: string }): Promise<number>;
  /**
   * Optional capability: deletes everything about one PIP (events, envelope, timers, outbox rows,
   * idempotency keys) in one transaction, only if it is still at `expectedVersion`; otherwise
   * throws `VersionConflictError` and deletes nothing. `engine.purge` calls it after checking
   * retention and legal holds. The PIP's refusal log stays: it is the security trail.
   */
  purge?(pipId: string, expectedVersion: number): Promise<void>;
  /**
   * Optional capability: the raw rows of one PIP besides its events (envelope columns, pending
   * timers, outbox rows), or `undefined` when it does not exist. `engine.verify` compares them
   * with what the verified events imply; without it, verify checks the chain and replay only.
   */
  inspect?(pipId: string): Promise<PipRows | undefined>;
  /**
   * Optional capability: counts a failed fire of a timer at `fault.dueAt` (ignored, returning
   * `attempts: 0`, when the timer is gone or due at another time). When the count reaches
   * `parkAfter`, parks the timer in the same transaction: `dueTimers` and `claimDueTimers` stop
   * returning it, and an outbox message of type {@link DEADLINE_PARKED_MESSAGE} with id
   * `pipId:parked:timerId@dueAt` and payload `{ timerId, deadlineId, dueAt, code, attempts }`
   * tells operators. Any later commit that sets the timer again clears the count and the park.
   * `engine.tick` calls it so one PIP that cannot be fired is never retried forever.
   */
  recordTimerFault?(
    fault: TimerFault,
    options: { readonly parkAfter: number },
  ): Promise<TimerFaultOutcome>;
  /**
   * Clears the fault count, the park and any lease of every pending timer of `pipId` that has
   * failed, and returns their ids (sorted): an operator's retry once the cause of the failures is fixed (the policy version
   * registered again, the row restored). The next sweep fires those that are due; a timer that
   * fails again counts from zero and is parked again, with its operators' message pending again.
   * Optional: `engine.unpark` needs it.
   */
  resetTimerFaults?(pipId: string): Promise<string[]>;
  /** The tenant this store reads and writes, for stores with tenants; the authorizer sees it. */
  readonly tenantId?: string;
  /**
   * Optional capability: a store scoped to `tenantId` on this store's connections (no new pool),
   * cheap per request, seeing and writing only that tenant's PIPs, timers, outbox and keys (ids
   * are unique within a tenant); on a scoped store, a sibling. Its `close` leaves the shared
   * connections open. Refuses an invalid id with `INVALID_INPUT` (`INVALID_TENANT`).
   * `engine.forTenant` needs it; SQLite, one embedded tenant, does not have it.
   */
  forTenant?(tenantId: string): PipStore;
  /** Releases connections or handles. Optional: the memory store has none. */
  close?(): Promise<void>;
}
