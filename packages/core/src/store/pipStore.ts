import type { StoredEvent } from '../audit/hashChain.js';
import type { PipState } from '../machine/pipMachine.js';
import type { DeadlineKind, PipContext } from '../machine/types.js';

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
export interface PipStore {
  /** The current envelope, or `undefined` when the PIP does not exist. */
  load(pipId: string): Promise<PipRecord | undefined>;
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
  /** The first outcome recorded under an idempotency key. */
  getIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  /** PIPs matching the query, ordered by id. */
  list(query?: ListQuery): Promise<PipRecord[]>;
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
  /** Outbox messages not yet delivered, oldest first. */
  pendingOutbox(limit: number): Promise<OutboxMessage[]>;
  /**
   * Optional capability for stores shared by several relays: undelivered messages, oldest first,
   * a whole PIP at a time (all of its undelivered messages, so they stay in order), for at most
   * `limit` PIPs whose messages no other owner holds a live lease on. Each returned message is
   * leased to `owner` until the store's clock passes `leaseMs`; a relay that dies leaves them
   * claimable again when the lease ends. Delivery stays at least once. When absent,
   * `engine.relay` uses `pendingOutbox`.
   */
  claimOutbox?(
    limit: number,
    lease: { readonly owner: string; readonly leaseMs: number },
  ): Promise<OutboxMessage[]>;
  /** Marks outbox messages delivered; unknown ids are ignored. */
  markOutboxDelivered(ids: readonly string[]): Promise<void>;
  /**
   * Optional capability: deletes everything about one PIP (events, envelope, timers, outbox rows,
   * idempotency keys) in one transaction, only if it is still at `expectedVersion`; otherwise
   * throws `VersionConflictError` and deletes nothing. `engine.purge` calls it after checking
   * retention and legal holds.
   */
  purge?(pipId: string, expectedVersion: number): Promise<void>;
  /** Releases connections or handles. Optional: the memory store has none. */
  close?(): Promise<void>;
}
