import { buildApp } from './app.js';
import { loadConfig, openStore } from './config.js';
import { createLogger } from './logging.js';

/**
 * `pnpm --filter @pipkit/example-http-service start`: the HTTP service on the store chosen by
 * `PIPKIT_STORE`. Run `worker` beside it for deadlines and notifications. SIGTERM or SIGINT
 * stops accepting requests, finishes those in flight, and closes the store.
 */
const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const store = openStore(config, (error) =>
  logger.warn({ err: error }, 'idle database connection lost'),
);
const app = await buildApp({ store, storeName: config.store, logger, bodyLimit: config.bodyLimit });

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await app.close();
  await store.close();
  logger.info('stopped');
};
process.once('SIGTERM', (signal) => void stop(signal));
process.once('SIGINT', (signal) => void stop(signal));

await app.listen({ host: config.host, port: config.port });
logger.info(`pipkit service on http://${config.host}:${config.port} (docs at /docs)`);
