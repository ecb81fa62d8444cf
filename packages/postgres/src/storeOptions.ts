/**
 * The options of `postgresStore` and their checks.
 * @module
 */
import { type PipkitIssue, ValidationError } from '@pipkit/core';
import { MAX_COMMIT_SLOTS, tenantIdIssues } from '@pipkit/core/adapter';
import pg from 'pg';
import { isPlainIdentifier } from './migrations.js';
import type { PgPool, PgQueryable } from './pgDriver.js';
import { isWakeupChannel, type PostgresWakeupOptions } from './wakeups.js';

/** Settings shared by every way of connecting a `postgresStore`. */
export interface PostgresStoreSettings {
  /**
   * The schema holding pipkit's tables (created on first use when missing). A plain lowercase
   * identifier (`[a-z_][a-z0-9_]*`, at most 63 characters); always quoted in SQL. Default
   * `'pipkit'`.
   */
  readonly schema?: string;
  /**
   * The tenant every row this store reads and writes belongs to (default `'default'`). PIP ids,
   * timer ids and idempotency keys are unique within a tenant. Row-level security hides other
   * tenants' rows from every query, so one database serves many employers. Any non-empty string
   * up to 200 characters without control characters.
   */
  readonly tenantId?: string;
  /**
   * How long a commit, purge or sweep waits for a row lock another transaction holds before it
   * gives up with a retryable `StoreError` of reason `STORE_TIMEOUT` (PostgreSQL's
   * `lock_timeout`, set for that transaction only). Whole milliseconds; 0 waits without limit.
   * Default {@link DEFAULT_TIMEOUTS}`.lockTimeoutMs` (5000).
   */
  readonly lockTimeoutMs?: number;
  /**
   * How long one commit, purge or sweep statement may run before the server cancels it, with
   * the same retryable `STORE_TIMEOUT` (PostgreSQL's `statement_timeout`, for that transaction
   * only). Whole milliseconds; 0 means no limit. Default {@link DEFAULT_TIMEOUTS}`.statementTimeoutMs`
   * (30000).
   */
  readonly statementTimeoutMs?: number;
  /**
   * How many `commitMany` calls the store runs at once (each on its own pooled connection), as
   * the port's `concurrentCommits` hint: `engine.tick` commits a round of fires in that many
   * batches, each sent as soon as it is decided, so the database writes one while the engine
   * decides the next, and group commit keeps that many groups in flight. A whole number from 1 to
   * 64 (`MAX_COMMIT_SLOTS`). Default {@link DEFAULT_CONCURRENT_COMMITS}
   * (2) on a pool or connection string; always 1 on a host client (one connection). With many
   * engines on a small database, 1 can be faster: the engines already overlap each other.
   */
  readonly concurrentCommits?: number;
  /**
   * Wake-ups (default on): a commit that writes an outbox message or sets a deadline already due
   * sends `pg_notify` on the schema's channel in its own transaction, and `store.wakeups` (on a
   * pool or connection string) hears every engine's such commits through one `LISTEN`
   * connection, held while a worker subscribes. `false` sends and hears nothing: workers poll.
   * An object names the channel or tunes the reconnection backoff.
   */
  readonly wakeups?: boolean | PostgresWakeupOptions;
}

/** The `concurrentCommits` of a store on a pool created without that option. */
export const DEFAULT_CONCURRENT_COMMITS = 2;

/** The timeouts of a store created without `lockTimeoutMs` or `statementTimeoutMs`. */
export const DEFAULT_TIMEOUTS = Object.freeze({ lockTimeoutMs: 5000, statementTimeoutMs: 30_000 });

/** The largest timeout PostgreSQL accepts, in milliseconds (`INT_MAX`). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Options of `postgresStore`: exactly one of a connection string (the store creates and
 * owns a `pg.Pool`), a host-owned `Pool` (never closed by the store), or a host client inside the
 * host's own open transaction (writes then join it through savepoints).
 */
export type PostgresStoreOptions = PostgresStoreSettings &
  (
    | {
        /** A libpq connection URI; the store opens a `pg.Pool` on it and closes it on `close()`. */
        readonly connectionString: string;
        readonly pool?: never;
        readonly client?: never;
      }
    | {
        /** A `pg.Pool` (pg 8) the host owns; each commit checks out one connection. */
        readonly pool: PgPool;
        readonly connectionString?: never;
        readonly client?: never;
      }
    | {
        /**
         * A `pg.Client` or checked-out `PoolClient` on which the host has already run `BEGIN`:
         * every store call runs on it, one at a time, and each commit is a `SAVEPOINT`, so the
         * PIP's events commit or roll back with the host's own writes. The host commits.
         */
        readonly client: PgQueryable;
        readonly connectionString?: never;
        readonly pool?: never;
      }
  );

/** The tenant of a store created without `tenantId`. */
export const DEFAULT_TENANT = 'default';

