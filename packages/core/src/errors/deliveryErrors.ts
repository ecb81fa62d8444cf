/**
 * The errors of outbox delivery: what a delivery handler throws to say why a message could not
 * be delivered, and the refusal of a dead-letter operation on a message that is not one.
 */
import { ErrorCodes, PipkitError } from './pipkitError.js';

/**
 * Why a delivery failed, as a stable code in {@link DeliveryError.reason}: recorded on the
 * message as its last error's `code`. A handler may use its own stable codes too (any
 * `UPPER_SNAKE_CASE` `code` on the error it throws is recorded).
 */
export const DeliveryErrorReasons = {
  /**
   * No one is known for a recipient the message names: the engine's `recipients` port answered
   * an empty list, or the handler has no address for them.
   */
  UNKNOWN_RECIPIENT: 'DELIVERY_UNKNOWN_RECIPIENT',
  /** The channel answered something the handler cannot read. */
  MALFORMED_ANSWER: 'DELIVERY_MALFORMED_ANSWER',
  /** The channel did not answer in time. */
  TIMEOUT: 'DELIVERY_TIMEOUT',
  /** The channel could not be reached. */
  UNREACHABLE: 'DELIVERY_UNREACHABLE',
  /** The channel refused the message. */
  REJECTED: 'DELIVERY_REJECTED',
  /**
   * The message is not in the message catalogue (an unknown type, or a payload its type's schema
   * refuses): it is never handed to the handler, and retrying will not help.
   */
  MESSAGE_INVALID: 'DELIVERY_MESSAGE_INVALID',
} as const;

/** One of {@link DeliveryErrorReasons}. */
export type DeliveryErrorReason = (typeof DeliveryErrorReasons)[keyof typeof DeliveryErrorReasons];

/**
 * Thrown by a delivery handler (the function `engine.relay` calls) when it cannot deliver a
 * message. The relay records `reason` and the message (keep it free of personal data: it is
 * stored) on the message; a `retryable: false` failure is dead-lettered at once, any other is
 * tried again after a backoff until the engine's `delivery.maxAttempts`.
 *
 * @example
 * ```ts
 * await engine.relay(async (message) => {
 *   const address = directory.addressOf(message.payload.employeeId);
 *   if (!address) {
 *     throw new DeliveryError(
 *       DeliveryErrorReasons.UNKNOWN_RECIPIENT,
 *       'The directory has no address for the employee.',
 *       { retryable: false },
 *     );
 *   }
 *   await mailer.send(address, message);
 * });
 * ```
 */
export class DeliveryError extends PipkitError {
  /** Why, as a stable code: recorded on the message. */
  readonly reason: string;
  constructor(
    reason: DeliveryErrorReason | (string & {}),
    message: string,
    options: { readonly retryable: boolean; readonly cause?: unknown },
  ) {
    super(ErrorCodes.DELIVERY_FAILED, message, [{ code: reason, path: [], message }], options);
    this.reason = reason;
  }
}

/** The message is not a dead letter of that PIP: never one, delivered, retried or discarded. */
export class DeadLetterNotFoundError extends PipkitError {
  constructor(pipId: string, messageId: string) {
    super(
      ErrorCodes.DEAD_LETTER_NOT_FOUND,
      `PIP "${pipId}" has no dead letter "${messageId}" (it may have been retried or discarded).`,
      [
        {
          code: ErrorCodes.DEAD_LETTER_NOT_FOUND,
          path: ['messageId'],
          message: 'No such dead letter.',
        },
      ],
    );
  }
}
