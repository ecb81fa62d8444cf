import {
  assertCommitShape,
  type CommitRequest,
  type IdempotencyRecord,
  IdempotencyKeyReusedError,
  LIST_LIMITS,
  type ListQuery,
  NO_PIP_YET,
  type OutboxMessage,
  PipkitError,
  type PipkitIssue,
  type PipRecord,
  type PipStore,
  StoreError,
  type StoredEvent,
  type TimerRow,
  ValidationError,
  VersionConflictError,
} from '@pipkit/core';
import pg from 'pg';
import { DEFAULT_SCHEMA, isPlainIdentifier, migrate, quoteIdentifier } from './migrations.js';
import type { PgPool, PgQueryable } from './pgDriver.js';
import { createMutex, inTransaction, type TransactionMode } from './transaction.js';

/** Settings shared by every way of connecting a {@link postgresStore}. */
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
}

/**
 * Options of {@link postgresStore}: exactly one of a connection string (the store creates and
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

/** A {@link PipStore} on PostgreSQL, with timer leases for many engine instances. */
export type PostgresStore = PipStore & {
  claimDueTimers: NonNullable<PipStore['claimDueTimers']>;
  claimOutbox: NonNullable<PipStore['claimOutbox']>;
  commitMany: NonNullable<PipStore['commitMany']>;
  purge: NonNullable<PipStore['purge']>;
  /**
   * Applies pending schema migrations (done lazily before the first query; call it at startup to
   * fail fast). Resolves to the versions this store applied: empty when another instance did.
   */
  ready(): Promise<readonly number[]>;
  /** Closes the pool when the store created it; a host `Pool` or client stays open. */
  close(): Promise<void>;
  /** The schema holding the tables. */
  readonly schema: string;
  /** The tenant this store reads and writes. */
  readonly tenantId: string;
};

/** The tenant of a store created without `tenantId`. */
export const DEFAULT_TENANT = 'default';

const UNIQUE_VIOLATION = '23505';
/** Raised by `pipkit_commit`: the PIP is not at the expected version (DETAIL: the actual one). */
const VERSION_MISMATCH = 'PK409';
/** Raised by `pipkit_commit`: the idempotency key is already recorded. */
const KEY_TAKEN = 'PK422';
/** The unique keys whose clash means another writer won the race for this version. */
const RACE_CONSTRAINTS = new Set(['pipkit_pips_pkey', 'pipkit_events_pkey']);

/** What the store's functions return for a timer. */
interface TimerDbRow {
  timer_id: string;
  pip_id: string;
  deadline_id: string;
  kind: TimerRow['kind'];
  due_at: string;
}
interface EventRow {
  seq: number;
  event: string;
  prev_hash: string;
  hash: string;
}
interface OutboxRow {
  id: string;
  pip_id: string;
  type: string;
  payload: string;
  created_at: string;
}
interface IdempotencyRow {
  pip_id: string;
  request_hash: string;
  version: number;
  seqs: string;
}

