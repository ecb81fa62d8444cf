/**
 * Schema migrations of the store a URL names, for `pipkit migrate`: where the schema stands,
 * applying the pending steps, and the SQL script of the steps, from the migrations each store
 * package runs itself.
 * @module
 */
import { migrate as migratePostgres, migrationScript as postgresScript } from '@pipkit/postgres';
import {
  MIGRATIONS as SQLITE_MIGRATIONS,
  migrationScript as sqliteScript,
  migrationStatus as sqliteStatus,
  SCHEMA_VERSION as SQLITE_VERSION,
  sqliteStore,
  type SqliteStore,
} from '@pipkit/sqlite';
import { existsSync } from 'node:fs';
import { isPipkitError } from '@pipkit/core';
import { StoreAccessCodes, StoreAccessError } from './storeAccessError.js';
import {
  type PostgresStoreTarget,
  scrubSecrets,
  type SqliteStoreTarget,
  type StoreTarget,
} from './storeTarget.js';
import { postgresPool, reachSchema } from './storeUrl.js';

/** Where a store's schema stands against this CLI's store packages. */
export interface SchemaReport {
  /** The store, as printed: the file path, or the URL without its password. */
  readonly store: string;
  readonly kind: 'sqlite' | 'postgres';
  /** The Postgres schema (absent for SQLite). */
  readonly schema?: string;
  /** The version recorded in the store; 0 when it holds no pipkit schema. */
  readonly current: number;
  /** The version this CLI's store package writes. */
  readonly latest: number;
  /** True when `current` is `latest`. */
  readonly upToDate: boolean;
  /** The steps still to apply, oldest first. */
  readonly pending: readonly { readonly version: number; readonly name: string }[];
}

function report(
  target: StoreTarget,
  status: { current: number; latest: number; pending: SchemaReport['pending'] },
): SchemaReport {
  return {
    store: target.display,
    kind: target.kind,
    ...(target.kind === 'postgres' ? { schema: target.schema } : {}),
    current: status.current,
    latest: status.latest,
    upToDate: status.current === status.latest,
    pending: status.pending,
  };
}

/** Reads a SQLite file's status without changing it; a file that is not pipkit's is refused. */
async function sqliteFileStatus(target: SqliteStoreTarget): Promise<SchemaReport> {
  if (!existsSync(target.path)) {
    throw new StoreAccessError(
      StoreAccessCodes.NOT_FOUND,
      `No database file at ${target.path}.`,
      '`pipkit migrate --store sqlite:<file>` creates it with the latest schema.',
    );
  }
  let store: SqliteStore;
  try {
    // Read-only: no migration runs, the file is not changed, an older schema still opens.
    store = sqliteStore({ path: target.path, readOnly: true });
  } catch (error) {
    if (!isPipkitError(error)) throw error;
    throw new StoreAccessError(
      StoreAccessCodes.UNREADABLE,
      `${target.path} is not a readable pipkit database: ${error.message}`,
      'Point --store at a file written by pipkit, or at a new path for `pipkit migrate apply`.',
    );
  }
  try {
    return report(target, sqliteStatus(store.database));
  } finally {
    await store.close();
  }
}

/** Where the store's schema stands. Changes nothing. */
export async function schemaReport(target: StoreTarget): Promise<SchemaReport> {
  if (target.kind === 'sqlite') return sqliteFileStatus(target);
  const pool = postgresPool(target);
  try {
    return report(target, await reachSchema(pool, target));
  } finally {
    await pool.end();
  }
}

/** What {@link applyMigrations} did. */
export interface MigrationRun {
  readonly before: SchemaReport;
  readonly after: SchemaReport;
  /** The versions applied now (empty when the schema was current). */
  readonly applied: readonly number[];
}

/** A store error raised while migrating, as the CLI reports it (never with the password). */
function migrationFailure(target: StoreTarget, error: unknown): never {
  if (error instanceof StoreAccessError || !isPipkitError(error)) throw error;
  throw new StoreAccessError(
    StoreAccessCodes.UNREADABLE,
    scrubSecrets(target, `Cannot migrate ${target.display}: ${error.code}: ${error.message}`),
    'A schema written by a newer pipkit needs a newer @pipkit/cli; otherwise check the permissions of the user.',
  );
}

async function applyPostgres(target: PostgresStoreTarget): Promise<MigrationRun> {
  const pool = postgresPool(target);
  try {
    const before = report(target, await reachSchema(pool, target));
    const connection = await pool.connect();
    let applied: number[];
    try {
      applied = await migratePostgres(connection, { schema: target.schema });
    } catch (error) {
      migrationFailure(target, error);
    } finally {
      connection.release();
    }
    return { before, after: report(target, await reachSchema(pool, target)), applied };
  } finally {
    await pool.end();
  }
}

/** The status of a file that does not exist yet: every step pending. */
function emptySqlite(target: SqliteStoreTarget): SchemaReport {
  const pending = SQLITE_MIGRATIONS.map(({ version, name }) => ({ version, name }));
  return report(target, { current: 0, latest: SQLITE_VERSION, pending });
}

async function applySqlite(target: SqliteStoreTarget): Promise<MigrationRun> {
  const before = existsSync(target.path) ? await sqliteFileStatus(target) : emptySqlite(target);
  try {
    // Opening read-write applies every pending step in one transaction, as at any open.
    await sqliteStore({ path: target.path }).close();
  } catch (error) {
    migrationFailure(target, error);
  }
  const after = await sqliteFileStatus(target);
  const applied = before.pending
    .map((step) => step.version)
    .filter((version) => version <= after.current);
  return { before, after, applied };
}

/** Applies every pending step (creating a missing SQLite file), in one transaction. */
export async function applyMigrations(target: StoreTarget): Promise<MigrationRun> {
  return target.kind === 'sqlite' ? applySqlite(target) : applyPostgres(target);
}

/**
 * The SQL script the store runs to go from version `from` to the latest, from the same
 * migrations the store package applies (for Postgres, in the URL's schema).
 */
export function migrationSql(target: StoreTarget, from: number): string {
  return target.kind === 'sqlite'
    ? sqliteScript({ from })
    : postgresScript({ schema: target.schema, from });
}
