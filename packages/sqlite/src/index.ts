/**
 * @pipkit/sqlite: the embedded default store for pipkit. One SQLite file through better-sqlite3,
 * WAL mode, one `BEGIN IMMEDIATE` transaction per command, versioned schema migrations.
 * @packageDocumentation
 */
export { sqliteStore } from './sqliteStore.js';
export type {
  SqliteStore,
  SqliteStoreOptions,
  SqliteStoreSettings,
  SqliteSynchronous,
} from './sqliteStore.js';
export type { SqliteDatabase, SqliteStatement, SqliteTransaction } from './sqliteDatabase.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export type { Migration } from './migrations.js';
export { migrationScript, migrationStatus } from './migrationScript.js';
export type { MigrationStatus } from './migrationScript.js';