/**
 * The pool a store opens from a connection string. An idle connection the server ends (a
 * restart, a failover) makes pg emit `error` on the pool, which would crash the process with no
 * listener: the store listens and drops it, and the next query connects afresh.
 */
export function ownPool(connectionString: string | undefined): PgPool | undefined {
  if (connectionString === undefined) return undefined;
  const pool = new pg.Pool({ connectionString });
  pool.on('error', () => undefined);
  return pool;
}

/** Refuses invalid options with one `ValidationError` listing every problem. */
export function checkOptions(
  options: PostgresStoreOptions,
  schema: string,
  tenantId: string,
): void {
  const issues: PipkitIssue[] = [...tenantIdIssues(tenantId)];
  const given = [options.connectionString, options.pool, options.client].filter(
    (target) => target !== undefined,
  );
  if (given.length !== 1) {
    issues.push({
      code: 'INVALID_STORE_TARGET',
      path: [],
      message:
        'Give exactly one of `connectionString`, `pool` (a pg.Pool) or `client` (a connection in an open transaction).',
    });
  }
  if (typeof options.connectionString === 'string' && options.connectionString.length === 0) {
    issues.push({
      code: 'INVALID_CONNECTION_STRING',
      path: ['connectionString'],
      message: 'connectionString is empty.',
    });
  }
  if (typeof schema !== 'string' || !isPlainIdentifier(schema)) {
    issues.push({
      code: 'INVALID_SCHEMA',
      path: ['schema'],
      message: `schema must be a plain lowercase identifier ([a-z_][a-z0-9_]*, at most 63 characters), not ${JSON.stringify(schema)}.`,
    });
  }
  for (const key of ['lockTimeoutMs', 'statementTimeoutMs'] as const) {
    const value = options[key];
    if (
      value !== undefined &&
      !(Number.isInteger(value) && value >= 0 && value <= MAX_TIMEOUT_MS)
    ) {
      issues.push({
        code: 'INVALID_TIMEOUT',
        path: [key],
        message: `${key} must be a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, not ${String(value)}.`,
      });
    }
  }
  const { concurrentCommits } = options;
  if (
    concurrentCommits !== undefined &&
    !(
      Number.isInteger(concurrentCommits) &&
      concurrentCommits >= 1 &&
      concurrentCommits <= MAX_COMMIT_SLOTS
    )
  ) {
    issues.push({
      code: 'INVALID_CONCURRENT_COMMITS',
      path: ['concurrentCommits'],
      message: `concurrentCommits must be a whole number from 1 to ${MAX_COMMIT_SLOTS}, not ${String(concurrentCommits)}.`,
    });
  }
  issues.push(...wakeupIssues(options.wakeups));
  if (issues.length > 0) throw new ValidationError('Invalid postgresStore options.', issues);
}

/** The problems of a `wakeups` option. */
function wakeupIssues(wakeups: PostgresStoreSettings['wakeups']): PipkitIssue[] {
  if (wakeups === undefined || typeof wakeups === 'boolean') return [];
  const issues: PipkitIssue[] = [];
  if (typeof wakeups !== 'object' || wakeups === null) {
    return [
      {
        code: 'INVALID_WAKEUPS',
        path: ['wakeups'],
        message: 'wakeups must be a boolean or an object.',
      },
    ];
  }
  if (wakeups.channel !== undefined && !isWakeupChannel(wakeups.channel)) {
    issues.push({
      code: 'INVALID_WAKEUPS',
      path: ['wakeups', 'channel'],
      message: `channel must be a plain lowercase identifier of at most 63 characters, not ${JSON.stringify(wakeups.channel)}.`,
    });
  }
  const { initialMs, maxMs } = wakeups.reconnect ?? {};
  for (const [key, value] of [
    ['initialMs', initialMs],
    ['maxMs', maxMs],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 600_000)) {
      issues.push({
        code: 'INVALID_WAKEUPS',
        path: ['wakeups', 'reconnect', key],
        message: `${key} must be a whole number of milliseconds from 1 to 600,000, not ${String(value)}.`,
      });
    }
  }
  return issues;
}

/** Refuses an empty lease owner or a negative or infinite lease duration. */
export function checkLease(lease: { readonly owner: string; readonly leaseMs: number }): void {
  const issues: PipkitIssue[] = [];
  if (typeof lease.owner !== 'string' || lease.owner.length === 0) {
    issues.push({ code: 'INVALID_LEASE_OWNER', path: ['owner'], message: 'owner is empty.' });
  }
  if (!Number.isFinite(lease.leaseMs) || lease.leaseMs < 0) {
    issues.push({
      code: 'INVALID_LEASE_DURATION',
      path: ['leaseMs'],
      message: `leaseMs must be a finite number of milliseconds >= 0, not ${String(lease.leaseMs)}.`,
    });
  }
  if (issues.length > 0) throw new ValidationError('Invalid timer lease.', issues);
}
