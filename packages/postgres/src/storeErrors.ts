/**
 * How PostgreSQL's failures become pipkit's typed errors.
 * @module
 */
import { PipkitError, StoreError } from '@pipkit/core';

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
/** SQLSTATEs worth retrying: the server is going away, starting, full, or lost a race. */
const RETRYABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03']);
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
  if (error instanceof PipkitError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  // Without an answer from the server (a network error, a dropped socket) a commit's outcome is
  // unknown; with one (an error with a SQLSTATE), the statement failed and was rolled back.
  const silent =
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    (typeof code !== 'string' &&
      /Connection terminated|connection error|not queryable|Connection ended/i.test(text));
  const answered =
    typeof code === 'string' && (code.startsWith('08') || RETRYABLE_STATES.has(code));
  if (silent || answered) {
    return new StoreError(
      `PostgreSQL ${silent ? 'could not be reached or dropped the connection' : 'ended or refused the work'} while ${doing} (${text}).` +
        (silent && doing === COMMITTING
          ? ' The command may or may not have been committed: retry it with the same idempotency key, or read the PIP first.'
          : ' Nothing was written; retry.'),
      { retryable: true, cause: error },
    );
  }
  if (typeof code === 'string' && FATAL_STATES[code]) {
    return new StoreError(`PostgreSQL refused ${doing}: ${text}. ${FATAL_STATES[code]}`, {
      retryable: false,
      cause: error,
    });
  }
  return error;
}