/**
 * Creates the PostgreSQL {@link PipStore}: many engine instances (processes, machines) share one
 * database. Each store call is one statement calling one of the schema's functions, so a command
 * commits in one round trip: events, envelope, timers, outbox and idempotency key together,
 * guarded by the PIP's version and the `(tenant_id, pip_id, seq)` key. Every row carries the
 * store's `tenantId`, and row-level security (forced, even for the tables' owner) hides other
 * tenants' rows. The timer sweep and the outbox relay lease rows with `FOR UPDATE SKIP LOCKED`
 * against the database clock, so instances split the work. Schema migrations run once, lazily,
 * under an advisory lock.
 *
 * @example
 * ```ts
 * import { createEngine, defaultPolicy } from '@pipkit/core';
 * import { postgresStore } from '@pipkit/postgres';
 *
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL ?? '', tenantId: 'acme' });
 * await store.ready(); // optional: migrate at startup instead of on the first command
 * const engine = createEngine({ store, policies: [defaultPolicy] });
 * // Every instance of the service runs the same sweep; leases keep them out of each other's way.
 * setInterval(() => void engine.tick(), 60_000);
 * // ... on shutdown:
 * await store.close();
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const tenantId = options.tenantId ?? DEFAULT_TENANT;
  checkOptions(options, schema, tenantId);
  const s = quoteIdentifier(schema);
  const fn = (name: string) => `${s}.pipkit_${name}`;
  const owned = options.connectionString !== undefined;
  const pool: PgPool | undefined = options.pool ?? ownPool(options.connectionString);
  const client = options.client;
  const exclusive = createMutex();

  const withConnection = async <T>(
    work: (connection: PgQueryable, broken: (error: Error) => void) => Promise<T>,
  ): Promise<T> => {
    const connection = await (pool as PgPool).connect();
    let brokenBy: Error | undefined;
    try {
      return await work(connection, (error) => (brokenBy = error));
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it, never reuse it.
      connection.release(brokenBy ?? false);
    }
  };

  const migrationMode: TransactionMode = client ? 'savepoint' : 'transaction';
  let migrated: Promise<readonly number[]> | undefined;
  const ready = (): Promise<readonly number[]> => {
    migrated ??= (
      client
        ? exclusive(() => migrate(client, { schema, mode: migrationMode }))
        : withConnection((connection) => migrate(connection, { schema }))
    ).catch((error: unknown) => {
      // A failed migration (database down, no privilege) is retried by the next call.
      migrated = undefined;
      throw toStoreError(error, 'migrating the schema');
    });
    return migrated;
  };

  /**
   * One call of one of the schema's functions, with the tenant as its first argument: on the
   * pool (one round trip, its own transaction), or, one at a time, on the host client.
   */
  const call = async (
    name: string,
    args: readonly unknown[],
    doing: string,
    shape: 'rows' | 'value' = 'rows',
  ): Promise<unknown[]> => {
    await ready();
    const placeholders = args.map((_, index) => `$${index + 2}`).join(', ');
    const text =
      shape === 'rows'
        ? `SELECT * FROM ${fn(name)}($1${placeholders ? `, ${placeholders}` : ''})`
        : `SELECT ${fn(name)}($1${placeholders ? `, ${placeholders}` : ''})`;
    const values = [tenantId, ...args];
    try {
      const result = client
        ? await exclusive(() => client.query(text, values))
        : await (pool as PgPool).query(text, values);
      return result.rows;
    } catch (error) {
      throw toStoreError(error, doing);
    }
  };

  const commitArgs = (request: CommitRequest): unknown[] => {
    const { record, idempotency } = request;
    // The last row wins when an id repeats (one statement may not upsert a row twice).
    const timers = [...new Map(request.timers.set.map((timer) => [timer.timerId, timer])).values()];
    return [
      request.pipId,
      request.expectedVersion,
      record.employeeId,
      record.managerId,
      record.state,
      record.version,
      JSON.stringify(record),
      record.updatedAt,
      request.events.map((event) => event.seq),
      request.events.map((event) => JSON.stringify(event.event)),
      request.events.map((event) => event.prevHash),
      request.events.map((event) => event.hash),
      request.timers.clear,
      timers.map((timer) => timer.timerId),
      timers.map((timer) => timer.pipId),
      timers.map((timer) => timer.deadlineId),
      timers.map((timer) => timer.kind),
      timers.map((timer) => timer.dueAt),
      request.outbox.map((message) => message.id),
      request.outbox.map((message) => message.pipId),
      request.outbox.map((message) => message.type),
      request.outbox.map((message) => JSON.stringify(message.payload)),
      request.outbox.map((message) => message.createdAt),
      idempotency?.key ?? null,
      idempotency?.pipId ?? null,
      idempotency?.requestHash ?? null,
      idempotency?.version ?? null,
      idempotency ? JSON.stringify(idempotency.seqs) : null,
    ];
  };
  /** The tenant and the 28 values of {@link commitArgs}, as `pipkit_commit` declares them. */
  const COMMIT_TEXT = `SELECT ${fn('commit')}(${Array.from({ length: 29 }, (_, index) => `$${index + 1}`).join(', ')})`;

  /** Maps the commit function's refusals to the port's typed errors. */
  const commitError = async (error: unknown, request: CommitRequest): Promise<unknown> => {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === VERSION_MISMATCH) {
      const detail = Number((error as { detail?: unknown }).detail);
      return new VersionConflictError(
        request.pipId,
        request.expectedVersion,
        Number.isInteger(detail) ? detail : undefined,
      );
    }
    if (code === KEY_TAKEN && request.idempotency) {
      return new IdempotencyKeyReusedError(request.idempotency.key);
    }
    if (code === UNIQUE_VIOLATION && isCommitKeyClash(error)) {
      // The keys on pipkit_pips and (tenant_id, pip_id, seq) are the real guard: a clash is a
      // lost race. The actual version is read after the rollback.
      const rows = await call('load', [request.pipId], 'reading the version').catch(() => []);
      const record = (rows as { record: string | null }[])[0]?.record;
      const actual = record ? (JSON.parse(record) as PipRecord).version : NO_PIP_YET;
      return new VersionConflictError(request.pipId, request.expectedVersion, actual);
    }
    return toStoreError(error, COMMITTING);
  };

  let closed = false;

  const store: PostgresStore = {
    schema,
    tenantId,
    ready,

    async load(pipId) {
      const rows = (await call('load', [pipId], 'loading a PIP')) as { record: string }[];
      return rows[0] ? (JSON.parse(rows[0].record) as PipRecord) : undefined;
    },

    async readEvents(pipId, readOptions = {}) {
      const rows = (await call(
        'read_events',
        [pipId, readOptions.afterSeq ?? 0],
        'reading events',
      )) as EventRow[];
      return rows.map((row): StoredEvent => ({
        pipId,
        seq: row.seq,
        event: JSON.parse(row.event) as StoredEvent['event'],
        prevHash: row.prev_hash,
        hash: row.hash,
      }));
    },

    async commit(request) {
      // A malformed commit (a gap, a record that does not match its events) is a caller bug:
      // refuse it before touching the database.
      assertCommitShape(request);
      await ready();
      const values = [tenantId, ...commitArgs(request)];
      try {
        if (client) {
          // Inside the host's transaction: a savepoint, so a refusal leaves it usable.
          await exclusive(() =>
            inTransaction(client, 'savepoint', (db) => db.query(COMMIT_TEXT, values)),
          );
        } else {
          // One statement, its own transaction: one round trip.
          await (pool as PgPool).query(COMMIT_TEXT, values);
        }
      } catch (error) {
        throw await commitError(error, request);
      }
    },

    async commitMany(requests) {
      const outcomes: (Error | undefined)[] = requests.map(() => undefined);
      const batch: { index: number; json: string }[] = [];
      const alone: number[] = [];
      for (const [index, request] of requests.entries()) {
        try {
          assertCommitShape(request);
        } catch (error) {
          outcomes[index] = error instanceof Error ? error : new Error(String(error));
          continue;
        }
        const json = JSON.stringify(commitArgs(request));
        // Postgres's json cannot hand back a \u0000 as text: such a request commits on its own,
        // through the text parameters of pipkit_commit.
        if (json.includes('\\u0000')) alone.push(index);
        else batch.push({ index, json });
      }
      if (batch.length > 0) {
        const refused = (await call(
          'commit_many',
          [`[${batch.map((entry) => entry.json).join(',')}]`],
          COMMITTING,
        )) as {
          request_index: number;
          sql_state: string;
          error_detail: string | null;
          error_message: string;
          error_constraint: string | null;
        }[];
        for (const row of refused) {
          const entry = batch[row.request_index] as { index: number };
          const error = Object.assign(new Error(row.error_message), {
            code: row.sql_state,
            detail: row.error_detail ?? undefined,
            constraint: row.error_constraint || undefined,
          });
          outcomes[entry.index] = (await commitError(
            error,
            requests[entry.index] as CommitRequest,
          )) as Error;
        }
      }
      for (const index of alone) {
        try {
          await store.commit(requests[index] as CommitRequest);
        } catch (error) {
          outcomes[index] = error instanceof Error ? error : new Error(String(error));
        }
      }
      return outcomes;
    },

    async getIdempotency(key) {
      const rows = (await call(
        'get_idempotency',
        [key],
        'reading an idempotency key',
      )) as IdempotencyRow[];
      const row = rows[0];
      return row
        ? ({
            key,
            pipId: row.pip_id,
            requestHash: row.request_hash,
            version: row.version,
            seqs: JSON.parse(row.seqs) as number[],
          } satisfies IdempotencyRecord)
        : undefined;
    },

    async list(query: ListQuery = {}) {
      const rows = (await call(
        'list',
        [
          query.state ?? null,
          query.employeeId ?? null,
          query.managerId ?? null,
          query.afterPipId ?? null,
          clampLimit(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max),
        ],
        'listing PIPs',
      )) as { record: string }[];
      return rows.map((row) => JSON.parse(row.record) as PipRecord);
    },

    async dueTimers(now, limit) {
      const rows = (await call(
        'due_timers',
        [now, clampLimit(limit)],
        'reading due timers',
      )) as TimerDbRow[];
      return rows.map(toTimer);
    },

    async claimDueTimers(now, limit, lease) {
      checkLease(lease);
      const rows = (await call(
        'claim_timers',
        [lease.owner, lease.leaseMs, now, clampLimit(limit)],
        'claiming due timers',
      )) as TimerDbRow[];
      return rows.map(toTimer).sort(byDueThenId);
    },

    async pendingOutbox(limit) {
      const rows = (await call(
        'pending_outbox',
        [clampLimit(limit)],
        'reading the outbox',
      )) as OutboxRow[];
      return rows.map(toOutbox);
    },

    async claimOutbox(limit, lease) {
      checkLease(lease);
      const rows = (await call(
        'claim_outbox',
        [lease.owner, lease.leaseMs, clampLimit(limit)],
        'claiming outbox messages',
      )) as OutboxRow[];
      return rows.map(toOutbox);
    },

    async purge(pipId, expectedVersion) {
      try {
        await call('purge', [pipId, expectedVersion], 'purging a PIP', 'value');
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === VERSION_MISMATCH) {
          const detail = Number((error as { detail?: unknown }).detail);
          throw new VersionConflictError(
            pipId,
            expectedVersion,
            Number.isInteger(detail) ? detail : undefined,
          );
        }
        throw error;
      }
    },

    async markOutboxDelivered(ids) {
      if (ids.length === 0) return;
      await call('mark_delivered', [[...ids]], 'marking outbox messages delivered', 'value');
    },

    async close() {
      if (closed) return;
      closed = true;
      // Let a migration in flight finish before its connection goes away.
      await migrated?.catch(() => undefined);
      if (owned) await (pool as PgPool).end();
    },
  };
  return store;
}

