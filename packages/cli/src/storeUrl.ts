/**
 * Opening the store a command names: `--store <url>`, `--db <file>` or `PIPKIT_STORE_URL`, on
 * SQLite or PostgreSQL, with typed errors that never print a password.
 * @module
 */
import { isPipkitError } from '@pipkit/core';
import {
  migrationStatus as postgresMigrationStatus,
  type MigrationStatus as PostgresMigrationStatus,
  postgresStore,
  type PostgresStore,
} from '@pipkit/postgres';
import { sqliteStore, type SqliteStore } from '@pipkit/sqlite';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { StoreAccessCodes, StoreAccessError } from './storeAccessError.js';
import {
  parseStoreUrl,
  type PostgresStoreTarget,
  scrubSecrets,
  type SqliteStoreTarget,
} from './storeTarget.js';

/** How {@link openStoreUrl} opens a store. */
export interface OpenStoreOptions {
  /** The folder a relative SQLite path resolves against. */
  readonly cwd: string;
  /**
   * Open for reading only. SQLite: the file is opened read-only (nothing changes, no migration).
   * PostgreSQL: nothing is migrated, and a schema that is missing or behind is refused with
   * `CLI_STORE_SCHEMA_NOT_READY` (run `pipkit migrate`). Default false: a SQLite file or a
   * Postgres schema that is behind is migrated forward, as the stores do at open.
   */
  readonly readOnly?: boolean;
  /** The Postgres tenant to read and write (default the store's, `default`). Refused on SQLite. */
  readonly tenantId?: string;
  /** SQLite: create the file when missing (default false: a missing file is refused). */
  readonly create?: boolean;
  /** How long to wait for a Postgres connection before `CLI_STORE_UNREACHABLE`. Default 10000. */
  readonly connectTimeoutMs?: number;
}

/** A store opened by URL; `close()` closes the store and the connection pool the CLI opened. */
export type OpenedStore =
  | {
      readonly kind: 'sqlite';
      readonly store: SqliteStore;
      readonly target: SqliteStoreTarget;
      close(): Promise<void>;
    }
  | {
      readonly kind: 'postgres';
      readonly store: PostgresStore;
      readonly target: PostgresStoreTarget;
      /** The pool the store runs on (for `migrate` and `LISTEN`): the CLI owns it. */
      readonly pool: pg.Pool;
      close(): Promise<void>;
    };

/** What to suggest for each way opening a SQLite file can fail, by store error reason. */
const SQLITE_HINTS: Readonly<Record<string, string>> = {
  STORE_SCHEMA_TOO_NEW: 'The file was written by a newer pipkit: upgrade @pipkit/cli to read it.',
  STORE_BUSY: 'Another process is writing the file: try again in a moment.',
  STORE_READ_ONLY:
    'The file (or its folder) cannot be written: check its permissions, or use a command that only reads.',
};
const SQLITE_DEFAULT_HINT =
  'Point --store at a file written by pipkit (`pipkit demo --db pips.db` makes one).';

function openSqlite(target: SqliteStoreTarget, options: OpenStoreOptions): OpenedStore {
  if (options.tenantId !== undefined) {
    throw new StoreAccessError(
      StoreAccessCodes.INVALID_URL,
      `--tenant is for PostgreSQL; the SQLite file ${target.path} is one tenant.`,
      'Drop --tenant, or point --store at a postgres:// URL.',
    );
  }
  if (options.create !== true && !existsSync(target.path)) {
    throw new StoreAccessError(
      StoreAccessCodes.NOT_FOUND,
      `No database file at ${target.path}.`,
      'Check the path; `pipkit demo --db pips.db` creates one to try the commands on, `pipkit migrate --store sqlite:<file>` an empty one.',
    );
  }
  try {
    const store = sqliteStore({ path: target.path, readOnly: options.readOnly ?? false });
    return { kind: 'sqlite', store, target, close: () => store.close() };
  } catch (error) {
    // By code, not class: the CLI and @pipkit/sqlite may load different copies of core.
    if (!isPipkitError(error)) throw error;
    const reason = (error as { reason?: unknown }).reason;
    throw new StoreAccessError(
      StoreAccessCodes.UNREADABLE,
      `${target.path} is not a readable pipkit database: ${error.message}`,
      (typeof reason === 'string' ? SQLITE_HINTS[reason] : undefined) ?? SQLITE_DEFAULT_HINT,
    );
  }
}

