/**
 * The schema steps as one SQL script, and where a database stands: for deployment pipelines
 * that apply DDL themselves instead of letting the store migrate at open.
 * @module
 */
import { frameMigrationScript, latestMigrationVersion } from '@pipkit/core/adapter';
import { LEDGER_TABLE_SQL, recordStepLiteral } from './migrationLedger.js';
import { type Migration, MIGRATIONS } from './migrations.js';
import type { SqliteDatabase } from './sqliteDatabase.js';

/** Where a database stands against this build's migrations. */
export interface MigrationStatus {
  /** The highest version recorded in `pipkit_migrations`; 0 for a database pipkit never touched. */
  readonly current: number;
  /** The version this build writes (`SCHEMA_VERSION`). */
  readonly latest: number;
  /** The steps not applied yet, oldest first (empty when current, or when the database is newer). */
  readonly pending: readonly { readonly version: number; readonly name: string }[];
}

/**
 * The exact SQL `migrate` runs to bring a database from version `from` (default 0: an empty
 * file) to the latest, as one script: `pipkit_migrations` when missing, then each step's DDL
 * followed by the row recording it. Run it in one transaction (`sqlite3 pips.db
 * "BEGIN IMMEDIATE; .read pipkit.sql" "COMMIT;"`, or as one pipeline migration); a store opened
 * afterwards finds the database current and migrates nothing. Version 3 also fills the query
 * columns of PIPs already stored, which SQL alone cannot compute: the script says so where that
 * step begins, and a database that holds PIPs older than version 3 should be migrated by the
 * store (or `pipkit migrate`) instead.
 *
 * @example
 * ```ts
 * import { migrationScript } from '@pipkit/sqlite';
 *
 * writeFileSync('V1__pipkit.sql', migrationScript());
 * ```
 */
export function migrationScript(
  options: { readonly from?: number } = {},
  migrations: readonly Migration[] = MIGRATIONS,
): string {
  return frameMigrationScript(migrations, options.from, {
    title: '@pipkit/sqlite schema',
    preamble: [`${LEDGER_TABLE_SQL.trim()};`],
    stepLines: (migration) => [
      ...(migration.backfill
        ? [
            '-- This step also computes columns of the PIPs already stored (in code, not SQL): on a',
            '-- database holding PIPs from before it, migrate with the store or `pipkit migrate`.',
          ]
        : []),
      migration.sql.trim(),
      recordStepLiteral(migration.version, migration.name),
    ],
  });
}

/**
 * Where a database stands: the version recorded in its `pipkit_migrations` (0 when it has none),
 * the latest this build knows and the steps still to apply. Only reads, so it runs on a
 * read-only connection.
 *
 * @example
 * ```ts
 * const status = migrationStatus(new Database('pips.db', { readonly: true }));
 * ```
 */
export function migrationStatus(
  database: SqliteDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationStatus {
  const ledger = database
    .prepare(
      "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'pipkit_migrations'",
    )
    .get();
  const current =
    ledger === undefined
      ? 0
      : (
          database
            .prepare('SELECT coalesce(max(version), 0) AS version FROM pipkit_migrations')
            .get() as { version: number }
        ).version;
  const latest = latestMigrationVersion(migrations);
  return {
    current,
    latest,
    pending: migrations
      .filter((migration) => migration.version > current)
      .map(({ version, name }) => ({ version, name })),
  };
}
