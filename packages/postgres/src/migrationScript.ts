/**
 * The schema steps as one SQL script, and where a schema stands: for deployment pipelines
 * (Flyway, Atlas, Liquibase, psql) that apply DDL themselves instead of letting the store
 * migrate at startup.
 * @module
 */
import { ValidationError } from '@pipkit/core';
import { frameMigrationScript, latestMigrationVersion } from '@pipkit/core/adapter';
import { ledgerTableSql, recordedVersion } from './migrationLedger.js';
import {
  DEFAULT_SCHEMA,
  isPlainIdentifier,
  type Migration,
  MIGRATIONS,
  migrationLockKey,
  quoteIdentifier,
} from './migrations.js';
import type { PgQueryable } from './pgDriver.js';

/** Where a schema stands against this build's migrations. */
export interface MigrationStatus {
  /** The schema holding pipkit's tables. */
  readonly schema: string;
  /** The highest version recorded in `pipkit_migrations`; 0 for a schema pipkit never touched. */
  readonly current: number;
  /** The version this build writes (`SCHEMA_VERSION`). */
  readonly latest: number;
  /** The steps not applied yet, oldest first (empty when current, or when the schema is newer). */
  readonly pending: readonly { readonly version: number; readonly name: string }[];
}

/** A SQL string literal (standard_conforming_strings, on since PostgreSQL 9.1). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function checkedSchema(schema: string): string {
  if (!isPlainIdentifier(schema)) {
    throw new ValidationError('Invalid migration script options.', [
      {
        code: 'INVALID_SCHEMA',
        path: ['schema'],
        message: `schema must be a plain lowercase identifier ([a-z_][a-z0-9_]*, at most 63 characters), not ${JSON.stringify(schema)}.`,
      },
    ]);
  }
  return quoteIdentifier(schema);
}

/**
 * The exact SQL `migrate` runs to bring a schema from version `from` (default 0: an empty
 * database) to the latest, as one script: the advisory lock `migrate` holds, the schema and
 * `pipkit_migrations` when missing, then each step's DDL followed by the row recording it. Run it
 * in one transaction (`psql --single-transaction -f`, or as one Flyway/Atlas/Liquibase
 * migration); a store opened afterwards finds the schema current and migrates nothing. Version
 * 7 queues PIPs already stored for their query columns: the first store to open the schema fills
 * them (and drops the queue), as after its own migration.
 *
 * @example
 * ```ts
 * import { migrationScript } from '@pipkit/postgres';
 *
 * writeFileSync('V1__pipkit.sql', migrationScript({ schema: 'hr' }));
 * writeFileSync('V2__pipkit_9.sql', migrationScript({ schema: 'hr', from: 8 }));
 * ```
 */
export function migrationScript(
  options: { readonly schema?: string; readonly from?: number } = {},
  migrations: readonly Migration[] = MIGRATIONS,
): string {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = checkedSchema(schema);
  return frameMigrationScript(migrations, options.from, {
    title: `@pipkit/postgres schema ${s}`,
    preamble: [
      `SELECT pg_advisory_xact_lock(${migrationLockKey(schema)});`,
      `CREATE SCHEMA IF NOT EXISTS ${s};`,
      `${ledgerTableSql(s).trim()};`,
    ],
    stepLines: (migration) => [
      migration.sql(s).trim(),
      `INSERT INTO ${s}.pipkit_migrations (version, name) VALUES (${migration.version}, ${literal(migration.name)});`,
    ],
  });
}

/**
 * Where a schema stands: the version recorded in its `pipkit_migrations` (0 when it has none, or
 * the schema does not exist), the latest this build knows and the steps still to apply. Only
 * reads; runs on a `Pool`, a `PoolClient` or a `Client`.
 *
 * @example
 * ```ts
 * const status = await migrationStatus(pool, { schema: 'hr' });
 * if (status.pending.length > 0) console.log(`run pipkit migrate: ${status.pending.length} pending`);
 * ```
 */
export async function migrationStatus(
  connection: PgQueryable,
  options: { readonly schema?: string } = {},
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationStatus> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const current = await recordedVersion(connection, checkedSchema(schema));
  const latest = latestMigrationVersion(migrations);
  return {
    schema,
    current,
    latest,
    pending: migrations
      .filter((migration) => migration.version > current)
      .map(({ version, name }) => ({ version, name })),
  };
}
