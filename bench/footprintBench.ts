import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor, Engine, PipStore } from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';
import pg from 'pg';
import { activePips } from './fixtures.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** PIPs per store; `PIPKIT_FOOTPRINT_PIPS` overrides it. */
const PIPS = Number(process.env.PIPKIT_FOOTPRINT_PIPS ?? 1000);
/** Commands each PIP receives: 4 to reach `active` (open, submit, approve, acknowledge), then 16. */
export const COMMANDS_PER_PIP = 20;

/**
 * Bytes per PIP of the layout before this bench existed (pipkit 0.x, SQLite schema 3, Postgres
 * migration 7), measured with this bench at 1,000 PIPs on 2026-12-05 (docs/benchmarks.md, "Storage
 * footprint"). The bench reports today's figure as a ratio of these.
 */
export const FOOTPRINT_BASELINE = Object.freeze({
  sqliteBytesPerPip: 18_280,
  postgresBytesPerPip: 33_800,
  postgresFullVacuumBytesPerPip: 18_153,
  postgresWalBytesPerCommand: 3_970,
});

const hr: Actor = { id: 'hr-1', role: 'hr' };
const doc = (index: number, n: number) => ({
  kind: 'evidence',
  ref: `dms://evidence/${index}/${n}`,
  sha256: randomBytes(32).toString('hex'),
});

/**
 * Sends each active PIP the 16 commands after acknowledgement: check-ins (each with its notes),
 * attached evidence, a protected-leave pause and resume, and an extension, over three weeks.
 */
async function sixteenCommands(
  engine: Engine,
  clock: { set(instant: string): void },
  count: number,
): Promise<void> {
  const days = ['2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20', '2026-03-23'];
  for (let index = 0; index < count; index += 1) {
    const pipId = `pip-${index}`;
    const manager: Actor = { id: `mgr-${index}`, role: 'manager' };
    const notes = () => ({ kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) });
    let step = 0;
    const at = () => {
      clock.set(
        `${days[Math.floor(step / 4)] ?? '2026-03-23'}T${String(10 + (step % 4)).padStart(2, '0')}:00:00Z`,
      );
      step += 1;
    };
    const send = async (command: Parameters<Engine['dispatch']>[1], actor: Actor = manager) => {
      at();
      await engine.dispatch(pipId, command, { actor });
    };
    for (let round = 0; round < 3; round += 1) {
      await send({ type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [notes()] });
      await send({ type: 'ATTACH_DOCUMENT', documents: [doc(index, round)] });
      await send({ type: 'RECORD_CHECK_IN', assessment: 'mixed', documents: [notes()] });
    }
    await send({ type: 'PAUSE', category: 'protectedLeave', hostRef: `leave-${index}` }, hr);
    await send({ type: 'RESUME' }, hr);
    await send({ type: 'EXTEND', amount: 14, reason: 'trainingDelay' }, hr);
    await send({ type: 'ATTACH_DOCUMENT', documents: [doc(index, 9)] });
    await send({ type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [notes()] });
    await send({ type: 'ATTACH_DOCUMENT', documents: [doc(index, 10)] });
    await send({ type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [notes()] });
  }
}

/**
 * Brings `count` PIPs through 20 commands each, delivers every outbox message, and compacts the
 * delivered ones where the store can.
 */
async function twentyCommands(store: PipStore, count: number): Promise<Engine> {
  const { engine, clock } = await activePips(store, count);
  await sixteenCommands(engine, clock, count);
  for (;;) {
    const round = await engine.relay(() => undefined, { limit: 1000 });
    if (round.delivered.length === 0) break;
  }
  // As once the host's retention of delivered messages has passed: a store that compacts its
  // outbox keeps none of them (the baseline's stores could not, and kept them all).
  await store.compactOutbox?.({ deliveredBefore: new Date(Date.now() + 60_000).toISOString() });
  return engine;
}

/** Events per PIP (pip-0's version): every command was accepted, or dispatch would have thrown. */
async function eventsPerPip(store: PipStore): Promise<number> {
  const record = await store.load('pip-0');
  if (!record) throw new Error('footprint bench: pip-0 was not written');
  return record.version;
}

