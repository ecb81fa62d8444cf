import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStore, type PipEvent, StoreError } from '@pipkit/core';
import { decompressEventJson } from '@pipkit/core/adapter';
import { createTestClock } from '@pipkit/core/testing';
import { postgresStore } from '@pipkit/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createServiceEngine } from './config.js';
import { captureLogs, eventually, PG_URL, T0, testDatabase } from './__fixtures__/service.js';
import { seedActors, seedPips } from './seed.js';
import { runWorker } from './worker.js';

const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const PIP_COUNT = 30;
const DAY = 86_400_000;
const STEP_DAYS = 5;
const SIMULATED_DAYS = 100;
const SYSTEM_ACTOR_ID = 'pipkit:timer';

const db = testDatabase('worker');
const schema = db.newSchema();
const clockDir = mkdtempSync(join(tmpdir(), 'pipkit-clock-'));
const clockFile = join(clockDir, 'now');
afterAll(async () => {
  await db.dropAll();
  rmSync(clockDir, { recursive: true, force: true });
});

/** Moves the workers' simulated clock: written aside and renamed, so a reader never sees half. */
function setClock(instant: string): void {
  writeFileSync(`${clockFile}.next`, instant);
  renameSync(`${clockFile}.next`, clockFile);
}

interface Worker {
  readonly process: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

/** Spawns `pnpm worker` as its own process on the test schema, on the simulated clock. */
function spawnWorker(options: { schema?: string; pgUrl?: string } = {}): Worker {
  const child = spawn(
    process.execPath,
    ['--conditions=@pipkit/source', '--import', 'tsx', 'src/worker.ts'],
    {
      cwd: PACKAGE_DIR,
      env: {
        ...process.env,
        PIPKIT_STORE: 'postgres',
        PIPKIT_PG_URL: options.pgUrl ?? PG_URL,
        PIPKIT_PG_SCHEMA: options.schema ?? schema,
        PIPKIT_CLOCK_FILE: clockFile,
        PIPKIT_WORKER_IDLE_MS: '10',
        // Small batches, so the two workers share the work within each step.
        PIPKIT_WORKER_BATCH: '4',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete)
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0) console.error(`worker ${child.pid} exited ${code}: ${stderr}`);
      resolve(code);
    }),
  );
  return { process: child, lines, exited };
}

const messages = (worker: Worker, msg: string) => worker.lines.filter((line) => line.msg === msg);

