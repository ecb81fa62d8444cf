import { StoreError, StoreErrorReasons } from '@pipkit/core';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import type { ResolvedSettings, SqliteStoreOptions } from './options.js';
import type { SqliteDatabase } from './sqliteDatabase.js';
import { storeError } from './storeErrors.js';

/** An open, configured and migrated connection, and whether the store owns (closes) it. */
export interface Connection {
  readonly database: SqliteDatabase;
  readonly owned: boolean;
}

/**
 * Opens the file (or takes the injected `Database`), sets the connection's pragmas and brings the
 * schema up to date. On failure closes what it opened and throws a `StoreError`.
 */
export function openConnection(
  options: SqliteStoreOptions,
  settings: ResolvedSettings,
): Connection {
  const owned = options.database === undefined;
  // A better-sqlite3 Database satisfies the slice we type (checked here by the compiler).
  let database: SqliteDatabase;
  try {
    database = options.database ?? new Database(options.path);
  } catch (error) {
    throw storeError(error, `Cannot open the SQLite database "${String(options.path)}"`);
  }
  try {
    configure(database, settings);
    migrate(database);
  } catch (error) {
    if (owned) database.close();
    throw storeError(
      error,
      `Cannot open the SQLite database "${String(options.path ?? '(injected)')}"`,
    );
  }
  return { database, owned };
}

/** Connection settings. Pragmas that change the journal cannot run inside a transaction. */
function configure(database: SqliteDatabase, settings: ResolvedSettings): void {
  // First, so that switching to WAL waits for another connection instead of failing.
  database.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
  // WAL: readers never block the writer, and a commit is one append to the log.
  const journal = String(database.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
  if (!database.memory && journal !== 'wal') {
    throw new StoreError(
      `SQLite refused WAL mode (journal_mode is "${journal}"); @pipkit/sqlite needs a local, writable file.`,
      { retryable: false, reason: StoreErrorReasons.REFUSED },
    );
  }
  database.pragma(`synchronous = ${settings.synchronous}`);
  database.pragma('foreign_keys = ON');
}
