import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Actor,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  durations,
  type PipRecord,
} from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';
import pg from 'pg';
import { issuedPipSeeds } from './fixtures.js';
import { type BenchResult, compare, median, timeCalls } from './harness.js';

const PENDING = 1_000_000;
const PIPS = 100_000;
const NOW = '2026-06-01T00:00:00.000Z';
const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The sweep's query under load: 1,000,000 pending timers (10 per PIP, 10% of them due), and the
 * store claiming the next 100 due ones, against the raw query doing the same on the same table.
 * Then `engine.tick` on SQLite firing 10,000 deadlines, batched into transactions, against raw
 * better-sqlite3 doing the same writes in the same batches.
 */
export async function sweepBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const results: BenchResult[] = [];
  const info: Record<string, number> = {};
  const directory = mkdtempSync(join(tmpdir(), 'pipkit-sweep-'));
  try {
    results.push(await sqliteClaim(join(directory, 'claim.db')));
    const postgres = await postgresClaim();
    if (postgres) results.push(postgres);
    const tick = await sqliteTick(join(directory, 'tick.db'), join(directory, 'raw.db'));
    results.push(tick.result);
    Object.assign(info, tick.info);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return { results, info };
}

/** Due at `NOW` minus a little for 1% of timers, in the future for the rest. */
const dueAtSql = (n: string) =>
  `CASE WHEN ${n} % 10 = 0 THEN '2026-05-01T00:00:00.000Z' ELSE '2027-01-01T00:00:00.000Z' END`;