/**
 * The pool a store opens from a connection string. An idle connection the server ends (a
 * restart, a failover) makes pg emit `error` on the pool, which would crash the process with no
 * listener: the store listens and drops it, and the next query connects afresh.
 */
function ownPool(connectionString: string | undefined): PgPool | undefined {
  if (connectionString === undefined) return undefined;
  const pool = new pg.Pool({ connectionString });
  pool.on('error', () => undefined);
  return pool;
}

function checkOptions(options: PostgresStoreOptions, schema: string, tenantId: string): void {
  const issues: PipkitIssue[] = [];
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (typeof tenantId !== 'string' || !/^[^\u0000-\u001f\u007f]{1,200}$/.test(tenantId)) {
    issues.push({
      code: 'INVALID_TENANT',
      path: ['tenantId'],
      message: `tenantId must be a non-empty string of at most 200 characters without control characters, not ${JSON.stringify(tenantId)}.`,
    });
  }
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
  if (issues.length > 0) throw new ValidationError('Invalid postgresStore options.', issues);
}

function checkLease(lease: { readonly owner: string; readonly leaseMs: number }): void {
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

function toTimer(row: TimerDbRow): TimerRow {
  return {
    timerId: row.timer_id,
    pipId: row.pip_id,
    deadlineId: row.deadline_id,
    kind: row.kind,
    dueAt: row.due_at,
  };
}

function toOutbox(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    pipId: row.pip_id,
    type: row.type,
    payload: JSON.parse(row.payload) as OutboxMessage['payload'],
    createdAt: row.created_at,
  };
}

