import {
  defaultPolicy,
  type Engine,
  type PipStore,
  createEngine,
  type Clock,
  type Logger as PipkitLogger,
  type RefusalListener,
} from '@pipkit/core';
import { invitesCalendar } from '@pipkit/delivery';
import { createRequire } from 'node:module';
import { type PgPool, postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';
import { importSPKI } from 'jose';
import type { Timeouts } from './app.js';
import {
  type Authenticator,
  bearerAuthenticator,
  defaultClaimMapping,
  devHeaderAuthenticator,
} from './authentication.js';
import type { DocsAccess, RateLimit } from './requestGuards.js';

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
  /** `PIPKIT_TENANT`: the tenant the store holds (default `default`); tokens must name it or none. */
  readonly tenantId: string;
  /**
   * `PIPKIT_TENANCY`: `single` (default: one tenant, another in a token is 403) or `per-token`
   * (each request acts for its token's tenant through `engine.forTenant`; Postgres only).
   */
  readonly tenancy: 'single' | 'perToken';
  /** `PIPKIT_DOCS`: `authenticated` (default), `public` or `off` (no /docs, no /openapi.json). */
  readonly docs: DocsAccess;
  /** `PIPKIT_RATE_LIMIT` requests per `PIPKIT_RATE_LIMIT_WINDOW_MS` per principal (300 a minute); 0 turns it off. */
  readonly rateLimit: RateLimit | false;
  /** `PIPKIT_REQUEST_TIMEOUT_MS`, `PIPKIT_IDLE_TIMEOUT_MS`, `PIPKIT_KEEP_ALIVE_TIMEOUT_MS`. */
  readonly timeouts: Timeouts;
  /** `PIPKIT_TRUST_PROXY=true`: take the client IP from `X-Forwarded-For` (behind a proxy only). */
  readonly trustProxy: boolean;
  /** `PIPKIT_SHUTDOWN_TIMEOUT_MS`: how long a stop may take before the process exits anyway (10000). */
  readonly shutdownTimeoutMs: number;
  /** `PIPKIT_INVITE_DOMAIN`: the host part of calendar invite UIDs (default `pipkit.invalid`). */
  readonly inviteDomain: string;
}

/** `PIPKIT_AUTH`: `jwt` (bearer tokens, the default) or `dev-headers` (development only). */
export type AuthConfig =
  | {
      readonly mode: 'jwt';
      /** `PIPKIT_AUTH_JWKS_URL`: the identity provider's key set (or a key below). */
      readonly jwksUrl?: string;
      /** `PIPKIT_AUTH_PUBLIC_KEY`: one SPKI PEM public key, instead of a JWKS URL. */
      readonly publicKeyPem?: string;
      /** `PIPKIT_AUTH_ISSUER` and `PIPKIT_AUTH_AUDIENCE`: required. */
      readonly issuer: string;
      readonly audience: string;
      /** `PIPKIT_AUTH_ALGORITHMS`: comma-separated (default `RS256,ES256,EdDSA`). */
      readonly algorithms: readonly string[];
      /** `PIPKIT_AUTH_CLOCK_TOLERANCE_S`: seconds of skew on `exp` and `nbf` (default 30). */
      readonly clockToleranceSec: number;
      /** `PIPKIT_AUTH_ROLE_CLAIM` and `PIPKIT_AUTH_TENANT_CLAIM` (default `role`, `tenant`). */
      readonly roleClaim: string;
      readonly tenantClaim: string;
    }
  | { readonly mode: 'dev-headers' };