describe('the worker process', () => {
  it(`two workers sweeping one Postgres fire every deadline of ${PIP_COUNT} PIPs exactly once`, async () => {
    const store = postgresStore({ connectionString: PG_URL, schema });
    const seedEngine = createServiceEngine(store, createTestClock(T0));
    await seedPips(seedEngine, { count: PIP_COUNT });
    setClock(T0);

    const workers = [spawnWorker(), spawnWorker()];
    try {
      await eventually(
        () => workers.every((worker) => messages(worker, 'worker started').length === 1),
        'both workers started',
        { attempts: 600 },
      );
      // Simulated time moves in steps; after each, wait until nothing due is left.
      for (let day = STEP_DAYS; day <= SIMULATED_DAYS; day += STEP_DAYS) {
        const now = new Date(Date.parse(T0) + day * DAY).toISOString();
        setClock(now);
        await eventually(
          async () => (await store.dueTimers(now, 1)).length === 0,
          `every deadline due by ${now} fired`,
        );
      }
      await eventually(
        async () => (await store.pendingOutbox(1)).length === 0,
        'every notification delivered',
      );
    } finally {
      for (const worker of workers) worker.process.kill('SIGTERM');
    }
    const codes = await Promise.all(workers.map((worker) => worker.exited));

    // Graceful shutdown: each finished its round, closed its pool and exited 0.
    expect(codes).toEqual([0, 0]);
    for (const worker of workers) expect(messages(worker, 'worker stopped')).toHaveLength(1);

    // Each fire is one commit under its timer's idempotency key, and the log holds no other
    // system event: no deadline took effect twice.
    const keys = (
      await db.pool.query(
        `SELECT key, pip_id, seqs FROM "${schema}".pipkit_idempotency WHERE key LIKE 'pipkit:fire:%'`,
      )
    ).rows as { key: string; pip_id: string; seqs: string }[];
    const systemEvents = (
      (
        await db.pool.query(
          `SELECT pip_id, seq, event, event_deflated FROM "${schema}".pipkit_events`,
        )
      ).rows as { pip_id: string; seq: number; event: string | null; event_deflated: Buffer }[]
    ).filter((row) => {
      // Events are stored compressed (migration 10); the JSON is what the engine wrote.
      const json = row.event ?? decompressEventJson(row.event_deflated) ?? 'null';
      return (JSON.parse(json) as PipEvent).actor.id === SYSTEM_ACTOR_ID;
    });
    const covered = new Set<string>();
    for (const key of keys) {
      for (const seq of JSON.parse(key.seqs) as number[]) {
        const id = `${key.pip_id}#${seq}`;
        expect(covered.has(id), id).toBe(false);
        covered.add(id);
      }
    }
    expect(keys.length).toBeGreaterThan(PIP_COUNT);
    expect(covered.size).toBe(systemEvents.length);

    // What the workers reported firing is exactly that set of deadlines, split between them.
    const firedBy = workers.map((worker) =>
      messages(worker, 'worker round').flatMap((line) => line.fired as string[]),
    );
    const reported = new Set(firedBy.flat());
    expect([...reported].sort()).toEqual(keys.map((key) => key.key).sort());
    expect(firedBy.every((fired) => fired.length > 0)).toBe(true);
    console.log(
      `2 worker processes, ${PIP_COUNT} PIPs, ${SIMULATED_DAYS} simulated days in steps of ` +
        `${STEP_DAYS}: ${keys.length} deadlines fired once each (per worker ` +
        `${firedBy.map((fired) => fired.length).join('/')}, ` +
        `${firedBy.flat().length - reported.size} harmless replays), ` +
        `${systemEvents.length} system events`,
    );

    // Every notification was delivered (at least once: two relays may both deliver one).
    const outbox = (await db.pool.query(`SELECT id FROM "${schema}".pipkit_outbox`)).rows as {
      id: string;
    }[];
    const delivered = new Set(
      workers.flatMap((worker) =>
        messages(worker, 'worker round').flatMap((line) => line.delivered as string[]),
      ),
    );
    expect(outbox.length).toBeGreaterThan(0);
    for (const { id } of outbox) expect(delivered.has(id), id).toBe(true);

    // Every PIP's chain verifies and its replay reproduces the snapshot.
    for (const { pipId } of await store.list({ limit: 1000 })) {
      const verification = await seedEngine.verify(pipId, { actor: seedActors.hr });
      expect(verification.ok, pipId).toBe(true);
    }
    await store.close();
  }, 30_000);
});

describe('runWorker', () => {
  it('logs a failed round and keeps sweeping', async () => {
    const clock = createTestClock(T0);
    const store = memoryStore();
    const engine = createServiceEngine(store, clock);
    await seedPips(engine, { count: 3 });
    clock.advance({ days: 30 });
    let ticks = 0;
    const flaky = {
      ...engine,
      tick: (...args: Parameters<typeof engine.tick>) => {
        ticks += 1;
        if (ticks === 1) throw new StoreError('database restarting', { retryable: true });
        return engine.tick(...args);
      },
    };
    const logs = captureLogs();
    const controller = new AbortController();
    const running = runWorker({
      engine: flaky,
      logger: logs.logger,
      signal: controller.signal,
      idleMs: 1,
    });
    await eventually(async () => (await store.dueTimers(clock.iso(), 1)).length === 0, 'swept');
    controller.abort();
    const summary = await running;
    expect(summary.failedRounds).toBe(1);
    expect(summary.fired).toBeGreaterThan(0);
    expect(logs.text()).toContain('worker round failed; retrying');
  });
});

describe('the worker process when Postgres drops its connections', () => {
  it('logs the lost connections, keeps sweeping, and still stops cleanly', async () => {
    const ownSchema = db.newSchema();
    const applicationName = `pipkit_worker_${ownSchema}`.slice(0, 60);
    const url = new URL(PG_URL);
    url.searchParams.set('application_name', applicationName);
    const store = postgresStore({ connectionString: PG_URL, schema: ownSchema });
    await seedPips(createServiceEngine(store, createTestClock(T0)), { count: 6 });
    const later = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();
    setClock(later(10));
    const worker = spawnWorker({ schema: ownSchema, pgUrl: url.toString() });
    try {
      await eventually(async () => (await store.dueTimers(later(10), 1)).length === 0, 'swept');
      const disrupted = () =>
        messages(worker, 'idle database connection lost').length +
        messages(worker, 'worker round failed; retrying').length;
      await eventually(async () => {
        await db.pool.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        return disrupted() > 0;
      }, 'the worker noticed its connections were dropped');
      setClock(later(40));
      await eventually(async () => (await store.dueTimers(later(40), 1)).length === 0, 'swept');
    } finally {
      worker.process.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
    expect(messages(worker, 'worker stopped')).toHaveLength(1);
    await store.close();
  }, 20_000);
});
