import {
  assertCommitShape,
  type CommitRequest,
  IdempotencyKeyReusedError,
  LIST_LIMITS,
  type ListQuery,
  NO_PIP_YET,
  PipkitError,
  StoreError,
  type OutboxMessage,
  type PipRecord,
  type PipStore,
  type StoredEvent,
  type TimerRow,
  ValidationError,
  VersionConflictError,
} from '@pipkit/core';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import type { SqliteDatabase, SqliteStatement } from './sqliteDatabase.js';

/** How hard SQLite flushes to disk at each commit. */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/** Settings shared by both ways of opening a {@link sqliteStore}. */
export interface SqliteStoreSettings {
  /**
   * `FULL` (default): every acknowledged commit survives a power loss. `NORMAL`: in WAL mode the
   * last few commits before a power loss (not a process crash) may be lost, never corrupted; a
   * commit is a little faster. Choose `NORMAL` only when that loss is acceptable.
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a writer waits for another connection's write lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * Options of {@link sqliteStore}: a file path (or `':memory:'`) the store opens and owns, or an
 * open better-sqlite3 `Database` the host owns (the store configures it but never closes it).
 */
export type SqliteStoreOptions = SqliteStoreSettings &
  (
    | {
        /** A database file (created when missing) or `':memory:'`. */
        readonly path: string;
        readonly database?: never;
      }
    | {
        /** An open better-sqlite3 12 `Database`, shared with the host. */
        readonly database: SqliteDatabase;
        readonly path?: never;
      }
  );

/** A {@link PipStore} on SQLite, with an online backup and the underlying connection. */
export type SqliteStore = PipStore & {
  /**
   * Copies the whole database to a file with SQLite's online backup API; the store stays usable
   * meanwhile and the copy is a consistent snapshot.
   */
  backup(path: string): Promise<void>;
  /** Closes the connection when the store opened it; an injected `Database` stays open. */
  close(): Promise<void>;
  /** The connection, for host queries and maintenance. Do not write pipkit tables directly. */
  readonly database: SqliteDatabase;
};

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

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
 * Creates the embedded default {@link PipStore}: one SQLite file through better-sqlite3, in WAL
 * mode with `synchronous=FULL`, every command committed in one `BEGIN IMMEDIATE` transaction.
 * Opening applies any pending schema migrations. One process writes at a time (other processes
 * wait up to `busyTimeoutMs`); for many engine instances use `@pipkit/postgres`.
 *
 * @example
 * ```ts
 * import { createEngine, defaultPolicy } from '@pipkit/core';
 * import { sqliteStore } from '@pipkit/sqlite';
 *
 * const store = sqliteStore({ path: 'pipkit.db' });
 * const engine = createEngine({ store, policies: [defaultPolicy] });
 * // ... open PIPs and dispatch commands ...
 * await store.backup(`pipkit-${new Date().toISOString().slice(0, 10)}.db`);
 * await store.close();
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  const synchronous = options.synchronous ?? 'FULL';
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  checkSettings(options, synchronous, busyTimeoutMs);
  const owned = options.database === undefined;
  // A better-sqlite3 Database satisfies the slice we type (checked here by the compiler).
  let database: SqliteDatabase;
  try {
    database = options.database ?? new Database(options.path);
  } catch (error) {
    throw storeError(error, `Cannot open the SQLite database "${String(options.path)}"`);
  }
  try {
    configure(database, synchronous, busyTimeoutMs);
    migrate(database);
  } catch (error) {
    if (owned) database.close();
    throw storeError(
      error,
      `Cannot open the SQLite database "${String(options.path ?? '(injected)')}"`,
    );
  }
  const statements = prepareStatements(database);
  const listStatements = new Map<string, SqliteStatement>();

  /**
   * The refusals a commit can meet, found by reads alone before anything is written: the
   * idempotency key and the version. Returns the current row for {@link writeCommit}.
   */
  const checkCommit = (request: CommitRequest) => {
    const { pipId, expectedVersion } = request;
    const key = request.idempotency?.key;
    // Idempotency first: a repeat of a request that already won should replay, not conflict.
    if (key !== undefined && statements.idempotencyExists.get(key) !== undefined) {
      throw new IdempotencyKeyReusedError(key);
    }
    const current = statements.pipVersion.get(pipId) as
      { version: number; employee_id: string; manager_id: string } | undefined;
    const actual = current?.version ?? NO_PIP_YET;
    if (actual !== expectedVersion) throw new VersionConflictError(pipId, expectedVersion, actual);
    return current;
  };

  const commitTransaction = database.transaction((request: CommitRequest): void => {
    writeCommit(request, checkCommit(request));
  });

  /** Every write of a checked commit. A failure here is a bug or a race the keys caught. */
  function writeCommit(
    request: CommitRequest,
    current: { employee_id: string; manager_id: string } | undefined,
  ): void {
    const { pipId, expectedVersion, record } = request;
    // Positional parameters: faster to bind than named ones.
    const text = JSON.stringify(record);
    try {
      if (expectedVersion === NO_PIP_YET) {
        statements.insertPip.run(
          pipId,
          record.employeeId,
          record.managerId,
          record.state,
          record.version,
          text,
          record.updatedAt,
        );
      } else if (
        (current?.employee_id === record.employeeId && current.manager_id === record.managerId
          ? statements.updatePipState.run(
              record.state,
              record.version,
              text,
              record.updatedAt,
              pipId,
              expectedVersion,
            )
          : statements.updatePip.run(
              record.employeeId,
              record.managerId,
              record.state,
              record.version,
              text,
              record.updatedAt,
              pipId,
              expectedVersion,
            )
        ).changes !== 1
      ) {
        throw new VersionConflictError(pipId, expectedVersion);
      }
      for (const event of request.events) {
        statements.insertEvent.run(
          pipId,
          event.seq,
          JSON.stringify(event.event),
          event.prevHash,
          event.hash,
        );
      }
    } catch (error) {
      // The keys on pipkit_pips and (pip_id, seq) are the real guard: a clash is a lost race.
      if (isUniqueViolation(error)) throw new VersionConflictError(pipId, expectedVersion);
      throw error;
    }
    for (const timerId of request.timers.clear) statements.deleteTimer.run(timerId);
    for (const timer of request.timers.set) {
      statements.upsertTimer.run(
        timer.timerId,
        timer.pipId,
        timer.deadlineId,
        timer.kind,
        timer.dueAt,
      );
    }
    for (const message of request.outbox) {
      statements.insertOutbox.run(
        message.id,
        message.pipId,
        message.type,
        JSON.stringify(message.payload),
        message.createdAt,
      );
    }
    if (request.idempotency) {
      const idempotency = request.idempotency;
      try {
        statements.insertIdempotency.run(
          idempotency.key,
          idempotency.pipId,
          idempotency.requestHash,
          idempotency.version,
          JSON.stringify(idempotency.seqs),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new IdempotencyKeyReusedError(idempotency.key);
        throw error;
      }
    }
  }

  // A batch is one BEGIN IMMEDIATE ... COMMIT, one disk flush. The fast path writes each
  // request straight after its checks: a refusal found by the checks has written nothing, so the
  // batch goes on. A write that fails after that (a request repeating an outbox id, a broken
  // key) aborts the whole batch, which is then redone with a savepoint per request
  // (better-sqlite3 nests transactions as savepoints), so that only that request fails.
  const commitBatchFast = database.transaction(
    (requests: readonly CommitRequest[]): (Error | undefined)[] =>
      requests.map((request) => {
        let current: ReturnType<typeof checkCommit>;
        try {
          assertCommitShape(request);
          current = checkCommit(request);
        } catch (error) {
          return storeError(error, 'SQLite store');
        }
        writeCommit(request, current);
        return undefined;
      }),
  );
  const commitBatch = database.transaction(
    (requests: readonly CommitRequest[]): (Error | undefined)[] =>
      requests.map((request) => {
        try {
          assertCommitShape(request);
          commitTransaction(request);
          return undefined;
        } catch (error) {
          return storeError(error, 'SQLite store');
        }
      }),
  );

  // Children first: events, timers, outbox rows and idempotency keys reference the envelope.
  const purgePip = database.transaction((pipId: string, expectedVersion: number): void => {
    const current = statements.pipVersion.get(pipId) as { version: number } | undefined;
    const actual = current?.version ?? NO_PIP_YET;
    if (actual === NO_PIP_YET || actual !== expectedVersion) {
      throw new VersionConflictError(pipId, expectedVersion, actual);
    }
    for (const statement of statements.purge) statement.run(pipId);
  });

  const markDelivered = database.transaction((ids: readonly string[]): void => {
    for (const id of ids) statements.markDelivered.run(id);
  });

  const listStatement = (query: ListQuery): SqliteStatement => {
    const conditions: string[] = [];
    if (query.state !== undefined) conditions.push('state = @state');
    if (query.employeeId !== undefined) conditions.push('employee_id = @employeeId');
    if (query.managerId !== undefined) conditions.push('manager_id = @managerId');
    if (query.afterPipId !== undefined) conditions.push('pip_id > @afterPipId');
    // One statement per filter combination (at most 16), prepared on first use.
    const shape = conditions.join(' AND ');
    let statement = listStatements.get(shape);
    if (!statement) {
      statement = database.prepare(
        `SELECT record FROM pipkit_pips ${shape ? `WHERE ${shape}` : ''} ORDER BY pip_id LIMIT @limit`,
      );
      listStatements.set(shape, statement);
    }
    return statement;
  };

  let closed = false;

  return {
    database,

    load: (pipId) =>
      settle(() => {
        const row = statements.loadPip.get(pipId) as { record: string } | undefined;
        return row ? (JSON.parse(row.record) as PipRecord) : undefined;
      }),

    readEvents: (pipId, readOptions = {}) =>
      settle(() =>
        (statements.readEvents.all(pipId, readOptions.afterSeq ?? 0) as EventRow[]).map(
          (row): StoredEvent => ({
            pipId: row.pip_id,
            seq: row.seq,
            event: JSON.parse(row.event) as StoredEvent['event'],
            prevHash: row.prev_hash,
            hash: row.hash,
          }),
        ),
      ),

    commit: (request) =>
      settle(() => {
        // A malformed commit (a gap, a record that does not match its events) is a caller bug:
        // refuse it before touching the database.
        assertCommitShape(request);
        commitTransaction.immediate(request);
      }),

    commitMany: (requests) =>
      settle(() => {
        try {
          return commitBatchFast.immediate(requests);
        } catch {
          return commitBatch.immediate(requests);
        }
      }),

    getIdempotency: (key) =>
      settle(() => {
        const row = statements.getIdempotency.get(key) as IdempotencyRow | undefined;
        return row
          ? {
              key: row.key,
              pipId: row.pip_id,
              requestHash: row.request_hash,
              version: row.version,
              seqs: JSON.parse(row.seqs) as number[],
            }
          : undefined;
      }),

    list: (query = {}) =>
      settle(() => {
        const parameters: Record<string, unknown> = {
          limit: clampLimit(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max),
        };
        if (query.state !== undefined) parameters.state = query.state;
        if (query.employeeId !== undefined) parameters.employeeId = query.employeeId;
        if (query.managerId !== undefined) parameters.managerId = query.managerId;
        if (query.afterPipId !== undefined) parameters.afterPipId = query.afterPipId;
        return (listStatement(query).all(parameters) as { record: string }[]).map(
          (row) => JSON.parse(row.record) as PipRecord,
        );
      }),

    dueTimers: (now, limit) =>
      settle(() =>
        (statements.dueTimers.all(now, clampLimit(limit)) as TimerDbRow[]).map((row): TimerRow => ({
          timerId: row.timer_id,
          pipId: row.pip_id,
          deadlineId: row.deadline_id,
          kind: row.kind,
          dueAt: row.due_at,
        })),
      ),

    pendingOutbox: (limit) =>
      settle(() =>
        (statements.pendingOutbox.all(clampLimit(limit)) as OutboxRow[]).map(
          (row): OutboxMessage => ({
            id: row.id,
            pipId: row.pip_id,
            type: row.type,
            payload: JSON.parse(row.payload) as OutboxMessage['payload'],
            createdAt: row.created_at,
          }),
        ),
      ),

    markOutboxDelivered: (ids) =>
      settle(() => {
        if (ids.length > 0) markDelivered.immediate(ids);
      }),

    purge: (pipId, expectedVersion) => settle(() => purgePip.immediate(pipId, expectedVersion)),

    backup: (path) => settle(() => database.backup(path)).then(() => undefined),

    close: () =>
      settle(() => {
        if (closed) return;
        closed = true;
        if (owned) database.close();
      }),
  };
}

function checkSettings(
  options: SqliteStoreOptions,
  synchronous: string,
  busyTimeoutMs: number,
): void {
  const issues: { code: string; path: string[]; message: string }[] = [];
  const hasPath = typeof options.path === 'string';
  const hasDatabase = options.database !== undefined;
  if (hasPath === hasDatabase) {
    issues.push({
      code: 'INVALID_STORE_TARGET',
      path: [],
      message:
        'Give exactly one of `path` (a file or ":memory:") or `database` (an open Database).',
    });
  }
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    issues.push({
      code: 'INVALID_SYNCHRONOUS',
      path: ['synchronous'],
      message: `synchronous must be "FULL" or "NORMAL", not ${JSON.stringify(synchronous)}.`,
    });
  }
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    issues.push({
      code: 'INVALID_BUSY_TIMEOUT',
      path: ['busyTimeoutMs'],
      message: `busyTimeoutMs must be a whole number of milliseconds >= 0, not ${String(busyTimeoutMs)}.`,
    });
  }
  if (issues.length > 0) throw new ValidationError('Invalid sqliteStore options.', issues);
}

/** Connection settings. Pragmas that change the journal cannot run inside a transaction. */
function configure(
  database: SqliteDatabase,
  synchronous: SqliteSynchronous,
  busyTimeoutMs: number,
): void {
  // First, so that switching to WAL waits for another connection instead of failing.
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // WAL: readers never block the writer, and a commit is one append to the log.
  const journal = String(database.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
  if (!database.memory && journal !== 'wal') {
    throw new Error(
      `SQLite refused WAL mode (journal_mode is "${journal}"); @pipkit/sqlite needs a local, writable file.`,
    );
  }
  database.pragma(`synchronous = ${synchronous}`);
  database.pragma('foreign_keys = ON');
}

function prepareStatements(database: SqliteDatabase) {
  return {
    loadPip: database.prepare('SELECT record FROM pipkit_pips WHERE pip_id = ?'),
    pipVersion: database.prepare(
      'SELECT version, employee_id, manager_id FROM pipkit_pips WHERE pip_id = ?',
    ),
    insertPip: database.prepare(
      `INSERT INTO pipkit_pips (pip_id, employee_id, manager_id, state, version, record, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    updatePip: database.prepare(
      `UPDATE pipkit_pips
          SET employee_id = ?, manager_id = ?, state = ?, version = ?, record = ?, updated_at = ?
        WHERE pip_id = ? AND version = ?`,
    ),
    // The common case: the people are unchanged, so their indexes need not be rewritten
    // (SQLite rewrites an index whenever a SET names one of its columns).
    updatePipState: database.prepare(
      `UPDATE pipkit_pips
          SET state = ?, version = ?, record = ?, updated_at = ?
        WHERE pip_id = ? AND version = ?`,
    ),
    readEvents: database.prepare(
      `SELECT pip_id, seq, event, prev_hash, hash FROM pipkit_events
        WHERE pip_id = ? AND seq > ? ORDER BY seq`,
    ),
    insertEvent: database.prepare(
      'INSERT INTO pipkit_events (pip_id, seq, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteTimer: database.prepare('DELETE FROM pipkit_timers WHERE timer_id = ?'),
    upsertTimer: database.prepare(
      `INSERT INTO pipkit_timers (timer_id, pip_id, deadline_id, kind, due_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (timer_id) DO UPDATE SET pip_id = excluded.pip_id,
         deadline_id = excluded.deadline_id, kind = excluded.kind, due_at = excluded.due_at`,
    ),
    dueTimers: database.prepare(
      `SELECT timer_id, pip_id, deadline_id, kind, due_at FROM pipkit_timers
        WHERE due_at <= ? ORDER BY due_at, timer_id LIMIT ?`,
    ),
    insertOutbox: database.prepare(
      'INSERT INTO pipkit_outbox (id, pip_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    pendingOutbox: database.prepare(
      `SELECT id, pip_id, type, payload, created_at FROM pipkit_outbox
        WHERE delivered_at IS NULL ORDER BY position LIMIT ?`,
    ),
    markDelivered: database.prepare(
      `UPDATE pipkit_outbox SET delivered_at = ${NOW_SQL} WHERE id = ? AND delivered_at IS NULL`,
    ),
    idempotencyExists: database.prepare('SELECT 1 FROM pipkit_idempotency WHERE key = ?'),
    purge: [
      'pipkit_idempotency',
      'pipkit_outbox',
      'pipkit_timers',
      'pipkit_events',
      'pipkit_pips',
    ].map((table) => database.prepare(`DELETE FROM ${table} WHERE pip_id = ?`)),
    getIdempotency: database.prepare(
      'SELECT key, pip_id, request_hash, version, seqs FROM pipkit_idempotency WHERE key = ?',
    ),
    insertIdempotency: database.prepare(
      `INSERT INTO pipkit_idempotency (key, pip_id, request_hash, version, seqs)
       VALUES (?, ?, ?, ?, ?)`,
    ),
  };
}

/** better-sqlite3 runs synchronously; the port is async. A throw becomes a rejection. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(storeError(error, 'SQLite store'));
  }
}

/**
 * Turns SQLite's own errors into pipkit's typed `StoreError` (busy or locked: retryable; not a
 * database or corrupt: not retryable, with what to do). pipkit errors and others pass through.
 */
function storeError(error: unknown, context: string): Error {
  if (error instanceof PipkitError) return error;
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      `${context}: the database is busy (another writer held it longer than busyTimeoutMs). Nothing was written; retry.`,
      { retryable: true, cause: error },
    );
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      `${context}: the file is not a SQLite database, or it is corrupt. Point the store at a pipkit database, or restore one from a backup (store.backup).`,
      { retryable: false, cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** A non-negative whole LIMIT; SQLite reads a negative LIMIT as "no limit", the port does not. */
function clampLimit(limit: number, max = Number.POSITIVE_INFINITY): number {
  if (Number.isNaN(limit)) return 0;
  const bounded = Math.max(0, Math.min(Math.trunc(limit), max));
  return Number.isFinite(bounded) ? bounded : -1;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
