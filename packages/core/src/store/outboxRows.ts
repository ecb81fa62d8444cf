/**
 * Outbox rows as the SQL stores keep them (`pipkit_outbox`, snake_case columns), and their one
 * mapping to the port's messages and dead letters, so SQLite and PostgreSQL cannot disagree.
 * @module
 */
import { StoreErrorReasons } from '../errors/pipkitError.js';
import { type DeadLetter, deliveryStateOf, storedDeliveryFailure } from './outboxDelivery.js';
import type { OutboxMessage } from './pipStore.js';

/** The columns every outbox read returns: the message and its delivery state. */
export interface OutboxTableRow {
  readonly id: string;
  readonly pip_id: string;
  readonly type: string;
  /** When the message was written, UTC ISO. */
  readonly created_at: string;
  /** Failed attempts (absent or NULL where the schema keeps no delivery state). */
  readonly attempts?: number | null;
  readonly next_attempt_at?: string | null;
  readonly last_error_code?: string | null;
  readonly last_error_message?: string | null;
  readonly last_error_at?: string | null;
}

/** A pending message as the relay reads it: the row with its payload, JSON text. */
export interface OutboxMessageRow extends OutboxTableRow {
  readonly payload: string;
}

/** A dead letter as `pipkit_outbox` holds it: its attempts and when it was given up. */
export interface DeadLetterRow extends OutboxTableRow {
  readonly attempts: number;
  readonly dead_at: string;
}

/** The last failure a row records, from its three columns. */
function lastErrorOf(row: OutboxTableRow) {
  return storedDeliveryFailure(row.last_error_code, row.last_error_message, row.last_error_at);
}

/** The payload: a JSON object, or `undefined` when the text is not one. */
function payloadOf(text: string): OutboxMessage['payload'] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as OutboxMessage['payload'])
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The port's {@link OutboxMessage} for a stored outbox row, with only the delivery state that is
 * set. A payload that is not a JSON object comes back empty with `unreadable:
 * 'STORE_CORRUPT_ROW'`, so one corrupt row holds back only its own PIP's messages (the relay
 * dead-letters it).
 *
 * @example
 * ```ts
 * const rows = statement.all(limit) as OutboxMessageRow[];
 * return rows.map(outboxMessageOfRow);
 * ```
 */
export function outboxMessageOfRow(row: OutboxMessageRow): OutboxMessage {
  const message = {
    id: row.id,
    pipId: row.pip_id,
    type: row.type,
    createdAt: row.created_at,
    ...deliveryStateOf({
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      lastError: lastErrorOf(row),
    }),
  };
  const payload = payloadOf(row.payload);
  return payload === undefined
    ? { ...message, payload: {}, unreadable: StoreErrorReasons.CORRUPT_ROW }
    : { ...message, payload };
}

/**
 * The port's {@link DeadLetter} for a stored dead-letter row.
 *
 * @example
 * ```ts
 * return (statement.all(pipId, afterId, limit) as DeadLetterRow[]).map(deadLetterOfRow);
 * ```
 */
export function deadLetterOfRow(row: DeadLetterRow): DeadLetter {
  const lastError = lastErrorOf(row);
  return {
    id: row.id,
    pipId: row.pip_id,
    type: row.type,
    createdAt: row.created_at,
    attempts: row.attempts,
    ...(lastError ? { lastError } : {}),
    deadLetteredAt: row.dead_at,
  };
}
