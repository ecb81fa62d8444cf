import { pathToFileURL } from 'node:url';
import type { Clock, Engine, OutboxMessage } from '@pipkit/core';
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
}

/** Totals of a worker's run. */
export interface WorkerSummary {
  readonly rounds: number;
  readonly fired: number;
  readonly delivered: number;
  readonly failedRounds: number;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * The worker loop: sweeps due deadlines (`engine.tick`) and relays the outbox (`engine.relay`),
 * again at once while there is work and after `idleMs` when there is none, until `signal`
 * aborts. A failed round (the database restarting) is logged and retried after `idleMs`; it
 * never ends the loop. On Postgres any number of workers can share one database: the store leases
 * timers, and each fire is idempotent, so every deadline takes effect exactly once.
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const { engine, logger, signal } = options;
  const idleMs = options.idleMs ?? 5000;
  const batch = options.batch ?? 100;
  const leaseMs = options.leaseMs ?? 60_000;
  const deliver =
    options.deliver ??
    ((message: OutboxMessage) => {
      logger.info({ message }, 'notification (log only: plug in your mail or chat here)');
    });
  let rounds = 0;
  let fired = 0;
  let delivered = 0;
  let failedRounds = 0;
  while (!signal.aborted) {
    let busy = false;
    try {
      const tick = await engine.tick(undefined, { limit: batch, leaseMs });
      const relay = await engine.relay(deliver, { limit: batch });
      rounds += 1;
      fired += tick.fired.length;
      delivered += relay.delivered.length;
      busy = tick.fired.length > 0 || relay.delivered.length > 0;
      if (busy || tick.skipped.length > 0 || relay.failed.length > 0) {
        logger.info(
          {
            now: tick.now,
            fired: tick.fired.map((entry) => `pipkit:fire:${entry.timerId}@${entry.dueAt}`),
            skipped: tick.skipped,
            delivered: relay.delivered,
            failed: relay.failed.map((entry) => entry.id),
          },
          'worker round',
        );
      }
    } catch (error) {
      failedRounds += 1;
      logger.error({ err: error }, 'worker round failed; retrying');
    }
    if (!busy) await pause(idleMs, signal);
  }
  return { rounds, fired, delivered, failedRounds };
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
    ...(deliver ? { deliver } : {}),
  });
  await store.close();
  logger.info(summary, 'worker stopped');
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) await main();
