/**
 * One issue inside a refusal: a stable machine-readable `code`, where it applies (`path`), and a
 * sentence for people. Modelled on zod's issue list so hosts can render every reason at once.
 */
export interface PipkitIssue {
  /** Stable identifier, safe to switch on (for example `DOCUMENT_MISSING`). */
  readonly code: string;
  /** Where the problem is: a path into the command, the policy or the PIP. Empty when global. */
  readonly path: readonly (string | number)[];
  /** A human sentence that says what is wrong and, where possible, how to fix it. */
  readonly message: string;
}

/**
 * Every error code pipkit throws. The codes are part of the public API: they never change meaning
 * within a major version.
 */
export const ErrorCodes = {
  /** A command, option or open request failed schema validation. Nothing was written. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** A policy document failed validation, or a policy rule is inconsistent. */
  INVALID_POLICY: 'INVALID_POLICY',
  /** The PIP id is unknown to the store. */
  PIP_NOT_FOUND: 'PIP_NOT_FOUND',
  /** A PIP with this id already exists. */
  PIP_ALREADY_EXISTS: 'PIP_ALREADY_EXISTS',
  /** No registered policy has this id and version. */
  POLICY_NOT_FOUND: 'POLICY_NOT_FOUND',
  /** The acting person may not do this (role, ownership or separation of duties). */
  FORBIDDEN: 'FORBIDDEN',
  /**
   * The authorizer threw, rejected or answered something that is not a list of issues, so
   * nothing could be allowed: the request is refused and nothing is written. Retryable.
   */
  AUTHORIZATION_FAILED: 'AUTHORIZATION_FAILED',
  /** The PIP changed since the caller read it. Reload and retry. */
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  /** The command is valid but the PIP's state or policy refuses it; `issues` lists every reason. */
  COMMAND_REFUSED: 'COMMAND_REFUSED',
  /** An idempotency key was reused for a different request. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** The calendar cannot compute a date (unknown zone, bad duration, no business day in range). */
  INVALID_CALENDAR: 'INVALID_CALENDAR',
  /** The store could not do its work (busy, unreachable, corrupt); `retryable` says whether to retry. */
  STORE_ERROR: 'STORE_ERROR',
  /**
   * A delivery handler could not deliver an outbox message (`DeliveryError`); its `reason` is
   * recorded on the message and `retryable` says whether the relay tries it again.
   */
  DELIVERY_FAILED: 'DELIVERY_FAILED',
  /** No dead letter with this id on this PIP (never one, delivered, retried or discarded). */
  DEAD_LETTER_NOT_FOUND: 'DEAD_LETTER_NOT_FOUND',
} as const;

/** A stable error code: one of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The base of every error pipkit throws. Switch on `code`, read `issues` for the details, and
 * retry only when `retryable` is true.
 *
 * @example
 * ```ts
 * try {
 *   await engine.dispatch(pipId, command, { actor });
 * } catch (error) {
 *   if (error instanceof PipkitError && error.code === 'COMMAND_REFUSED') {
 *     for (const issue of error.issues) console.log(issue.code, issue.message);
 *   }
 * }
 * ```
 */
export class PipkitError extends Error {
  /** Stable error code. */
  readonly code: ErrorCode;
  /** Every reason, as data. Never empty. */
  readonly issues: readonly PipkitIssue[];
  /** True when the same request may succeed if sent again (after reloading, for conflicts). */
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    issues: readonly PipkitIssue[] = [],
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.issues = issues.length > 0 ? issues : [{ code, path: [], message }];
    this.retryable = options.retryable ?? false;
  }

  /** A plain, JSON-safe description: what an HTTP layer would send as a problem body. */
  toJSON(): { name: string; code: ErrorCode; message: string; issues: readonly PipkitIssue[] } {
    return { name: this.name, code: this.code, message: this.message, issues: this.issues };
  }
}

/** Input (a command, open request or option) failed validation. Nothing was written. */
export class ValidationError extends PipkitError {
  constructor(message: string, issues: readonly PipkitIssue[]) {
    super(ErrorCodes.INVALID_INPUT, message, issues);
  }
}

