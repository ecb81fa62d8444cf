import { createHash } from 'node:crypto';
import type { PgQueryable } from './pgDriver.js';
import { inTransaction, type TransactionMode } from './transaction.js';

/** One schema step. Applied once, in `version` order, and never edited after release. */
export interface Migration {
  /** 1-based and contiguous; recorded in `<schema>.pipkit_migrations`. */
  readonly version: number;
  /** A short description, recorded with the version. */
  readonly name: string;
  /** The DDL to run, given the already quoted schema name (for example `"pipkit"`). */
  readonly sql: (schema: string) => string;
}

/**
 * Every schema step of `@pipkit/postgres`, oldest first. Append new steps; never change a
 * released one (a database that already recorded it would not run the change).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'pips, events, timers with leases, outbox, idempotency',
    sql: (s) => `
      -- Ids sort bytewise (COLLATE "C"), as in the memory and SQLite stores, whatever the
      -- database's collation: list() pages by id and the sweep orders by (due_at, timer_id).

      -- The current envelope of each PIP. record is the exact JSON text the engine wrote (text,
      -- not jsonb: byte-exact round trips, no reordered keys, no rejected \\u0000); the other
      -- columns are copies of its fields, for filters and the version guard.
      CREATE TABLE ${s}.pipkit_pips (
        pip_id      text COLLATE "C" NOT NULL PRIMARY KEY,
        employee_id text NOT NULL,
        manager_id  text NOT NULL,
        state       text NOT NULL,
        version     integer NOT NULL CHECK (version >= 1),
        record      text NOT NULL,
        updated_at  text NOT NULL
      );
      -- list() filters one column and pages by id.
      CREATE INDEX pipkit_pips_state    ON ${s}.pipkit_pips (state, pip_id);
      CREATE INDEX pipkit_pips_employee ON ${s}.pipkit_pips (employee_id, pip_id);
      CREATE INDEX pipkit_pips_manager  ON ${s}.pipkit_pips (manager_id, pip_id);

      -- The append-only, hash-chained log. The primary key on (pip_id, seq) is the real
      -- concurrency guard: two writers can never both append the same seq.
      CREATE TABLE ${s}.pipkit_events (
        pip_id    text COLLATE "C" NOT NULL REFERENCES ${s}.pipkit_pips (pip_id),
        seq       integer NOT NULL CHECK (seq >= 1),
        event     text NOT NULL,
        prev_hash text NOT NULL,
        hash      text NOT NULL,
        PRIMARY KEY (pip_id, seq)
      );

      -- Pending deadlines only: a cleared or replaced timer is deleted or overwritten (which also
      -- drops its lease). A lease is compared with the database clock, never an engine's.
      CREATE TABLE ${s}.pipkit_timers (
        timer_id     text COLLATE "C" NOT NULL PRIMARY KEY,
        pip_id       text COLLATE "C" NOT NULL REFERENCES ${s}.pipkit_pips (pip_id),
        deadline_id  text NOT NULL,
        kind         text NOT NULL,
        due_at       timestamptz NOT NULL,
        leased_by    text,
        leased_until timestamptz
      );
      -- dueTimers() and claimDueTimers() read this index in order and stop at the limit.
      CREATE INDEX pipkit_timers_due ON ${s}.pipkit_timers (due_at, timer_id);

      -- Side effects written with the command; position gives a stable oldest-first order.
      CREATE TABLE ${s}.pipkit_outbox (
        position     bigserial PRIMARY KEY,
        id           text COLLATE "C" NOT NULL UNIQUE,
        pip_id       text COLLATE "C" NOT NULL REFERENCES ${s}.pipkit_pips (pip_id),
        type         text NOT NULL,
        payload      text NOT NULL,
        created_at   text NOT NULL,
        delivered_at timestamptz
      );
      -- Only undelivered rows, so the relay's scan stays small as history grows.
      CREATE INDEX pipkit_outbox_pending ON ${s}.pipkit_outbox (position)
        WHERE delivered_at IS NULL;

      -- The first outcome recorded under each idempotency key. A commit inserts its key before
      -- the PIP row exists, so the reference is checked at commit time.
      CREATE TABLE ${s}.pipkit_idempotency (
        key          text COLLATE "C" NOT NULL PRIMARY KEY,
        pip_id       text COLLATE "C" NOT NULL
                       REFERENCES ${s}.pipkit_pips (pip_id) DEFERRABLE INITIALLY DEFERRED,
        request_hash text NOT NULL,
        version      integer NOT NULL,
        seqs         text NOT NULL
      );
    `,
  },
];

/** The schema version this build of `@pipkit/postgres` writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The default schema the store's tables live in. */
export const DEFAULT_SCHEMA = 'pipkit';

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** True for a lowercase, unquoted-safe Postgres identifier of at most 63 bytes. */
export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER.test(name);
}

