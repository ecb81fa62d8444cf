import type { TimerRow } from '@pipkit/core';
import { CHANGEABLE_COLUMNS, CURRENT_ROW_SQL } from './envelopeWrite.js';
import { QUERY_COLUMN_FIELDS } from './queryColumnsSql.js';
import type { SqliteDatabase, SqliteStatement } from './sqliteDatabase.js';
import { deliveryStatements } from './deliverySql.js';

/** SQLite's clock as a UTC ISO instant with milliseconds, like `Date#toISOString`. */
const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/**
 * A row of `pipkit_events`. From schema 4 `hash` is its 32 bytes and `prev_hash` is NULL where it
 * is the previous event's hash (the genesis hash for event 1); before, both are hex text. From
 * schema 6 `event` is the JSON compressed by core's `compressEventJson` (a BLOB); an event
 * written before stays JSON text.
 */
export interface EventRow {
  pip_id: string;
  seq: number;
  event: string | Buffer;
  prev_hash: string | null;
  hash: string | Buffer;
}
/** A row of `pipkit_timers`, with its fault count and park (schema 2). */
export interface TimerDbRow {
  timer_id: string;
  pip_id: string;
  deadline_id: string;
  kind: TimerRow['kind'];
  due_at: string;
  attempts: number;
  parked_code: string | null;
}
/** The envelope columns of a row of `pipkit_pips`. */
export interface EnvelopeDbRow {
  employee_id: string;
  manager_id: string;
  policy_id: string | null;
  policy_version: number | null;
  state: string;
  version: number;
}
/** A row of `pipkit_outbox`. */
export interface OutboxRow {
  id: string;
  pip_id: string;
  type: string;
  payload: string;
  created_at: string;
}
/** A row of `pipkit_idempotency`. */
export interface IdempotencyRow {
  key: string;
  pip_id: string;
  request_hash: string;
  version: number;
  seqs: string;
}

/** Every fixed statement the store runs, compiled once when it opens. */
export type Statements = ReturnType<typeof prepareStatements>;

const TIMER_COLUMNS = 'timer_id, pip_id, deadline_id, kind, due_at, attempts, parked_code';

/**
 * Compiles the store's statements for the schema the tables have. Read-write stores always have
 * the newest schema and compile every statement at once; a read-only store may read an older one
 * (it cannot migrate), so its statements compile on first use, and the reads fill the columns
 * that schema lacks. Positional parameters: faster to bind than named ones.
 */
