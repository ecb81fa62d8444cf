/**
 * The job queues the Postgres sweep is measured against, on the same database with the same
 * durability (`synchronous_commit=on`, the server default): graphile-worker and pg-boss. Each
 * job does what a host's deadline handler would at least do: insert one event row and update
 * one entity row, in one statement. Each run enqueues its jobs (untimed), then starts the
 * workers and times until every job is done.
 */
import { randomBytes } from 'node:crypto';
import { run as runGraphile, makeWorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { PgBoss } from 'pg-boss';

/** The work tables every queue's handler writes: one event insert and one entity update per job. */
export async function createWorkTables(pool: pg.Pool, schema: string, entities: number) {
  await pool.query(`
    CREATE SCHEMA "${schema}";
    CREATE TABLE "${schema}".bench_entities (
      id integer PRIMARY KEY, fired integer NOT NULL DEFAULT 0, updated_at timestamptz);
    CREATE TABLE "${schema}".bench_events (
      id bigserial PRIMARY KEY, entity_id integer NOT NULL, body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO "${schema}".bench_entities (id) SELECT i FROM generate_series(0, ${entities - 1}) i;
  `);
}

/**
 * `ANALYZE` on every table of the given schemas, after a run's seeding and before its timing,
 * for every system alike. This bench's server runs with autovacuum off, so nothing else gathers
 * planner statistics; a host's server gathers them itself (PostgreSQL docs, "25.1.6. The
 * Autovacuum Daemon"). Without them a connection's cached plans stay the ones made on nearly
 * empty tables: a foreign-key check or a delete can walk a whole table through the wrong index.
 */
export async function analyzeSchemas(url: string, schemas: readonly string[]): Promise<void> {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await admin.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname = ANY ($1::text[])`,
      [schemas],
    );
    for (const { name } of rows) await admin.query(`ANALYZE ${name}`);
  } finally {
    await admin.end();
  }
}

/**
 * Flushes the server's dirty pages (`CHECKPOINT`) after a bench's seeding and before its timed
 * rounds, so they are not flushed by a checkpoint landing on some rounds and not others
 * (PostgreSQL docs, "30.5. WAL Configuration"). It needs a superuser or `pg_checkpoint`; on a
 * server where the bench's role has neither, the bench goes on without it.
 */
export async function checkpoint(pool: pg.Pool): Promise<void> {
  await pool.query('CHECKPOINT').catch(() => undefined);
}

/** The handler's one statement: append an event for the entity and update the entity. */
const handlerSql = (schema: string) => `
  WITH appended AS (
    INSERT INTO "${schema}".bench_events (entity_id, body) VALUES ($1, $2))
  UPDATE "${schema}".bench_entities SET fired = fired + 1, updated_at = now() WHERE id = $1`;

const BODY = JSON.stringify({ type: 'DEADLINE_REACHED', deadlineId: 'acknowledgement' });

/** How a queue's run went: the jobs handled and the time from starting the workers to the last. */
export interface QueueRun {
  readonly jobs: number;
  readonly ms: number;
}

const quietLogger = () => {
  const noop = () => undefined;
  return { debug: noop, info: noop, warn: noop, error: noop };
};

/**
 * graphile-worker 0.18 with the batching its performance guide recommends for many short jobs:
 * each worker instance runs 10 jobs at once from a local queue of 500 locked jobs, and batches
 * job completions (`completeJobBatchDelay: 0`).
 */
export async function graphileRun(
  url: string,
  workSchema: string,
  jobs: number,
  workers: number,
): Promise<QueueRun> {
  const schema = `gw_bench_${randomBytes(4).toString('hex')}`;
  const { Logger } = await import('graphile-worker');
  const logger = new Logger(() => quietLogger().info);
  const utils = await makeWorkerUtils({ connectionString: url, schema, logger });
  const pool = new pg.Pool({ connectionString: url, max: workers * 10 });
  try {
    await utils.migrate();
    for (let start = 0; start < jobs; start += 1000) {
      const count = Math.min(1000, jobs - start);
      await utils.addJobs(
        Array.from({ length: count }, (_, index) => ({
          identifier: 'fire',
          payload: { entity: start + index },
        })),
      );
    }
    await analyzeSchemas(url, [schema, workSchema]);
    const statement = handlerSql(workSchema);
    let done = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const begin = performance.now();
    const runners = await Promise.all(
      Array.from({ length: workers }, () =>
        runGraphile({
          connectionString: url,
          schema,
          logger,
          concurrency: 10,
          maxPoolSize: 12,
          noHandleSignals: true,
          pollInterval: 100,
          preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } },
          taskList: {
            fire: async (payload) => {
              const { entity } = payload as { entity: number };
              await pool.query(statement, [entity, BODY]);
              done += 1;
              if (done === jobs) finish();
            },
          },
        }),
      ),
    );
    await finished;
    const ms = performance.now() - begin;
    await Promise.all(runners.map((runner) => runner.stop()));
    return { jobs, ms };
  } finally {
    await pool.end();
    await utils.release();
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

/**
 * pg-boss 12, one job per statement: each worker instance fetches batches of up to 500 jobs
 * (`burstWhenBatchFull`: back-to-back while batches come full), runs one handler statement per
 * job, ten at a time (as graphile-worker's ten concurrent jobs), and pg-boss completes the batch
 * in one statement.
 */
export async function pgBossRun(
  url: string,
  workSchema: string,
  jobs: number,
  workers: number,
): Promise<QueueRun> {
  const schema = `boss_bench_${randomBytes(4).toString('hex')}`;
  const options = { connectionString: url, schema, supervise: false, schedule: false, max: 3 };
  const producer = new PgBoss(options);
  producer.on('error', () => undefined);
  const bosses: PgBoss[] = [];
  const pool = new pg.Pool({ connectionString: url, max: workers * 10 });
  try {
    await producer.start();
    await producer.createQueue('fire');
    for (let start = 0; start < jobs; start += 1000) {
      const count = Math.min(1000, jobs - start);
      await producer.insert(
        'fire',
        Array.from({ length: count }, (_, index) => ({ data: { entity: start + index } })),
      );
    }
    await analyzeSchemas(url, [schema, workSchema]);
    for (let index = 0; index < workers; index += 1) {
      const boss = new PgBoss({ ...options, migrate: false });
      boss.on('error', () => undefined);
      await boss.start();
      bosses.push(boss);
    }
    const statement = handlerSql(workSchema);
    let done = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const begin = performance.now();
    for (const boss of bosses) {
      await boss.work<{ entity: number }>(
        'fire',
        { batchSize: 500, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 },
        async (batch) => {
          // Ten statements at a time, as graphile-worker's ten concurrent jobs.
          let next = 0;
          const lane = async () => {
            for (let job = batch[next++]; job; job = batch[next++])
              await pool.query(statement, [job.data.entity, BODY]);
          };
          await Promise.all(Array.from({ length: 10 }, lane));
          done += batch.length;
          if (done >= jobs) finish();
        },
      );
    }
    await finished;
    const ms = performance.now() - begin;
    await Promise.all(bosses.map((boss) => boss.stop({ graceful: true, timeout: 5000 })));
    return { jobs, ms };
  } finally {
    await producer.stop({ graceful: false }).catch(() => undefined);
    await pool.end();
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}