/** The schema name as a quoted identifier. Only ever called with a checked plain identifier. */
export function quoteIdentifier(name: string): string {
  if (!isPlainIdentifier(name)) throw new Error(`Not a plain identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/**
 * The advisory lock key that serialises migrations of one schema: the first 8 bytes of
 * SHA-256("pipkit:migrations:<schema>") as a signed 64-bit integer, so engines migrating
 * different schemas never wait for each other.
 */
export function migrationLockKey(schema: string): string {
  return createHash('sha256')
    .update(`pipkit:migrations:${schema}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Brings a schema up to {@link SCHEMA_VERSION}: creates the schema and `pipkit_migrations` if
 * needed and runs every step not yet recorded, all in one transaction holding
 * `pg_advisory_xact_lock(<key of the schema>)`, so engine instances starting together apply each
 * step exactly once and a failed step leaves nothing behind. Refuses a schema written by a newer
 * `@pipkit/postgres`. `connection` must be one connection (a `pg.Client` or a checked-out
 * `PoolClient`), not a `Pool`; with `mode: 'savepoint'` it runs inside the caller's open
 * transaction.
 *
 * @returns the versions applied now (empty when the schema was already current)
 */
export async function migrate(
  connection: PgQueryable,
  options: {
    readonly schema?: string;
    readonly migrations?: readonly Migration[];
    readonly mode?: TransactionMode;
  } = {},
): Promise<number[]> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const migrations = options.migrations ?? MIGRATIONS;
  const s = quoteIdentifier(schema);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  // Fast path without the lock: an instance starting on a current schema never waits, not even
  // for a host transaction that holds the lock because it migrated through a host client.
  if ((await recordedVersion(connection, s)) === latest) return [];
  return inTransaction(connection, options.mode ?? 'transaction', async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [migrationLockKey(schema)]);
    // CREATE SCHEMA needs the CREATE privilege even with IF NOT EXISTS: only ask when missing.
    const existing = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rows.length === 0) await db.query(`CREATE SCHEMA ${s}`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS ${s}.pipkit_migrations (
        version    integer NOT NULL PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const current = await recordedVersion(db, s);
    if (current > latest) {
      throw new Error(
        `Schema "${schema}" has pipkit schema version ${current}; this @pipkit/postgres knows ` +
          `versions up to ${latest}. Upgrade @pipkit/postgres to use it.`,
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await db.query(migration.sql(s));
      await db.query(`INSERT INTO ${s}.pipkit_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/** The highest version recorded in the schema's `pipkit_migrations`; 0 when there is none. */
async function recordedVersion(connection: PgQueryable, quotedSchema: string): Promise<number> {
  const table = `${quotedSchema}.pipkit_migrations`;
  const { rows } = await connection.query('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  if (!(rows[0] as { present: boolean }).present) return 0;
  const result = await connection.query(
    `SELECT coalesce(max(version), 0) AS version FROM ${table}`,
  );
  return (result.rows[0] as { version: number }).version;
}
