import { StoreError, StoreErrorReasons } from '@pipkit/core';
import type { SqliteDatabase } from './sqliteDatabase.js';

/** One schema step. Applied once, in `version` order, and never edited after release. */
export interface Migration {
  /** 1-based and contiguous; recorded in `pipkit_migrations`. */
  readonly version: number;
  /** A short description, recorded with the version. */
  readonly name: string;
  /** The DDL to run. */
  readonly sql: string;
}

/**
 * Every schema step of `@pipkit/sqlite`, oldest first. Append new steps; never change a released
 * one (a database that already recorded it would not run the change).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'pips, events, timers, outbox, idempotency',
    sql: `
      -- The current envelope of each PIP. The record column is the exact JSON the engine wrote;
      -- the other columns are copies of its fields, for filters and the version guard.
      CREATE TABLE pipkit_pips (
        pip_id      TEXT    NOT NULL PRIMARY KEY,
        employee_id TEXT    NOT NULL,
        manager_id  TEXT    NOT NULL,
        state       TEXT    NOT NULL,
        version     INTEGER NOT NULL CHECK (version >= 1),
        record      TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL
      );
      -- list() filters one column and pages by id.
      CREATE INDEX pipkit_pips_state    ON pipkit_pips (state, pip_id);
      CREATE INDEX pipkit_pips_employee ON pipkit_pips (employee_id, pip_id);
      CREATE INDEX pipkit_pips_manager  ON pipkit_pips (manager_id, pip_id);

      -- The append-only, hash-chained log. The primary key on (pip_id, seq) is the real
      -- concurrency guard: two writers can never both append the same seq.
      CREATE TABLE pipkit_events (
        pip_id    TEXT    NOT NULL REFERENCES pipkit_pips (pip_id),
        seq       INTEGER NOT NULL CHECK (seq >= 1),
        event     TEXT    NOT NULL,
        prev_hash TEXT    NOT NULL,
        hash      TEXT    NOT NULL,
        PRIMARY KEY (pip_id, seq)
      ) WITHOUT ROWID;

      -- Pending deadlines only: a cleared or replaced timer is deleted or overwritten.
      CREATE TABLE pipkit_timers (
        timer_id    TEXT NOT NULL PRIMARY KEY,
        pip_id      TEXT NOT NULL REFERENCES pipkit_pips (pip_id),
        deadline_id TEXT NOT NULL,
        kind        TEXT NOT NULL,
        due_at      TEXT NOT NULL
      );
      -- dueTimers() reads this index in order and stops at the limit.
      CREATE INDEX pipkit_timers_due ON pipkit_timers (due_at, timer_id);

      -- Side effects written with the command. position gives a stable oldest-first order
      -- (AUTOINCREMENT: never reused, even for the highest row).
      CREATE TABLE pipkit_outbox (
        position     INTEGER PRIMARY KEY AUTOINCREMENT,
        id           TEXT NOT NULL UNIQUE,
        pip_id       TEXT NOT NULL REFERENCES pipkit_pips (pip_id),
        type         TEXT NOT NULL,
        payload      TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        delivered_at TEXT
      );
      -- Only undelivered rows, so the relay's scan stays small as history grows.
      CREATE INDEX pipkit_outbox_pending ON pipkit_outbox (position) WHERE delivered_at IS NULL;

      -- The first outcome recorded under each idempotency key.
      CREATE TABLE pipkit_idempotency (
        key          TEXT    NOT NULL PRIMARY KEY,
        pip_id       TEXT    NOT NULL REFERENCES pipkit_pips (pip_id),
        request_hash TEXT    NOT NULL,
        version      INTEGER NOT NULL,
        seqs         TEXT    NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'envelope policy columns, timer fault counts and parks',
    sql: `
      -- The envelope's policy, in its own columns beside the record JSON, so that inspect (and
      -- engine.verify through it) compares what the store holds with what the events imply.
      -- Filled from the record where it parses; a row that does not stays NULL (only that PIP
      -- is affected, and verify reports it).
      ALTER TABLE pipkit_pips ADD COLUMN policy_id TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN policy_version INTEGER;
      UPDATE pipkit_pips
         SET policy_id      = CASE WHEN json_valid(record) THEN json_extract(record, '$.policyId') END,
             policy_version = CASE WHEN json_valid(record) THEN json_extract(record, '$.policyVersion') END;

      -- Failed fires of a timer at its current due time, and the park: a parked timer
      -- (parked_code set) is never swept. Setting the timer again resets both.
      ALTER TABLE pipkit_timers ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE pipkit_timers ADD COLUMN parked_code TEXT;
      -- The sweep reads only unparked timers, in due order.
      DROP INDEX pipkit_timers_due;
      CREATE INDEX pipkit_timers_due ON pipkit_timers (due_at, timer_id) WHERE parked_code IS NULL;

      -- One PIP's timers and outbox rows (inspect, purge): child keys indexed, as
      -- https://www.sqlite.org/foreignkeys.html advises.
      CREATE INDEX pipkit_timers_pip ON pipkit_timers (pip_id);
      CREATE INDEX pipkit_outbox_pip ON pipkit_outbox (pip_id, position);
    `,
  },
];

/** The schema version this build of `@pipkit/sqlite` writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a database up to {@link SCHEMA_VERSION}: creates `pipkit_migrations` if needed and runs
 * every step not yet recorded, all in one `BEGIN IMMEDIATE` transaction, so two processes opening
 * the same file at once apply each step exactly once and a failed step leaves nothing behind.
 * Refuses a database written by a newer `@pipkit/sqlite` (its schema is unknown here).
 *
 * @returns the versions applied now (empty when the database was already current)
 */
