/**
 * The outbox relay's statements: pending messages with their delivery state (schema 5), failed
 * attempts, dead letters, retries and discards. An older schema (a read-only store cannot
 * migrate) reads every undelivered message as pending and has no dead letters.
 */
import type { SqliteStatement } from './sqliteDatabase.js';

/** SQLite's clock as a UTC ISO instant with milliseconds, like `Date#toISOString`. */
const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const DELIVERY_COLUMNS =
  'attempts, next_attempt_at, last_error_code, last_error_message, last_error_at';
/** Neither delivered nor dead-lettered. */
const PENDING = 'delivered_at IS NULL AND dead_at IS NULL';
/** A dead letter not retried or discarded. */
const DEAD = 'dead_at IS NOT NULL AND discarded_at IS NULL AND delivered_at IS NULL';

/** The relay's statements for a table at `version`. */
export function deliveryStatements(prepare: (sql: string) => SqliteStatement, version: number) {
  if (version < 5) {
    return {
      /** False: the table has no delivery state; nothing waits and nothing is dead. */
      keepsDeliveryState: false,
      pendingOutbox: prepare(
        `SELECT id, pip_id, type, payload, created_at, 0 AS attempts, NULL AS next_attempt_at,
                NULL AS last_error_code, NULL AS last_error_message, NULL AS last_error_at
           FROM pipkit_outbox WHERE delivered_at IS NULL ORDER BY position LIMIT ?`,
      ),
      pendingOutboxAt: undefined,
      listDeadLetters: undefined,
      ...deliveryWrites(prepare),
    };
  }
  return {
    keepsDeliveryState: true,
    pendingOutbox: prepare(
      `SELECT id, pip_id, type, payload, created_at, ${DELIVERY_COLUMNS}
         FROM pipkit_outbox WHERE ${PENDING} ORDER BY position LIMIT ?`,
    ),
    // A message is left out when it, or an earlier pending message of its PIP, waits for a later
    // attempt: the probe reads the small waiting index.
    pendingOutboxAt: prepare(
      `SELECT o.id, o.pip_id, o.type, o.payload, o.created_at, o.attempts, o.next_attempt_at,
              o.last_error_code, o.last_error_message, o.last_error_at
         FROM pipkit_outbox o
        WHERE o.delivered_at IS NULL AND o.dead_at IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM pipkit_outbox w
               WHERE w.pip_id = o.pip_id AND w.position <= o.position
                 AND w.next_attempt_at > ? AND w.delivered_at IS NULL AND w.dead_at IS NULL)
        ORDER BY o.position LIMIT ?`,
    ),
    listDeadLetters: prepare(
      `SELECT id, pip_id, type, created_at, attempts, last_error_code, last_error_message,
              last_error_at, dead_at
         FROM pipkit_outbox
        WHERE ${DEAD} AND (? IS NULL OR pip_id = ?) AND (? IS NULL OR id > ?)
        ORDER BY id LIMIT ?`,
    ),
    ...deliveryWrites(prepare),
  };
}

/** The writes: only a read-write store runs them, and it always has the newest schema. */
function deliveryWrites(prepare: (sql: string) => SqliteStatement) {
  return {
    recordFailure: prepare(
      `UPDATE pipkit_outbox
          SET attempts = ?, next_attempt_at = ?, last_error_code = ?, last_error_message = ?,
              last_error_at = ?
        WHERE id = ? AND attempts = ? AND ${PENDING}`,
    ),
    deadLetter: prepare(
      `UPDATE pipkit_outbox SET dead_at = ?, next_attempt_at = NULL WHERE id = ? AND ${PENDING}`,
    ),
    retryDeadLetter: prepare(
      `UPDATE pipkit_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = NULL
        WHERE id = ? AND ${DEAD}`,
    ),
    discardDeadLetter: prepare(
      `UPDATE pipkit_outbox SET discarded_at = ${NOW_SQL} WHERE id = ? AND ${DEAD}`,
    ),
    compactDiscarded: prepare(
      'DELETE FROM pipkit_outbox WHERE discarded_at IS NOT NULL AND discarded_at < ?',
    ),
  };
}
