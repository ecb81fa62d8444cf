/**
 * The engine's tenant surface: scoping an engine to one tenant per request, and the sweep and
 * relay across many tenants in one loop, taking turns.
 */
import type { RelayDeadLetter, RelayFailure } from './deliveryApi.js';
import type { DeliveredMessage } from './recipients.js';
import type { Engine, FiredDeadline, SweepFault } from './engineApi.js';

/** Options of `createEngine` about tenants. */
export interface TenantEngineOptions {
  /**
   * How many tenant-scoped engines `forTenant` keeps, most recently used first (default 1000;
   * 0 keeps none and builds one per call). A kept engine keeps its record cache and group-commit
   * queue between requests; one dropped is rebuilt on the next call, with empty caches.
   */
  readonly tenantEngines?: number;
}

/**
 * The tenants a cross-tenant sweep or relay covers, in the order they take turns: the host knows
 * its customers. An array of tenant ids, or a function (sync or async) returning one, called
 * once per call. Duplicates are dropped; an invalid id refuses the whole call (`INVALID_INPUT`)
 * before any tenant is touched.
 */
export type TenantList = readonly string[] | (() => readonly string[] | Promise<readonly string[]>);

/** Options of {@link TenantOperations.tickTenants}. */
export interface TenantTickOptions {
  /** Which tenants to sweep. */
  readonly tenants: TenantList;
  /** The sweep's instant (default: the engine's clock). */
  readonly at?: Date | string;
  /**
   * At most this many due deadlines of one tenant per round (default 100; 1 to 10,000). Each
   * round gives every tenant with deadlines left one turn, so a tenant with 100,000 due
   * deadlines takes many rounds while one with 3 is done in the first.
   */
  readonly budgetPerTenant?: number;
  /** With a leasing store: how long a claimed timer is held (default 60 s), as for `tick`. */
  readonly leaseMs?: number;
  /** Failed fires of a deadline before it is parked (default 5), as for `tick`. */
  readonly parkAfter?: number;
  /**
   * At most this many rounds (default: until no tenant has a due deadline): with 1, each tenant
   * takes one turn of at most `budgetPerTenant`, so a worker's round is bounded.
   */
  readonly maxRounds?: number;
}

/** A tenant whose sweep or relay stopped: its store failed, or it could not be scoped. */
export interface TenantFailure {
  readonly tenantId: string;
  /** A store failure reason (`STORE_UNAVAILABLE`, ...), a pipkit error code, or `UNEXPECTED_ERROR`. */
  readonly code: string;
  readonly error: unknown;
}

/**
 * What one sweep across tenants did. Every item names its tenant; items are in the order they
 * happened, round by round. Each tenant's PIP ids are its own: the same id may appear under two
 * tenants.
 */
export interface TenantTickResult {
  readonly now: string;
  readonly fired: readonly (FiredDeadline & { readonly tenantId: string })[];
  readonly skipped: readonly {
    readonly tenantId: string;
    readonly timerId: string;
    readonly code: string;
  }[];
  /** Deadlines that failed to fire (unknown policy version, unreadable row), as in `tick`. */
  readonly faults: readonly (SweepFault & { readonly tenantId: string })[];
  /** Tenants whose sweep stopped; every other tenant's went on. */
  readonly tenantFailures: readonly TenantFailure[];
}

/** Delivers one tenant's outbox message; `tenant` says whose it is. */
export type TenantOutboxHandler = (
  message: DeliveredMessage,
  tenant: { readonly tenantId: string },
) => void | Promise<void>;

/** Options of {@link TenantOperations.relayTenants}. */
export interface TenantRelayOptions {
  /** Which tenants to relay for. */
  readonly tenants: TenantList;
  /**
   * At most this many messages of one tenant per round (with a leasing store, PIPs), default
   * 100, 1 to 10,000. A tenant takes another turn only while its rounds deliver a full budget
   * with no failure.
   */
  readonly budgetPerTenant?: number;
  /** With a store that leases the outbox: how long a claimed PIP is held (default 60 s). */
  readonly leaseMs?: number;
  /** At most this many rounds (default: until no tenant has a full, clean turn left). */
  readonly maxRounds?: number;
}

/** What one relay across tenants did; every item names its tenant. */
export interface TenantRelayResult {
  /** Messages delivered and marked, in delivery order. */
  readonly delivered: readonly { readonly tenantId: string; readonly id: string }[];
  /** Failed attempts and dead letters not yet recorded, as in `relay`; they stay pending. */
  readonly failed: readonly (RelayFailure & { readonly tenantId: string })[];
  /** Messages dead-lettered this call, as in `relay`. */
  readonly deadLettered: readonly (RelayDeadLetter & { readonly tenantId: string })[];
  /** Tenants whose relay stopped (their store failed); every other tenant's went on. */
  readonly tenantFailures: readonly TenantFailure[];
}

/** The tenant members of {@link Engine}. */
export interface TenantOperations {
  /** The tenant this engine serves, when its store has tenants (otherwise `undefined`). */
  readonly tenantId?: string | undefined;
  /**
   * This engine for one tenant: the same policies, authorizer, clock and options over
   * `store.forTenant(tenantId)`, with its own record cache, idempotency and group-commit queue,
   * so nothing one tenant does is seen by another. Cheap per request: engines are kept per
   * tenant id (`tenantEngines`). The authorizer sees `tenantId` in every request. Throws
   * `INVALID_INPUT` (`INVALID_TENANT`) for an invalid id, and `STORE_ERROR` (`STORE_UNSUPPORTED`)
   * when the store has no tenants (SQLite).
   */
  forTenant(tenantId: string): Engine;
  /**
   * The timer sweep of several tenants in one loop, fairly: in rounds, each tenant with deadlines
   * left fires at most `budgetPerTenant` of them per round, in the order `tenants` lists them. A
   * tenant whose store fails is reported in `tenantFailures` and the others go on; a deadline
   * that fails is a fault of that tenant, as in `tick`. Runs until no tenant has a due deadline.
   */
  tickTenants(options: TenantTickOptions): Promise<TenantTickResult>;
  /**
   * The outbox relay of several tenants in one loop, fairly: in rounds of at most
   * `budgetPerTenant` messages per tenant. `handler` hears which tenant each message is from.
   * A tenant whose store fails is reported in `tenantFailures` and the others go on.
   */
  relayTenants(
    handler: TenantOutboxHandler,
    options: TenantRelayOptions,
  ): Promise<TenantRelayResult>;
}
