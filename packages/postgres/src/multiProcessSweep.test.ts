import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Actor, createEngine, defaultPolicy, type Engine, type PipEvent } from '@pipkit/core';
import { decompressEventJson } from '@pipkit/core/adapter';
import { createTestClock } from '@pipkit/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, testDatabase } from './__fixtures__/database.js';
import { document, hr, manager } from './__fixtures__/lifecycle.js';
import { postgresStore, type PostgresStore } from './postgresStore.js';

/**
 * Four sweeper processes, each an engine with its own pool, sweep one schema at the same
 * simulated instants over 10,000 PIPs whose deadlines are spread across 90 days. Leases split
 * the work; idempotent firing makes any overlap harmless. Every deadline must take effect
 * exactly once.
 */

const PIP_COUNT = Number(process.env.PIPKIT_PG_SWEEP_PIPS ?? 10_000);
const SWEEPERS = 4;
const DAY = 86_400_000;
const SPREAD_DAYS = 90;
const STEP_HOURS = 6;
const BATCH = 25;
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const SYSTEM_ACTOR_ID = 'pipkit:timer';

const db = testDatabase('sweep');
const schema = db.newSchema();
afterAll(() => db.dropAll());

const pipId = (index: number) => `sweep-${String(index).padStart(5, '0')}`;

/** A sweeper process and a way to ask it to sweep at an instant. */
function startSweeper(): {
  tick: (at: string, limit: number) => Promise<string[]>;
  stop: () => Promise<number | null>;
} {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      '--conditions=@pipkit/source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./__fixtures__/sweeper.ts', import.meta.url)),
      PG_URL,
      schema,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: Interface = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    tick: (at, limit) =>
      new Promise<string[]>((resolve, reject) => {
        waiting.push((line) => resolve((JSON.parse(line) as { fired: string[] }).fired));
        void exited.then((code) => reject(new Error(`sweeper exited ${code}: ${stderr}`)));
        child.stdin.write(`${JSON.stringify({ tick: at, limit })}\n`);
      }),
    stop: () => {
      child.stdin.end();
      return exited;
    },
  };
}

/** Opens, submits and approves one PIP at its own instant; every other one is acknowledged. */
async function openPip(store: PostgresStore, index: number): Promise<void> {
  const clock = createTestClock(new Date(T0 + Math.floor((index * SPREAD_DAYS * DAY) / PIP_COUNT)));
  const engine = createEngine({ store, policies: [defaultPolicy], clock });
  const employee: Actor = { id: `emp-${index}`, role: 'employee' };
  const plan = document('planDocument', `plan ${index}`);
  const id = pipId(index);
  await engine.open(
    {
      pipId: id,
      employee: {
        id: employee.id,
        timeZone: index % 3 === 0 ? 'America/Chicago' : 'Europe/Berlin',
      },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
    },
    { actor: manager },
  );
  await engine.dispatch(id, { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] }, { actor: manager });
  clock.advance({ hours: 2 });
  await engine.dispatch(id, { type: 'APPROVE' }, { actor: hr });
  if (index % 2 === 0) {
    clock.advance({ hours: 20 });
    await engine.dispatch(
      id,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: employee },
    );
  }
}

