import type { Clock, Engine, PipStore } from '@pipkit/core';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Authenticator } from './authentication.js';
import { registerCommandRoutes } from './commandRoutes.js';
import { registerInviteRoutes } from './inviteRoutes.js';
import { createServiceEngine } from './config.js';
import { pinsVersion } from './etags.js';
import { createLogger } from './logging.js';
import { problems, registerOpenApi } from './openApi.js';
import { HttpCodes, HttpProblem, toProblem } from './problems.js';
import { registerQueryRoutes } from './queryRoutes.js';
import { registerReadRoutes } from './readRoutes.js';
import {
  type DocsAccess,
  engineOf,
  type RateLimit,
  registerGuards,
  requestId,
  trackRouteMethods,
} from './requestGuards.js';
import { healthSchema, PIP_ID_MAX_LENGTH } from './schemas.js';

/** How long a client may take, in milliseconds. */
export interface Timeouts {
  /** To send a whole request, headers and body (Node `requestTimeout`). Default 10000. */
  readonly requestMs: number;
  /** A socket may stay idle (Fastify `connectionTimeout`). Default 10000. */
  readonly idleMs: number;
  /** A kept-alive socket waits for the next request (`keepAliveTimeout`). Default 5000. */
  readonly keepAliveMs: number;
}

/** The defaults of {@link Timeouts}. */
export const DEFAULT_TIMEOUTS: Timeouts = { requestMs: 10_000, idleMs: 10_000, keepAliveMs: 5_000 };

/** The UID domain of invites when none is configured: reserved, never a real host (RFC 2606). */
export const DEFAULT_INVITE_DOMAIN = 'pipkit.invalid';

/** The default rate limit: 300 requests a minute per principal. */
export const DEFAULT_RATE_LIMIT: RateLimit = { max: 300, timeWindowMs: 60_000 };

/** How to build the HTTP service. */
export interface AppOptions {
  /** Where PIPs live. The app never closes it: whoever opened it does. */
  readonly store: PipStore;
  /** Who is calling: {@link bearerAuthenticator} in production. */
  readonly authenticate: Authenticator;
  /** A label for `/healthz` (`sqlite`, `postgres`). */
  readonly storeName?: string;
  /** The engine's clock; tests inject a test clock. Defaults to the system clock. */
  readonly clock?: Clock;
  /** A pino logger; defaults to {@link createLogger} (JSON lines on stdout, personal data redacted). */
  readonly logger?: Logger;
  /** The largest request body in bytes; larger bodies get 413. Default 65536. */
  readonly bodyLimit?: number;
  /** Who may read `/docs` and `/openapi.json` (default `authenticated`). */
  readonly docs?: DocsAccess;
  /** Requests per principal per window; `false` for none. Default {@link DEFAULT_RATE_LIMIT}. */
  readonly rateLimit?: RateLimit | false;
  /** Request, idle and keep-alive timeouts. Default {@link DEFAULT_TIMEOUTS}. */
  readonly timeouts?: Partial<Timeouts>;
  /** Trust `X-Forwarded-For` from a proxy in front (the rate limit's IP). Default false. */
  readonly trustProxy?: boolean;
  /**
   * `single` (default): one engine for every request. `perToken`: each request acts through
   * `engine.forTenant(<the token's tenant>)`; the authenticator must pass tenants through
   * (`tenantsFromToken`) and the store must have tenants.
   */
  readonly tenancy?: 'single' | 'perToken';
  /**
   * The host part of the UIDs in `GET /pips/:id/invites.ics` (`<pipId>/<deadlineId>@<domain>`):
   * a domain you control, the same for the service's whole life. Default `pipkit.invalid`.
   */
  readonly inviteDomain?: string;
}

/**
 * The problem's `instance`: the request path when it is made of ids and route words, otherwise
 * the route's pattern, so an answer never repeats what a caller put in a malformed path.
 */
function problemInstance(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return /^[A-Za-z0-9/_.:-]{1,300}$/.test(path) ? path : (request.routeOptions.url ?? '/');
}

