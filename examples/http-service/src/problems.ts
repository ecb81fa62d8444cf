import {
  ErrorCodes,
  PipkitError,
  type PipkitIssue,
  storeErrorReason,
  VersionConflictError,
} from '@pipkit/core';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * An RFC 9457 problem document, as every error response of the service carries it
 * (`Content-Type: application/problem+json`). `code` and `issues` are pipkit's: switch on `code`,
 * show `issues` (every reason, with its path) to people.
 */
export interface Problem {
  /** A URI naming the kind of problem: `tag:pipkit.dev,2026:problem:<code>` (not a web page). */
  readonly type: string;
  /** A short summary of the kind of problem; the same for every occurrence of a code. */
  readonly title: string;
  /** The HTTP status code, repeated for clients that lose it. */
  readonly status: number;
  /** What went wrong this time, for people. */
  readonly detail: string;
  /** The request path that failed. */
  readonly instance: string;
  /** The stable error code: one of pipkit's `ErrorCodes` or one of {@link HttpCodes}. */
  readonly code: string;
  /** Every reason, as `{ code, path, message }`; never empty. */
  readonly issues: readonly PipkitIssue[];
  /** True when the same request may succeed if sent again (after reloading, for conflicts). */
  readonly retryable: boolean;
}

/** Codes the HTTP layer adds to pipkit's own. */
export const HttpCodes = {
  /** The body is not JSON, or is empty while declared as JSON. */
  MALFORMED_JSON: 'MALFORMED_JSON',
  /** The body is larger than the service accepts (`PIPKIT_BODY_LIMIT`). */
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** The body is not `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** No credentials, or credentials the service does not accept (token, claims, dev headers). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The credentials are for a tenant this service does not hold. */
  TENANT_MISMATCH: 'TENANT_MISMATCH',
  /** The identity provider's keys cannot be fetched right now. */
  AUTH_UNAVAILABLE: 'AUTH_UNAVAILABLE',
  /** The principal (or, before authentication, the IP address) sent too many requests. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The route exists, but not with this method; `Allow` lists the methods it has. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** A path segment is longer than any id the service accepts. */
  URI_TOO_LONG: 'URI_TOO_LONG',
  /** A command was sent without `If-Match`. */
  PRECONDITION_REQUIRED: 'PRECONDITION_REQUIRED',
  /** `If-Match` named a version the PIP is no longer (or not yet) at. */
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  /** No route matches the method and path. */
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  /** Something the service did not expect; the log has the details. */
  INTERNAL: 'INTERNAL',
} as const;

/** An error raised by the HTTP layer itself, already carrying its status and code. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly PipkitIssue[] = [{ code, path: [], message }],
    /** Response headers the problem needs (`Allow` on a 405, `WWW-Authenticate` on a 401). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

/** The HTTP status of every pipkit error code. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  [ErrorCodes.INVALID_INPUT]: 400,
  [HttpCodes.MALFORMED_JSON]: 400,
  [HttpCodes.UNAUTHENTICATED]: 401,
  [ErrorCodes.FORBIDDEN]: 403,
  [HttpCodes.TENANT_MISMATCH]: 403,
  [ErrorCodes.PIP_NOT_FOUND]: 404,
  [HttpCodes.ROUTE_NOT_FOUND]: 404,
  [HttpCodes.METHOD_NOT_ALLOWED]: 405,
  [ErrorCodes.VERSION_CONFLICT]: 409,
  [ErrorCodes.PIP_ALREADY_EXISTS]: 409,
  [HttpCodes.PRECONDITION_FAILED]: 412,
  [HttpCodes.BODY_TOO_LARGE]: 413,
  [HttpCodes.URI_TOO_LONG]: 414,
  [HttpCodes.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCodes.COMMAND_REFUSED]: 422,
  [ErrorCodes.IDEMPOTENCY_KEY_REUSED]: 422,
  [ErrorCodes.POLICY_NOT_FOUND]: 422,
  [ErrorCodes.INVALID_CALENDAR]: 422,
  [HttpCodes.PRECONDITION_REQUIRED]: 428,
  [HttpCodes.RATE_LIMITED]: 429,
  [ErrorCodes.INVALID_POLICY]: 500,
  [HttpCodes.INTERNAL]: 500,
  [ErrorCodes.STORE_ERROR]: 503,
  [HttpCodes.AUTH_UNAVAILABLE]: 503,
};

const TITLES: Readonly<Record<string, string>> = {
  [ErrorCodes.INVALID_INPUT]: 'The request does not match its schema',
  [HttpCodes.MALFORMED_JSON]: 'The body is not valid JSON',
  [HttpCodes.UNAUTHENTICATED]: 'The caller is not authenticated',
  [ErrorCodes.FORBIDDEN]: 'The acting person may not do this',
  [HttpCodes.TENANT_MISMATCH]: 'The credentials are for another tenant',
  [HttpCodes.AUTH_UNAVAILABLE]: 'The identity provider is unavailable',
  [HttpCodes.RATE_LIMITED]: 'Too many requests',
  [HttpCodes.METHOD_NOT_ALLOWED]: 'The route does not have this method',
  [HttpCodes.URI_TOO_LONG]: 'The path is too long',
  [ErrorCodes.PIP_NOT_FOUND]: 'No such PIP',
  [HttpCodes.ROUTE_NOT_FOUND]: 'No such route',
  [ErrorCodes.VERSION_CONFLICT]: 'Another writer changed the PIP first',
  [ErrorCodes.PIP_ALREADY_EXISTS]: 'A PIP with this id already exists',
  [HttpCodes.PRECONDITION_FAILED]: 'The PIP is not at the version in If-Match',
  [HttpCodes.BODY_TOO_LARGE]: 'The body is too large',
  [HttpCodes.UNSUPPORTED_MEDIA_TYPE]: 'The body must be application/json',
  [ErrorCodes.COMMAND_REFUSED]: 'The PIP or its policy refuses the command',
  [ErrorCodes.IDEMPOTENCY_KEY_REUSED]: 'The idempotency key was used for another request',
  [ErrorCodes.POLICY_NOT_FOUND]: 'No such policy',
  [ErrorCodes.INVALID_CALENDAR]: 'The calendar cannot compute the dates',
  [HttpCodes.PRECONDITION_REQUIRED]: 'If-Match is required',
  [ErrorCodes.INVALID_POLICY]: 'The policy is invalid',
  [HttpCodes.INTERNAL]: 'Internal error',
  [ErrorCodes.STORE_ERROR]: 'The store is unavailable',
};

// Node socket errors and Postgres SQLSTATEs that mean "the database is unreachable or
// overloaded right now": a retry later may succeed, so they are 503 like a retryable StoreError.
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
]);
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;

/** True for a raw driver error that means the database is unavailable (not a bug in a query). */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return UNAVAILABLE_ERRNO.has(code) || UNAVAILABLE_SQLSTATE.test(code);
}

const problemType = (code: string) =>
  `tag:pipkit.dev,2026:problem:${code.toLowerCase().replaceAll('_', '-')}`;

/** What the request asked for that changes how an error maps. */
export interface ProblemContext {
  /** The request path. */
  readonly instance: string;
  /** True when the request pinned a version with `If-Match` (a conflict is then a 412). */
  readonly pinnedVersion: boolean;
}

/** Maps anything thrown while handling a request to a problem document. */
export function toProblem(error: unknown, context: ProblemContext): Problem {
  const make = (
    code: string,
    detail: string,
    issues: readonly PipkitIssue[],
    retryable = false,
    status = STATUS_BY_CODE[code] ?? 500,
  ): Problem => ({
    type: problemType(code),
    title: TITLES[code] ?? 'Error',
    status,
    detail,
    instance: context.instance,
    code,
    issues: issues.length > 0 ? issues : [{ code, path: [], message: detail }],
    retryable,
  });

  if (error instanceof HttpProblem) {
    return make(error.code, error.message, error.issues, false, error.status);
  }
  if (error instanceof VersionConflictError && context.pinnedVersion) {
    // The If-Match precondition failed: at load time, or at commit time against a racing writer.
    return make(HttpCodes.PRECONDITION_FAILED, error.message, error.issues, true);
  }
  if (error instanceof PipkitError && error.code === ErrorCodes.STORE_ERROR) {
    // A store's message can quote a row; the answer names only the reason (STORE_CORRUPT_ROW...).
    const reason = storeErrorReason(error) ?? 'STORE_ERROR';
    const detail = error.retryable
      ? 'The store is busy or unavailable; try again shortly.'
      : 'The store could not read or write this data; the log has the details.';
    return make(
      ErrorCodes.STORE_ERROR,
      detail,
      [{ code: reason, path: [], message: detail }],
      error.retryable,
      error.retryable ? 503 : 500,
    );
  }
  if (error instanceof PipkitError) {
    return make(error.code, error.message, error.issues, error.retryable);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    // Fastify validated a part of the request against a zod schema; keep zod's code and path,
    // as pipkit's own ValidationError does (`SCHEMA_*`).
    const part = (error as { validationContext?: string }).validationContext ?? 'body';
    const issues = error.validation.map((entry) => ({
      code: `SCHEMA_${entry.keyword.toUpperCase()}`,
      path: [
        part,
        ...entry.instancePath
          .split('/')
          .filter((segment) => segment !== '')
          .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)),
      ],
      message: entry.message ?? 'Invalid value',
    }));
    const summary = issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    return make(ErrorCodes.INVALID_INPUT, `Invalid ${part}: ${summary}`, issues);
  }
  const fastifyCode = (error as { code?: unknown } | null)?.code;
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return make(
        HttpCodes.BODY_TOO_LARGE,
        'The request body is larger than this service accepts.',
        [],
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return make(HttpCodes.URI_TOO_LONG, 'A path segment is longer than any id.', []);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return make(HttpCodes.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json.', []);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return make(HttpCodes.MALFORMED_JSON, 'The request body is not valid JSON.', []);
  }
  if (error instanceof SyntaxError && (error as { statusCode?: unknown }).statusCode === 400) {
    // Fastify's JSON parser marks the body's syntax errors with 400; any other SyntaxError is
    // ours (a stored row that does not parse) and must not blame the caller's body.
    return make(HttpCodes.MALFORMED_JSON, 'The request body is not valid JSON.', []);
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Any other request Fastify itself refused (a bad URL, a bad header): the client's fault.
    const detail = error instanceof Error ? error.message : 'The request is malformed.';
    return make(ErrorCodes.INVALID_INPUT, detail, [], false, statusCode);
  }
  if (isUnavailable(error)) {
    return make(
      ErrorCodes.STORE_ERROR,
      'The database is unavailable; try again shortly.',
      [],
      true,
    );
  }
  return make(HttpCodes.INTERNAL, 'An unexpected error occurred; it has been logged.', []);
}
