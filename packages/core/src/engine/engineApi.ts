/**
 * The engine's public surface: the `Engine` interface and the types its methods take and return.
 */
import type { RefusalListener } from './refusals.js';
import type { HistoryVerification, StoredEvent } from '../audit/hashChain.js';
import type { RefusalChainVerification } from '../audit/refusalChain.js';
import type { RefusalOperations } from './refusalReads.js';
import type { CalendarDefinition } from '../calendar/calendar.js';
import type { Authorizer } from '../decide/authorize.js';
import type { MigrationPlanEntry } from '../decide/migration.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { PipState } from '../machine/pipMachine.js';
import type { PipEventType } from '../machine/types.js';
import type { Actor } from '../model/actor.js';
import type { Command, OpenPipInput } from '../model/commands.js';
import type { Logger } from '../observability/logger.js';
import type { TelemetryOptions } from '../observability/telemetry.js';
import type { Policy } from '../policy/definePolicy.js';
import type { GroupCommitOptions } from './groupCommit.js';
import type { TenantEngineOptions, TenantOperations } from './tenantApi.js';
import type { PipFilter, PipQuery } from '../query/pipFilter.js';
import type { Report, ReportName, ReportRequest } from '../query/reports.js';
import type { ReadScope } from '../query/storeQuery.js';
import type { DeadlineStatus } from '../status/deadlineStatus.js';
import type { ListQuery, PipRecord, PipStore, TimerRow } from '../store/pipStore.js';
import type { DeliveryOperations, DeliveryOptions } from './deliveryApi.js';
import type { RecipientResolver } from './recipients.js';

export type { RelayResult } from './deliveryApi.js';