/** The target for the footprint: at most this share of the baseline's bytes per PIP. */
export const FOOTPRINT_TARGET_RATIO = 0.7;

/** Today's figure as a share of the baseline's, to three places. */
const ratio = (today: number, baseline: number): number => Number((today / baseline).toFixed(3));

/** SQLite: file bytes after a checkpoint and VACUUM, and bytes per table and index from dbstat. */
async function sqliteFootprint(info: Record<string, number>): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'pipkit-footprint-'));
  try {
    const path = join(directory, 'footprint.db');
    // synchronous NORMAL: the footprint does not depend on flushes, and the bench runs faster.
    const store = sqliteStore({ path, synchronous: 'NORMAL' });
    await twentyCommands(store, PIPS);
    info.footprintEventsPerPip = await eventsPerPip(store);
    const db = store.database;
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.exec('VACUUM');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const pages = db.prepare('PRAGMA page_count').get() as { page_count: number };
    const size = db.prepare('PRAGMA page_size').get() as { page_size: number };
    const bytes = pages.page_count * size.page_size;
    info.footprintSqliteBytesPerPip = Math.round(bytes / PIPS);
    info.footprintSqliteFileBytesPerPip = Math.round(statSync(path).size / PIPS);
    const tables = db
      .prepare(
        `SELECT coalesce(m.tbl_name, s.name) AS tbl, sum(s.pgsize) AS bytes
           FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name
          WHERE s.name LIKE 'pipkit_%' OR m.tbl_name LIKE 'pipkit_%'
          GROUP BY tbl`,
      )
      .all() as { tbl: string; bytes: number }[];
    for (const row of tables) {
      info[`footprintSqlite_${row.tbl}`] = Math.round(row.bytes / PIPS);
    }
    // Each table's own b-tree and each index's, to see which one a change should go after.
    const relations = db
      .prepare(
        `SELECT s.name AS name, sum(s.pgsize) AS bytes FROM dbstat s
          WHERE s.name LIKE 'pipkit_%' OR s.name LIKE 'sqlite_autoindex_pipkit_%' GROUP BY s.name`,
      )
      .all() as { name: string; bytes: number }[];
    for (const row of relations) {
      info[`footprintSqliteRelation_${row.name}`] = Math.round(row.bytes / PIPS);
    }
    info.footprintSqliteRatio = ratio(
      info.footprintSqliteBytesPerPip,
      FOOTPRINT_BASELINE.sqliteBytesPerPip,
    );
    await store.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The WAL position, to measure the bytes a phase wrote (server-wide: other sessions count too). */
async function walPosition(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query('SELECT pg_current_wal_lsn()::text AS lsn');
  return (rows[0] as { lsn: string }).lsn;
}

/**
 * Postgres: `pg_total_relation_size` (heap, TOAST, indexes) of every table of the schema after a
 * plain VACUUM (the steady state a host sees: dead versions are reusable space, not returned),
 * and after VACUUM FULL (the live data alone), divided by the PIPs; and WAL bytes per command.
 */
async function postgresFootprint(info: Record<string, number>): Promise<void> {
  const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
  try {
    await admin.query('SELECT 1');
  } catch {
    console.error(`footprint bench: Postgres skipped, no server at ${PG_URL}`);
    await admin.end();
    return;
  }
  const schema = `pipkit_footprint_${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    const store = postgresStore({ pool, schema });
    await store.load('pip-none');
    const before = await walPosition(admin);
    await twentyCommands(store, PIPS);
    const after = await walPosition(admin);
    const wal = await admin.query('SELECT pg_wal_lsn_diff($1, $2)::float8 AS bytes', [
      after,
      before,
    ]);
    info.footprintPostgresWalBytesPerCommand = Math.round(
      (wal.rows[0] as { bytes: number }).bytes / (PIPS * COMMANDS_PER_PIP),
    );
    // Whether updates of the PIP row stay HOT (no index touched): a fillfactor helps only then.
    const hot = await admin.query(
      `SELECT coalesce(sum(n_tup_hot_upd), 0)::float8 AS hot, coalesce(sum(n_tup_upd), 0)::float8 AS all
         FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'pipkit_pips'`,
      [schema],
    );
    const updates = hot.rows[0] as { hot: number; all: number };
    info.footprintPostgresPipsHotUpdatePercent =
      updates.all > 0 ? Math.round((100 * updates.hot) / updates.all) : 0;
    const sizes = async (full: boolean) => {
      const { rows } = await admin.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'pipkit_migrations'`,
        [schema],
      );
      const result: Record<string, number> = {};
      for (const { tablename } of rows as { tablename: string }[]) {
        await admin.query(`VACUUM ${full ? 'FULL ' : ''}"${schema}".${tablename}`);
        const size = await admin.query(
          'SELECT pg_total_relation_size($1::regclass)::float8 AS bytes',
          [`"${schema}".${tablename}`],
        );
        result[tablename] = (size.rows[0] as { bytes: number }).bytes;
      }
      return result;
    };
    const plain = await sizes(false);
    for (const [table, bytes] of Object.entries(plain)) {
      info[`footprintPostgres_${table}`] = Math.round(bytes / PIPS);
    }
    const total = (sizesOf: Record<string, number>) =>
      Math.round(Object.values(sizesOf).reduce((sum, bytes) => sum + bytes, 0) / PIPS);
    info.footprintPostgresBytesPerPip = total(plain);
    const full = await sizes(true);
    for (const [table, bytes] of Object.entries(full)) {
      info[`footprintPostgresFull_${table}`] = Math.round(bytes / PIPS);
    }
    // After VACUUM FULL: each relation's own size (heap, its TOAST table, each index).
    const relations = await admin.query(
      `SELECT c.relname, pg_relation_size(c.oid)::float8 AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'i') AND c.relname <> 'pipkit_migrations'
          AND c.relname <> 'pipkit_migrations_pkey'
       UNION ALL
       SELECT c.relname || '_toast', pg_total_relation_size(c.reltoastrelid)::float8
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r' AND c.reltoastrelid <> 0
          AND c.relname <> 'pipkit_migrations'`,
      [schema],
    );
    for (const row of relations.rows as { relname: string; bytes: number }[]) {
      info[`footprintPostgresRelation_${row.relname}`] = Math.round(row.bytes / PIPS);
    }
    info.footprintPostgresFullVacuumBytesPerPip = total(full);
    info.footprintPostgresRatio = ratio(
      info.footprintPostgresBytesPerPip,
      FOOTPRINT_BASELINE.postgresBytesPerPip,
    );
    info.footprintPostgresFullVacuumRatio = ratio(
      info.footprintPostgresFullVacuumBytesPerPip,
      FOOTPRINT_BASELINE.postgresFullVacuumBytesPerPip,
    );
    info.footprintPostgresWalRatio = ratio(
      info.footprintPostgresWalBytesPerCommand,
      FOOTPRINT_BASELINE.postgresWalBytesPerCommand,
    );
    await store.close?.();
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/**
 * The storage footprint: PIPS plans, each sent 20 commands through the engine (open, submit,
 * approve, acknowledge, six check-ins with notes, five documents attached, a protected-leave
 * pause and resume, an extension), every outbox message then delivered and compacted. Reports bytes per PIP on
 * SQLite and on Postgres, per table and per relation (each table's and index's own bytes), Postgres
 * WAL bytes per command, and whether both stores are within {@link FOOTPRINT_TARGET_RATIO} of the
 * baseline (`footprintTargetMet`), in `info`.
 */
export async function footprintBenches(): Promise<{ info: Record<string, number> }> {
  const info: Record<string, number> = { footprintPips: PIPS };
  await sqliteFootprint(info);
  await postgresFootprint(info);
  // 1 when both stores are within the target (Postgres after VACUUM FULL), else 0.
  info.footprintTargetRatio = FOOTPRINT_TARGET_RATIO;
  info.footprintTargetMet =
    (info.footprintSqliteRatio ?? Infinity) <= FOOTPRINT_TARGET_RATIO &&
    (info.footprintPostgresFullVacuumRatio ?? Infinity) <= FOOTPRINT_TARGET_RATIO
      ? 1
      : 0;
  return { info };
}
