/**
 * @pipkit/postgres: the PostgreSQL store for pipkit. Many engine instances on one database
 * through pg 8: one READ COMMITTED transaction per command guarded by versions and the
 * `(pip_id, seq)` key, timer leases with `FOR UPDATE SKIP LOCKED`, migrations under an advisory
 * lock.
 * @packageDocumentation
 */
export { DEFAULT_CONCURRENT_COMMITS, DEFAULT_TIMEOUTS, postgresStore } from './postgresStore.js';
export type {
  PostgresStore,
  PostgresStoreOptions,
  PostgresStoreSettings,
} from './postgresStore.js';
export type { PgPool, PgPoolClient, PgQueryable, PgQueryResult } from './pgDriver.js';
export { DEFAULT_SCHEMA, migrate, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export type { Migration } from './migrations.js';
export { migrationScript, migrationStatus } from './migrationScript.js';
export type { MigrationStatus } from './migrationScript.js';
export type { TransactionMode } from './transaction.js';
export { wakeupChannel } from './wakeups.js';
export type { PostgresWakeupOptions } from './wakeups.js';
