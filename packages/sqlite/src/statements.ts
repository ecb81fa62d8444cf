import type { TimerRow } from '@pipkit/core';
import type { SqliteDatabase, SqliteStatement } from './sqliteDatabase.js';

/** SQLite's clock as a UTC ISO instant with milliseconds, like `Date#toISOString`. */
const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** A row of `pipkit_events`. */
export interface EventRow {
  pip_id: string;
  seq: number;
  event: string;
  prev_hash: string;
  hash: string;
}
/** A row of `pipkit_timers`. */
export interface TimerDbRow {
  timer_id: string;
  pip_id: string;
  deadline_id: string;
  kind: TimerRow['kind'];
  due_at: string;
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

/** Compiles the store's statements. Positional parameters: faster to bind than named ones. */
export function prepareStatements(database: SqliteDatabase) {
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

/** Prepares a statement on first use and keeps it, keyed by its shape. */
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