function byDueThenId(a: TimerRow, b: TimerRow): number {
  return a.dueAt === b.dueAt ? compareText(a.timerId, b.timerId) : compareText(a.dueAt, b.dueAt);
}

/** Bytewise order, as `COLLATE "C"` sorts. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A non-negative whole LIMIT; `null` (no limit) for an infinite one. */
function clampLimit(limit: number, max = Number.POSITIVE_INFINITY): number | null {
  if (Number.isNaN(limit)) return 0;
  const bounded = Math.max(0, Math.min(Math.trunc(limit), max));
  return Number.isFinite(bounded) ? bounded : null;
}

/** A unique violation on the PIP's own key or an event's `(tenant_id, pip_id, seq)`. */
function isCommitKeyClash(error: unknown): boolean {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' && RACE_CONSTRAINTS.has(constraint);
}

/** What a commit is called in error messages; its lost connection leaves the outcome unknown. */
const COMMITTING = 'committing a command';

/** Node socket errors that mean the server could not be reached or the connection dropped. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** SQLSTATEs worth retrying: the server is going away, starting, full, or lost a race. */
const RETRYABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03']);
/** SQLSTATEs that no retry fixes, with what to do about them. */
const FATAL_STATES: Readonly<Record<string, string>> = {
  '3D000': 'The database does not exist: check the connection string.',
  '28000': 'The server refused the role: check the user in the connection string and pg_hba.conf.',
  '28P01': 'Wrong password: check the connection string.',
  '42501':
    "The role lacks a privilege on pipkit's schema: grant it USAGE, EXECUTE on its functions and SELECT, INSERT, UPDATE, DELETE on its tables (see the package README).",
};

