/**
 * The stores the "cost as it grows" bench grows: a SQLite file in a temporary folder with the
 * store's default durability (WAL, `synchronous=FULL`), and a fresh schema on the Postgres server
 * at `PIPKIT_PG_URL`. Each gives the store call the sweep makes to read or claim due timers and
 * the bytes the store's data takes, and removes everything it made when closed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipStore } from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';
import pg from 'pg';
import { analyzeSchemas } from './queueBaselines.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One store under the bench. */
export interface Target {
  readonly name: 'sqlite' | 'postgres';
  readonly store: PipStore;
  /** The store call `engine.tick` makes for a round of `limit` at `now`: the rows it returns. */
  claim(now: string, limit: number): Promise<number>;
  /** The bytes the store's data takes now. */
  bytes(): Promise<number>;
  /** Brings the query planner's statistics up to date as the population grows (see below). */
  analyze(): Promise<void>;
  /** Closes the store and deletes its file or schema. */
  close(): Promise<void>;
}

/**
 * A SQLite file. The sweep reads due timers with `dueTimers` (the store has no leases: one
 * process writes); bytes are the file's size after `wal_checkpoint(TRUNCATE)`, with no VACUUM.
 * `analyze` does nothing: SQLite's planner has statistics only from an `ANALYZE` someone runs,
 * not kept up as the content changes (sqlite.org, "ANALYZE"), and neither the store nor anything
 * else runs one for a host, so the file is measured as a host has it.
 */
export function sqliteTarget(): Target {
  const directory = mkdtempSync(join(tmpdir(), 'pipkit-scale-'));
  const path = join(directory, 'scale.db');
  const store = sqliteStore({ path });
  return {
    name: 'sqlite',
    store,
    claim: async (now, limit) => (await store.dueTimers(now, limit)).length,
    bytes: () => {
      store.database.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return Promise.resolve(statSync(path).size);
    },
    analyze: () => Promise.resolve(),
    close: async () => {
      try {
        await store.close();
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A fresh schema on Postgres, or `undefined` (with a note) when no server answers. The sweep
 * claims due timers with `claimDueTimers`, as every engine on Postgres does; the bench's claims
 * take a lease of 0 ms, so the timers stay free for the tick that follows. Bytes are
 * `pg_total_relation_size` (heap, TOAST, indexes) summed over the schema's tables, as they stand
 * (no VACUUM: the dead row versions the writes left are part of what a host stores).
 *
 * `analyze` runs `ANALYZE` on the schema's tables, the statistics autovacuum keeps on a host's
 * server (on by default; it analyzes a table once 50 rows plus 10% of it changed: PostgreSQL
 * docs, "25.1.6. The Autovacuum Daemon"). A server with autovacuum off, as a bench machine may
 * be, never collects them, and then the plans the store's connections cache keep the choices
 * made while the schema was nearly empty, when a lookup by `(tenant_id, pip_id)` or by
 * `(tenant_id, timer_id)` cost no more through an index that leads with `tenant_id` alone than
 * through the primary key: seen here, the foreign-key check of each event, timer and outbox row
 * through `pipkit_pips_state_since` and each timer clear through `pipkit_timers_pip`, each
 * walking the tenant's whole table, so every commit costs more as the schema grows. New
 * statistics make every cached plan that reads the table be planned again (docs, "PREPARE",
 * Notes), so the bench calls this as the population grows.
 */
export async function postgresTarget(): Promise<Target | undefined> {
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    await admin.query('SELECT 1');
  } catch {
    console.error(`scale bench: Postgres skipped, no server at ${PG_URL}`);
    await admin.end();
    return undefined;
  }
  const schema = `pipkit_bench_scale_${randomBytes(4).toString('hex')}`;
  // More connections than the store's concurrentCommits (2), so seeding batches overlap.
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const store = postgresStore({ pool, schema });
  await store.ready();
  return {
    name: 'postgres',
    store,
    claim: async (now, limit) =>
      (await store.claimDueTimers(now, limit, { owner: 'scale-bench-probe', leaseMs: 0 })).length,
    bytes: async () => {
      const { rows } = await admin.query(
        `SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)::float8 AS bytes
           FROM pg_tables WHERE schemaname = $1`,
        [schema],
      );
      return (rows[0] as { bytes: number }).bytes;
    },
    analyze: () => analyzeSchemas(PG_URL, [schema]),
    close: async () => {
      try {
        await store.close();
        await pool.end();
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    },
  };
}