/** The engine's source of "now". Inject a test clock to run time forward without sleeping. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** How to build an engine. */
export interface EngineOptions extends TenantEngineOptions {
  /** Where PIPs live: `memoryStore()`, `@pipkit/sqlite` or `@pipkit/postgres`. */
  readonly store: PipStore;
  /** Every policy version PIPs may run on. A PIP stays on the version it opened under. */
  readonly policies: readonly Policy[];
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** Generates PIP ids when `open` is not given one. Defaults to `crypto.randomUUID`. */
  readonly ids?: () => string;
  /**
   * Authorization port; defaults to {@link defaultAuthorizer}. Deny by returning issues (or a
   * promise of them). A throw or rejection refuses the request with `AUTHORIZATION_FAILED`.
   */
  readonly authorize?: Authorizer;
  /**
   * Working calendars by id (for example from `@pipkit/holidays`), chosen per employee at open
   * with `employee.calendar`. A PIP without one uses its policy's calendar.
   */
  readonly calendars?: Readonly<Record<string, CalendarDefinition>>;
  /**
   * How many PIP envelopes `dispatch` keeps from its own commits (default 1000; 0 turns it off).
   * A command on a remembered PIP is decided without reading it first, and its commit still
   * names the version it decided from, so the store refuses it if another engine has moved the
   * PIP on: the engine then reads the PIP and decides again. A refusal decided from a remembered
   * envelope is always re-checked against the store before it is reported. Reads (`get`,
   * `explain`, `history`, `list`) always go to the store.
   */
  readonly recordCache?: number;
  /**
   * Group commit (default: on where the store sets `prefersGroupCommit`, as SQLite and Postgres
   * do): concurrent writes on this engine (`open`, `dispatch`, `migrate`, the sweep's one-by-one
   * fires) share one transaction, one flush or round trip, when the store has `commitMany`. The
   * first write goes at once when nothing else is under way, so a lone caller waits for nothing;
   * writes that reach their commit while a transaction is in flight, or while other writes of
   * this engine are still deciding, go together in the next one. Each command is still decided
   * against its own PIP's current version and gets its own outcome: a refused or conflicting
   * request never fails the others.
   * Writes of the same PIP never share a transaction: each waits for this engine's earlier write
   * of that PIP and decides from what it left. A failure of the whole transaction (the
   * connection, the disk) is the error of every request in it, as it would be for each alone.
   * `true` uses the defaults; an object tunes `maxBatch` and `windowMs`
   * ({@link GroupCommitOptions}). Stores without `commitMany` commit one request at a time.
   */
  readonly groupCommit?: boolean | GroupCommitOptions;
  /**
   * Which PIPs an actor may see, for `query`, `count` and `report`: pushed into the store's
   * query, so pages and counts are right. Called with the actor, the instant of the attempt
   * (`at`, from the clock) and the store's tenant when it has one. Defaults to {@link defaultReadScope} (an employee their own plans, a
   * manager the plans they manage, HR, legal and the system all). With a custom `authorize`,
   * give the scope it implies (`orgChartAuthorizer` and `defaultAuthorization` return both, to
   * spread into these options): every PIP returned is still checked with the authorizer, and
   * those it denies are only counted in `hidden`.
   */
  readonly readScope?: (
    actor: Actor,
    attempt: { readonly at: string; readonly tenantId?: string },
  ) => ReadScope | Promise<ReadScope>;
  /**
   * Told of every refused attempt, for security review: who tried what, on which PIP, when, and
   * the issue codes (never the messages). Commands, opens, migrations, reads and record-level
   * capabilities that the authorizer or the PIP's rules refuse; not the sweep's own races. A
   * listener that throws or rejects changes nothing for the caller.
   */
  readonly onRefusal?: RefusalListener;
  /**
   * OpenTelemetry tracer and meter (default: the global API's, a no-op until the host registers
   * an SDK). Spans and metrics carry no personal data; see {@link TelemetryOptions}.
   */
  readonly telemetry?: TelemetryOptions;
  /**
   * A pino-compatible logger (default none): commit and store failures, deadline faults and
   * parks, dead letters and sweep rounds, each line redacted of personal fields first.
   */
  readonly logger?: Logger;
  /**
   * How `relay` retries a message whose delivery fails: attempts before it is dead-lettered
   * (default 10) and the exponential backoff with full jitter between them (default 30 s
   * doubling to at most 1 hour). See {@link DeliveryOptions}.
   */
  readonly delivery?: DeliveryOptions;
  /**
   * The recipients port: the people a role a message names is, for a PIP (`employee`,
   * `manager`, `hr`, a policy's `union`, ...). With it, `relay` hands every message to its
   * handler with `recipients` resolved; a resolver that fails, answers no one or answers
   * something that is not a list of people fails that attempt with a typed code, retried after
   * the backoff and dead-lettered in the end, never holding another PIP's messages. See
   * {@link RecipientResolver}.
   */
  readonly recipients?: RecipientResolver;
}

/** Options of {@link Engine.dispatch}. */
export interface DispatchOptions {
  /** Who is acting, and in which role. */
  readonly actor: Actor;
  /** Refuse with `VERSION_CONFLICT` unless the PIP is still at this version (what the caller read). */
  readonly expectedVersion?: number;
  /** A repeated key returns the first result instead of acting twice. */
  readonly idempotencyKey?: string;
  /**
   * Re-decide up to this many times when another writer wins the race (default 0). Only used
   * without `expectedVersion`: a command pinned to a version is never silently re-evaluated.
   */
  readonly retries?: number;
}

/** What an accepted command returns. */
export interface DispatchResult {
  /** The PIP after the command (for a replayed idempotent request: as it is now). */
  readonly pip: PipRecord;
  /** The events the command appended. */
  readonly events: readonly StoredEvent[];
  /** True when an idempotency key matched an earlier request and nothing new was written. */
  readonly replayed: boolean;
}

