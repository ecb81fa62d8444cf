import { StoreError, StoreErrorReasons } from '@pipkit/core';
import { backfillQueryColumns } from './backfill.js';
import { LEDGER_TABLE_SQL, RECORD_STEP_SQL } from './migrationLedger.js';
import { REFUSALS_V7 } from './refusals.js';
import type { SqliteDatabase } from './sqliteDatabase.js';

/**
 * Schema 4's event log: `hash` as its 32 bytes instead of 64 hex characters, and `prev_hash`
 * implied by the sequence: the hash of the event before (the genesis hash for event 1). It is
 * kept, as written, only for an event whose recorded previous hash is not that one (an event
 * written so by an earlier release or a foreign writer), so verification answers exactly as it
 * did on the old rows. A stored hash that is not 64 lowercase hex characters is kept as its text
 * bytes, so it still fails to verify. Also the outbox compaction's cutoff. SQLite cannot change
 * a column's type in place: the table is rebuilt (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
 * Changes"); nothing references it.
 */
const EVENTS_V4 = `
      CREATE TABLE pipkit_events_v4 (
        pip_id    TEXT    NOT NULL REFERENCES pipkit_pips (pip_id),
        seq       INTEGER NOT NULL CHECK (seq >= 1),
        event     TEXT    NOT NULL,
        hash      BLOB    NOT NULL,
        prev_hash TEXT,
        PRIMARY KEY (pip_id, seq)
      ) WITHOUT ROWID;
      INSERT INTO pipkit_events_v4 (pip_id, seq, event, hash, prev_hash)
      SELECT pip_id, seq, event,
             CASE WHEN length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*' THEN unhex(hash)
                  ELSE CAST(hash AS BLOB) END,
             CASE WHEN prev_hash IS coalesce(lag(hash) OVER (PARTITION BY pip_id ORDER BY seq),
                                            CASE WHEN seq = 1 THEN '${'0'.repeat(64)}' END)
                  THEN NULL ELSE prev_hash END
        FROM pipkit_events;
      DROP TABLE pipkit_events;
      ALTER TABLE pipkit_events_v4 RENAME TO pipkit_events;

      -- The latest cutoff compactOutbox deleted delivered messages before (one row), so verify
      -- does not count a message created before it as missing.
      CREATE TABLE pipkit_outbox_compaction (
        id               INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        delivered_before TEXT    NOT NULL
      );
`;

/**
 * Schema 5's delivery state on the outbox: failed attempts, the last error (a stable code and a
 * short message), when to try again, when the relay dead-lettered a message and when an
 * operator discarded it. The relay's partial indexes leave dead letters out; a second one holds
 * only the messages waiting for a later attempt (few), which the relay's page checks per PIP.
 */
const OUTBOX_DELIVERY_V5 = `
      ALTER TABLE pipkit_outbox ADD COLUMN attempts           INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE pipkit_outbox ADD COLUMN next_attempt_at    TEXT;
      ALTER TABLE pipkit_outbox ADD COLUMN last_error_code    TEXT;
      ALTER TABLE pipkit_outbox ADD COLUMN last_error_message TEXT;
      ALTER TABLE pipkit_outbox ADD COLUMN last_error_at      TEXT;
      ALTER TABLE pipkit_outbox ADD COLUMN dead_at            TEXT;
      ALTER TABLE pipkit_outbox ADD COLUMN discarded_at       TEXT;
      DROP INDEX pipkit_outbox_pending;
      CREATE INDEX pipkit_outbox_pending ON pipkit_outbox (position)
        WHERE delivered_at IS NULL AND dead_at IS NULL;
      CREATE INDEX pipkit_outbox_waiting ON pipkit_outbox (pip_id, position)
        WHERE next_attempt_at IS NOT NULL AND delivered_at IS NULL AND dead_at IS NULL;
      CREATE INDEX pipkit_outbox_dead ON pipkit_outbox (id)
        WHERE dead_at IS NOT NULL AND discarded_at IS NULL AND delivered_at IS NULL;
`;

/**
 * Schema 6 stores each new event's JSON compressed: core's `compressEventJson` (raw DEFLATE with
 * a preset dictionary, RFC 1951), a BLOB in the same `event` column, whose TEXT affinity keeps a
 * BLOB as it is (https://www.sqlite.org/datatype3.html, "Type Affinity"). Nothing is rewritten:
 * an event written before stays JSON text and reads as before, so every chain verifies as it
 * did. The step changes no table; its number keeps a release that cannot read compressed events
 * from opening the file (SCHEMA_TOO_NEW).
 */
const EVENTS_V6 = `
      -- pipkit_events.event: a BLOB (format byte 1, then raw DEFLATE) from this version on; TEXT
      -- for the events written before it.
`;

