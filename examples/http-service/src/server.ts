import { buildApp } from './app.js';
import {
  authenticatorFromConfig,
  createServiceEngine,
  loadAuthConfig,
  loadConfig,
  openStore,
} from './config.js';
import { createLogger } from './logging.js';
import { clockFromEnv } from './clock.js';
import { runWorker, webhookFromEnv } from './worker.js';

/**
 * `pnpm --filter @pipkit/example-http-service start`: the HTTP service on the store chosen by
 * `PIPKIT_STORE`. Run `worker` beside it for deadlines and notifications, or set
 * `PIPKIT_WORKER=inline` to run the same worker in this process. SIGTERM or SIGINT stops
 * accepting requests, finishes those in flight and the worker's round in flight, closes the
 * store and exits; a stop that takes longer than `PIPKIT_SHUTDOWN_TIMEOUT_MS` exits with 1.
 */
const config = loadConfig();
const auth = loadAuthConfig();
const logger = createLogger({ level: config.logLevel });
if (auth.mode === 'dev-headers') {
  logger.warn('PIPKIT_AUTH=dev-headers: anyone can act as anyone with X-Actor-*; development only');
}
const store = openStore(config, (error) =>
  logger.warn({ err: error }, 'idle database connection lost'),
);
const app = await buildApp({
  store,
  storeName: config.store,
  logger,
  bodyLimit: config.bodyLimit,
  authenticate: await authenticatorFromConfig(auth, config.tenantId, config.tenancy === 'perToken'),
  tenancy: config.tenancy,
  docs: config.docs,
  rateLimit: config.rateLimit,
  timeouts: config.timeouts,
  trustProxy: config.trustProxy,
  inviteDomain: config.inviteDomain,
});

// The worker in this process (PIPKIT_WORKER=inline): woken by this store's commits, and on
// Postgres by every instance's.
const workerStop = new AbortController();
const workerClock = clockFromEnv();
const webhook = webhookFromEnv(process.env, workerClock, workerStop.signal);
const inlineWorker =
  process.env.PIPKIT_WORKER === 'inline'
    ? runWorker({
        engine: createServiceEngine(store, workerClock),
        logger,
        signal: workerStop.signal,
        wakeups: store.wakeups,
        ...(webhook ? { deliver: webhook } : {}),
      })
    : undefined;

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  setTimeout(() => {
    logger.error('shutdown timed out');
    process.exit(1);
  }, config.shutdownTimeoutMs).unref();
  try {
    workerStop.abort();
    await Promise.all([app.close(), inlineWorker]);
    await store.close();
    logger.info('stopped');
    process.exitCode = 0;
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exitCode = 1;
  }
  // Exit now: an idle keep-alive socket or a driver timer must not keep the process alive.
  logger.flush(() => process.exit());
};
process.once('SIGTERM', (signal) => void stop(signal));
process.once('SIGINT', (signal) => void stop(signal));

const address = await app.listen({ host: config.host, port: config.port });
logger.info(`pipkit service on ${address} (docs: ${config.docs})`);