describe('multi-process sweep on real Postgres', () => {
  it(`fires every deadline of ${PIP_COUNT} PIPs exactly once in effect with ${SWEEPERS} processes sweeping together`, async () => {
    const started = performance.now();
    const setupStore = postgresStore({ pool: db.pool, schema });
    for (let first = 0; first < PIP_COUNT; first += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, PIP_COUNT - first) }, (_, offset) =>
          openPip(setupStore, first + offset),
        ),
      );
    }
    const setupSeconds = (performance.now() - started) / 1000;

    // Separate processes, each with its own pool, started together.
    const sweepers = Array.from({ length: SWEEPERS }, () => startSweeper());
    const fired = sweepers.map(() => [] as { key: string; at: number }[]);
    const end = T0 + SPREAD_DAYS * DAY;
    let ticks = 0;
    const sweepStarted = performance.now();
    for (let now = T0; now <= end; now += STEP_HOURS * 3_600_000) {
      const at = new Date(now).toISOString();
      const results = await Promise.all(sweepers.map((sweeper) => sweeper.tick(at, BATCH)));
      ticks += 1;
      results.forEach((keys, index) => {
        for (const key of keys) fired[index]?.push({ key, at: now });
      });
    }
    expect(await Promise.all(sweepers.map((sweeper) => sweeper.stop()))).toEqual(
      sweepers.map(() => 0),
    );
    const sweepSeconds = (performance.now() - sweepStarted) / 1000;
    const finalNow = new Date(end - ((end - T0) % (STEP_HOURS * 3_600_000))).toISOString();

    // Nothing due is left behind.
    expect(await setupStore.dueTimers(finalNow, 10)).toEqual([]);

    // Each fire is one commit under its timer's idempotency key (`timer:` from older cores,
    // `pipkit:fire:` from newer ones: both end in `@dueAt`); the log holds no other
    // system-actor event, so no deadline took effect twice or without its key.
    const keys = (
      await db.pool.query(
        `SELECT key, pip_id, seqs FROM "${schema}".pipkit_idempotency WHERE key LIKE 'timer:%' OR key LIKE 'pipkit:fire:%'`,
      )
    ).rows as { key: string; pip_id: string; seqs: string }[];
    const systemEvents = (
      await db.pool.query(
        `SELECT pip_id, seq, event, event_deflated FROM "${schema}".pipkit_events`,
      )
    ).rows
      .map(
        (row: { pip_id: string; seq: number; event: string | null; event_deflated: Buffer }) => ({
          pipId: row.pip_id,
          seq: row.seq,
          // A short event is kept as its text, a longer one compressed (core's storedEventBody).
          event: JSON.parse(
            row.event ?? decompressEventJson(row.event_deflated) ?? 'null',
          ) as PipEvent,
        }),
      )
      .filter((row) => row.event.actor.id === SYSTEM_ACTOR_ID);
    const bySeq = new Map(systemEvents.map((row) => [`${row.pipId}#${row.seq}`, row]));
    const covered = new Set<string>();
    let latestMs = 0;
    let latestKey = '';
    for (const key of keys) {
      const seqs = JSON.parse(key.seqs) as number[];
      expect(seqs.length).toBeGreaterThan(0);
      for (const seq of seqs) {
        const id = `${key.pip_id}#${seq}`;
        expect(bySeq.has(id), id).toBe(true);
        expect(covered.has(id), id).toBe(false);
        covered.add(id);
      }
      const dueAt = Date.parse(key.key.slice(key.key.lastIndexOf('@') + 1));
      const firedAt = Date.parse(bySeq.get(`${key.pip_id}#${seqs[0]}`)?.event.at ?? '');
      expect(firedAt).toBeGreaterThanOrEqual(dueAt);
      if (firedAt - dueAt > latestMs) {
        latestMs = firedAt - dueAt;
        latestKey = key.key;
      }
    }
    expect(covered.size).toBe(systemEvents.length);

    // What the sweepers reported matches the log: every fired key is recorded once.
    const reported = fired.flat();
    const distinct = new Set(reported.map((entry) => entry.key));
    expect([...distinct].sort()).toEqual(
      keys.map((key) => key.key.replace(/^pipkit:fire:/, 'timer:')).sort(),
    );
    const perEngine = fired.map((entries) => entries.length);
    expect(perEngine.filter((count) => count > 0).length).toBeGreaterThan(1);

    // Every PIP's chain verifies and its replay reproduces the snapshot.
    const verifier: Engine = createEngine({ store: setupStore, policies: [defaultPolicy] });
    for (let first = 0; first < PIP_COUNT; first += 50) {
      const checks = await Promise.all(
        Array.from({ length: Math.min(50, PIP_COUNT - first) }, (_, offset) =>
          verifier.verify(pipId(first + offset), { actor: hr }),
        ),
      );
      for (const check of checks) expect(check.ok, check.pipId).toBe(true);
    }
    await setupStore.close();

    const byType = new Map<string, number>();
    for (const row of systemEvents)
      byType.set(row.event.type, (byType.get(row.event.type) ?? 0) + 1);
    console.log(
      `multi-process sweep: ${SWEEPERS} processes (own pools), ${PIP_COUNT} PIPs, ` +
        `${SPREAD_DAYS} simulated days in ${ticks} steps of ${STEP_HOURS} h: ` +
        `${keys.length} deadlines fired once each (per process ${perEngine.join('/')}, ` +
        `${reported.length - distinct.size} harmless replays), ${systemEvents.length} system events ` +
        `(${[...byType].map(([type, count]) => `${type} ${count}`).join(', ')}); ` +
        `latest fire ${(latestMs / 3_600_000).toFixed(2)} h after due (${latestKey}); ` +
        `setup ${setupSeconds.toFixed(1)} s, sweep ${sweepSeconds.toFixed(1)} s, ` +
        `total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 600_000);
});