/** What {@link Engine.explain} says about a command, without writing anything. */
export interface Explanation {
  /** True when `dispatch` would accept the command now. */
  readonly accepted: boolean;
  readonly state: PipState;
  /** The state the PIP would move to, when accepted. */
  readonly nextState?: PipState;
  /** The events it would append, when accepted. */
  readonly events: readonly PipEventType[];
  /** Every reason it would be refused: authorization, state, documents, limits and code rules. */
  readonly issues: readonly PipkitIssue[];
}

/** One fired deadline in a {@link TickResult}: its timer and the events the fire appended. */
export interface FiredDeadline extends TimerRow {
  readonly events: readonly PipEventType[];
}

/** What one timer sweep did. */
export interface TickResult {
  readonly now: string;
  readonly fired: readonly FiredDeadline[];
  /** Timers found but not fired (moved, met or cancelled meanwhile), with the reason. */
  readonly skipped: readonly { readonly timerId: string; readonly code: string }[];
  /**
   * Fires that failed for a reason other than a refusal, one entry per timer: the PIP could not
   * be read, its policy version is not registered, or the store failed. Codes only, never
   * personal data. The sweep went on with every other PIP.
   */
  readonly faults: readonly SweepFault[];
}

/** One deadline the sweep could not fire. */
export interface SweepFault {
  readonly timerId: string;
  readonly pipId: string;
  readonly dueAt: string;
  /** A pipkit error code, a store failure reason (`STORE_CORRUPT_ROW`, ...), or `UNEXPECTED_ERROR`. */
  readonly code: string;
  /** Failed sweeps of this deadline so far (0 when the store does not count them). */
  readonly attempts: number;
  /** True when this sweep parked the deadline: it will not be swept again until it is set anew. */
  readonly parked: boolean;
}

/** Integrity of one PIP: the hash chain, the replay of its events, and the rows derived from them. */
export interface PipVerification {
  readonly pipId: string;
  readonly chain: HistoryVerification;
  /** True when replaying the events through the machine reproduces the stored snapshot exactly. */
  readonly replayMatches: boolean;
  /**
   * Every stored row that differs from what the verified events imply: the envelope (its
   * columns and its record), the timer index and the outbox. Empty when they all agree.
   */
  readonly derived: readonly PipkitIssue[];
  /** Whether the store let verify compare its raw rows (`inspect`); the record is always compared. */
  readonly rowsChecked: boolean;
  /** The PIP's refusal chain, when the store keeps a refusal log; `ok` needs it whole. */
  readonly refusals?: RefusalChainVerification;
  readonly ok: boolean;
}