/** One schema step. Applied once, in `version` order, and never edited after release. */
export interface Migration {
  /** 1-based and contiguous; recorded in `pipkit_migrations`. */
  readonly version: number;
  /** A short description, recorded with the version. */
  readonly name: string;
  /** The DDL to run. */
  readonly sql: string;
  /**
   * Work the DDL cannot express (computing derived columns with core), run after `sql` in the
   * same transaction.
   */
  readonly backfill?: (database: SqliteDatabase) => void;
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
  {
    version: 3,
    name: 'query columns, their indexes, BI views',
    sql: `
      -- What queries, counts and reports filter, sort and group on: core's queryColumns of the
      -- record, written by every commit in the same transaction (NULL where a fact does not
      -- apply). created_at is the record's createdAt (the opened filter).
      ALTER TABLE pipkit_pips ADD COLUMN created_at     TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN org_unit_id    TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN issued_at      TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN issued_on      TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN state_since    TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN next_due_at    TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN next_kind      TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN overdue_since  TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN overdue_kind   TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN outcome_status TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN outcome_reason TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN outcome_at     TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN outcome_on     TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN plan_start     TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN plan_end       TEXT;
      ALTER TABLE pipkit_pips ADD COLUMN extensions     INTEGER;
      ALTER TABLE pipkit_pips ADD COLUMN paused_days    INTEGER;

      -- Everyone's queue by next deadline (keyset on next_due_at, pip_id; the PIPs with no
      -- deadline are read from the same index, by id). A manager's plans are few: their own index
      -- and a small sort serve them.
      CREATE INDEX pipkit_pips_due ON pipkit_pips (next_due_at, pip_id);
      -- lastChange (updated_at DESC, pip_id DESC) and the opened range.
      CREATE INDEX pipkit_pips_changed ON pipkit_pips (updated_at, pip_id);
      CREATE INDEX pipkit_pips_created ON pipkit_pips (created_at, pip_id);
      CREATE INDEX pipkit_pips_state_since ON pipkit_pips (state, state_since);
      -- An org unit's plans (a filter, and an HR business partner's scope).
      CREATE INDEX pipkit_pips_org_unit ON pipkit_pips (org_unit_id, pip_id)
        WHERE org_unit_id IS NOT NULL;
      -- Only the PIPs with something overdue (few): a manager's overdue queue in deadline
      -- order, and the overdue filter and overdueByKind for everyone.
      CREATE INDEX pipkit_pips_manager_overdue ON pipkit_pips (manager_id, next_due_at, pip_id)
        WHERE overdue_since IS NOT NULL;
      CREATE INDEX pipkit_pips_overdue ON pipkit_pips (overdue_kind, overdue_since)
        WHERE overdue_since IS NOT NULL;
      -- Only the plans with an outcome, covering outcomesByMonth and timeToOutcome.
      CREATE INDEX pipkit_pips_outcomes
        ON pipkit_pips (outcome_on, policy_id, outcome_status, outcome_reason, issued_on)
        WHERE outcome_on IS NOT NULL;
      -- The closed range.
      CREATE INDEX pipkit_pips_closed ON pipkit_pips (outcome_at) WHERE outcome_at IS NOT NULL;

      -- For BI tools (Metabase, Superset): one row per PIP, readable columns, no personal free
      -- text (ids are the host's opaque ids; reasons are codes). Read-only: never write through it.
      CREATE VIEW pipkit_plan_facts AS
      SELECT pip_id, employee_id, manager_id, org_unit_id, policy_id, policy_version, state, version,
             created_at AS opened_at, updated_at, state_since,
             issued_at, issued_on, plan_start, plan_end,
             CAST(round(julianday(plan_end) - julianday(plan_start)) AS INTEGER) AS plan_days,
             next_due_at, next_kind,
             overdue_since IS NOT NULL AS overdue, overdue_since, overdue_kind,
             extensions, paused_days,
             outcome_status, outcome_reason, outcome_at, outcome_on,
             substr(outcome_on, 1, 7) AS outcome_month,
             CAST(round(julianday(outcome_on) - julianday(issued_on)) AS INTEGER) AS days_to_outcome
        FROM pipkit_pips;

      -- Outcomes by month (of the outcome's local date), policy, status and reason.
      CREATE VIEW pipkit_outcomes AS
      SELECT outcome_month AS month, policy_id, outcome_status,
             coalesce(outcome_reason, '') AS outcome_reason,
             count(*) AS plans,
             round(avg(days_to_outcome), 2) AS mean_days_to_outcome
        FROM pipkit_plan_facts
       WHERE outcome_on IS NOT NULL
       GROUP BY outcome_month, policy_id, outcome_status, coalesce(outcome_reason, '');
    `,
    backfill: backfillQueryColumns,
  },
  {
    version: 4,
    name: 'event hashes as 32 bytes, the previous hash implied by the sequence; outbox compaction',
    sql: EVENTS_V4,
  },
  {
    version: 5,
    name: 'outbox delivery state: attempts, last error, next attempt, dead letters',
    sql: OUTBOX_DELIVERY_V5,
  },
  {
    version: 6,
    name: 'event JSON compressed with a preset dictionary (events written before stay text)',
    sql: EVENTS_V6,
  },
  {
    version: 7,
    name: 'refusal log: a hash chain of refused attempts per PIP, kept by purge',
    sql: REFUSALS_V7,
  },
];

/** The schema version this build of `@pipkit/sqlite` writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a database up to {@link SCHEMA_VERSION}: creates `pipkit_migrations` if needed and runs
 * every step not yet recorded (its DDL, then its backfill), all in one `BEGIN IMMEDIATE`
 * transaction, so two processes opening the same file at once apply each step exactly once and a
 * failed step leaves nothing behind.
 * Refuses a database written by a newer `@pipkit/sqlite` (its schema is unknown here).
 *
 * @returns the versions applied now (empty when the database was already current)
 */
export function migrate(
  database: SqliteDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  const apply = database.transaction((): number[] => {
    database.exec(LEDGER_TABLE_SQL);
    const row = database
      .prepare('SELECT coalesce(max(version), 0) AS version FROM pipkit_migrations')
      .get() as { version: number };
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (row.version > latest) throw schemaTooNew(row.version, latest);
    const record = database.prepare(RECORD_STEP_SQL);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= row.version) continue;
      database.exec(migration.sql);
      migration.backfill?.(database);
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