/** Reads {@link AuthConfig} (the server needs it; the worker and seed do not). */
export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const mode = env.PIPKIT_AUTH ?? 'jwt';
  if (mode === 'dev-headers') {
    if (env.NODE_ENV === 'production') {
      throw new Error(
        'PIPKIT_AUTH=dev-headers trusts any caller: it is refused with NODE_ENV=production.',
      );
    }
    return { mode };
  }
  if (mode !== 'jwt') throw new Error(`PIPKIT_AUTH must be "jwt" or "dev-headers", not "${mode}".`);
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required with PIPKIT_AUTH=jwt.`);
    return value;
  };
  const jwksUrl = env.PIPKIT_AUTH_JWKS_URL;
  const publicKeyPem = env.PIPKIT_AUTH_PUBLIC_KEY;
  if (!jwksUrl === !publicKeyPem) {
    throw new Error('Set exactly one of PIPKIT_AUTH_JWKS_URL and PIPKIT_AUTH_PUBLIC_KEY.');
  }
  return {
    mode,
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(publicKeyPem ? { publicKeyPem } : {}),
    issuer: required('PIPKIT_AUTH_ISSUER'),
    audience: required('PIPKIT_AUTH_AUDIENCE'),
    algorithms: (env.PIPKIT_AUTH_ALGORITHMS ?? 'RS256,ES256,EdDSA').split(',').map((a) => a.trim()),
    clockToleranceSec: integer(
      env.PIPKIT_AUTH_CLOCK_TOLERANCE_S,
      'PIPKIT_AUTH_CLOCK_TOLERANCE_S',
      30,
    ),
    roleClaim: env.PIPKIT_AUTH_ROLE_CLAIM ?? 'role',
    tenantClaim: env.PIPKIT_AUTH_TENANT_CLAIM ?? 'tenant',
  };
}

function tenancy(value: string | undefined, store: StoreKind): 'single' | 'perToken' {
  if (value === undefined || value === '' || value === 'single') return 'single';
  if (value !== 'per-token') {
    throw new Error(`PIPKIT_TENANCY must be "single" or "per-token", not "${value}".`);
  }
  // engine.forTenant needs a store with tenants: SQLite holds one.
  if (store !== 'postgres')
    throw new Error('PIPKIT_TENANCY=per-token needs PIPKIT_STORE=postgres.');
  return 'perToken';
}

function docsAccess(value: string | undefined): DocsAccess {
  const docs = value ?? 'authenticated';
  if (docs !== 'authenticated' && docs !== 'public' && docs !== 'off') {
    throw new Error(`PIPKIT_DOCS must be "authenticated", "public" or "off", not "${docs}".`);
  }
  return docs;
}

/**
 * The authenticator the configuration names: bearer tokens checked against the JWKS URL or the
 * public key, with the default claim mapping. A host with other claims passes its own
 * `mapClaims` to {@link bearerAuthenticator} instead.
 */
export async function authenticatorFromConfig(
  auth: AuthConfig,
  tenantId: string,
  tenantsFromToken = false,
): Promise<Authenticator> {
  if (auth.mode === 'dev-headers') return devHeaderAuthenticator(tenantId);
  const keys = auth.jwksUrl
    ? { jwksUrl: auth.jwksUrl }
    : { key: await importSPKI(auth.publicKeyPem ?? '', auth.algorithms[0] ?? 'RS256') };
  return bearerAuthenticator({
    keys,
    issuer: auth.issuer,
    audience: auth.audience,
    algorithms: auth.algorithms,
    clockToleranceSec: auth.clockToleranceSec,
    mapClaims: defaultClaimMapping({ roleClaim: auth.roleClaim, tenantClaim: auth.tenantClaim }),
    tenantId,
    tenantsFromToken,
  });
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
    tenantId: env.PIPKIT_TENANT ?? 'default',
    tenancy: tenancy(env.PIPKIT_TENANCY, store),
    docs: docsAccess(env.PIPKIT_DOCS),
    rateLimit: rateLimit(env),
    timeouts: {
      requestMs: integer(env.PIPKIT_REQUEST_TIMEOUT_MS, 'PIPKIT_REQUEST_TIMEOUT_MS', 10_000),
      idleMs: integer(env.PIPKIT_IDLE_TIMEOUT_MS, 'PIPKIT_IDLE_TIMEOUT_MS', 10_000),
      keepAliveMs: integer(env.PIPKIT_KEEP_ALIVE_TIMEOUT_MS, 'PIPKIT_KEEP_ALIVE_TIMEOUT_MS', 5_000),
    },
    trustProxy: env.PIPKIT_TRUST_PROXY === 'true',
    shutdownTimeoutMs: integer(
      env.PIPKIT_SHUTDOWN_TIMEOUT_MS,
      'PIPKIT_SHUTDOWN_TIMEOUT_MS',
      10_000,
    ),
    inviteDomain: inviteDomain(env.PIPKIT_INVITE_DOMAIN),
  };
}

/** The invite UID domain, checked now (a bad one would fail every invites request later). */
function inviteDomain(value: string | undefined): string {
  const domain = value === undefined || value === '' ? 'pipkit.invalid' : value;
  // An empty history writes nothing; it only checks the domain, as every request will.
  invitesCalendar([], { domain });
  return domain;
}

function rateLimit(env: NodeJS.ProcessEnv): RateLimit | false {
  const max = integer(env.PIPKIT_RATE_LIMIT, 'PIPKIT_RATE_LIMIT', 300);
  const window = integer(env.PIPKIT_RATE_LIMIT_WINDOW_MS, 'PIPKIT_RATE_LIMIT_WINDOW_MS', 60_000);
  return max === 0 ? false : { max, timeWindowMs: window };
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
  const store = postgresStore({ pool, schema: config.pgSchema, tenantId: config.tenantId });
  return {
    ...store,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

/**
 * The engine every process of the service builds: the same policies everywhere, refused
 * attempts told to `onRefusal` (the service logs them for security review), and the engine's
 * own lines (store failures, dead letters, parked deadlines) written to `logger`, redacted by
 * pipkit before pino sees them. Traces and metrics go to whatever OpenTelemetry SDK the process
 * registered (none by default: the API is then a no-op).
 */
export function createServiceEngine(
  store: PipStore,
  clock?: Clock,
  onRefusal?: RefusalListener,
  logger?: PipkitLogger,
): Engine {
  return createEngine({
    store,
    policies: [defaultPolicy],
    ...(clock ? { clock } : {}),
    ...(onRefusal ? { onRefusal } : {}),
    ...(logger ? { logger } : {}),
  });
}
