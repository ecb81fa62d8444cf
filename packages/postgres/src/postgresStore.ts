import {
  assertCommitShape,
  type CommitRequest,
  type IdempotencyRecord,
  IdempotencyKeyReusedError,
  LIST_LIMITS,
  type ListQuery,
  NO_PIP_YET,
  type OutboxMessage,
  type PipkitIssue,
  type PipRecord,
  type PipStore,
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
  /**
   * Applies pending schema migrations (done lazily before the first query; call it at startup to
   * fail fast). Resolves to the versions this store applied: empty when another instance did.
   */
  ready(): Promise<readonly number[]>;
  /** Closes the pool when the store created it; a host `Pool` or client stays open. */
  close(): Promise<void>;
  /** The schema holding the tables. */
  readonly schema: string;
};

const UNIQUE_VIOLATION = '23505';

/** An instant column as the port's ISO format (`2026-03-02T14:00:00.000Z`), whatever the host's type parsers. */
const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const TIMER_COLUMNS = `timer_id, pip_id, deadline_id, kind, ${iso('due_at')} AS due_at`;

interface EventRow {
  pip_id: string;
  seq: number;
  event: string;
  prev_hash: string;
  hash: string;
}
interface TimerDbRow {
  timer_id: string;
  pip_id: string;
  deadline_id: string;
  kind: TimerRow['kind'];
  due_at: string;
}
interface OutboxRow {
  id: string;
  pip_id: string;
  type: string;
  payload: string;
  created_at: string;
}
interface IdempotencyRow {
  key: string;
  pip_id: string;
  request_hash: string;
  version: number;
  seqs: string;
}

