import { ValidationError } from '@pipkit/core';
import type { SqliteDatabase } from './sqliteDatabase.js';

/** How hard SQLite flushes to disk at each commit. */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/** Settings shared by both ways of opening a `sqliteStore`. */
export interface SqliteStoreSettings {
  /**
   * `FULL` (default): every acknowledged commit survives a power loss. `NORMAL`: in WAL mode the
   * last few commits before a power loss (not a process crash) may be lost, never corrupted; a
   * commit is a little faster. Choose `NORMAL` only when that loss is acceptable.
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a writer waits for another connection's write lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * Opens for reading only: a file is opened with better-sqlite3's `{ readonly: true,
   * fileMustExist: true }`, no table is created, no migration runs and the journal mode is left
   * as it is, so the file is never changed. A file that is not a pipkit database is refused with
   * `STORE_NOT_A_PIPKIT_DATABASE`, and every write (`commit`, `commitMany`, `purge`,
   * `markOutboxDelivered`, `recordTimerFault`) with `STORE_READ_ONLY`. Default: false, or true for
   * an injected `Database` opened read-only. Not for `':memory:'` (it would be empty).
   */
  readonly readOnly?: boolean;
}

/**
 * Options of `sqliteStore`: a file path (or `':memory:'`) the store opens and owns, or an
 * open better-sqlite3 `Database` the host owns (the store configures it but never closes it).
 */
export type SqliteStoreOptions = SqliteStoreSettings &
  (
    | {
        /** A database file (created when missing) or `':memory:'`. */
        readonly path: string;
        readonly database?: never;
      }
    | {
        /** An open better-sqlite3 12 `Database`, shared with the host. */
        readonly database: SqliteDatabase;
        readonly path?: never;
      }
  );

/** The options once defaults are applied and checked. */
export interface ResolvedSettings {
  readonly synchronous: SqliteSynchronous;
  readonly busyTimeoutMs: number;
  readonly readOnly: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Applies the defaults and checks every option at once, throwing a `ValidationError` that lists
 * each problem.
 */
export function resolveSettings(options: SqliteStoreOptions): ResolvedSettings {
  const synchronous = options.synchronous ?? 'FULL';
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const issues: { code: string; path: string[]; message: string }[] = [];
  const hasPath = typeof options.path === 'string';
  const hasDatabase = options.database !== undefined;
  if (hasPath === hasDatabase) {
    issues.push({
      code: 'INVALID_STORE_TARGET',
      path: [],
      message:
        'Give exactly one of `path` (a file or ":memory:") or `database` (an open Database).',
    });
  }
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    issues.push({
      code: 'INVALID_SYNCHRONOUS',
      path: ['synchronous'],
      message: `synchronous must be "FULL" or "NORMAL", not ${JSON.stringify(synchronous)}.`,
    });
  }
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    issues.push({
      code: 'INVALID_BUSY_TIMEOUT',
      path: ['busyTimeoutMs'],
      message: `busyTimeoutMs must be a whole number of milliseconds >= 0, not ${String(busyTimeoutMs)}.`,
    });
  }
  const readOnly = options.readOnly ?? options.database?.readonly === true;
  if (typeof readOnly !== 'boolean') {
    issues.push({
      code: 'INVALID_READ_ONLY',
      path: ['readOnly'],
      message: `readOnly must be true or false, not ${JSON.stringify(readOnly)}.`,
    });
  } else if (readOnly && options.path === ':memory:') {
    issues.push({
      code: 'INVALID_READ_ONLY',
      path: ['readOnly'],
      message: 'A read-only store needs an existing database file; ":memory:" would be empty.',
    });
  }
  if (issues.length > 0) throw new ValidationError('Invalid sqliteStore options.', issues);
  return { synchronous, busyTimeoutMs, readOnly };
}
