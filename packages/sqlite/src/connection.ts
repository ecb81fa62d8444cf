import { StoreError, StoreErrorReasons } from '@pipkit/core';
import Database from 'better-sqlite3';
import { migrate, readableSchemaVersion, SCHEMA_VERSION } from './migrations.js';
import type { ResolvedSettings, SqliteStoreOptions } from './options.js';
import type { SqliteDatabase } from './sqliteDatabase.js';
import { storeError } from './storeErrors.js';

/** An open, configured connection on a readable schema, and whether the store owns (closes) it. */
export interface Connection {
  readonly database: SqliteDatabase;
  readonly owned: boolean;
  readonly readOnly: boolean;
  /** The schema the tables have: {@link SCHEMA_VERSION}, or older for a read-only store. */
  readonly schemaVersion: number;
}

/**
 * Opens the file (or takes the injected `Database`) and gets it ready: read-write, sets the
 * connection's pragmas and brings the schema up to date; read-only, only checks that it is a
 * pipkit database this package can read, writing nothing. On failure closes what it opened and
 * throws a `StoreError`.
 */
export function openConnection(
  options: SqliteStoreOptions,
  settings: ResolvedSettings,
): Connection {
  const owned = options.database === undefined;
  const { readOnly } = settings;
  const label = String(options.path ?? '(injected)');
  // A better-sqlite3 Database satisfies the slice we type (checked here by the compiler).
  let database: SqliteDatabase;
  try {
    database =
      options.database ??
      new Database(options.path, readOnly ? { readonly: true, fileMustExist: true } : {});
  } catch (error) {
    throw storeError(error, `Cannot open the SQLite database "${label}"`);
  }
  try {
    // First, so that switching to WAL (or reading during another's recovery) waits, not fails.
    // A connection setting: nothing is written to the file.
    database.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
    if (readOnly) {
      return { database, owned, readOnly, schemaVersion: readableSchemaVersion(database) };
    }
    configure(database, settings);
    migrate(database);
    return { database, owned, readOnly, schemaVersion: SCHEMA_VERSION };
  } catch (error) {
    if (owned) database.close();
    throw storeError(error, `Cannot open the SQLite database "${label}"`);
  }
}

/** Connection settings. Pragmas that change the journal cannot run inside a transaction. */
function configure(database: SqliteDatabase, settings: ResolvedSettings): void {
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