async function sqliteClaim(path: string): Promise<BenchResult> {
  const store = sqliteStore({ path });
  const db = store.database;
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${PIPS})
    INSERT INTO pipkit_pips (pip_id, employee_id, manager_id, state, version, record, updated_at)
    SELECT printf('pip-%06d', i), 'e', 'm', 'active', 1, '{}', '${NOW}' FROM n;
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${PENDING})
    INSERT INTO pipkit_timers (timer_id, pip_id, deadline_id, kind, due_at)
    SELECT printf('pip-%06d/checkIn:%d', i % ${PIPS}, i / ${PIPS}), printf('pip-%06d', i % ${PIPS}),
           printf('checkIn:%d', i / ${PIPS}), 'checkIn', ${dueAtSql('i')} FROM n;
  `);
  const raw = db.prepare(
    // The store's own query: parked timers are left out, which is what lets SQLite use the
    // partial due index (pipkit_timers_due ... WHERE parked_code IS NULL).
    `SELECT timer_id, pip_id, deadline_id, kind, due_at FROM pipkit_timers
      WHERE due_at <= ? AND parked_code IS NULL ORDER BY due_at, timer_id LIMIT ?`,
  );
  const result = await compare(
    'store.dueTimers: next 100 due of 1,000,000 pending (SQLite)',
    async () => {
      const due = await store.dueTimers(NOW, 100);
      if (due.length !== 100) throw new Error('expected 100 due timers');
      return 1;
    },
    'raw better-sqlite3, the same query',
    () => {
      if (raw.all(NOW, 100).length !== 100) throw new Error('expected 100 due timers');
      return 1;
    },
    { rounds: 5, roundMs: 300 },
  );
  await store.close();
  return result;
}

async function postgresClaim(): Promise<BenchResult | undefined> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  try {
    await pool.query('SELECT 1');
  } catch {
    await pool.end();
    console.error(`postgres claim bench skipped: no server at ${PG_URL}`);
    return undefined;
  }
  const schema = `pipkit_bench_sweep_${randomBytes(4).toString('hex')}`;
  try {
    const store = postgresStore({ pool, schema });
    await store.ready();
    const s = `"${schema}"`;
    await pool.query(
      `INSERT INTO ${s}.pipkit_pips
         (tenant_id, pip_id, employee_id, manager_id, state, version, record, updated_at)
       SELECT 'default', 'pip-' || lpad(i::text, 6, '0'), 'e', 'm', 'active', 1, '{}', $1
         FROM generate_series(0, ${PIPS - 1}) AS i`,
      [NOW],
    );
    await pool.query(
      `INSERT INTO ${s}.pipkit_timers (tenant_id, timer_id, pip_id, deadline_id, kind, due_at)
       SELECT 'default', 'pip-' || lpad((i % ${PIPS})::text, 6, '0') || '/checkIn:' || (i / ${PIPS}),
              'pip-' || lpad((i % ${PIPS})::text, 6, '0'), 'checkIn:' || (i / ${PIPS}), 'checkIn',
              (${dueAtSql('i')})::timestamptz
         FROM generate_series(0, ${PENDING - 1}) AS i`,
    );
    await pool.query(`ANALYZE ${s}.pipkit_timers`);
    // The raw statement: the same claim (lease the next 100 free due timers, skipping rows
    // another sweeper is locking), written by hand against the same table.
    const rawClaim = `
      UPDATE ${s}.pipkit_timers
         SET leased_by = $1, leased_until = now() + interval '60 seconds'
       WHERE tenant_id = 'default' AND timer_id IN (
             SELECT timer_id FROM ${s}.pipkit_timers
              WHERE tenant_id = 'default' AND due_at <= $2
                AND (leased_until IS NULL OR leased_until <= now() OR leased_by = $1)
              ORDER BY due_at, timer_id LIMIT 100
                FOR UPDATE SKIP LOCKED)
      RETURNING timer_id, pip_id, deadline_id, kind, due_at`;
    // A sweep fires what it claims and the timers go away, so each claim (timed) is followed by
    // deleting the claimed rows (not timed); both sides alternate on the same table.
    const drop = (ids: string[]) =>
      pool.query(
        `DELETE FROM ${s}.pipkit_timers WHERE tenant_id = 'default' AND timer_id = ANY($1)`,
        [ids],
      );
    const subjectMs: number[] = [];
    const baselineMs: number[] = [];
    for (let round = 0; round < 300; round += 1) {
      let start = performance.now();
      const claimed = await store.claimDueTimers(NOW, 100, { owner: 'bench', leaseMs: 60_000 });
      subjectMs.push(performance.now() - start);
      if (claimed.length !== 100) throw new Error('expected 100 claimed timers');
      await drop(claimed.map((timer) => timer.timerId));
      start = performance.now();
      const { rows } = await pool.query(rawClaim, ['bench', NOW]);
      baselineMs.push(performance.now() - start);
      if (rows.length !== 100) throw new Error('expected 100 claimed timers');
      await drop(rows.map((row) => (row as { timer_id: string }).timer_id));
    }
    const opsPerSec = 1000 / median(subjectMs);
    const baselineOpsPerSec = 1000 / median(baselineMs);
    return {
      name: 'store.claimDueTimers: lease the next 100 due of 1,000,000 pending (Postgres, SKIP LOCKED)',
      opsPerSec,
      baselineName: 'raw pg, the same UPDATE ... FOR UPDATE SKIP LOCKED',
      baselineOpsPerSec,
      ratio: opsPerSec / baselineOpsPerSec,
    };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const tickPolicy = definePolicy({
  ...defaultPolicyDocument,
  id: 'sweep-bench',
  approval: { required: false },
  acknowledgement: { mode: 'required', due: durations.daysAfter(5) },
});
const FIRES = 10_000;
/** The baseline's event hash: 32 bytes, as the store keeps one (schema 4). */
const RAW_HASH = Buffer.alloc(32, 0xab);

/**
 * 10,000 PIPs whose acknowledgement is overdue, written through the store port with real hashes;
 * `engine.tick` fires them all (SQLite file, WAL, synchronous=FULL). The baseline does the same
 * writes per fire with raw better-sqlite3, in transactions of the same size as the engine's
 * rounds (500).
 */
export async function sqliteTick(
  path: string,
  rawPath: string,
): Promise<{ result: BenchResult; info: Record<string, number> }> {
  const issuedAt = '2026-01-05T15:00:00.000Z';
  const due = '2026-01-11T15:00:00.000Z';
  const seedCommit = issuedPipSeeds(tickPolicy);
  const seed = async (store: ReturnType<typeof sqliteStore>, prefix: string) => {
    const requests = Array.from({ length: FIRES }, (_, index) =>
      seedCommit(`${prefix}-${String(index).padStart(6, '0')}`, index, issuedAt, due),
    );
    await (store.commitMany as NonNullable<typeof store.commitMany>)(requests);
  };

  // Both sides start each timed sweep from a collected heap (the bench runs with --expose-gc), so
  // the garbage of the seeding and of earlier benches is charged to neither.
  const gc = (globalThis as { gc?: () => void }).gc;
  const store = sqliteStore({ path });
  // Where a sweep's time goes: its store calls, each made once per round of 500 fires (the
  // seeding's calls are left out below), and the rest, the engine's deciding.
  const storeCalls = ['dueTimers', 'loadMany', 'commitMany'] as const;
  const spent = timeCalls(store, storeCalls);
  const inSweeps = { dueTimers: 0, loadMany: 0, commitMany: 0, sweep: 0 };
  const engine = createEngine({ store, policies: [tickPolicy] });
  const rawStore = sqliteStore({ path: rawPath });
  const db = rawStore.database;
  let round = 0;
  let fired = 0;
  let rawFired = 0;
  // Each measured call seeds a fresh set of overdue PIPs (untimed) and fires them all (timed).
  const subject = async () => {
    round += 1;
    await seed(store, `r${round}`);
    gc?.();
    const before = { ...spent };
    const start = performance.now();
    const result = await engine.tick('2026-01-12T00:00:00.000Z', { limit: 500 });
    const ms = performance.now() - start;
    if (result.fired.length !== FIRES) throw new Error(`fired ${result.fired.length}`);
    for (const name of storeCalls) inSweeps[name] += spent[name] - before[name];
    inSweeps.sweep += ms;
    fired += FIRES;
    return { ms, count: FIRES };
  };
  const sample = (await (async () => {
    await seed(rawStore, 'raw0');
    return rawStore.load('raw0-000000');
  })()) as PipRecord;
  const recordText = JSON.stringify(sample);
  // What the engine writes per fire here: two events (overdue, escalated), one outbox message.
  const eventText = JSON.stringify({ type: 'ACKNOWLEDGEMENT_OVERDUE', at: due, actor: manager });
  const escalatedText = JSON.stringify({
    type: 'ESCALATED',
    at: due,
    actor: manager,
    trigger: 'acknowledgementOverdue',
    notify: ['hr'],
  });
  const payloadText = JSON.stringify({
    template: 'escalation',
    notify: ['hr'],
    pad: 'x'.repeat(150),
  });
  const statements = {
    exists: db.prepare('SELECT 1 FROM pipkit_idempotency WHERE key = ?'),
    version: db.prepare('SELECT version FROM pipkit_pips WHERE pip_id = ?'),
    update: db.prepare(
      'UPDATE pipkit_pips SET state = ?, version = ?, record = ?, updated_at = ? WHERE pip_id = ? AND version = ?',
    ),
    event: db.prepare(
      'INSERT INTO pipkit_events (pip_id, seq, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?)',
    ),
    drop: db.prepare('DELETE FROM pipkit_timers WHERE timer_id = ?'),
    outbox: db.prepare(
      'INSERT INTO pipkit_outbox (id, pip_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    key: db.prepare(
      'INSERT INTO pipkit_idempotency (key, pip_id, request_hash, version, seqs) VALUES (?, ?, ?, ?, ?)',
    ),
    due: db.prepare(
      'SELECT timer_id, pip_id FROM pipkit_timers WHERE due_at <= ? ORDER BY due_at, timer_id LIMIT ?',
    ),
  };
  const rawBatch = db.transaction((rows: { timer_id: string; pip_id: string }[]) => {
    for (const row of rows) {
      statements.exists.get(`timer:${row.timer_id}`);
      const { version } = statements.version.get(row.pip_id) as { version: number };
      statements.update.run('opened', version + 2, recordText, due, row.pip_id, version);
      statements.event.run(row.pip_id, version + 1, eventText, null, RAW_HASH);
      statements.event.run(row.pip_id, version + 2, escalatedText, null, RAW_HASH);
      statements.drop.run(row.timer_id);
      statements.outbox.run(
        `${row.pip_id}:${version + 2}:0`,
        row.pip_id,
        'escalation',
        payloadText,
        due,
      );
      statements.key.run(`timer:${row.timer_id}`, row.pip_id, 'r'.repeat(64), version + 2, '[3,4]');
    }
  });
  let rawRound = 0;
  let rawMs = 0;
  const baseline = async () => {
    rawRound += 1;
    if (rawRound > 1) await seed(rawStore, `raw${rawRound}`);
    gc?.();
    const start = performance.now();
    for (;;) {
      const rows = statements.due.all('2026-01-12T00:00:00.000Z', 500) as {
        timer_id: string;
        pip_id: string;
      }[];
      if (rows.length === 0) break;
      rawBatch.immediate(rows);
      rawFired += rows.length;
    }
    const ms = performance.now() - start;
    rawMs += ms;
    return { ms, count: FIRES };
  };

  // Seeding dominates wall time, so rounds are timed around the sweep only.
  const subjectRates: number[] = [];
  const baselineRates: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    const b = await baseline();
    baselineRates.push((b.count / b.ms) * 1000);
    const s = await subject();
    subjectRates.push((s.count / s.ms) * 1000);
  }
  const perFire = (ms: number, count = fired) => Number(((ms * 1000) / count).toFixed(1));
  const opsPerSec = median(subjectRates);
  const baselineOpsPerSec = median(baselineRates);
  await store.close();
  await rawStore.close();
  return {
    result: {
      name: `engine.tick: deadlines fired/s, ${FIRES.toLocaleString('en-US')} due (SQLite file, WAL, synchronous=FULL, batched)`,
      opsPerSec,
      baselineName: 'raw better-sqlite3, the same rows written in transactions of 500',
      baselineOpsPerSec,
      ratio: opsPerSec / baselineOpsPerSec,
    },
    info: {
      sqliteTickFiresPerSec: Math.round(opsPerSec),
      sqliteTickFiredTotal: fired,
      sqliteTickRawFiredTotal: rawFired,
      // Mean µs a fire over the timed sweeps: the whole sweep, each store call, the engine's rest.
      sqliteTickUsPerFire: perFire(inSweeps.sweep),
      sqliteTickDueTimersUsPerFire: perFire(inSweeps.dueTimers),
      sqliteTickLoadManyUsPerFire: perFire(inSweeps.loadMany),
      sqliteTickCommitManyUsPerFire: perFire(inSweeps.commitMany),
      sqliteTickEngineUsPerFire: perFire(
        inSweeps.sweep - inSweeps.dueTimers - inSweeps.loadMany - inSweeps.commitMany,
      ),
      sqliteTickRawUsPerFire: perFire(rawMs, rawFired),
    },
  };
}
