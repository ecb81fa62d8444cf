import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { postgresStore } from '@pipkit/postgres';
import pg from 'pg';
import { issuedPipSeeds } from './fixtures.js';
import { type BenchResult, median } from './harness.js';
import {
  analyzeSchemas,
  createWorkTables,
  graphileRun,
  pgBossRun,
  type QueueRun,
} from './queueBaselines.js';
import { pgTickPolicy } from './tickPolicy.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FIRES = 10_000;
const ROUNDS = Number(process.env.PIPKIT_BENCH_QUEUE_ROUNDS ?? 3);
const ISSUED_AT = '2026-01-05T15:00:00.000Z';
const DUE = '2026-01-11T15:00:00.000Z';
const NOW = '2026-01-12T00:00:00.000Z';

/**
 * `engine.tick` on Postgres firing 10,000 due deadlines with 1 and with 4 engines (each in its
 * own process on its own pool, as a deployment runs them, sharing the work through timer leases),
 * against graphile-worker and pg-boss running
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
    const seedPool = new pg.Pool({ connectionString: PG_URL, max: 1 });
    const seedStore = postgresStore({ pool: seedPool, schema });
    await seedStore.ready();
    for (const engines of engineCounts) {
      const rates = { pipkit: [] as number[], graphile: [] as number[], boss: [] as number[] };
      const sweepers = await startSweepers(schema, engines);
      try {
        for (let index = 0; index < ROUNDS; index += 1) {
          round += 1;
          rates.pipkit.push(perSecond(await pipkitRun(seedStore, sweepers, `r${round}`)));
          rates.graphile.push(perSecond(await graphileRun(PG_URL, work, FIRES, engines)));
          rates.boss.push(perSecond(await pgBossRun(PG_URL, work, FIRES, engines)));
        }
      } finally {
        await sweepers.close();
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
    await seedStore.close();
    await seedPool.end();
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS "${work}" CASCADE`);
    await admin.end();
  }
  return { results, info };
}

const perSecond = (run: QueueRun) => (run.jobs / run.ms) * 1000;

/** Engines in worker processes (see `tickWorker.ts`), each answering one line per sweep. */
interface Sweepers {
  sweep(now: string, limit: number): Promise<number[]>;
  close(): Promise<void>;
}

async function startSweepers(schema: string, engines: number): Promise<Sweepers> {
  const worker = fileURLToPath(new URL('./tickWorker.ts', import.meta.url));
  const children = Array.from({ length: engines }, () =>
    spawn(
      process.execPath,
      ['--conditions=@pipkit/source', '--import', 'tsx', worker, PG_URL, schema],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  const lines = children.map((child) =>
    createInterface({ input: child.stdout })[Symbol.asyncIterator](),
  );
  const next = async (index: number) => {
    const line = await (lines[index] as AsyncIterator<string>).next();
    if (line.done) throw new Error(`sweeper ${index} exited`);
    return line.value;
  };
  await Promise.all(children.map((_, index) => next(index)));
  return {
    sweep: (now, limit) =>
      Promise.all(
        children.map(async (child, index) => {
          child.stdin.write(`${JSON.stringify({ now, limit })}\n`);
          return (JSON.parse(await next(index)) as { fired: number }).fired;
        }),
      ),
    close: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.stdin.end();
            }),
        ),
      );
    },
  };
}

/** Seeds FIRES overdue PIPs (untimed), then times the sweepers firing them together. */
async function pipkitRun(
  seedStore: ReturnType<typeof postgresStore>,
  sweepers: Sweepers,
  prefix: string,
): Promise<QueueRun> {
  const seed = issuedPipSeeds(pgTickPolicy);
  for (let start = 0; start < FIRES; start += 500) {
    const requests = Array.from({ length: Math.min(500, FIRES - start) }, (_, offset) => {
      const index = start + offset;
      return seed(`${prefix}-${String(index).padStart(6, '0')}`, index, ISSUED_AT, DUE);
    });
    const outcomes = await seedStore.commitMany(requests);
    if (outcomes.some((outcome) => outcome !== undefined)) throw new Error('seeding failed');
  }
  await analyzeSchemas(PG_URL, [seedStore.schema]);
  const begin = performance.now();
  const fired = await sweepers.sweep(NOW, 500);
  const ms = performance.now() - begin;
  const total = fired.reduce((sum, count) => sum + count, 0);
  if (total !== FIRES) throw new Error(`fired ${total} of ${FIRES}`);
  return { jobs: total, ms };
}