/** The pool the CLI opens for a Postgres URL: it owns it, and ends it on close. */
export function postgresPool(target: PostgresStoreTarget, connectTimeoutMs = 10_000): pg.Pool {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  // An idle connection the server ends emits `error` on the pool: drop it, do not crash.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Where the schema stands, read on the pool; a failure to connect or log in is
 * `CLI_STORE_UNREACHABLE` (exit code 3) with the driver's reason and never the password.
 */
export async function reachSchema(
  pool: pg.Pool,
  target: PostgresStoreTarget,
): Promise<PostgresMigrationStatus> {
  try {
    return await postgresMigrationStatus(pool, { schema: target.schema });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const first = ((error as Error).message ?? String(error)).split('\n')[0] ?? '';
    const why = scrubSecrets(
      target,
      [typeof code === 'string' ? code : '', first].join(' ').trim(),
    );
    throw new StoreAccessError(
      StoreAccessCodes.UNREACHABLE,
      `Cannot reach ${target.display}: ${why || 'the connection failed'}.`,
      'Check the host, port, database, user and password (PGPASSWORD and ~/.pgpass work too), and that the server is up; then try again.',
    );
  }
}

/** Refuses a schema this build cannot use as it stands, read-only or written by a newer pipkit. */
function checkSchema(
  status: PostgresMigrationStatus,
  target: PostgresStoreTarget,
  readOnly: boolean,
): void {
  const where = `schema "${status.schema}" of ${target.display}`;
  if (status.current > status.latest) {
    throw new StoreAccessError(
      StoreAccessCodes.UNREADABLE,
      `The ${where} has pipkit schema version ${status.current}; this CLI knows versions up to ${status.latest}.`,
      'Upgrade @pipkit/cli to use it.',
    );
  }
  if (readOnly && status.current < status.latest) {
    throw new StoreAccessError(
      StoreAccessCodes.SCHEMA_NOT_READY,
      status.current === 0
        ? `The ${where} holds no pipkit schema.`
        : `The ${where} is at pipkit schema version ${status.current} of ${status.latest}; a command that only reads does not migrate it.`,
      `Run \`pipkit migrate --store <url>\` (or apply \`pipkit migrate --print-sql\` with your migration tool) first.`,
    );
  }
}

async function openPostgres(
  target: PostgresStoreTarget,
  options: OpenStoreOptions,
): Promise<OpenedStore> {
  const pool = postgresPool(target, options.connectTimeoutMs);
  try {
    const readOnly = options.readOnly ?? false;
    checkSchema(await reachSchema(pool, target), target, readOnly);
    const store = postgresStore({
      pool,
      schema: target.schema,
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    });
    // Read-write: migrate a schema that is behind now, as the store would on its first call.
    if (!readOnly) await store.ready();
    return {
      kind: 'postgres',
      store,
      target,
      pool,
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    if (isPipkitError(error) && !(error instanceof StoreAccessError)) {
      throw new StoreAccessError(
        StoreAccessCodes.UNREADABLE,
        scrubSecrets(target, `Cannot open ${target.display}: ${error.code}: ${error.message}`),
        'Check the --tenant and the schema named in the URL.',
      );
    }
    throw error;
  }
}

/**
 * Opens the store a URL names: a SQLite file (`sqlite:pips.db`, `sqlite:///abs/pips.db`,
 * `file:` URLs, a bare path) or a PostgreSQL schema (`postgres://` or `postgresql://`, the schema
 * as `?schema=` or `options=-c search_path=`, default `pipkit`). On Postgres the CLI opens and
 * owns a `pg.Pool` (with a connect timeout), checks the server answers, and migrates a schema
 * that is behind unless `readOnly`. Every error is a {@link StoreAccessError} with a stable code;
 * none prints the URL's password.
 *
 * @example
 * ```ts
 * const opened = await openStoreUrl('postgres://pipkit@db/hr?schema=pipkit', {
 *   cwd: process.cwd(),
 *   readOnly: true,
 *   tenantId: 'acme',
 * });
 * try {
 *   console.log(await opened.store.list({ limit: 10 }));
 * } finally {
 *   await opened.close();
 * }
 * ```
 */
export async function openStoreUrl(url: string, options: OpenStoreOptions): Promise<OpenedStore> {
  const target = parseStoreUrl(url, options.cwd);
  if (target.kind === 'sqlite') return openSqlite(target, options);
  return openPostgres(target, options);
}
