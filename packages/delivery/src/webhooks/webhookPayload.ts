/**
 * The body of a webhook: an outbox message in the Standard Webhooks payload shape
 * (`{ type, timestamp, data }`), identical on every attempt so a receiver can deduplicate it.
 */
import type { OutboxMessage } from '@pipkit/core';

/** What a webhook POST carries, as JSON. */
export interface WebhookPayload {
  /**
   * What happened, dotted: the message's type in `@pipkit/core`'s message catalogue
   * (`pip.issued`, `pip.checkIn.moved`); for a message written before the catalogue (type
   * `notification`), its `template`.
   */
  readonly type: string;
  /** When the message was written (the event's time), UTC ISO. Not the attempt's time. */
  readonly timestamp: string;
  readonly data: {
    /** The outbox message id, also sent as the `webhook-id` header. */
    readonly messageId: string;
    readonly pipId: string;
    /** The outbox message type (`pip.issued`; `notification` for one written before the catalogue). */
    readonly messageType: string;
    /** The message's payload as pipkit wrote it (ids and dates, no free text). */
    readonly payload: Readonly<Record<string, unknown>>;
  };
}

/**
 * The Standard Webhooks payload of an outbox message. The default body of
 * `webhookDelivery`; exported so a receiver can type what it parses.
 *
 * @example
 * ```ts
 * webhookPayload({ id: 'pip-1:5:0', pipId: 'pip-1', type: 'pip.issued',
 *   payload: { notify: ['employee'], employeeId: 'e-1', managerId: 'm-1', seq: 5 },
 *   createdAt: '2026-10-01T10:00:00.000Z' });
 * // { type: 'pip.issued', timestamp: '2026-10-01T10:00:00.000Z',
 * //   data: { messageId: 'pip-1:5:0', pipId: 'pip-1', messageType: 'pip.issued', payload: {...} } }
 * ```
 */
export function webhookPayload(message: OutboxMessage): WebhookPayload {
  const template = message.payload.template;
  return {
    type: typeof template === 'string' && template.length > 0 ? template : message.type,
    timestamp: message.createdAt,
    data: {
      messageId: message.id,
      pipId: message.pipId,
      messageType: message.type,
      payload: message.payload,
    },
  };
}
