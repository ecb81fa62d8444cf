import { randomBytes } from 'node:crypto';
import { createEngine, defaultPolicyDocument, definePolicy, durations } from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import pg from 'pg';
import { issuedPipSeeds } from './fixtures.js';
import type { BenchResult } from './harness.js';
import { createWorkTables, graphileRun, pgBossRun, type QueueRun } from './queueBaselines.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FIRES = 10_000;
const ROUNDS = Number(process.env.PIPKIT_BENCH_QUEUE_ROUNDS ?? 3);
const policy = definePolicy({
  ...defaultPolicyDocument,
  id: 'pg-tick-bench',
  approval: { required: false },
  acknowledgement: { mode: 'required', due: durations.daysAfter(5) },
});
const ISSUED_AT = '2026-01-05T15:00:00.000Z';
const DUE = '2026-01-11T15:00:00.000Z';
const NOW = '2026-01-12T00:00:00.000Z';

/**
 * `engine.tick` on Postgres firing 10,000 due deadlines with 1 and with 4 engines (each on its
 * own pool, sharing the work through timer leases), against graphile-worker and pg-boss running
 * 10,000 due jobs with as many workers on the same database. Each side starts from its due items
 * in place (seeding untimed) and is timed until the last is done; rounds alternate between the
 * three and the median is reported. A pipkit fire writes more than a queue's job does (two hash-
 * chained events, the envelope at its expected version, the timer delete, an escalation outbox
 * row and the fire's idempotency key); each queue job inserts one event and updates one row.
 */
export async function postgresTickBenches(
  engineCounts: readonly number[] = [1, 4],
): Promise<{ results: BenchResult[]; info: Record<string, number> }> {
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    await admin.query('SELECT 1');
  } catch {
    console.error(`postgres tick bench skipped: no server at ${PG_URL}`);
    await admin.end();
    return { results: [], info: {} };
  }
  const work = `queue_work_${randomBytes(4).toString('hex')}`;
  const schema = `pipkit_bench_tick_${randomBytes(4).toString('hex')}`;
  const results: BenchResult[] = [];
  const info: Record<string, number> = {};
  try {
    await createWorkTables(admin, work, FIRES);
    let round = 0;
    for (const engines of engineCounts) {
      const rates = { pipkit: [] as number[], graphile: [] as number[], boss: [] as number[] };
      for (let index = 0; index < ROUNDS; index += 1) {
        round += 1;
        const ours = await pipkitRun(schema, `r${round}`, engines);
        rates.pipkit.push(perSecond(ours));
        rates.graphile.push(perSecond(await graphileRun(PG_URL, work, FIRES, engines)));
        rates.boss.push(perSecond(await pgBossRun(PG_URL, work, FIRES, engines)));
      }
      const opsPerSec = median(rates.pipkit);
      const label = `${engines} engine${engines === 1 ? '' : 's'}`;
      const workers = `${engines} worker${engines === 1 ? '' : 's'}`;
      const name = `engine.tick: deadlines fired/s, ${FIRES.toLocaleString('en-US')} due (Postgres, ${label})`;
      for (const [queue, baselineName] of [
        ['graphile', `graphile-worker 0.18, ${workers} (10 jobs at once, local queue of 500)`],
        ['boss', `pg-boss 12, ${workers} (batches of 500, one statement per job, 10 at once)`],
      ] as const) {
        const baselineOpsPerSec = median(rates[queue]);
        results.push({
          name,
          opsPerSec,
          baselineName,
          baselineOpsPerSec,
          ratio: opsPerSec / baselineOpsPerSec,
        });
      }
      info[`postgresTick${engines}FiresPerSec`] = Math.round(opsPerSec);
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS "${work}" CASCADE`);
    await admin.end();
  }
  return { results, info };
}

const perSecond = (run: QueueRun) => (run.jobs / run.ms) * 1000;

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/** Seeds FIRES overdue PIPs (untimed), then times `engines` engines sweeping them together. */
async function pipkitRun(schema: string, prefix: string, engines: number): Promise<QueueRun> {
  const pools = Array.from(
    { length: engines },
    // Each engine on its own pool of 4 connections: the store's default `concurrentCommits` (4)
    // commits a round in 4 batches, each sent as soon as it is decided.
    () => new pg.Pool({ connectionString: PG_URL, max: 4 }),
  );
  const stores = pools.map((pool) => postgresStore({ pool, schema }));
  try {
    const seedStore = stores[0] as (typeof stores)[number];
    const seed = issuedPipSeeds(policy);
    for (let start = 0; start < FIRES; start += 500) {
      const requests = Array.from({ length: Math.min(500, FIRES - start) }, (_, offset) => {
        const index = start + offset;
        return seed(`${prefix}-${String(index).padStart(6, '0')}`, index, ISSUED_AT, DUE);
      });
      const outcomes = await seedStore.commitMany(requests);
      if (outcomes.some((outcome) => outcome !== undefined)) throw new Error('seeding failed');
    }
    await Promise.all(stores.map((store) => store.ready()));
    // Fresh engines: a sweeper starts with nothing cached, as a worker process would.
    const sweepers = stores.map((store) => createEngine({ store, policies: [policy] }));
    const begin = performance.now();
    const fired = await Promise.all(
      sweepers.map(async (engine) => (await engine.tick(NOW, { limit: 500 })).fired.length),
    );
    const ms = performance.now() - begin;
    const total = fired.reduce((sum, count) => sum + count, 0);
    if (total !== FIRES) throw new Error(`fired ${total} of ${FIRES}`);
    return { jobs: total, ms };
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(pools.map((pool) => pool.end()));
  }
}