/** A policy document failed validation. */
export class PolicyValidationError extends PipkitError {
  constructor(message: string, issues: readonly PipkitIssue[]) {
    super(ErrorCodes.INVALID_POLICY, message, issues);
  }
}

/** The PIP does not exist. */
export class PipNotFoundError extends PipkitError {
  /** The id that was asked for. */
  readonly pipId: string;
  constructor(pipId: string) {
    super(ErrorCodes.PIP_NOT_FOUND, `No PIP with id "${pipId}".`, [
      { code: ErrorCodes.PIP_NOT_FOUND, path: ['pipId'], message: `No PIP with id "${pipId}".` },
    ]);
    this.pipId = pipId;
  }
}

/** A PIP with this id already exists; `open` never overwrites. */
export class PipAlreadyExistsError extends PipkitError {
  /** The id that is taken. */
  readonly pipId: string;
  constructor(pipId: string) {
    super(ErrorCodes.PIP_ALREADY_EXISTS, `A PIP with id "${pipId}" already exists.`);
    this.pipId = pipId;
  }
}

/** No policy is registered under this id and version. */
export class PolicyNotFoundError extends PipkitError {
  constructor(policyId: string, version?: number) {
    const label = version === undefined ? policyId : `${policyId}@${version}`;
    super(ErrorCodes.POLICY_NOT_FOUND, `No registered policy "${label}".`, [
      {
        code: ErrorCodes.POLICY_NOT_FOUND,
        path: ['policy'],
        message: `No registered policy "${label}".`,
      },
    ]);
  }
}

/** The actor may not perform this action on this PIP. */
export class ForbiddenError extends PipkitError {
  constructor(message: string, issues: readonly PipkitIssue[] = []) {
    super(ErrorCodes.FORBIDDEN, message, issues);
  }
}

/**
 * The authorizer could not answer (it threw, rejected, or returned something that is not a list
 * of issues): the request is refused as if denied, and nothing is written. Retryable, since the
 * usual cause is a host directory that is briefly unreachable. The message names the action only,
 * never the actor or the PIP's people; the authorizer's own error is kept as `cause` for the
 * host's logs and is never part of `toJSON()`.
 */
export class AuthorizationFailedError extends PipkitError {
  constructor(action: string, cause: unknown) {
    const message = `The authorizer failed while deciding ${action}; nothing was done. Retry, or check the authorizer.`;
    super(
      ErrorCodes.AUTHORIZATION_FAILED,
      message,
      [{ code: 'AUTHORIZER_FAILED', path: ['authorize'], message }],
      { retryable: true, cause },
    );
  }
}

/**
 * The PIP's stored version is not the one the caller expected: someone else wrote first.
 * Retryable: reload the PIP and decide again.
 */