/**
 * Creates the PostgreSQL {@link PipStore}: many engine instances (processes, machines) share one
 * database. Every command commits in one transaction guarded by the PIP's version and the
 * primary key on `(pip_id, seq)`; the timer sweep leases due timers with
 * `FOR UPDATE SKIP LOCKED`, against the database clock, so sweepers split the work. Schema
 * migrations run once, lazily, under an advisory lock.
 *
 * @example
 * ```ts
 * import { createEngine, defaultPolicy } from '@pipkit/core';
 * import { postgresStore } from '@pipkit/postgres';
 *
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL ?? '' });
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
  checkOptions(options, schema);
  const s = quoteIdentifier(schema);
  const table = (name: string) => `${s}.pipkit_${name}`;
  const owned = options.connectionString !== undefined;
  const pool: PgPool | undefined =
    options.pool ??
    (options.connectionString !== undefined
      ? new pg.Pool({ connectionString: options.connectionString })
      : undefined);
  const client = options.client;
  const exclusive = createMutex();

  /** Runs `work` in one transaction: on a pooled connection, or a savepoint on the host client. */
  const transact = <T>(work: (db: PgQueryable) => Promise<T>): Promise<T> => {
    if (client) return exclusive(() => inTransaction(client, 'savepoint', work));
    return withConnection((connection, broken) =>
      inTransaction(connection, 'transaction', work, broken),
    );
  };
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
      throw error;
    });
    return migrated;
  };

  /** A read: after migrations, on the pool or (one at a time) on the host client. */
  const read = async (text: string, values: unknown[]): Promise<unknown[]> => {
    await ready();
    const result = client
      ? await exclusive(() => client.query(text, values))
      : await (pool as PgPool).query(text, values);
    return result.rows;
  };

  const readVersion = async (pipId: string): Promise<number | undefined> => {
    const rows = (await read(`SELECT version FROM ${table('pips')} WHERE pip_id = $1`, [
      pipId,
    ])) as { version: number }[];
    return rows[0]?.version;
  };

  /**
   * One command, one transaction, READ COMMITTED (the default) on purpose: nothing here decides
   * from a value it read earlier in the transaction. The envelope UPDATE names the version the
   * engine read (`WHERE version = expected`); under READ COMMITTED a row changed by a concurrent
   * committed writer is re-checked against that condition, so the loser updates nothing. The
   * INSERT of a new PIP and of each event waits on the winner's unique keys and then fails with a
   * unique violation. The idempotency key is inserted first, so a concurrent duplicate waits for
   * the first and then finds the key taken. No stronger isolation level is needed, and none of
   * the serialization failures it would add.
   */
  const writeCommit = async (db: PgQueryable, request: CommitRequest): Promise<void> => {
    const { pipId, expectedVersion, record } = request;
    const idempotency = request.idempotency;
    if (idempotency) {
      const inserted = await db.query(
        `INSERT INTO ${table('idempotency')} (key, pip_id, request_hash, version, seqs)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
        [
          idempotency.key,
          idempotency.pipId,
          idempotency.requestHash,
          idempotency.version,
          JSON.stringify(idempotency.seqs),
        ],
      );
      if (inserted.rowCount !== 1) throw new IdempotencyKeyReusedError(idempotency.key);
    }
    const envelope = [
      pipId,
      record.employeeId,
      record.managerId,
      record.state,
      record.version,
      JSON.stringify(record),
      record.updatedAt,
    ];
    try {
      if (expectedVersion === NO_PIP_YET) {
        await db.query(
          `INSERT INTO ${table('pips')}
             (pip_id, employee_id, manager_id, state, version, record, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          envelope,
        );
      } else {
        const updated = await db.query(
          `UPDATE ${table('pips')}
              SET employee_id = $2, manager_id = $3, state = $4, version = $5, record = $6,
                  updated_at = $7
            WHERE pip_id = $1 AND version = $8`,
          [...envelope, expectedVersion],
        );
        if (updated.rowCount !== 1) {
          const actual = (
            await db.query(`SELECT version FROM ${table('pips')} WHERE pip_id = $1`, [pipId])
          ).rows[0] as { version: number } | undefined;
          throw new VersionConflictError(pipId, expectedVersion, actual?.version ?? NO_PIP_YET);
        }
      }
      await db.query(
        `INSERT INTO ${table('events')} (pip_id, seq, event, prev_hash, hash)
         SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[])`,
        [
          pipId,
          request.events.map((event) => event.seq),
          request.events.map((event) => JSON.stringify(event.event)),
          request.events.map((event) => event.prevHash),
          request.events.map((event) => event.hash),
        ],
      );
    } catch (error) {
      // The keys on pipkit_pips and (pip_id, seq) are the real guard: a clash is a lost race.
      // The actual version is read after the rollback (this transaction is aborted).
      if (isUniqueViolation(error)) throw new VersionConflictError(pipId, expectedVersion);
      throw error;
    }
    if (request.timers.clear.length > 0) {
      await db.query(`DELETE FROM ${table('timers')} WHERE timer_id = ANY($1::text[])`, [
        request.timers.clear,
      ]);
    }
    // The last row wins when an id repeats (one statement may not upsert a row twice).
    const timers = [...new Map(request.timers.set.map((timer) => [timer.timerId, timer])).values()];
    if (timers.length > 0) {
      await db.query(
        `INSERT INTO ${table('timers')} (timer_id, pip_id, deadline_id, kind, due_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
         ON CONFLICT (timer_id) DO UPDATE
           SET pip_id = excluded.pip_id, deadline_id = excluded.deadline_id,
               kind = excluded.kind, due_at = excluded.due_at,
               leased_by = NULL, leased_until = NULL`,
        [
          timers.map((timer) => timer.timerId),
          timers.map((timer) => timer.pipId),
          timers.map((timer) => timer.deadlineId),
          timers.map((timer) => timer.kind),
          timers.map((timer) => timer.dueAt),
        ],
      );
    }
    if (request.outbox.length > 0) {
      await db.query(
        `INSERT INTO ${table('outbox')} (id, pip_id, type, payload, created_at)
         SELECT id, pip_id, type, payload, created_at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                WITH ORDINALITY AS m (id, pip_id, type, payload, created_at, n)
          ORDER BY n`,
        [
          request.outbox.map((message) => message.id),
          request.outbox.map((message) => message.pipId),
          request.outbox.map((message) => message.type),
          request.outbox.map((message) => JSON.stringify(message.payload)),
          request.outbox.map((message) => message.createdAt),
        ],
      );
    }
  };

  let closed = false;

  return {
    schema,
    ready,

    async load(pipId) {
      const rows = (await read(`SELECT record FROM ${table('pips')} WHERE pip_id = $1`, [
        pipId,
      ])) as { record: string }[];
      return rows[0] ? (JSON.parse(rows[0].record) as PipRecord) : undefined;
    },

    async readEvents(pipId, readOptions = {}) {
      const rows = (await read(
        `SELECT pip_id, seq, event, prev_hash, hash FROM ${table('events')}
          WHERE pip_id = $1 AND seq > $2 ORDER BY seq`,
        [pipId, readOptions.afterSeq ?? 0],
      )) as EventRow[];
      return rows.map((row): StoredEvent => ({
        pipId: row.pip_id,
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
      try {
        await transact((db) => writeCommit(db, request));
      } catch (error) {
        if (error instanceof VersionConflictError && error.actualVersion === undefined) {
          const actual = await readVersion(request.pipId).catch(() => undefined);
          throw new VersionConflictError(request.pipId, request.expectedVersion, actual);
        }
        throw error;
      }
    },

    async getIdempotency(key) {
      const rows = (await read(
        `SELECT key, pip_id, request_hash, version, seqs FROM ${table('idempotency')}
          WHERE key = $1`,
        [key],
      )) as IdempotencyRow[];
      const row = rows[0];
      return row
        ? ({
            key: row.key,
            pipId: row.pip_id,
            requestHash: row.request_hash,
            version: row.version,
            seqs: JSON.parse(row.seqs) as number[],
          } satisfies IdempotencyRecord)
        : undefined;
    },

    async list(query: ListQuery = {}) {
      const values: unknown[] = [];
      const conditions: string[] = [];
      const filter = (column: string, operator: string, value: string | undefined) => {
        if (value === undefined) return;
        values.push(value);
        conditions.push(`${column} ${operator} $${values.length}`);
      };
      filter('state', '=', query.state);
      filter('employee_id', '=', query.employeeId);
      filter('manager_id', '=', query.managerId);
      filter('pip_id', '>', query.afterPipId);
      values.push(clampLimit(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max));
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const rows = (await read(
        `SELECT record FROM ${table('pips')} ${where} ORDER BY pip_id LIMIT $${values.length}`,
        values,
      )) as { record: string }[];
      return rows.map((row) => JSON.parse(row.record) as PipRecord);
    },

    async dueTimers(now, limit) {
      const rows = (await read(
        `SELECT ${TIMER_COLUMNS} FROM ${table('timers')}
          WHERE due_at <= $1::timestamptz ORDER BY due_at, timer_id LIMIT $2`,
        [now, clampLimit(limit)],
      )) as TimerDbRow[];
      return rows.map(toTimer);
    },

    async claimDueTimers(now, limit, lease) {
      checkLease(lease);
      // One statement: pick due timers that are free (no lease, an ended lease, or our own),
      // skipping rows another sweeper is claiming right now, and lease them. Due-ness uses the
      // engine's `now`; leases use the database clock, the one clock every instance shares.
      const rows = (await read(
        `UPDATE ${table('timers')}
            SET leased_by = $1, leased_until = now() + $2::double precision * interval '1 millisecond'
          WHERE timer_id IN (
                SELECT timer_id FROM ${table('timers')}
                 WHERE due_at <= $3::timestamptz
                   AND (leased_until IS NULL OR leased_until <= now() OR leased_by = $1)
                 ORDER BY due_at, timer_id
                 LIMIT $4
                   FOR UPDATE SKIP LOCKED)
        RETURNING ${TIMER_COLUMNS}`,
        [lease.owner, lease.leaseMs, now, clampLimit(limit)],
      )) as TimerDbRow[];
      return rows
        .map(toTimer)
        .sort((a, b) =>
          a.dueAt === b.dueAt ? compareText(a.timerId, b.timerId) : compareText(a.dueAt, b.dueAt),
        );
    },

    async pendingOutbox(limit) {
      const rows = (await read(
        `SELECT id, pip_id, type, payload, created_at FROM ${table('outbox')}
          WHERE delivered_at IS NULL ORDER BY position LIMIT $1`,
        [clampLimit(limit)],
      )) as OutboxRow[];
      return rows.map((row): OutboxMessage => ({
        id: row.id,
        pipId: row.pip_id,
        type: row.type,
        payload: JSON.parse(row.payload) as OutboxMessage['payload'],
        createdAt: row.created_at,
      }));
    },

    async markOutboxDelivered(ids) {
      if (ids.length === 0) return;
      await read(
        `UPDATE ${table('outbox')} SET delivered_at = now()
          WHERE id = ANY($1::text[]) AND delivered_at IS NULL`,
        [[...ids]],
      );
    },

    async close() {
      if (closed) return;
      closed = true;
      // Let a migration in flight finish before its connection goes away.
      await migrated?.catch(() => undefined);
      if (owned) await (pool as PgPool).end();
    },
  };
}

function checkOptions(options: PostgresStoreOptions, schema: string): void {
  const issues: PipkitIssue[] = [];
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

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}
