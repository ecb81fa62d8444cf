/**
 * Group commit (`EngineOptions.groupCommit`) against the same engine without it, on one store, in
 * the same run: 16 callers each dispatching check-ins on its own PIPs (the gain: one transaction,
 * one disk flush or round trip, per group) and 1 caller (the cost: must stay about 1.0).
 * better-sqlite3 is synchronous, so on SQLite a group forms only because the first write to reach
 * its commit, seeing other writes of the engine still deciding, waits for them (at most one turn of
 * the event loop); `info` reports the mean group size actually committed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, defaultPolicy, type Engine, type PipStore } from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';
import pg from 'pg';
import { activePips } from './fixtures.js';
import { type BenchResult, compare } from './harness.js';
import { analyzeSchemas, checkpoint } from './queueBaselines.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PIPS_PER_CALLER = 8;
const PER_ROUND = 8;

/** Counts the store's `commitMany` calls and the requests they carried (the mean group size). */
export function counted(store: PipStore): { store: PipStore; meanGroup: () => number } {
  let calls = 0;
  let requests = 0;
  const commitMany = store.commitMany?.bind(store);
  const commit = store.commit.bind(store);
  const wrapped: PipStore = Object.create(store) as PipStore;
  Object.assign(wrapped, {
    commit(request: Parameters<PipStore['commit']>[0]) {
      calls += 1;
      requests += 1;
      return commit(request);
    },
    ...(commitMany
      ? {
          commitMany(batch: Parameters<NonNullable<PipStore['commitMany']>>[0]) {
            calls += 1;
            requests += batch.length;
            return commitMany(batch);
          },
        }
      : {}),
  });
  return { store: wrapped, meanGroup: () => (calls === 0 ? 0 : requests / calls) };
}

/**
 * Two engines on one store, each with `callers * PIPS_PER_CALLER` active PIPs of its own: one
 * without group commit (the baseline, PIPs `u-*`), one with `groupCommit: true` (PIPs `g-*`).
 * One store for both, so neither side gets a fresher file or a different WAL.
 */
async function enginePair(
  raw: PipStore,
  callers: number,
): Promise<{ grouped: Engine; ungrouped: Engine; meanGroup: () => number }> {
  const count = callers * PIPS_PER_CALLER;
  // Explicitly off: the SQLite and Postgres stores turn group commit on by default.
  const { engine: ungrouped } = await activePips(raw, count, 'u-', { groupCommit: false });
  const { clock } = await activePips(raw, count, 'g-');
  const { store, meanGroup } = counted(raw);
  const grouped = createEngine({ store, policies: [defaultPolicy], clock, groupCommit: true });
  return { grouped, ungrouped, meanGroup };
}

/** `callers` callers, each dispatching `PER_ROUND` check-ins in turn on its own PIPs. */
function concurrentCallers(engine: Engine, prefix: string, callers: number): () => Promise<number> {
  const cursors = new Array<number>(callers).fill(0);
  const one = async (caller: number) => {
    const n = caller * PIPS_PER_CALLER + ((cursors[caller] as number) % PIPS_PER_CALLER);
    cursors[caller] = (cursors[caller] as number) + 1;
    await engine.dispatch(
      `${prefix}${n}`,
      { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
      { actor: { id: `mgr-${n}`, role: 'manager' } },
    );
  };
  return async () => {
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let index = 0; index < PER_ROUND; index += 1) await one(caller);
      }),
    );
    return callers * PER_ROUND;
  };
}

/**
 * Grouped against ungrouped at 16 callers and at 1, on one kind of store. `settle` runs after
 * the seeding, before the timed rounds.
 */
async function groupedAgainstUngrouped(
  label: string,
  open: (callers: number) => PipStore,
  info: Record<string, number>,
  infoKey: string,
  settle: () => Promise<unknown> = () => Promise.resolve(),
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const callers of [16, 1]) {
    const store = open(callers);
    try {
      const pair = await enginePair(store, callers);
      await settle();
      results.push(
        await compare(
          `engine.dispatch group-committed, ${callers} concurrent caller${callers === 1 ? '' : 's'} (${label})`,
          concurrentCallers(pair.grouped, 'g-', callers),
          'the same engine without group commit',
          concurrentCallers(pair.ungrouped, 'u-', callers),
          { rounds: 7, roundMs: 400 },
        ),
      );
      info[`${infoKey}MeanGroup${callers}`] = Number(pair.meanGroup().toFixed(2));
    } finally {
      await store.close?.();
    }
  }
  return results;
}

/** Group commit on a SQLite file (WAL, synchronous=FULL). */
export async function sqliteGroupCommitBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const directory = mkdtempSync(join(tmpdir(), 'pipkit-bench-group-'));
  const info: Record<string, number> = {};
  try {
    const results = await groupedAgainstUngrouped(
      'SQLite file, WAL, synchronous=FULL',
      (callers) => sqliteStore({ path: join(directory, `group-${callers}.db`) }),
      info,
      'sqliteGroupCommit',
    );
    return { results, info };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Group commit on Postgres (a pool of 16 connections for both engines). */
export async function postgresGroupCommitBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    await admin.query('SELECT 1');
  } catch {
    console.error(`postgres group commit bench skipped: no server at ${PG_URL}`);
    await admin.end();
    return { results: [], info: {} };
  }
  const schemas: string[] = [];
  const pools: pg.Pool[] = [];
  const info: Record<string, number> = {};
  try {
    const results = await groupedAgainstUngrouped(
      'Postgres',
      () => {
        const schema = `pipkit_bench_${randomBytes(4).toString('hex')}`;
        schemas.push(schema);
        const pool = new pg.Pool({ connectionString: PG_URL, max: 16 });
        pools.push(pool);
        return postgresStore({ pool, schema });
      },
      info,
      'postgresGroupCommit',
      // Statistics, as the host's autovacuum would gather them, then the seeding's and earlier
      // benches' dirty pages flushed. Without statistics the connection that seeded kept plans made
      // on near-empty tables (a PIP found through pipkit_pips_state_since, the whole tenant
      // scanned): the grouped rounds that drew it ran at a third of the others.
      async () => {
        await analyzeSchemas(PG_URL, schemas);
        await checkpoint(admin);
      },
    );
    return { results, info };
  } finally {
    for (const pool of pools) await pool.end().catch(() => undefined);
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}
