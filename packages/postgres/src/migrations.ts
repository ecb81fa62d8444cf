import { createHash } from 'node:crypto';
import { StoreError, StoreErrorReasons } from '@pipkit/core';
import { backfillPending, backfillQueryColumns } from './backfill.js';
import { ledgerTableSql, recordedVersion, recordStepSql } from './migrationLedger.js';
import type { PgQueryable } from './pgDriver.js';
import { commitAllV12 } from './sql/commitAllSql.js';
import {
  commitAllV5,
  commitFunction,
  commitManyV1,
  commitManyV2,
  commitV1,
  dropCommitV1,
} from './sql/commitSql.js';
import { outboxDeliveryV9 } from './sql/deliverySql.js';
import {
  eventsV10,
  eventsV8,
  outboxCompactionV8,
  readEventsV10,
  readEventsV8,
} from './sql/eventsSql.js';
import { claimOutboxV1, markDeliveredV1, pendingOutboxV1, writeOutboxV3 } from './sql/outboxSql.js';
import { purgeV1 } from './sql/purgeSql.js';
import { refusalsV11 } from './sql/refusalsSql.js';
import { countPipsV7, inspectV7, queryPipsV7, reportPipsV7 } from './sql/queryFunctionsSql.js';
import { queryTablesV7 } from './sql/querySql.js';
import { viewsV7 } from './sql/viewsSql.js';
import {
  getIdempotencyV1,
  inspectV3,
  listV1,
  listV2,
  loadManyV4,
  loadV1,
  readEventsV1,
} from './sql/readSql.js';
import { tablesV1, tablesV3 } from './sql/tablesSql.js';
import {
  claimTimersV1,
  claimTimersV3,
  countTimerFaultV3,
  dueTimersV1,
  dueTimersV3,
  resetTimerFaultsV6,
} from './sql/timerSql.js';
import { inTransaction, type TransactionMode } from './transaction.js';

export { TENANT_TABLES } from './sql/tablesSql.js';

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
    name: 'pips, events, timers and outbox with leases, idempotency; tenant row security; functions',
    sql: (s) => `${tablesV1(s)}\n      ${functionsV1(s)}\n    `,
  },
  {
    version: 2,
    name: 'pipkit_commit and pipkit_commit_many take jsonb documents; pipkit_list returns pip ids',
    sql: (s) => [dropCommitV1(s), commitFunction(s), commitManyV2(s), listV2(s)].join(''),
  },
  {
    version: 3,
    name: 'envelope policy columns; timer fault counts and parks; inspect; indexes by PIP',
    sql: (s) =>
      [
        tablesV3(s),
        commitFunction(s, {
          timerReset: ', attempts = 0, parked_code = NULL',
          policyColumns: true,
        }),
        dueTimersV3(s),
        claimTimersV3(s),
        countTimerFaultV3(s),
        writeOutboxV3(s),
        inspectV3(s),
      ].join(''),
  },
  {
    version: 4,
    name: 'pipkit_load_many: a round of envelopes in one statement, for the sweep',
    sql: (s) => loadManyV4(s),
  },
  {
    version: 5,
    name: 'pipkit_commit_all: a batch of commits without a subtransaction each (commitMany fast path)',
    sql: (s) => commitAllV5(s),
  },
  {
    version: 6,
    name: 'pipkit_reset_timer_faults: an operator retries a PIP whose deadlines were parked',
    sql: (s) => resetTimerFaultsV6(s),
  },
  {
    version: 7,
    name: 'query columns and indexes; pipkit_commit writes them; queries, counts, reports; BI views',
    sql: (s) =>
      [
        queryTablesV7(s),
        commitFunction(s, {
          timerReset: ', attempts = 0, parked_code = NULL',
          policyColumns: true,
          queryColumns: true,
        }),
        queryPipsV7(s),
        countPipsV7(s),
        reportPipsV7(s),
        inspectV7(s),
        viewsV7(s),
      ].join(''),
  },
  {
    version: 8,
    name: 'event hashes as 32 bytes, the previous hash implied by the sequence; outbox compaction',
    sql: (s) =>
      [
        eventsV8(s),
        commitFunction(s, {
          timerReset: ', attempts = 0, parked_code = NULL',
          policyColumns: true,
          queryColumns: true,
          compactEvents: true,
        }),
        readEventsV8(s),
        outboxCompactionV8(s),
      ].join(''),
  },
  {
    version: 9,
    name: 'outbox delivery state: attempts, last error, next attempt, dead letters; relay functions at the engine clock',
    sql: (s) => outboxDeliveryV9(s),
  },
  {
    version: 10,
    name: 'event JSON compressed with a preset dictionary (events written before keep their text)',
    sql: (s) =>
      [
        eventsV10(s),
        commitFunction(s, {
          timerReset: ', attempts = 0, parked_code = NULL',
          policyColumns: true,
          queryColumns: true,
          compactEvents: true,
          deflatedEvents: true,
        }),
        readEventsV10(s),
      ].join(''),
  },
  {
    version: 11,
    name: 'refusal log: a hash chain of refused attempts per tenant and PIP, row security, kept by purge',
    sql: (s) => refusalsV11(s),
  },
  {
    version: 12,
    name: 'pipkit_commit_all writes a round as one set of statements, not one call per request',
    sql: (s) => commitAllV12(s),
  },
];

/**
 * Version 1's functions: each store call is one statement, `SELECT ... FROM fn(tenant, ...)`, so
 * a command commits in one round trip and every call names its tenant. SECURITY INVOKER (the
 * default): row security applies to the calling role.
 */
function functionsV1(s: string): string {
  const steps = [
    commitV1,
    commitManyV1,
    loadV1,
    readEventsV1,
    getIdempotencyV1,
    listV1,
    dueTimersV1,
    claimTimersV1,
    pendingOutboxV1,
    claimOutboxV1,
    purgeV1,
    markDeliveredV1,
  ];
  return `${steps.map((step) => step(s)).join('')}  `;
}

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
 * transaction. Then, while version 7's backfill queue exists, it fills the query columns of PIPs
 * written before them in batches of their own transactions (see `backfillQueryColumns`), also
 * on a schema that is already current, so a backfill a crash interrupted goes on.
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
  const mode = options.mode ?? 'transaction';
  // Fast path without the lock: an instance starting on a current schema never waits, not even
  // for a host transaction that holds the lock because it migrated through a host client.
  if ((await recordedVersion(connection, s)) === latest) {
    // A backfill an earlier process did not finish (it crashed) goes on here.
    if (await backfillPending(connection, schema)) {
      await backfillQueryColumns(connection, schema, s, mode);
    }
    return [];
  }
  const versions = await inTransaction(connection, mode, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [migrationLockKey(schema)]);
    // CREATE SCHEMA needs the CREATE privilege even with IF NOT EXISTS: only ask when missing.
    const existing = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rows.length === 0) await db.query(`CREATE SCHEMA ${s}`);
    await db.query(ledgerTableSql(s));
    const current = await recordedVersion(db, s);
    if (current > latest) {
      throw new StoreError(
        `Schema "${schema}" has pipkit schema version ${current}; this @pipkit/postgres knows ` +
          `versions up to ${latest}. Upgrade @pipkit/postgres to use it.`,
        { retryable: false, reason: StoreErrorReasons.SCHEMA_TOO_NEW },
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await db.query(migration.sql(s));
      await db.query(recordStepSql(s), [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
  // Version 7's query columns of PIPs written before it, in batches of their own transactions.
  if (await backfillPending(connection, schema)) {
    await backfillQueryColumns(connection, schema, s, mode);
  }
  return versions;
}