export class VersionConflictError extends PipkitError {
  /** The PIP that was written concurrently. */
  readonly pipId: string;
  /** The version the caller read. */
  readonly expectedVersion: number;
  /** The version in the store, when known. */
  readonly actualVersion: number | undefined;
  constructor(pipId: string, expectedVersion: number, actualVersion?: number) {
    const actual = actualVersion === undefined ? '' : `; it is at version ${actualVersion}`;
    super(
      ErrorCodes.VERSION_CONFLICT,
      `PIP "${pipId}" is not at version ${expectedVersion}${actual}. Reload it and try again.`,
      [],
      { retryable: true },
    );
    this.pipId = pipId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** The command is well-formed but refused by the PIP's state or its policy. */
export class CommandRefusedError extends PipkitError {
  constructor(message: string, issues: readonly PipkitIssue[]) {
    super(ErrorCodes.COMMAND_REFUSED, message, issues);
  }
}

/** The idempotency key was already used for a different request. */
export class IdempotencyKeyReusedError extends PipkitError {
  constructor(key: string) {
    super(
      ErrorCodes.IDEMPOTENCY_KEY_REUSED,
      `Idempotency key "${key}" was already used for a different request. Use a new key per request.`,
    );
  }
}

/** The calendar could not compute a date. */
export class CalendarError extends PipkitError {
  constructor(message: string, path: readonly (string | number)[] = []) {
    super(ErrorCodes.INVALID_CALENDAR, message, [
      { code: ErrorCodes.INVALID_CALENDAR, path, message },
    ]);
  }
}

/**
 * Why a store failed, as a stable code in {@link StoreError.reason} (and the first issue's `code`).
 * Retry only when `retryable` is true: busy, timed out, unreachable, disk full.
 */
export const StoreErrorReasons = {
  /** Another writer holds the lock; retry. */
  BUSY: 'STORE_BUSY',
  /** A lock or statement waited longer than its configured timeout; retry. */
  TIMEOUT: 'STORE_TIMEOUT',
  /** The database cannot be reached (refused, reset, terminated); retry. */
  UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** The disk or database is full; retry once space is freed. */
  DISK_FULL: 'STORE_DISK_FULL',
  /** The device failed to read or write. */
  IO_ERROR: 'STORE_IO_ERROR',
  /** A stored row cannot be read back (invalid JSON, wrong shape). Only that PIP is affected. */
  CORRUPT_ROW: 'STORE_CORRUPT_ROW',
  /** The file is not a database, or not a pipkit database, or is damaged. */
  NOT_A_PIPKIT_DATABASE: 'STORE_NOT_A_PIPKIT_DATABASE',
  /** The database was written by a newer pipkit: upgrade before using it. */
  SCHEMA_TOO_NEW: 'STORE_SCHEMA_TOO_NEW',
  /** The database is opened read-only, or the file cannot be written. */
  READ_ONLY: 'STORE_READ_ONLY',
  /** The database refused the operation for a reason not listed above (permissions, missing database). */
  REFUSED: 'STORE_REFUSED',
  /** The store lacks an optional capability the operation needs. */
  UNSUPPORTED: 'STORE_UNSUPPORTED',
} as const;

/** A stable store failure reason: one of {@link StoreErrorReasons}. */
export type StoreErrorReason = (typeof StoreErrorReasons)[keyof typeof StoreErrorReasons];

/**
 * A store adapter could not do its work: the database is busy or unreachable (`retryable`), or
 * the file is corrupt or not a database (not retryable). Nothing was written. Messages never
 * carry stored personal data: at most a PIP id and the database's own error code.
 */
export class StoreError extends PipkitError {
  /** Why, as a stable code (the first issue's `code` too). */
  readonly reason: StoreErrorReason;
  constructor(
    message: string,
    options: { retryable: boolean; cause?: unknown; reason?: StoreErrorReason },
  ) {
    const reason =
      options.reason ??
      (options.retryable ? StoreErrorReasons.UNAVAILABLE : StoreErrorReasons.REFUSED);
    super(ErrorCodes.STORE_ERROR, message, [{ code: reason, path: [], message }], options);
    this.reason = reason;
  }
}

const ERROR_CODE_SET: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

/**
 * True when `error` is a pipkit error (optionally with this `code`). Recognises errors by their
 * stable code, not by class identity, so it holds when two copies of `@pipkit/core` (its ESM and
 * CJS builds, or two versions) meet in one process, where `instanceof` silently fails.
 *
 * @example
 * ```ts
 * try {
 *   await engine.dispatch(pipId, command, { actor, expectedVersion });
 * } catch (error) {
 *   if (isPipkitError(error, 'VERSION_CONFLICT')) return reloadAndAskAgain();
 *   throw error;
 * }
 * ```
 */
export function isPipkitError<C extends ErrorCode>(
  error: unknown,
  code?: C,
): error is PipkitError & { readonly code: C } {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; issues?: unknown };
  if (typeof candidate.code !== 'string' || !ERROR_CODE_SET.has(candidate.code)) return false;
  if (!Array.isArray(candidate.issues)) return false;
  return code === undefined || candidate.code === code;
}

/**
 * The store failure reason of `error` when it is a {@link StoreError} from any copy of core.
 * @internal
 */
export function storeErrorReason(error: unknown): StoreErrorReason | undefined {
  if (!isPipkitError(error, 'STORE_ERROR')) return undefined;
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? (reason as StoreErrorReason) : undefined;
}
