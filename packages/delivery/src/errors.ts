/**
 * The errors of `@pipkit/delivery`: a failed webhook delivery, with a stable code per cause, and
 * the issue codes of options it refuses (those throw `@pipkit/core`'s `ValidationError`).
 */
import { ValidationError } from '@pipkit/core';

/**
 * Why a webhook delivery failed. Stable: a host may `switch` over them.
 * - `WEBHOOK_TIMEOUT`: no response headers within `timeoutMs`.
 * - `WEBHOOK_HTTP_STATUS`: the endpoint answered outside 2xx and 3xx (`status` says which).
 * - `WEBHOOK_REDIRECT`: the endpoint answered 3xx; redirects are never followed.
 * - `WEBHOOK_NETWORK`: no answer at all (refused, reset, DNS, TLS).
 * - `WEBHOOK_ABORTED`: the host's signal stopped the delivery (a worker shutting down).
 */
export const WEBHOOK_ERROR_CODES = [
  'WEBHOOK_TIMEOUT',
  'WEBHOOK_HTTP_STATUS',
  'WEBHOOK_REDIRECT',
  'WEBHOOK_NETWORK',
  'WEBHOOK_ABORTED',
] as const;

/** One of {@link WEBHOOK_ERROR_CODES}. */
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

/** One try at delivering a message, as a failure records it. */
export interface WebhookAttempt {
  /** 1 for the first try. */
  readonly attempt: number;
  readonly code: WebhookErrorCode;
  /** The HTTP status, when the endpoint answered. */
  readonly status?: number;
  /** Where a redirect pointed (the `Location` header), when the endpoint answered 3xx. */
  readonly location?: string;
}

const CODES = new Set<string>(WEBHOOK_ERROR_CODES);

/**
 * A webhook delivery that failed after its last attempt. `engine.relay` records its `code` and
 * message against the message: it tries a `retryable` one again after its backoff and
 * dead-letters one that is not. `code` is the last attempt's, `attempts` lists every try, and
 * `retryable` says whether a later round may succeed without anyone changing the endpoint's
 * configuration (false for a redirect and for a 4xx other than 408, 425 and 429).
 *
 * @example
 * ```ts
 * const result = await engine.relay(webhookDelivery({ url, secret }));
 * for (const { id, error } of result.failed) {
 *   if (isWebhookDeliveryError(error, 'WEBHOOK_REDIRECT')) alertOperator(id, error.message);
 * }
 * ```
 */
export class WebhookDeliveryError extends Error {
  /** Stable: the last attempt's cause. */
  readonly code: WebhookErrorCode;
  /** The outbox message id (the `webhook-id` the endpoint saw). */
  readonly messageId: string;
  /** Every attempt of this delivery, oldest first. */
  readonly attempts: readonly WebhookAttempt[];
  /** True when a later relay round may succeed as things are. */
  readonly retryable: boolean;
  /** The last HTTP status, when the endpoint answered. */
  readonly status?: number;

  constructor(
    messageId: string,
    attempts: readonly [WebhookAttempt, ...WebhookAttempt[]],
    options: { retryable: boolean; cause?: unknown },
  ) {
    const last = attempts[attempts.length - 1] as WebhookAttempt;
    super(
      `Webhook delivery of "${messageId}" failed after ${attempts.length} attempt(s): ${describe(last)}.`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'WebhookDeliveryError';
    this.code = last.code;
    this.messageId = messageId;
    this.attempts = attempts;
    this.retryable = options.retryable;
    if (last.status !== undefined) this.status = last.status;
  }

  /** A plain, JSON-safe description, for logs and dead-letter rows. */
  toJSON(): {
    name: string;
    code: WebhookErrorCode;
    message: string;
    retryable: boolean;
    attempts: readonly WebhookAttempt[];
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      attempts: this.attempts,
    };
  }
}

function describe(attempt: WebhookAttempt): string {
  switch (attempt.code) {
    case 'WEBHOOK_TIMEOUT':
      return 'no response in time';
    case 'WEBHOOK_HTTP_STATUS':
      return `the endpoint answered ${attempt.status ?? 'an error'}`;
    case 'WEBHOOK_REDIRECT':
      return `the endpoint redirected (${attempt.status ?? '3xx'}${attempt.location ? ` to ${attempt.location}` : ''}); redirects are not followed, configure the final URL`;
    case 'WEBHOOK_NETWORK':
      return 'the endpoint could not be reached';
    case 'WEBHOOK_ABORTED':
      return 'stopped by the host';
  }
}

/**
 * True when `error` is a {@link WebhookDeliveryError} (of this or another copy of the package),
 * optionally with the given code. Recognised by its name and code, not by class identity.
 */
export function isWebhookDeliveryError<C extends WebhookErrorCode>(
  error: unknown,
  code?: C,
): error is WebhookDeliveryError & { readonly code: C } {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown; attempts?: unknown };
  if (candidate.name !== 'WebhookDeliveryError') return false;
  if (typeof candidate.code !== 'string' || !CODES.has(candidate.code)) return false;
  if (!Array.isArray(candidate.attempts)) return false;
  return code === undefined || candidate.code === code;
}

/**
 * Issue codes of the options this package refuses. They come inside `@pipkit/core`'s
 * `ValidationError` (code `INVALID_INPUT`), one issue per problem, with the option's path.
 */
export const DeliveryIssueCodes = {
  /** `url` is not an absolute http or https URL. */
  WEBHOOK_URL_INVALID: 'WEBHOOK_URL_INVALID',
  /** `secret` is not a Standard Webhooks secret (base64, optionally prefixed `whsec_`). */
  WEBHOOK_SECRET_INVALID: 'WEBHOOK_SECRET_INVALID',
  /** `timeoutMs`, `retries` or a backoff is not a whole number in range. */
  WEBHOOK_LIMIT_INVALID: 'WEBHOOK_LIMIT_INVALID',
  /** `domain` (the host part of every invite UID) is not a domain name. */
  INVITE_DOMAIN_INVALID: 'INVITE_DOMAIN_INVALID',
  /** The history passed to the invites is not one PIP's events in order. */
  INVITE_HISTORY_INVALID: 'INVITE_HISTORY_INVALID',
  /** A host-supplied text or duration for an invite is not usable. */
  INVITE_TEXT_INVALID: 'INVITE_TEXT_INVALID',
  /** `tenantId` (a part of every invite UID with tenants) is empty or has a space, "/" or "@". */
  INVITE_TENANT_INVALID: 'INVITE_TENANT_INVALID',
} as const;

/** One of {@link DeliveryIssueCodes}. */
export type DeliveryIssueCode = (typeof DeliveryIssueCodes)[keyof typeof DeliveryIssueCodes];

/** Throws a `ValidationError` naming one option problem. @internal */
export function invalidOption(
  code: DeliveryIssueCode,
  path: readonly (string | number)[],
  message: string,
): never {
  throw new ValidationError(message, [{ code, path, message }]);
}
