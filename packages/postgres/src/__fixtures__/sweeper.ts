/**
 * One sweeper process for the multi-process sweep test: an engine on its own pool, driven over
 * stdin/stdout with one JSON object per line. `{"tick": iso, "limit": n}` sweeps at that
 * simulated instant and answers `{"fired": ["timer:...@due", ...]}`; end of input closes it.
 */
import { createInterface } from 'node:readline';
import { createEngine, defaultPolicy } from '@pipkit/core';
import { postgresStore } from '../postgresStore.js';

const [connectionString, schema] = process.argv.slice(2);
if (!connectionString || !schema) throw new Error('usage: sweeper <connection string> <schema>');
const store = postgresStore({ connectionString, schema });
const engine = createEngine({ store, policies: [defaultPolicy] });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const request = JSON.parse(line) as { tick: string; limit: number };
  const result = await engine.tick(request.tick, { limit: request.limit });
  process.stdout.write(
    `${JSON.stringify({ fired: result.fired.map((entry) => `timer:${entry.timerId}@${entry.dueAt}`) })}\n`,
  );
}
await store.close();
