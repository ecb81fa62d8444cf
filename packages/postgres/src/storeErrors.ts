/**
 * How PostgreSQL's failures become pipkit's typed errors.
 * @module
 */
import { isPipkitError, StoreError, type StoreErrorReason, StoreErrorReasons } from '@pipkit/core';

/** What a commit is called in error messages; its lost connection leaves the outcome unknown. */
export const COMMITTING = 'committing a command';

/** Node socket errors that mean the server could not be reached or the connection dropped. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/**
 * SQLSTATEs worth retrying, by the reason the store reports (PostgreSQL docs, "Appendix A.
 * PostgreSQL Error Codes"): a lock or statement timeout, a lost serialization race or deadlock,
 * a full disk, or a server going away, starting or out of connections (class 08 too).
 */
const RETRYABLE_STATES: Readonly<Record<string, StoreErrorReason>> = {
  '55P03': StoreErrorReasons.TIMEOUT, // lock_not_available: lock_timeout expired
  '57014': StoreErrorReasons.TIMEOUT, // query_canceled: statement_timeout expired
  '40001': StoreErrorReasons.BUSY, // serialization_failure
  '40P01': StoreErrorReasons.BUSY, // deadlock_detected
  '53100': StoreErrorReasons.DISK_FULL, // disk_full
  '53300': StoreErrorReasons.UNAVAILABLE, // too_many_connections
  '57P01': StoreErrorReasons.UNAVAILABLE, // admin_shutdown
  '57P02': StoreErrorReasons.UNAVAILABLE, // crash_shutdown
  '57P03': StoreErrorReasons.UNAVAILABLE, // cannot_connect_now
};
/** SQLSTATEs no retry fixes that have a reason of their own (docs, "Appendix A"). */
const FAILED_STATES: Readonly<Record<string, StoreErrorReason>> = {
  '58030': StoreErrorReasons.IO_ERROR, // io_error
  '25006': StoreErrorReasons.READ_ONLY, // read_only_sql_transaction: a standby, or read-only mode
};
/** SQLSTATEs that no retry fixes, with what to do about them. */
const FATAL_STATES: Readonly<Record<string, string>> = {
  '3D000': 'The database does not exist: check the connection string.',
  '28000': 'The server refused the role: check the user in the connection string and pg_hba.conf.',
  '28P01': 'Wrong password: check the connection string.',
  '42501':
    "The role lacks a privilege on pipkit's schema: grant it USAGE, EXECUTE on its functions and SELECT, INSERT, UPDATE, DELETE on its tables (see the package README).",
};

/**
 * Turns a lost or refused connection into pipkit's typed `StoreError` (`STORE_ERROR`): retryable
 * when the server is unreachable, restarting or dropped the connection, not retryable when the
 * database, role or privilege is wrong. Anything else (a bug) is rethrown unchanged. A commit
 * whose connection dropped may or may not have committed: the message says to retry with the
 * same idempotency key, which makes the retry safe.
 */
export function toStoreError(error: unknown, doing: string): unknown {
  if (isPipkitError(error)) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  // Without an answer from the server (a network error, a dropped socket) a commit's outcome is
  // unknown; with one (an error with a SQLSTATE), the statement failed and was rolled back.
  const silent =
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    (typeof code !== 'string' &&
      /Connection terminated|connection error|not queryable|Connection ended/i.test(text));
  const state = typeof code === 'string' ? code : '';
  const answered = state.startsWith('08') || RETRYABLE_STATES[state] !== undefined;
  if (silent || answered) {
    return new StoreError(
      `PostgreSQL ${silent ? 'could not be reached or dropped the connection' : 'ended or refused the work'} while ${doing} (${text}).` +
        (silent && doing === COMMITTING
          ? ' The command may or may not have been committed: retry it with the same idempotency key, or read the PIP first.'
          : ' Nothing was written; retry.'),
      {
        retryable: true,
        cause: error,
        reason: RETRYABLE_STATES[state] ?? StoreErrorReasons.UNAVAILABLE,
      },
    );
  }
  if (FAILED_STATES[state]) {
    return new StoreError(`PostgreSQL failed while ${doing} (${text}). Nothing was written.`, {
      retryable: false,
      cause: error,
      reason: FAILED_STATES[state],
    });
  }
  if (typeof code === 'string' && FATAL_STATES[code]) {
    return new StoreError(`PostgreSQL refused ${doing}: ${text}. ${FATAL_STATES[code]}`, {
      retryable: false,
      cause: error,
      reason: StoreErrorReasons.REFUSED,
    });
  }
  return error;
}

/** `invalid_text_representation`: a stored value that is not what its reader expects. */
const INVALID_TEXT = '22P02';

/**
 * The error for a stored row that cannot be read back (not the JSON pipkit wrote). Names the PIP
 * and the table only: the row's text may hold personal data, so neither it nor the parser's
 * message (which quotes it) is kept, not even as the cause.
 */
export function corruptRow(pipId: string, table: string): StoreError {
  return new StoreError(
    `PIP "${pipId}": a row in ${table} cannot be read (it is not the JSON pipkit wrote). Only this PIP is affected; restore it from a backup or an evidence bundle.`,
    { retryable: false, reason: StoreErrorReasons.CORRUPT_ROW },
  );
}

/**
 * Parses JSON text a function returned for `pipId`, or throws {@link corruptRow}: an unreadable
 * row stops only the reads of its own PIP.
 */
export function parseStored<T>(text: string, pipId: string, table: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw corruptRow(pipId, table);
  }
}

/** Rethrows a database's `22P02` on a read of one PIP as {@link corruptRow}; anything else as is. */
export function corruptOr(error: unknown, pipId: string, table: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return code === INVALID_TEXT ? corruptRow(pipId, table) : error;
}