/** The pipkit engine: commands in; events, snapshot, timers and outbox out, atomically. */
export interface Engine extends TenantOperations, DeliveryOperations, RefusalOperations {
  /** Creates a PIP in `draft`, pinned to a policy version. */
  open(
    input: OpenPipInput,
    options: { readonly actor: Actor; readonly idempotencyKey?: string },
  ): Promise<DispatchResult>;
  /** Sends a command. Throws a typed {@link PipkitError} when refused; nothing is written then. */
  dispatch(pipId: string, command: Command, options: DispatchOptions): Promise<DispatchResult>;
  /**
   * Says whether a command would be accepted now and lists every reason it would not. Writes
   * nothing. Needs read permission on the PIP, like {@link Engine.get}: a caller who may not read
   * it learns nothing about it (`FORBIDDEN`), not even its state.
   */
  explain(
    pipId: string,
    command: Command,
    options: { readonly actor: Actor },
  ): Promise<Explanation>;
  /** The PIP's current record. */
  get(pipId: string, options: { readonly actor: Actor }): Promise<PipRecord>;
  /** The PIP's events, oldest first. */
  history(pipId: string, options: { readonly actor: Actor }): Promise<StoredEvent[]>;
  /** PIPs the actor may read, matching the query, ordered by id. */
  list(query: ListQuery, options: { readonly actor: Actor }): Promise<PipRecord[]>;
  /**
   * One page of {@link Engine.list}, made to page through: the PIPs the actor may read, the PIPs
   * of the page the store could not read (`unreadable`: id and code, such as
   * `STORE_CORRUPT_ROW`, shown only to an actor who may read that PIP by its envelope columns)
   * instead of failing the whole page, and `nextAfterPipId` to pass as `afterPipId` for the next
   * page (absent after the last; a page can hold fewer PIPs than `limit` when some are not the
   * actor's to read). Unreadable rows are reported only by stores with `listEntries` (memory,
   * SQLite, Postgres); with other stores a corrupt row fails the page as in `list`.
   */
  listPage(query: ListQuery, options: { readonly actor: Actor }): Promise<ListPage>;
  /**
   * One page of PIPs matching a query, in its order (`pipId`, `nextDeadline` or `lastChange`),
   * within the actor's read scope. Pass `next` back as `cursor` with the same filters and order
   * for the following page. Filters are validated: an unknown key, state or sort, a reversed
   * range, a page over 1,000 or a cursor of another query is `INVALID_INPUT` naming the field.
   * Needs a store with `queryPips` (memory, SQLite and Postgres have it).
   */
  query(query: PipQuery, options: { readonly actor: Actor }): Promise<QueryPage>;
  /** How many PIPs within the actor's read scope match the filters. Needs `countPips`. */
  count(filter: PipFilter, options: { readonly actor: Actor }): Promise<number>;
  /**
   * A report's typed rows over the PIPs within the actor's read scope that match its filters
   * (`openByState`, `overdueByKind`, `outcomesByMonth`, `timeToOutcome`,
   * `extensionsAndPauses`, `longPlans`). Needs `reportPips`.
   */
  report<N extends ReportName>(
    request: ReportRequest & { readonly name: N },
    options: { readonly actor: Actor },
  ): Promise<Report<N>>;
  /** Every deadline the PIP has had and what became of it (pending, met, missed, overdue, ...). */
  deadlines(pipId: string, options: { readonly actor: Actor }): Promise<DeadlineStatus[]>;
  /**
   * Verifies the hash chain, that replaying the events reproduces the snapshot, the rows derived
   * from the events, and the PIP's refusal chain (with a store that keeps one).
   */
  verify(pipId: string, options: { readonly actor: Actor }): Promise<PipVerification>;
  /**
   * Deletes a PIP's whole record (events, envelope, timers, outbox rows, idempotency keys) once
   * its outcome's retention date (`retainUntil`, from the policy's `retention`) has passed in the
   * employee's zone and no legal hold is in force. Refused with `COMMAND_REFUSED` otherwise,
   * listing every reason (`PIP_NOT_FINAL`, `NO_RETENTION_PERIOD`, `RETENTION_NOT_OVER`,
   * `LEGAL_HOLD`); HR and legal may purge (`PURGE` for a custom authorizer). The store deletes
   * only at the version read, so a hold placed meanwhile wins (`VERSION_CONFLICT`). Returns a
   * receipt to keep as the record of destruction. Needs a store with `purge`.
   */
  purge(pipId: string, options: { readonly actor: Actor }): Promise<PurgeReceipt>;
  /**
   * Puts a PIP's parked deadlines back in the sweep once the cause of their failures is fixed
   * (the policy version registered again, the row restored): clears their fault counts and
   * parks, and the next `tick` fires those that are due. The PIP is read and its policy resolved
   * first, so an unfixed cause is refused with its own error (`STORE_ERROR` with
   * `STORE_CORRUPT_ROW`, `POLICY_NOT_FOUND`). HR and the system may unpark (`UNPARK` for a custom
   * authorizer). Needs a store with `resetTimerFaults` (memory, SQLite and Postgres have it).
   */
  unpark(pipId: string, options: { readonly actor: Actor }): Promise<UnparkReceipt>;
  /**
   * Dry run: what moving every running PIP on `policyId@fromVersion` to `toVersion` would change,
   * and, per PIP, what cannot be mapped (deadlines already past under the new numbers, extensions
   * over the new limits, a plan beyond the new cap). Writes nothing. HR, legal and system only.
   */
  planMigration(
    input: {
      readonly policyId: string;
      readonly fromVersion: number;
      readonly toVersion: number;
    },
    options: { readonly actor: Actor },
  ): Promise<MigrationPlanEntry[]>;
  /**
   * Moves one running PIP to another version of its policy, recording a hash-chained
   * `POLICY_MIGRATED` event with the re-dated deadlines. Refused (`COMMAND_REFUSED`, with the
   * dry run's problems as issues) when anything cannot be mapped. HR and system only.
   */
  migrate(
    pipId: string,
    input: { readonly toVersion: number },
    options: {
      readonly actor: Actor;
      readonly expectedVersion?: number;
      /** A repeated key returns the first result instead of migrating twice. */
      readonly idempotencyKey?: string;
    },
  ): Promise<DispatchResult>;
  /** Fires every deadline due at `now` (default: the clock), each exactly once in effect.
   * A PIP whose fire fails for a reason other than a refusal (an unreadable row, an unregistered
   * policy version, a store error) is reported in `faults` and skipped; every other PIP's
   * deadlines still fire. After `parkAfter` failed sweeps of the same deadline (default 5), a store
   * with `recordTimerFault` parks it and tells operators through the outbox. */
  tick(
    now?: Date | string,
    options?: {
      /** Timers per batch (default 500). */
      readonly limit?: number;
      /** With a store that leases timers: how long this sweeper holds a claimed timer (default 60 s). */
      readonly leaseMs?: number;
      /** Failed sweeps of one deadline before it is parked (default 5). */
      readonly parkAfter?: number;
      /**
       * At most this many batches of `limit` deadlines (default: until nothing due is left), so a
       * worker's round is bounded; what is left is due at the next call.
       */
      readonly maxRounds?: number;
    },
  ): Promise<TickResult>;
}

