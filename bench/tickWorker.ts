/**
 * One sweeping engine in its own process, as a deployment runs them: `tickWorker <url> <schema>`
 * prints `ready`, then for each line `{"now": iso, "limit": n}` on stdin sweeps with a fresh
 * engine (nothing cached, as a new worker starts) and answers `{"fired": n}`.
 */
import { createInterface } from 'node:readline';
import { createEngine } from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import pg from 'pg';
import { pgTickPolicy } from './tickPolicy.js';

const [url, schema] = process.argv.slice(2);
if (!url || !schema) throw new Error('usage: tickWorker <connection string> <schema>');
// A pool of 4, more than the store's default concurrentCommits (2) batches in flight.
const pool = new pg.Pool({ connectionString: url, max: 4 });
const store = postgresStore({ pool, schema });
await store.ready();
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { now, limit } = JSON.parse(line) as { now: string; limit: number };
  const engine = createEngine({ store, policies: [pgTickPolicy] });
  const result = await engine.tick(now, { limit });
  process.stdout.write(`${JSON.stringify({ fired: result.fired.length })}\n`);
}
await store.close();
await pool.end();
