/**
 * The worker's public surface: the options of `createWorker`, the `Worker` it returns and what
 * each round reports.
 */
import type { Clock, Engine } from '../engine/engineApi.js';
import type { TenantFailure, TenantList } from '../engine/tenantApi.js';
import type { OutboxMessage } from '../store/pipStore.js';
import type { WakeupSource } from '../store/wakeups.js';

/**
 * Delivers one outbox message, as `engine.relay`'s handler does; `source.tenantId` names the
 * tenant when the worker sweeps several. Throw (a `DeliveryError` for a stable reason) to fail
 * the attempt: the relay retries it after a backoff and dead-letters it in the end.
 */
export type WorkerDelivery = (
  message: OutboxMessage,
  source: { readonly tenantId?: string },
) => void | Promise<void>;

/**
 * The timers a worker waits with: the global `setTimeout` and `clearTimeout` by default. Tests
 * inject their own to run time forward without sleeping.
 */
export interface WorkerTimers {
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a pending callback; a handle already fired or cleared is ignored. */
  clearTimeout(handle: unknown): void;
}

/** How the worker waits after a failed round: doubling from `initialMs` up to `maxMs`. */
export interface WorkerBackoff {
  /** The wait after the first failed round, in ms (default 1,000; 1 to 3,600,000). */
  readonly initialMs?: number;
  /** The longest wait, in ms (default 60,000; at least `initialMs`, at most 3,600,000). */
  readonly maxMs?: number;
}

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** The engine whose deadlines the worker fires and whose outbox it relays. */
  readonly engine: Engine;
  /** Delivers each outbox message (at least once: deduplicate by `message.id`). */
  readonly deliver: WorkerDelivery;
  /**
   * The tenants to serve, through `engine.tickTenants` and `engine.relayTenants` (a store with
   * `forTenant`: memory, Postgres). Read again every round, so a function may list tenants from
   * the host's directory. Absent: the engine's own store only (`engine.tick`, `engine.relay`),
   * as for SQLite.
   */
  readonly tenants?: TenantList;
  /** The wait between rounds when there is nothing to do, in ms (default 30,000; 1 to 86,400,000). */
  readonly pollMs?: number;
  /**
   * At most this many deadlines and this many messages (with a leasing store, PIPs) of one tenant
   * per round (default 100; 1 to 10,000). Every tenant with work takes one turn per round, in an
   * order that rotates by one each round, so a tenant with 100,000 due deadlines takes many
   * rounds while every other tenant is served in each of them.
   */
  readonly maxPerTenant?: number;
  /** With a leasing store (Postgres): how long a claimed timer or PIP is held (default 60 s). */
  readonly leaseMs?: number;
  /**
   * Wake-ups that start a round before the next poll: usually the store's own `store.wakeups`
   * (memory and SQLite hear their own process's commits, Postgres every engine's through
   * `LISTEN`). A wake-up during a round runs another round right after it; during a backoff
   * it waits for the backoff.
   */
  readonly wakeups?: WakeupSource | undefined;
  /**
   * The instant a round that failed as a whole reports (default the system clock; give the
   * engine's clock). A round that ran reports the sweep's own instant.
   */
  readonly clock?: Clock;
  /** The timers to wait with (default: the global ones). */
  readonly timers?: WorkerTimers;
  /** The wait after a failed round (default 1 s doubling to 60 s). */
  readonly backoff?: WorkerBackoff;
  /** Aborting it stops the worker as {@link Worker.stop} does. */
  readonly signal?: AbortSignal;
  /** Told of every round when it ends; a listener that throws changes nothing. */
  readonly onRound?: (round: WorkerRound) => void;
}

/** Why a round started. */
export type WorkerRoundCause = 'start' | 'poll' | 'wakeup' | 'busy' | 'retry';

/** What one tenant's turn of a round did (only when the worker serves `tenants`). */
export interface WorkerTenantTurn {
  readonly tenantId: string;
  readonly fired: number;
  readonly delivered: number;
}

/** One item a round handled, with its tenant when the worker serves several. */
export type WorkerItem<T> = T & { readonly tenantId?: string };

/** What one round did: counts, codes and ids only, never personal data. */
export interface WorkerRound {
  /** 1 for the first round. */
  readonly round: number;
  readonly cause: WorkerRoundCause;
  /** The sweep's instant (the engine's clock), UTC ISO. */
  readonly at: string;
  readonly fired: number;
  readonly skipped: number;
  /** Deadlines that failed to fire (see `TickResult.faults`). */
  readonly faults: number;
  readonly delivered: number;
  /** Failed delivery attempts, tried again after their backoff. */
  readonly failed: number;
  readonly deadLettered: number;
  /** The deadlines fired, by timer id and due instant (with the tenant when serving several). */
  readonly firedDeadlines: readonly WorkerItem<{
    readonly timerId: string;
    readonly dueAt: string;
  }>[];
  /** The messages delivered and marked, by id (with the tenant when serving several). */
  readonly deliveredMessages: readonly WorkerItem<{ readonly id: string }>[];
  /** Per tenant, in the order they took their turns; empty without `tenants`. */
  readonly tenants: readonly WorkerTenantTurn[];
  /** Tenants whose sweep or relay stopped this round; the others went on. */
  readonly tenantFailures: readonly TenantFailure[];
  /**
   * Set when the round failed as a whole (the store unreachable, every tenant failed): its code
   * and the error. The worker then waits for its backoff.
   */
  readonly error?: { readonly code: string; readonly error: unknown };
  /** The wait before the next round in ms: 0 when this one did work, the poll, or the backoff. */
  readonly nextInMs: number;
}

/** A worker's totals since it started. */
export interface WorkerTotals {
  readonly rounds: number;
  readonly fired: number;
  readonly delivered: number;
  readonly deadLettered: number;
  readonly failedRounds: number;
}

/** A worker: rounds of the timer sweep and the outbox relay until it is stopped. */
export interface Worker {
  /**
   * Runs rounds until stopped; resolves with the totals once the round in flight has finished.
   * A worker runs once: calling it again returns the same promise.
   */
  run(): Promise<WorkerTotals>;
  /**
   * Stops the worker gracefully: the round in flight finishes (every claimed deadline fired or
   * released by its lease, every claimed message settled) and no other starts. A second call
   * forces: the round ends after the engine call in flight (the sweep or the relay) instead of
   * running the rest. Resolves with the totals when the worker is idle.
   */
  stop(): Promise<WorkerTotals>;
  /** Starts a round now if the worker is waiting for its poll (as a wake-up does). */
  wake(): void;
  /** True from `run` until the worker is stopped and idle. */
  readonly running: boolean;
}
