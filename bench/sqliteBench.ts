import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '@pipkit/sqlite';
import { activePips } from './fixtures.js';
import { type BenchResult, compare, latencyOf } from './harness.js';

const PIPS = 200;
/** The baseline's event hash: 32 bytes, as the store keeps one (schema 4). */
const RAW_HASH = Buffer.alloc(32, 0xab);

/**
 * Persisted dispatch on SQLite (WAL, synchronous=FULL: one disk flush per command) against raw
 * better-sqlite3 doing the same writes in the same transaction pattern: append an event, update
 * the envelope at the expected version, replace one timer and delete another. Also p50/p99.
 */
export async function sqliteBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const directory = mkdtempSync(join(tmpdir(), 'pipkit-bench-'));
  try {
    const store = sqliteStore({ path: join(directory, 'engine.db') });
    const { engine } = await activePips(store, PIPS);
    let cursor = 0;
    const dispatchOne = async () => {
      const n = cursor++ % PIPS;
      await engine.dispatch(
        `pip-${n}`,
        { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
        { actor: { id: `mgr-${n}`, role: 'manager' } },
      );
    };

    // The raw baseline: the same tables, the same statements, one IMMEDIATE transaction each.
    const rawStore = sqliteStore({ path: join(directory, 'raw.db') });
    const db = rawStore.database;
    const sample = await store.load('pip-0');
    const recordText = JSON.stringify(sample);
    const eventText = JSON.stringify((await store.readEvents('pip-0')).at(-1));
    const seed = db.prepare(
      'INSERT INTO pipkit_pips (pip_id, employee_id, manager_id, state, version, record, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (let index = 0; index < PIPS; index += 1)
      seed.run(`raw-${index}`, 'e', 'm', 'active', 1, recordText, '2026-03-17T14:00:00.000Z');
    const insertEvent = db.prepare(
      'INSERT INTO pipkit_events (pip_id, seq, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?)',
    );
    const updatePip = db.prepare(
      'UPDATE pipkit_pips SET state = ?, version = ?, record = ?, updated_at = ? WHERE pip_id = ? AND version = ?',
    );
    const putTimer = db.prepare(
      'INSERT OR REPLACE INTO pipkit_timers (timer_id, pip_id, deadline_id, kind, due_at) VALUES (?, ?, ?, ?, ?)',
    );
    const dropTimer = db.prepare('DELETE FROM pipkit_timers WHERE timer_id = ?');
    const versions = new Array<number>(PIPS).fill(1);
    const rawWrite = db.transaction((index: number) => {
      const version = versions[index] as number;
      insertEvent.run(`raw-${index}`, version + 1, eventText, null, RAW_HASH);
      const changed = updatePip.run(
        'active',
        version + 1,
        recordText,
        '2026-03-17T14:00:00.000Z',
        `raw-${index}`,
        version,
      );
      if (changed.changes !== 1) throw new Error('version guard failed');
      dropTimer.run(`raw-${index}/checkIn:${version}`);
      putTimer.run(
        `raw-${index}/checkIn:${version + 1}`,
        `raw-${index}`,
        `checkIn:${version + 1}`,
        'checkIn',
        '2026-03-31T04:00:00.000Z',
      );
      versions[index] = version + 1;
    });
    let rawCursor = 0;
    const rawOne = () => {
      rawWrite.immediate(rawCursor++ % PIPS);
    };

    const result = await compare(
      'engine.dispatch RECORD_CHECK_IN (SQLite file, WAL, synchronous=FULL)',
      async () => {
        for (let index = 0; index < 10; index += 1) await dispatchOne();
        return 10;
      },
      'raw better-sqlite3, same writes per transaction',
      () => {
        for (let index = 0; index < 10; index += 1) rawOne();
        return 10;
      },
      { rounds: 5, roundMs: 400 },
    );

    const wal = await walBytesPerCommand(
      [join(directory, 'engine.db'), store.database],
      [join(directory, 'raw.db'), db],
      dispatchOne,
      rawOne,
    );

    const latency = await latencyOf(dispatchOne, 1000);
    await store.close();
    await rawStore.close();
    return {
      results: [result],
      info: {
        sqliteDispatchP50Ms: latency.p50Ms,
        sqliteDispatchP99Ms: latency.p99Ms,
        sqliteDispatchWalBytesPerCommand: wal.engine,
        sqliteRawWalBytesPerCommand: wal.raw,
      },
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The few pragmas the WAL measurement needs of a connection. */
interface Pragmas {
  pragma(source: string): unknown;
}

/**
 * Bytes each side appends to its write-ahead log per command, over 500 commands with automatic
 * checkpoints off (then back to SQLite's default of 1,000 pages): what each disk flush carries.
 * Every b-tree page a commit changes (a table's, or an index's whose entry moved) is one frame
 * of a page plus 24 bytes (https://www.sqlite.org/fileformat2.html#walformat).
 */
async function walBytesPerCommand(
  [enginePath, engineDb]: [string, Pragmas],
  [rawPath, rawDb]: [string, Pragmas],
  engineOne: () => Promise<void>,
  rawOne: () => void,
): Promise<{ engine: number; raw: number }> {
  const COMMANDS = 500;
  const measure = async (path: string, db: Pragmas, one: () => Promise<void> | void) => {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('wal_autocheckpoint = 0');
    for (let index = 0; index < COMMANDS; index += 1) await one();
    const bytes = statSync(`${path}-wal`).size;
    db.pragma('wal_autocheckpoint = 1000');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return Math.round(bytes / COMMANDS);
  };
  return {
    engine: await measure(enginePath, engineDb, engineOne),
    raw: await measure(rawPath, rawDb, rawOne),
  };
}
