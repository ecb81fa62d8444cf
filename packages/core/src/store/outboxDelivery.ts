/**
 * The outbox's delivery state in the store port: failed attempts, the backoff, dead letters. A
 * store keeps them beside each message so that one message that keeps failing never blocks the
 * rest of its PIP's messages, nor any other PIP's, for ever.
 */
import { StoreErrorReasons, storeErrorReason } from '../errors/pipkitError.js';
import type { OutboxMessage } from './pipStore.js';

/**
 * Why a delivery attempt failed, as a store keeps it on the message: a stable code and a short
 * message (at most {@link DELIVERY_FAILURE_MESSAGE_MAX} characters), never personal data.
 */
export interface DeliveryFailure {
  /** A stable code: the handler's typed error code (`WEBHOOK_TIMEOUT`, ...) or `DELIVERY_FAILED`. */
  readonly code: string;
  /** A short description, without payload or personal data. */
  readonly message: string;
  /** When the attempt failed (the engine's clock), UTC ISO. */
  readonly at: string;
}

/** The longest {@link DeliveryFailure.message} a store is given. */
export const DELIVERY_FAILURE_MESSAGE_MAX = 200;

/** A failed attempt to record with {@link OutboxDeliveryCapabilities.recordOutboxFailure}. */
export interface OutboxFailure {
  readonly id: string;
  /**
   * The message's failed attempts including this one: the store records it only while the
   * message is pending with `attempts - 1` failures, so two relays never count one attempt twice.
   */
  readonly attempts: number;
  readonly error: DeliveryFailure;
  /**
   * When to try again (UTC ISO): `pendingOutbox` and `claimOutbox` given a `now` before it leave
   * out this message and its PIP's later ones. Absent on the last attempt: the relay then
   * dead-letters the message without handing it to the handler again.
   */
  readonly nextAttemptAt?: string;
}

/** The `now` the relay reads the outbox at: messages waiting for a later attempt are left out. */
export interface OutboxReadOptions {
  /** UTC ISO instant (the engine's clock). Without it, every pending message is returned. */
  readonly now?: string;
}

/** One dead letter: a message the relay gave up on, without its payload. */
export interface DeadLetter {
  readonly id: string;
  readonly pipId: string;
  readonly type: string;
  readonly createdAt: string;
  /** Failed attempts before it was dead-lettered. */
  readonly attempts: number;
  /** The last attempt's failure. */
  readonly lastError?: DeliveryFailure;
  /** When the relay dead-lettered it (the engine's clock), UTC ISO. */
  readonly deadLetteredAt: string;
}

/** Which dead letters {@link OutboxDeliveryCapabilities.listDeadLetters} returns. */
export interface DeadLetterQuery {
  /** Only this PIP's. */
  readonly pipId?: string;
  /** Those whose id sorts after this one (keyset paging). */
  readonly afterId?: string;
  /** At most this many (the engine caps it at 1000). */
  readonly limit: number;
}

/**
 * The optional capabilities of a store that keeps delivery state (memory, SQLite and Postgres
 * have them all). Without them `engine.relay` keeps a failing message pending, and that PIP's
 * later messages wait behind it, as before.
 */
export interface OutboxDeliveryCapabilities {
  /**
   * Records a failed attempt on a pending message: its count, its error and when to try again.
   * Resolves to false, recording nothing, when the message is not pending (delivered,
   * dead-lettered, gone) or its count is not `attempts - 1`.
   */
  recordOutboxFailure?(failure: OutboxFailure): Promise<boolean>;
  /**
   * Dead-letters a pending message at `at` (UTC ISO): `pendingOutbox` and `claimOutbox` stop
   * returning it, so its PIP's later messages go out. Resolves to false when it was not pending.
   */
  deadLetterOutbox?(id: string, at: string): Promise<boolean>;
  /** Dead letters not retried or discarded, ordered by id. */
  listDeadLetters?(query: DeadLetterQuery): Promise<DeadLetter[]>;
  /**
   * Makes a dead letter pending again with its count cleared and no wait: the relay's next round
   * delivers it, before any later message of its PIP. Resolves to false when `id` is not a dead
   * letter (never one, delivered, discarded, or already retried).
   */
  retryDeadLetter?(id: string): Promise<boolean>;
  /**
   * Discards a dead letter: it is never delivered, and `compactOutbox` deletes it like a
   * delivered message (by the store's clock when it was discarded). Resolves to false when `id`
   * is not a dead letter.
   */
  discardDeadLetter?(id: string): Promise<boolean>;
}

/**
 * The delivery state of a message as the port returns it, from what a store read back: only the
 * fields that are set (a message never tried has none), so adapters agree with each other.
 */
export function deliveryStateOf(row: {
  readonly attempts?: number | null | undefined;
  readonly nextAttemptAt?: string | null | undefined;
  readonly lastError?: DeliveryFailure | null | undefined;
}): { attempts?: number; nextAttemptAt?: string; lastError?: DeliveryFailure } {
  const state: { attempts?: number; nextAttemptAt?: string; lastError?: DeliveryFailure } = {};
  if (row.attempts) state.attempts = row.attempts;
  if (row.nextAttemptAt) state.nextAttemptAt = row.nextAttemptAt;
  if (row.lastError) state.lastError = row.lastError;
  return state;
}

/** A message's last failure from a row's three columns (`undefined` when none is recorded). */
export function storedDeliveryFailure(
  code: string | null | undefined,
  message: string | null | undefined,
  at: string | null | undefined,
): DeliveryFailure | undefined {
  return code ? { code, message: message ?? '', at: at ?? '' } : undefined;
}

/**
 * The port's {@link OutboxMessage} for a stored outbox row (adapters call this). When
 * `readPayload` throws a `STORE_CORRUPT_ROW` `StoreError`, the message comes back with an
 * empty payload and `unreadable` set, so one corrupt row holds back only its own PIP's messages;
 * any other error is rethrown.
 */
export function outboxMessageFromRow(
  row: Omit<OutboxMessage, 'payload' | 'unreadable'>,
  readPayload: () => OutboxMessage['payload'],
): OutboxMessage {
  try {
    return { ...row, payload: readPayload() };
  } catch (error) {
    if (storeErrorReason(error) !== StoreErrorReasons.CORRUPT_ROW) throw error;
    return { ...row, payload: {}, unreadable: StoreErrorReasons.CORRUPT_ROW };
  }
}