/** Sends a problem document: `application/problem+json`, never through a response schema. */
function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown) {
  const problem = toProblem(error, {
    instance: problemInstance(request),
    pinnedVersion: pinsVersion(request),
  });
  if (problem.status >= 500) {
    request.log.error({ err: error, code: problem.code }, 'request failed');
  } else {
    request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  }
  if (problem.status === 503) void reply.header('retry-after', '1');
  if (problem.status === 401) {
    // RFC 6750 section 3: a 401 names the scheme and why.
    void reply.header('www-authenticate', 'Bearer realm="pipkit", error="invalid_token"');
  }
  if (error instanceof HttpProblem) void reply.headers(error.headers);
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(problem);
}

/**
 * Builds the pipkit HTTP service: a Fastify 5 instance with bearer authentication, security
 * headers, a rate limit, zod validation, OpenAPI at `/openapi.json`, Swagger UI at `/docs`, and
 * every error as `application/problem+json`. Listen with `app.listen({ port })`; close with
 * `app.close()` (the store stays open).
 */
export async function buildApp(options: AppOptions) {
  const logger = options.logger ?? createLogger();
  // Refused attempts go to the log for security review: who, what, which PIP, when, the codes.
  const engine: Engine = createServiceEngine(
    options.store,
    options.clock,
    (attempt) => logger.warn({ refusal: attempt }, 'refused attempt'),
    logger,
  );
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: options.bodyLimit ?? 65_536,
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node checks request timeouts on this interval (default 30 s): check often enough to matter.
    http: {
      headersTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, timeouts.requestMs / 4)),
    },
    // Every id the schemas accept must route, even percent-encoded (3 characters a byte); longer
    // segments are 414, shorter ones that break the schema are 400 with the field.
    routerOptions: { maxParamLength: PIP_ID_MAX_LENGTH * 3 },
    // Errors the router raises before any hook (a bad URL, a segment over maxParamLength).
    frameworkErrors: (error, request, reply) => void sendProblem(reply, request, error),
    // A caller's X-Request-Id is kept only when it is a short token (see requestId).
    genReqId: requestId,
    trustProxy: options.trustProxy ?? false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendProblem(reply, request, error));
  const methodsOf = trackRouteMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = methodsOf(path);
    const problem =
      allowed.length > 0
        ? new HttpProblem(
            405,
            HttpCodes.METHOD_NOT_ALLOWED,
            `${request.method} is not allowed here; use ${allowed.join(', ')}.`,
            undefined,
            { allow: allowed.join(', ') },
          )
        : new HttpProblem(404, HttpCodes.ROUTE_NOT_FOUND, `No route ${request.method} ${path}.`);
    return sendProblem(reply, request, problem);
  });

  const docs = options.docs ?? 'authenticated';
  await registerGuards(app, {
    authenticate: options.authenticate,
    docs,
    rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
  });
  await registerOpenApi(app, { ui: docs !== 'off' });

  const api = app.withTypeProvider<ZodTypeProvider>();

  if (docs !== 'off') {
    api.get('/openapi.json', { schema: { hide: true } }, (_request, reply) =>
      reply.send(app.swagger()),
    );
  }

  api.get(
    '/healthz',
    {
      // Load balancers probe often from one address: the health check is not rate limited.
      config: { rateLimit: false },
      schema: {
        summary: 'Liveness and store reachability (no authentication)',
        response: { 200: healthSchema, 503: problems[503], 500: problems[500] },
      },
    },
    async () => {
      await options.store.list({ limit: 1 });
      return { status: 'ok' as const, store: options.storeName ?? 'custom' };
    },
  );

  const engines = engineOf(engine, options.tenancy ?? 'single');
  registerCommandRoutes(api, engines);
  registerReadRoutes(api, engines);
  registerQueryRoutes(api, engines);
  registerInviteRoutes(api, engines, { domain: options.inviteDomain ?? DEFAULT_INVITE_DOMAIN });

  return app;
}

/** The Fastify instance {@link buildApp} returns. */
export type PipkitApp = Awaited<ReturnType<typeof buildApp>>;
