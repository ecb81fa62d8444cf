/**
 * The writer the crash-loop test kills. Run as
 * `node --conditions=@pipkit/source --import tsx crashWriter.ts <database file> <cycle>`.
 *
 * It loads everything and warms up (the same commands on an in-memory database, so the first real
 * commit is not slowed by first-use compilation), prints `ready`, and waits for one line on stdin
 * before it opens the file, so the parent can start the next writer while the previous one runs.
 * Then it writes through the real engine until it is killed: it opens PIP `pip-<cycle>`, takes it
 * through approval (timers, outbox rows), and attaches documents to it and the two PIPs before
 * it, each under an idempotency key. After every acknowledged command it prints `<pipId> <version>`.
 * It exits by itself when stdin closes (the parent is gone) or after a safety cap.
 */
import type * as Core from '@pipkit/core';
import type { Actor, PipStore } from '@pipkit/core';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Store from '../sqliteStore.js';

// Startup is most of a cycle's cost, and 200 cycles run on two cores. Loaded through `require`,
// tsx compiles pipkit's sources in this thread and zod, xstate and luxon come from their CommonJS
// builds; through `import`, every module passes the ESM loader hooks' worker thread, which costs
// about a third more CPU per writer. Same sources, same logic: only the module format differs.
const require = createRequire(import.meta.url);
const { createEngine, defaultPolicy } = require('@pipkit/core') as typeof Core;
const { sqliteStore } = require('../sqliteStore.ts') as typeof Store;

const [path, cycleText] = process.argv.slice(2);
if (path === undefined || cycleText === undefined) {
  throw new Error('usage: crashWriter.ts <database file> <cycle>');
}
const cycle = Number(cycleText);
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const MAX_COMMANDS = 20_000;
const MAX_RUNTIME_MS = 60_000;

const document = (kind: string, text: string) => ({
  kind,
  ref: `dms://crash/${text}`,
  sha256: createHash('sha256').update(text).digest('hex'),
});

type Acknowledge = (pipId: string, version: number) => void;

const acknowledge: Acknowledge = (pipId, version) => {
  // stdout to a pipe is synchronous on Linux: the line is out before the next command starts.
  process.stdout.write(`${pipId} ${version}\n`);
};

/** Lets stdin's `close` and other I/O run between commands. Not a delay. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function write(
  store: PipStore,
  acknowledge: Acknowledge,
  maxCommands = MAX_COMMANDS,
): Promise<void> {
  const engine = createEngine({ store, policies: [defaultPolicy] });
  const pipId = `pip-${cycle}`;
  const opened = await engine.open(
    {
      pipId,
      employee: { id: `emp-${cycle % 7}`, timeZone: 'Europe/Berlin' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g1', description: 'Survive the crash loop', measure: 'No lost commands' }],
    },
    { actor: manager, idempotencyKey: `${pipId}:open` },
  );
  acknowledge(pipId, opened.pip.version);
  const plan = document('planDocument', `${pipId}:plan`);
  const submitted = await engine.dispatch(
    pipId,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager, idempotencyKey: `${pipId}:submit` },
  );
  acknowledge(pipId, submitted.pip.version);
  const approved = await engine.dispatch(
    pipId,
    { type: 'APPROVE' },
    { actor: hr, idempotencyKey: `${pipId}:approve` },
  );
  acknowledge(pipId, approved.pip.version);

  const targets: string[] = [];
  for (const candidate of [cycle - 2, cycle - 1, cycle]) {
    if (candidate >= 0 && (await store.load(`pip-${candidate}`))) targets.push(`pip-${candidate}`);
  }
  const started = Date.now();
  for (let index = 0; index < maxCommands && Date.now() - started < MAX_RUNTIME_MS; index += 1) {
    const target = targets[index % targets.length] as string;
    const result = await engine.dispatch(
      target,
      { type: 'ATTACH_DOCUMENT', documents: [document('note', `${cycle}:${index}`)] },
      { actor: manager, idempotencyKey: `${cycle}:${index}` },
    );
    acknowledge(target, result.pip.version);
    await yieldToEventLoop();
  }
}

process.stdin.once('close', () => process.exit(0));
const warmUp = sqliteStore({ path: ':memory:' });
await write(warmUp, () => undefined, 5);
await warmUp.close();
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  const store = sqliteStore({ path });
  write(store, acknowledge)
    .then(() => store.close())
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
      process.exit(1);
    });
});