export function migrate(
  database: SqliteDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  const apply = database.transaction((): number[] => {
    database.exec(`
      CREATE TABLE IF NOT EXISTS pipkit_migrations (
        version    INTEGER NOT NULL PRIMARY KEY,
        name       TEXT    NOT NULL,
        applied_at TEXT    NOT NULL
      )
    `);
    const row = database
      .prepare('SELECT coalesce(max(version), 0) AS version FROM pipkit_migrations')
      .get() as { version: number };
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (row.version > latest) throw schemaTooNew(row.version, latest);
    const record = database.prepare(
      "INSERT INTO pipkit_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= row.version) continue;
      database.exec(migration.sql);
      record.run(migration.version, migration.name);
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}

/** The error for a database written by a newer `@pipkit/sqlite`: upgrade to open it. */
function schemaTooNew(found: number, latest: number): StoreError {
  return new StoreError(
    `This database has pipkit schema version ${found}; this @pipkit/sqlite knows ` +
      `versions up to ${latest}. Upgrade @pipkit/sqlite to open it.`,
    { retryable: false, reason: StoreErrorReasons.SCHEMA_TOO_NEW },
  );
}

/**
 * The schema version of a database this store may read without writing anything: refuses a
 * file with no pipkit schema (`NOT_A_PIPKIT_DATABASE`) and one from a newer `@pipkit/sqlite`
 * (`SCHEMA_TOO_NEW`). Only reads (`sqlite_master`, `pipkit_migrations`), so it runs on a
 * read-only connection.
 */
export function readableSchemaVersion(database: SqliteDatabase): number {
  const tables = new Set(
    (
      database
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('pipkit_migrations', 'pipkit_pips')",
        )
        .all() as { name: string }[]
    ).map((row) => row.name),
  );
  const version = tables.has('pipkit_migrations')
    ? (
        database
          .prepare('SELECT coalesce(max(version), 0) AS version FROM pipkit_migrations')
          .get() as { version: number }
      ).version
    : 0;
  if (version < 1 || !tables.has('pipkit_pips')) {
    throw new StoreError(
      'This file is a SQLite database but not a pipkit database (it has no pipkit schema). Point the store at a file written by pipkit.',
      { retryable: false, reason: StoreErrorReasons.NOT_A_PIPKIT_DATABASE },
    );
  }
  if (version > SCHEMA_VERSION) throw schemaTooNew(version, SCHEMA_VERSION);
  return version;
}
