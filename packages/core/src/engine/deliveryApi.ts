/**
 * The engine's delivery surface: the outbox relay, its retries and backoff, and the dead letters
 * an operator lists, retries or discards.
 */
import type { Actor } from '../model/actor.js';
import type { DeadLetter } from '../store/outboxDelivery.js';
import type { DeliveredMessage } from './recipients.js';

/**
 * How the relay retries a message whose delivery fails (the engine's `delivery` option). Attempt
 * `n` that fails waits a random time between 0 and `min(maxDelayMs, baseDelayMs * 2^(n-1))`
 * (exponential backoff with full jitter) before the next; the attempt numbered `maxAttempts` that
 * fails dead-letters the message.
 */
export interface DeliveryOptions {
  /** Attempts before a message is dead-lettered (default 10, 1 to 100). */
  readonly maxAttempts?: number;
  /** The backoff's first ceiling, in milliseconds (default 30 s). */
  readonly baseDelayMs?: number;
  /** The backoff's highest ceiling, in milliseconds (default 1 hour, at most 7 days). */
  readonly maxDelayMs?: number;
  /** The jitter's source of numbers in [0, 1) (default `Math.random`); inject one in tests. */
  readonly random?: () => number;
}

/** The delivery settings the engine runs with, defaults applied. @internal */
export interface DeliverySettings {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

/**
 * Delivers one outbox message, checked against the message catalogue (switch on
 * `message.type`) and with its recipients resolved when the engine has a `recipients` option; a
 * throw (or rejection) is a failed attempt.
 */
export type OutboxHandler = (message: DeliveredMessage) => void | Promise<void>;

/** Options of {@link DeliveryOperations.relay}. */
export interface RelayOptions {
  /** Messages per round (default 100); with a leasing store, PIPs per round. */
  readonly limit?: number | undefined;
  /** With a store that leases the outbox: how long this relay holds a claimed PIP (default 60 s). */
  readonly leaseMs?: number | undefined;
}

/** One failed attempt in a {@link RelayResult}. */
export interface RelayFailure {
  readonly id: string;
  /** What the handler threw (or the store's error for a message it cannot read back). */
  readonly error: unknown;
  readonly pipId?: string;
  /** Failed attempts of the message so far, this one included (with a store that counts them). */
  readonly attempts?: number;
  /** The stable code recorded on the message. */
  readonly code?: string;
  /** When the relay tries it again; absent when it will not (the store cannot count attempts). */
  readonly nextAttemptAt?: string;
}

/** One message a relay round dead-lettered. */
export interface RelayDeadLetter {
  readonly id: string;
  readonly pipId: string;
  readonly type: string;
  /** Failed attempts before it was given up. */
  readonly attempts: number;
  /** The last attempt's stable failure code. */
  readonly code: string;
}

/** What one outbox relay round did. */
export interface RelayResult {
  /** Ids delivered and marked, in delivery order. */
  readonly delivered: readonly string[];
  /**
   * Attempts that failed this round and will be tried again (or, with a store that keeps no
   * delivery state, stay pending), and dead letters the relay could not yet record on their
   * PIP. The same PIP's later messages wait behind them; other PIPs' messages are delivered.
   */
  readonly failed: readonly RelayFailure[];
  /**
   * Messages given up this round: each has a `MESSAGE_DEAD_LETTERED` event on its PIP's log, and
   * that PIP's later messages went on.
   */
  readonly deadLettered: readonly RelayDeadLetter[];
}

/** Which dead letters {@link DeliveryOperations.deadLetters} lists. */
export interface DeadLetterListQuery {
  /** Only this PIP's. */
  readonly pipId?: string | undefined;
  /** Those whose id sorts after this one: the previous page's `nextAfterId`. */
  readonly afterId?: string | undefined;
  /** At most this many (default 100, at most 1000). */
  readonly limit?: number | undefined;
}

/** A page of {@link DeliveryOperations.deadLetters}. */
export interface DeadLetterPage {
  /** The dead letters the actor may manage, ordered by id; no payloads. */
  readonly deadLetters: readonly DeadLetter[];
  /**
   * Dead letters of the page the actor may not manage, or whose PIP could not be read to
   * authorize (left out).
   */
  readonly hidden: number;
  /** The `afterId` of the next page; absent after the last. */
  readonly nextAfterId?: string;
}

/** What {@link DeliveryOperations.retryDeadLetter} or `discardDeadLetter` did. */
export interface DeadLetterReceipt {
  readonly pipId: string;
  readonly messageId: string;
  readonly action: 'retried' | 'discarded';
  readonly at: string;
  readonly by: Actor;
}

/** The delivery members of `Engine`. */
export interface DeliveryOperations {
  /**
   * Delivers pending outbox messages (notifications) through `handler`, oldest first, and marks
   * each delivered once its handler returns. At least once: a crash after delivery and before
   * the mark redelivers the same message with the same id, so handlers deduplicate by
   * `message.id`. A handler that throws fails the attempt: the message records the error's
   * stable code and is tried again after an exponential backoff with jitter (`delivery` engine
   * option); the PIP's later messages wait behind it, so per-PIP order holds. After
   * `delivery.maxAttempts` failures (or one `retryable: false` failure) the message is
   * dead-lettered: a `MESSAGE_DEAD_LETTERED` event is appended to the PIP's log and the PIP's
   * later messages go on. With a store that leases the outbox (Postgres), relays in several
   * processes split the PIPs and never deliver one PIP's messages concurrently.
   */
  relay(handler: OutboxHandler, options?: RelayOptions): Promise<RelayResult>;
  /**
   * The dead letters the actor may manage (`DEAD_LETTERS`: HR and the system by default), by
   * id, without payloads. Needs a store with `listDeadLetters`.
   */
  deadLetters(
    query: DeadLetterListQuery,
    options: { readonly actor: Actor },
  ): Promise<DeadLetterPage>;
  /**
   * Makes a dead letter pending again: the next relay round delivers it (its attempts counted
   * from zero) before any of its PIP's messages still pending. Refused with
   * `DEAD_LETTER_NOT_FOUND` when the message is not a dead letter of that PIP.
   */
  retryDeadLetter(
    target: { readonly pipId: string; readonly messageId: string },
    options: { readonly actor: Actor },
  ): Promise<DeadLetterReceipt>;
  /**
   * Gives a dead letter up for good: never delivered; `compactOutbox` deletes it in time.
   * Refused with `DEAD_LETTER_NOT_FOUND` when the message is not a dead letter of that PIP.
   */
  discardDeadLetter(
    target: { readonly pipId: string; readonly messageId: string },
    options: { readonly actor: Actor },
  ): Promise<DeadLetterReceipt>;
}