/** A page of {@link Engine.listPage}. */
export interface ListPage {
  /** The PIPs of the page the actor may read, in id order. */
  readonly pips: readonly PipRecord[];
  /** PIPs of the page whose record the store could not read, that the actor may read. */
  readonly unreadable: readonly { readonly pipId: string; readonly code: string }[];
  /** The `afterPipId` of the next page; absent when this page was the last. */
  readonly nextAfterPipId?: string;
}

/** A page of {@link Engine.query}. */
export interface QueryPage {
  /** The PIPs of the page the actor may read, in the query's order. */
  readonly pips: readonly PipRecord[];
  /** PIPs of the page whose record the store could not read, that the actor may read. */
  readonly unreadable: readonly { readonly pipId: string; readonly code: string }[];
  /**
   * PIPs of the page within the read scope that the authorizer still denied (a scope wider than
   * the authorizer allows); they are left out, so a page can hold fewer than `limit`.
   */
  readonly hidden: number;
  /** The cursor of the next page; absent when this page was the last. */
  readonly next?: string;
}

/** What {@link Engine.unpark} did. */
export interface UnparkReceipt {
  readonly pipId: string;
  /** The timers whose fault count or park was cleared, sorted (empty: nothing had failed). */
  readonly timerIds: readonly string[];
  readonly unparkedAt: string;
  readonly unparkedBy: Actor;
}

/** What {@link Engine.purge} deleted: enough to prove later that a record existed and was destroyed. */
export interface PurgeReceipt {
  readonly pipId: string;
  readonly employeeId: string;
  readonly policy: { readonly id: string; readonly version: number };
  /** The state the record ended in. */
  readonly state: PipState;
  /** Events deleted, and the hash of the last one: the head of the chain that was destroyed. */
  readonly version: number;
  readonly lastHash: string;
  /** The retention date that had passed. */
  readonly retainUntil: string;
  readonly purgedAt: string;
  readonly purgedBy: Actor;
}
