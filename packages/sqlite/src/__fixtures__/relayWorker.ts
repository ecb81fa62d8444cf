/**
 * The relay worker the relay crash test kills. Run as
 * `node --conditions=@pipkit/source --import tsx relayWorker.ts <database file> <run>`.
 *
 * It relays the file's outbox through the real engine until nothing is left: for each message it
 * prints `deliver <id>` and waits for one line on stdin before its handler returns, so the parent
 * can kill it between a delivery and its mark. Messages of `pip-0` always fail (the endpoint is
 * down): two attempts each, then a dead letter. The clock is injected and moves one second per
 * reading, later in each run, so nothing sleeps. Prints `done` when a round finds nothing to do.
 */
import type * as Core from '@pipkit/core';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type * as Store from '../sqliteStore.js';

// Loaded through `require`, as the crash-loop writer does: tsx compiles the sources in this thread.
const require = createRequire(import.meta.url);
const { createEngine, defaultPolicy } = require('@pipkit/core') as typeof Core;
const { sqliteStore } = require('../sqliteStore.ts') as typeof Store;

const [path, runText] = process.argv.slice(2);
if (path === undefined || runText === undefined) {
  throw new Error('usage: relayWorker.ts <database file> <run>');
}
const store = sqliteStore({ path });
let readings = 0;
const start = Date.parse('2026-04-01T00:00:00.000Z') + Number(runText) * 3_600_000;
const engine = createEngine({
  store,
  policies: [defaultPolicy],
  clock: { now: () => new Date(start + (readings += 1) * 1000) },
  delivery: { maxAttempts: 2, baseDelayMs: 0 },
});
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

for (;;) {
  const round = await engine.relay(async (message) => {
    // stdout to a pipe is synchronous on Linux: the line is out before the handler waits.
    process.stdout.write(`deliver ${message.id}\n`);
    const answer = await lines.next();
    if (answer.done === true) process.exit(3);
    if (message.pipId === 'pip-0') throw new Error('endpoint down');
  });
  const worked = round.delivered.length + round.failed.length + round.deadLettered.length;
  if (worked === 0) break;
}
process.stdout.write('done\n');
await store.close();
process.exit(0);