/**
 * Turns a lost or refused connection into pipkit's typed `StoreError` (`STORE_ERROR`): retryable
 * when the server is unreachable, restarting or dropped the connection, not retryable when the
 * database, role or privilege is wrong. Anything else (a bug) is rethrown unchanged. A commit
 * whose connection dropped may or may not have committed: the message says to retry with the
 * same idempotency key, which makes the retry safe.
 */
export function toStoreError(error: unknown, doing: string): unknown {
  if (error instanceof PipkitError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  // Without an answer from the server (a network error, a dropped socket) a commit's outcome is
  // unknown; with one (an error with a SQLSTATE), the statement failed and was rolled back.
  const silent =
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    (typeof code !== 'string' &&
      /Connection terminated|connection error|not queryable|Connection ended/i.test(text));
  const answered =
    typeof code === 'string' && (code.startsWith('08') || RETRYABLE_STATES.has(code));
  if (silent || answered) {
    return new StoreError(
      `PostgreSQL ${silent ? 'could not be reached or dropped the connection' : 'ended or refused the work'} while ${doing} (${text}).` +
        (silent && doing === COMMITTING
          ? ' The command may or may not have been committed: retry it with the same idempotency key, or read the PIP first.'
          : ' Nothing was written; retry.'),
      { retryable: true, cause: error },
    );
  }
  if (typeof code === 'string' && FATAL_STATES[code]) {
    return new StoreError(`PostgreSQL refused ${doing}: ${text}. ${FATAL_STATES[code]}`, {
      retryable: false,
      cause: error,
    });
  }
  return error;
}
