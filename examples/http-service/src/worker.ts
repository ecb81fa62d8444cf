import { pathToFileURL } from 'node:url';
import {
  type Clock,
  createWorker,
  type Engine,
  type OutboxMessage,
  type WakeupSource,
} from '@pipkit/core';
import { type DeliverMessage, webhookDelivery } from '@pipkit/delivery';
import type { Logger } from 'pino';
import { clockFromEnv } from './clock.js';
import { createServiceEngine, loadConfig, openStore } from './config.js';
import { createLogger } from './logging.js';

/** How to run the background worker. */
export interface WorkerOptions {
  readonly engine: Engine;
  readonly logger: Logger;
  /** Stops the loop after the round in progress. */
  readonly signal: AbortSignal;
  /** Pause after a round that found nothing to do (ms). Busy rounds run back to back. */
  readonly idleMs?: number;
  /** Timers per sweep batch and outbox messages per relay round (default 100). */
  readonly batch?: number;
  /** How long this worker holds a claimed timer on Postgres (default 60 s). */
  readonly leaseMs?: number;
  /**
   * Delivers one outbox message (a notification). Defaults to logging it. At least once: a crash
   * between delivery and the mark redelivers it, and several workers on one database may both
   * deliver it, so a real handler deduplicates by `message.id`.
   */
  readonly deliver?: (message: OutboxMessage) => void | Promise<void>;
  /** Wake-ups that start a round before `idleMs` has passed: the store's own `store.wakeups`. */
  readonly wakeups?: WakeupSource | undefined;
}

/** Totals of a worker's run. */
export interface WorkerSummary {
  readonly rounds: number;
  readonly fired: number;
  readonly delivered: number;
  readonly failedRounds: number;
}

/**
 * The worker loop, on `createWorker` from @pipkit/core: sweeps due deadlines and relays the
 * outbox, again at once while there is work, after `idleMs` when there is none, sooner when the
 * store wakes it (`wakeups`: on Postgres any instance's commit, through LISTEN/NOTIFY), until
 * `signal` aborts; the round in flight then finishes. A failed round (the database restarting)
 * is logged and retried after a backoff starting at `idleMs`; it never ends the loop. On
 * Postgres any number of workers can share one database: the store leases timers, and each fire
 * is idempotent, so every deadline takes effect exactly once.
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const { engine, logger, signal } = options;
  const idleMs = Math.min(Math.max(1, options.idleMs ?? 5000), 3_600_000);
  const deliver =
    options.deliver ??
    ((message: OutboxMessage) => {
      logger.info({ message }, 'notification (log only: plug in your mail or chat here)');
    });
  const worker = createWorker({
    engine,
    deliver: (message) => deliver(message),
    signal,
    pollMs: idleMs,
    maxPerTenant: Math.min(Math.max(1, options.batch ?? 100), 10_000),
    leaseMs: Math.max(1, options.leaseMs ?? 60_000),
    backoff: { initialMs: idleMs, maxMs: Math.max(idleMs, 60_000) },
    wakeups: options.wakeups,
    onRound: (round) => {
      if (round.error) {
        logger.error(
          { err: round.error.error, code: round.error.code },
          'worker round failed; retrying',
        );
        return;
      }
      if (round.fired + round.delivered + round.skipped + round.failed === 0) return;
      logger.info(
        {
          now: round.at,
          cause: round.cause,
          fired: round.firedDeadlines.map((entry) => `pipkit:fire:${entry.timerId}@${entry.dueAt}`),
          skipped: round.skipped,
          delivered: round.deliveredMessages.map((entry) => entry.id),
          failed: round.failed,
        },
        'worker round',
      );
    },
  });
  const totals = await worker.run();
  return {
    rounds: totals.rounds,
    fired: totals.fired,
    delivered: totals.delivered,
    failedRounds: totals.failedRounds,
  };
}

/** Reads a whole number from the environment. */
function envInteger(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a whole number, not "${value}".`);
  }
  return parsed;
}

/**
 * The webhook deliverer the environment configures, or undefined when `PIPKIT_WEBHOOK_URL` is not
 * set (the worker then logs notifications). `PIPKIT_WEBHOOK_SECRET` (`whsec_...`) is required with
 * it; `PIPKIT_WEBHOOK_TIMEOUT_MS` (10000) bounds each attempt and `PIPKIT_WEBHOOK_RETRIES` (2)
 * retries failures that may pass. The webhook timestamp comes from the worker's clock, and
 * `signal` (the worker stopping) ends a delivery in progress.
 */
export function webhookFromEnv(
  env: NodeJS.ProcessEnv,
  clock: Clock | undefined,
  signal: AbortSignal,
): DeliverMessage | undefined {
  const url = env.PIPKIT_WEBHOOK_URL;
  if (url === undefined || url === '') return undefined;
  const secret = env.PIPKIT_WEBHOOK_SECRET;
  if (!secret) throw new Error('PIPKIT_WEBHOOK_SECRET is required with PIPKIT_WEBHOOK_URL.');
  return webhookDelivery({
    url,
    secret,
    timeoutMs: whole(env.PIPKIT_WEBHOOK_TIMEOUT_MS, 'PIPKIT_WEBHOOK_TIMEOUT_MS', 10_000),
    retries: whole(env.PIPKIT_WEBHOOK_RETRIES, 'PIPKIT_WEBHOOK_RETRIES', 2),
    signal,
    ...(clock ? { clock } : {}),
  });
}

/** A whole number from an environment value, or `fallback` when it is unset. */
function whole(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a whole number, not "${value}".`);
  }
  return parsed;
}

/** `pnpm --filter @pipkit/example-http-service worker`: the worker as its own process. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const store = openStore(config, (error) =>
    logger.warn({ err: error }, 'idle database connection lost'),
  );
  const clock = clockFromEnv();
  const engine = createServiceEngine(store, clock);
  const controller = new AbortController();
  const deliver = webhookFromEnv(process.env, clock, controller.signal);
  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    process.once(name, () => {
      logger.info({ signal: name }, 'worker stopping after the current round');
      controller.abort();
    });
  }
  logger.info({ store: config.store, webhook: deliver !== undefined }, 'worker started');
  const summary = await runWorker({
    engine,
    logger,
    signal: controller.signal,
    idleMs: envInteger('PIPKIT_WORKER_IDLE_MS', 5000),
    batch: envInteger('PIPKIT_WORKER_BATCH', 100),
    leaseMs: envInteger('PIPKIT_WORKER_LEASE_MS', 60_000),
    wakeups: store.wakeups,
    ...(deliver ? { deliver } : {}),
  });
  await store.close();
  logger.info(summary, 'worker stopped');
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) await main();
