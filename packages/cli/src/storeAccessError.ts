/**
 * The typed errors of opening a store by URL, with stable codes.
 * @module
 */
import { ExitCode, UsageError } from './io.js';

/** Stable codes of the errors opening a store by URL can raise (docs/cli.md lists each). */
export const StoreAccessCodes = Object.freeze({
  /** No store given: neither `--store`, `--db` nor `PIPKIT_STORE_URL`. */
  MISSING: 'CLI_STORE_MISSING',
  /** No SQLite file at the path (the CLI never creates one silently, except `pipkit migrate`). */
  NOT_FOUND: 'CLI_STORE_NOT_FOUND',
  /** The URL cannot be parsed, or carries something the CLI cannot use. */
  INVALID_URL: 'CLI_STORE_URL_INVALID',
  /** A scheme other than `sqlite:`, `file:`, `postgres:` and `postgresql:`. */
  UNKNOWN_SCHEME: 'CLI_STORE_URL_UNKNOWN_SCHEME',
  /** The database server could not be reached or refused the login (exit code 3). */
  UNREACHABLE: 'CLI_STORE_UNREACHABLE',
  /** The store holds no pipkit schema, or one that `pipkit migrate` must bring forward first. */
  SCHEMA_NOT_READY: 'CLI_STORE_SCHEMA_NOT_READY',
  /** The file or schema cannot be opened as a pipkit store (written by a newer pipkit, busy, ...). */
  UNREADABLE: 'CLI_STORE_UNREADABLE',
});

/** One of {@link StoreAccessCodes}. */
export type StoreAccessCode = (typeof StoreAccessCodes)[keyof typeof StoreAccessCodes];

/**
 * A store the CLI could not open: printed as `pipkit <command>: <code>: <problem>` with its fix,
 * never with the URL's password. Exit code 2, or 3 when the database could not be reached (so a
 * script can tell "try again later" from "fix the command").
 */
export class StoreAccessError extends UsageError {
  /** One of {@link StoreAccessCodes}. */
  readonly code: StoreAccessCode;
  constructor(code: StoreAccessCode, message: string, hint?: string) {
    super(
      `${code}: ${message}`,
      hint,
      code === StoreAccessCodes.UNREACHABLE ? ExitCode.unavailable : ExitCode.usage,
    );
    this.name = 'StoreAccessError';
    this.code = code;
  }
}