export function prepareStatements(
  database: SqliteDatabase,
  schema: { readonly version: number; readonly lazy: boolean },
) {
  const prepare = schema.lazy
    ? (sql: string) => lazyStatement(database, sql)
    : database.prepare.bind(database);
  const prepareRaw = (sql: string) =>
    schema.lazy ? lazyStatement(database, sql, true) : rawRows(database.prepare(sql));
  // Schema 1 has no policy columns and no fault columns (migration 2 adds them).
  const current = schema.version >= 2;
  const policyColumns = current
    ? 'policy_id, policy_version'
    : `CASE WHEN json_valid(record) THEN json_extract(record, '$.policyId') END AS policy_id,
       CASE WHEN json_valid(record) THEN json_extract(record, '$.policyVersion') END AS policy_version`;
  // Schema 3 adds the query columns; inspect returns them only where the tables have them.
  const queryColumns =
    schema.version >= 3
      ? `, 1 AS has_query_columns, ${QUERY_COLUMN_FIELDS.map(([column]) => column).join(', ')}`
      : '';
  // Schema 4 implies most previous hashes: a read also reads event afterSeq, which the next links to.
  const compactEvents = schema.version >= 4;
  const timerColumns = current
    ? TIMER_COLUMNS
    : 'timer_id, pip_id, deadline_id, kind, due_at, 0 AS attempts, NULL AS parked_code';
  return {
    loadPip: prepare('SELECT record FROM pipkit_pips WHERE pip_id = ?'),
    // What a commit checks and compares its envelope with (envelopeWrite.ts), as an array:
    // better-sqlite3 builds an object row one property per column, 22 here.
    currentRow: prepareRaw(CURRENT_ROW_SQL),
    // The changeable columns (envelopeWrite.ts) follow the version, record and time.
    insertPip: prepare(
      `INSERT INTO pipkit_pips (pip_id, version, record, updated_at, ${CHANGEABLE_COLUMNS.join(', ')})
       VALUES (?, ?, ?, ?, ${CHANGEABLE_COLUMNS.map(() => '?').join(', ')})`,
    ),
    readEvents: prepare(
      `SELECT pip_id, seq, event, prev_hash, hash FROM pipkit_events
        WHERE pip_id = ? AND seq ${compactEvents ? '>=' : '>'} ? ORDER BY seq`,
    ),
    insertEvent: prepare(
      'INSERT INTO pipkit_events (pip_id, seq, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteTimer: prepare('DELETE FROM pipkit_timers WHERE timer_id = ?'),
    // Setting a timer (again) clears its fault count and its park.
    upsertTimer: prepare(
      `INSERT INTO pipkit_timers (timer_id, pip_id, deadline_id, kind, due_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (timer_id) DO UPDATE SET pip_id = excluded.pip_id,
         deadline_id = excluded.deadline_id, kind = excluded.kind, due_at = excluded.due_at,
         attempts = 0, parked_code = NULL`,
    ),
    dueTimers: prepare(
      `SELECT ${timerColumns} FROM pipkit_timers
        WHERE due_at <= ? ${current ? 'AND parked_code IS NULL' : ''}
        ORDER BY due_at, timer_id LIMIT ?`,
    ),
    timerById: prepare(`SELECT ${TIMER_COLUMNS} FROM pipkit_timers WHERE timer_id = ?`),
    recordFault: prepare(
      'UPDATE pipkit_timers SET attempts = ?, parked_code = ? WHERE timer_id = ?',
    ),
    resetFaults: prepare(
      `UPDATE pipkit_timers SET attempts = 0, parked_code = NULL
        WHERE pip_id = ? AND (attempts > 0 OR parked_code IS NOT NULL)
        RETURNING timer_id`,
    ),
    insertOutbox: prepare(
      'INSERT INTO pipkit_outbox (id, pip_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    // The operators' message for a parked timer: parked again after a reset, it is pending again.
    upsertParkedMessage: prepare(
      `INSERT INTO pipkit_outbox (id, pip_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET type = excluded.type, payload = excluded.payload,
         created_at = excluded.created_at, delivered_at = NULL, attempts = 0,
         next_attempt_at = NULL, last_error_code = NULL, last_error_message = NULL,
         last_error_at = NULL, dead_at = NULL, discarded_at = NULL`,
    ),
    delivery: deliveryStatements(prepare, schema.version),
    markDelivered: prepare(
      `UPDATE pipkit_outbox SET delivered_at = ${NOW_SQL} WHERE id = ? AND delivered_at IS NULL`,
    ),
    ...outboxCompactionStatements(prepare, compactEvents),
    purge: [
      'pipkit_idempotency',
      'pipkit_outbox',
      'pipkit_timers',
      'pipkit_events',
      'pipkit_pips',
    ].map((table) => prepare(`DELETE FROM ${table} WHERE pip_id = ?`)),
    getIdempotency: prepare(
      'SELECT key, pip_id, request_hash, version, seqs FROM pipkit_idempotency WHERE key = ?',
    ),
    insertIdempotency: prepare(
      `INSERT INTO pipkit_idempotency (key, pip_id, request_hash, version, seqs)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    inspectPip: prepare(
      `SELECT employee_id, manager_id, ${policyColumns}, state, version${queryColumns}
         FROM pipkit_pips WHERE pip_id = ?`,
    ),
    inspectTimers: prepare(
      `SELECT ${timerColumns} FROM pipkit_timers WHERE pip_id = ? ORDER BY due_at, timer_id`,
    ),
    inspectOutbox: prepare(
      `SELECT id, pip_id, type, payload, created_at, delivered_at IS NOT NULL AS delivered
         FROM pipkit_outbox WHERE pip_id = ? ORDER BY position`,
    ),
  };
}

/** The outbox compaction's statements: delivered messages before the host's cutoff, and the latest cutoff (schema 4). */
function outboxCompactionStatements(prepare: (sql: string) => SqliteStatement, current: boolean) {
  return {
    compactOutbox: prepare(
      'DELETE FROM pipkit_outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?',
    ),
    recordCompaction: prepare(
      `INSERT INTO pipkit_outbox_compaction (id, delivered_before) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE
         SET delivered_before = max(delivered_before, excluded.delivered_before)`,
    ),
    outboxCompactedBefore: prepare(
      current
        ? 'SELECT delivered_before FROM pipkit_outbox_compaction WHERE id = 1'
        : 'SELECT NULL AS delivered_before WHERE 0',
    ),
  };
}

/** The statement returning rows as arrays where the database supports it (`raw`). */
function rawRows(statement: SqliteStatement): SqliteStatement {
  return statement.raw ? statement.raw(true) : statement;
}

/** A statement compiled the first time it runs (with array rows when `raw`). */
function lazyStatement(database: SqliteDatabase, sql: string, raw = false): SqliteStatement {
  let statement: SqliteStatement | undefined;
  const compiled = () =>
    (statement ??= raw ? rawRows(database.prepare(sql)) : database.prepare(sql));
  return {
    run: (...parameters) => compiled().run(...parameters),
    get: (...parameters) => compiled().get(...parameters),
    all: (...parameters) => compiled().all(...parameters),
  };
}

/** Prepares a statement on first use and keeps it, keyed by its SQL. */
export function statementCache(database: SqliteDatabase): (sql: string) => SqliteStatement {
  const cache = new Map<string, SqliteStatement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/** A non-negative whole LIMIT; SQLite reads a negative LIMIT as "no limit", the port does not. */
export function clampLimit(limit: number, max = Number.POSITIVE_INFINITY): number {
  if (Number.isNaN(limit)) return 0;
  const bounded = Math.max(0, Math.min(Math.trunc(limit), max));
  return Number.isFinite(bounded) ? bounded : -1;
}
