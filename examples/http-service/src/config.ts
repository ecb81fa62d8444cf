import { defaultPolicy, type Engine, type PipStore, createEngine, type Clock } from '@pipkit/core';
import { createRequire } from 'node:module';
import { type PgPool, postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';

/** Which store backs the service. */
export type StoreKind = 'sqlite' | 'postgres';

/** The service's settings, read from the environment by {@link loadConfig}. */
export interface ServiceConfig {
  /** `PIPKIT_STORE`: `sqlite` (default, one process) or `postgres` (many processes). */
  readonly store: StoreKind;
  /** `PIPKIT_SQLITE_PATH`: the SQLite file (default `pipkit.db` in the working directory). */
  readonly sqlitePath: string;
  /** `PIPKIT_PG_URL`: the Postgres connection URI. */
  readonly pgUrl: string;
  /** `PIPKIT_PG_SCHEMA`: the schema holding pipkit's tables (default `pipkit`). */
  readonly pgSchema: string;
  /** `HOST` and `PORT` the HTTP server listens on (default `127.0.0.1:3000`). */
  readonly host: string;
  readonly port: number;
  /** `PIPKIT_BODY_LIMIT`: the largest request body in bytes (default 65536); larger gets 413. */
  readonly bodyLimit: number;
  /** `LOG_LEVEL`: pino level (default `info`). */
  readonly logLevel: string;
}

/** The Postgres URL used when `PIPKIT_PG_URL` is not set: the local test server. */
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Reads {@link ServiceConfig} from an environment; throws on a value it cannot use. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const store = env.PIPKIT_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') {
    throw new Error(`PIPKIT_STORE must be "sqlite" or "postgres", not "${store}".`);
  }
  return {
    store,
    sqlitePath: env.PIPKIT_SQLITE_PATH ?? 'pipkit.db',
    pgUrl: env.PIPKIT_PG_URL ?? DEFAULT_PG_URL,
    pgSchema: env.PIPKIT_PG_SCHEMA ?? 'pipkit',
    host: env.HOST ?? '127.0.0.1',
    port: integer(env.PORT, 'PORT', 3000),
    bodyLimit: integer(env.PIPKIT_BODY_LIMIT, 'PIPKIT_BODY_LIMIT', 65_536),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a whole number, not "${value}".`);
  }
  return parsed;
}

// pg is typed by the slice this file calls (the example has no @types/pg), as @pipkit/postgres does.
const pg = createRequire(import.meta.url)('pg') as {
  Pool: new (config: { connectionString: string }) => PgPool & {
    on(event: 'error', listener: (error: Error) => void): unknown;
  };
};

/**
 * Opens the configured store; the caller closes it. On Postgres the service owns the pool, so
 * that a connection the server drops while idle (a restart, a failover) is logged through
 * `onIdleError` instead of crashing the process; the next query opens a new one.
 */
export function openStore(
  config: ServiceConfig,
  onIdleError: (error: Error) => void = () => undefined,
): PipStore & { close(): Promise<void> } {
  if (config.store === 'sqlite') return sqliteStore({ path: config.sqlitePath });
  const pool = new pg.Pool({ connectionString: config.pgUrl });
  pool.on('error', onIdleError);
  const store = postgresStore({ pool, schema: config.pgSchema });
  return {
    ...store,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

/** The engine every process of the service builds: the same policies everywhere. */
export function createServiceEngine(store: PipStore, clock?: Clock): Engine {
  return createEngine({ store, policies: [defaultPolicy], ...(clock ? { clock } : {}) });
}
