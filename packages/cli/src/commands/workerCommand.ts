import {
  createEngine,
  createWorker,
  type OutboxMessage,
  type WorkerRound,
  type WorkerTotals,
} from '@pipkit/core';
import { ExitCode, UsageError } from '../io.js';
import { knownPolicies } from '../storeAccess.js';
import { type CliCommand, type Flags, listFlag, stringFlag } from './command.js';
import { openCommandStore, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';

/** The signals that stop `pipkit worker`: the first gracefully, the second forcing. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A whole-number flag within a range, or its default. */
function wholeFlag(flags: Flags, name: string, fallback: number, max: number): number {
  const text = stringFlag(flags, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(
      `--${name} must be a whole number from 1 to ${max.toLocaleString('en')}, not "${text}".`,
      `For example --${name} ${fallback}.`,
    );
  }
  return value;
}

/** One round as a line for people: counts and codes only. */
function roundLine(round: WorkerRound): string {
  const tenants =
    round.tenantFailures.length === 0
      ? ''
      : `; tenants failed: ${round.tenantFailures.map((failure) => `${failure.tenantId} (${failure.code})`).join(', ')}`;
  const failed = round.error ? `; round failed: ${round.error.code}` : '';
  return (
    `round ${round.round} (${round.cause}) at ${round.at}: ${round.fired} fired, ${round.skipped} skipped, ` +
    `${round.faults} faults, ${round.delivered} delivered, ${round.failed} delivery failures, ` +
    `${round.deadLettered} dead-lettered${tenants}${failed}; next in ${round.nextInMs} ms\n`
  );
}

/** One round as a JSON line: the error as its code only (never a message that might hold data). */
function roundJson(round: WorkerRound): string {
  const { error, tenantFailures, ...counts } = round;
  return `${JSON.stringify({
    event: 'round',
    ...counts,
    tenantFailures: tenantFailures.map(({ tenantId, code }) => ({ tenantId, code })),
    ...(error ? { error: error.code } : {}),
  })}\n`;
}

/** `pipkit worker`: the sweep and the relay in a loop until SIGINT or SIGTERM. */
export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'fire deadlines and hand over messages in a loop until stopped (SIGINT/SIGTERM)',
  usage:
    'pipkit worker --store <url> [--poll <ms>] [--max-per-tenant <n>] [--tenants <id,...>] [--policy <file>]... [--json]',
  help: [
    'Runs the worker of @pipkit/core (createWorker) on the store: each round fires the deadlines',
    'due (as the system actor `pipkit:timer`) and relays the outbox, at most --max-per-tenant',
    '(default 100) of each per tenant, then runs again at once while there is work, after --poll',
    'milliseconds (default 30000) when there is none, and sooner when a commit wakes it: on',
    "PostgreSQL any engine's commit (LISTEN/NOTIFY); on SQLite only this process's, so another",
    "process's commits are found at the next poll. A failed round is retried after a backoff.",
    '',
    'Each outbox message is delivered by printing it on stdout as one JSON line',
    '{"event":"message","message":{...}}, for the program the output is piped into (at least',
    'once: a crash between printing and marking prints it again with the same id). Round',
    'summaries go to stderr, one line per round (JSON lines with --json).',
    '',
    'On PostgreSQL, --tenants acme,globex serves those tenants in one loop, each taking one',
    'turn per round in an order that rotates, so a large tenant never starves a small one.',
    '',
    'SIGINT or SIGTERM stops it after the round in flight (every claimed deadline fired, every',
    'claimed message settled) and exits 0; a second signal skips the rest of that round.',
    '',
    STORE_NOTE,
    '',
    'Example: pipkit worker --store postgres://pipkit@db/hr --poll 60000 | my-mailer',
  ].join('\n'),
  options: {
    ...STORE_OPTIONS,
    poll: { type: 'string' },
    'max-per-tenant': { type: 'string' },
    tenants: { type: 'string' },
    policy: { type: 'string', multiple: true },
  },
  positionals: [0, 0],
  async run({ flags, io, json }) {
    const pollMs = wholeFlag(flags, 'poll', 30_000, 86_400_000);
    const maxPerTenant = wholeFlag(flags, 'max-per-tenant', 100, 10_000);
    const tenantsFlag = stringFlag(flags, 'tenants');
    const tenants = tenantsFlag?.split(',').map((id) => id.trim());
    const policies = knownPolicies(io, listFlag(flags, 'policy'));
    const opened = await openCommandStore({ flags, io }, 'worker');
    const { store } = opened;
    const listeners: [string, () => void][] = [];
    let totals: WorkerTotals;
    try {
      if (tenants && opened.kind !== 'postgres') {
        throw new UsageError(
          '--tenants needs a PostgreSQL store; a SQLite file is one tenant.',
          'Drop --tenants, or point --store at a postgres:// URL.',
        );
      }
      const clock = { now: () => io.now() };
      const engine = createEngine({ store, policies, clock });
      const deliver = (message: OutboxMessage, source: { readonly tenantId?: string }) => {
        io.stdout(`${JSON.stringify({ event: 'message', ...source, message })}\n`);
      };
      const worker = createWorker({
        engine,
        deliver,
        pollMs,
        maxPerTenant,
        clock,
        wakeups: store.wakeups,
        ...(tenants ? { tenants } : {}),
        onRound: (round) => io.stderr(json ? roundJson(round) : roundLine(round)),
      });
      for (const name of STOP_SIGNALS) {
        const onSignal = () => {
          io.stderr(
            json
              ? `${JSON.stringify({ event: 'stopping', signal: name })}\n`
              : `${name}: stopping after the round in flight (again to skip its relay)\n`,
          );
          void worker.stop();
        };
        process.on(name, onSignal);
        listeners.push([name, onSignal]);
      }
      totals = await worker.run();
    } finally {
      for (const [name, listener] of listeners) process.off(name, listener);
      await opened.close();
    }
    io.stderr(
      json
        ? `${JSON.stringify({ event: 'stopped', ...totals })}\n`
        : `stopped after ${totals.rounds} rounds: ${totals.fired} fired, ${totals.delivered} delivered, ${totals.deadLettered} dead-lettered, ${totals.failedRounds} failed rounds\n`,
    );
    return ExitCode.ok;
  },
};
