import { createHash, randomBytes } from 'node:crypto';
import type { Actor, PipStore } from '@pipkit/core';
import { createTestClock, type TestClock } from '@pipkit/core/testing';
import { createRequire } from 'node:module';
import type { PgPool } from '@pipkit/postgres';
import { type AppOptions, buildApp, type PipkitApp } from '../app.js';
import { bearerAuthenticator } from '../authentication.js';
import { DEFAULT_PG_URL } from '../config.js';
import { createLogger } from '../logging.js';
import { AUDIENCE, ISSUER, startIdentity, type TestIdentity } from './identity.js';

/** The simulated "now" every test service starts at: Monday 2 March 2026, 15:00 UTC. */
export const T0 = '2026-03-02T15:00:00.000Z';

/** The test database: `PIPKIT_PG_URL`, or the local server's `test` database. */
export const PG_URL = process.env.PIPKIT_PG_URL ?? DEFAULT_PG_URL;

export const people = {
  manager: { id: 'mgr-9', role: 'manager' },
  hr: { id: 'hr-7', role: 'hr' },
  employee: { id: 'emp-42', role: 'employee' },
} as const satisfies Record<string, Actor>;

/** A document reference with the SHA-256 of `text`. */
export const document = (kind: string, text: string) => ({
  kind,
  ref: `dms://hr/${kind}/${text.length}`,
  sha256: createHash('sha256').update(text).digest('hex'),
});

/** A valid `POST /pips` body. */
export const openBody = (pipId?: string, employeeId: string = people.employee.id) => ({
  ...(pipId === undefined ? {} : { pipId }),
  employee: { id: employeeId, timeZone: 'America/Chicago' },
  managerId: people.manager.id,
  policy: { id: 'pipkit-default' },
  goals: [{ id: 'sla', description: 'Close tickets on time', measure: '90% within SLA weekly' }],
});

/** Captures every log line the service writes. */
export function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line) => lines.push(line) },
  });
  return { logger, lines, text: () => lines.join('') };
}

export interface Response {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** The body as a record, for reading fields in tests. */
  readonly json: Record<string, unknown>;
}

/** A running service on a random port, with a test clock and captured logs. */
export interface TestService {
  readonly app: PipkitApp;
  readonly url: string;
  readonly clock: TestClock;
  readonly logs: ReturnType<typeof captureLogs>;
  /** The local identity provider whose tokens the service accepts. */
  readonly identity: TestIdentity;
  request(
    method: string,
    path: string,
    options?: {
      readonly body?: unknown;
      /** Sent as is (for malformed JSON); wins over `body`. */
      readonly raw?: string;
      /** The acting person, as a bearer token; `null` sends none. Defaults to the manager. */
      readonly as?: Actor | null;
      readonly headers?: Record<string, string>;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** What a test may change in the service it starts. */
export type ServiceOptions = Partial<
  Pick<
    AppOptions,
    'storeName' | 'bodyLimit' | 'docs' | 'rateLimit' | 'timeouts' | 'authenticate' | 'tenancy'
  >
> & {
  /** The tokens' tenant claims are taken as is (with `tenancy: 'perToken'`). */
  readonly tenantsFromToken?: boolean;
};

/**
 * Starts the service on `store` and listens on a random port (real HTTP). It accepts bearer
 * tokens of a local identity provider whose clock is the service's test clock.
 */
export async function startService(
  store: PipStore,
  options: ServiceOptions = {},
): Promise<TestService> {
  const clock = createTestClock(T0);
  const logs = captureLogs();
  const identity = await startIdentity(clock);
  const app = await buildApp({
    store,
    clock,
    logger: logs.logger,
    storeName: 'test',
    // Tests send hundreds of requests as one principal; the limit has its own test.
    rateLimit: false,
    authenticate: bearerAuthenticator({
      keys: { jwksUrl: identity.jwksUrl },
      issuer: ISSUER,
      audience: AUDIENCE,
      clock,
      tenantId: 'default',
      tenantsFromToken: options.tenantsFromToken ?? false,
    }),
    ...options,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('No TCP address.');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    clock,
    logs,
    identity,
    async request(method, path, requestOptions = {}) {
      const actor = requestOptions.as === undefined ? people.manager : requestOptions.as;
      const headers: Record<string, string> = {
        ...(actor ? { authorization: `Bearer ${await identity.token(actor)}` } : {}),
        ...(requestOptions.raw !== undefined || requestOptions.body !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...requestOptions.headers,
      };
      const body =
        requestOptions.raw ??
        (requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body));
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      const parsed: unknown = type.includes('json') && text !== '' ? JSON.parse(text) : text;
      return {
        status: response.status,
        headers: response.headers,
        body: parsed,
        json: (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
          string,
          unknown
        >,
      };
    },
    async close() {
      await app.close();
      await identity.close();
    },
  };
}

// The example has no @types/pg; type only the slice the tests call, as @pipkit/postgres does.
const pg = createRequire(import.meta.url)('pg') as {
  Pool: new (config: { connectionString: string; max?: number }) => PgPool;
};

/**
 * A fresh Postgres schema name per use and a pool to inspect and drop it: parallel test files and
 * repeated runs never see each other's rows.
 */
export function testDatabase(label: string) {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const prefix = `pipkit_http_${label}_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  return {
    pool,
    newSchema(): string {
      const schema = `${prefix}_${schemas.length + 1}`;
      schemas.push(schema);
      return schema;
    },
    async dropAll(): Promise<void> {
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** Polls `condition` every `everyMs` until it holds; fails after `attempts` tries (no fixed sleeps). */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  what: string,
  { attempts = 400, everyMs = 25 }: { attempts?: number; everyMs?: number } = {},
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`Timed out waiting for: ${what}`);
}
