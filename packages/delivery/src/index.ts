/**
 * @pipkit/delivery: delivery adapters for pipkit's outbox and schedule. iCalendar invites for a
 * PIP's check-ins and meetings (stable UIDs, a SEQUENCE per change, CANCEL on cancellation), and
 * a deliver function for `engine.relay` that POSTs messages signed per Standard Webhooks, with
 * timeouts, retries and typed failures.
 * @packageDocumentation
 */

export {
  DeliveryIssueCodes,
  isWebhookDeliveryError,
  WEBHOOK_ERROR_CODES,
  WebhookDeliveryError,
} from './errors.js';
export type { DeliveryIssueCode, WebhookAttempt, WebhookErrorCode } from './errors.js';
export { occurrencesOf } from './invites/occurrences.js';
export type { Occurrence, OccurrenceKind, OccurrenceStatus } from './invites/occurrences.js';
export { invitesCalendar, invitesFor } from './invites/invites.js';
export type { Invite, InviteOptions, InvitePerson, InviteText } from './invites/invites.js';
export { inviteForMessage, isCalendarMessage } from './invites/messageInvites.js';
export type { CalendarMessage } from './invites/messageInvites.js';
export { webhookDelivery } from './webhooks/webhookDelivery.js';
export type { DeliverMessage, WebhookDeliveryOptions } from './webhooks/webhookDelivery.js';
export { webhookPayload } from './webhooks/webhookPayload.js';
export type { WebhookPayload } from './webhooks/webhookPayload.js';
