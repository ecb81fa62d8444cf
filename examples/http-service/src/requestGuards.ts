import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Actor, Engine } from '@pipkit/core';
import type { FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from './authentication.js';
import type { ServiceInstance } from './pipkitApi.js';
import { HttpCodes, HttpProblem } from './problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, once authenticated; null on public routes. */
    principal: Principal | null;
    /** Why authentication failed; thrown after the rate limit has counted the request. */
    authFailure: Error | null;
  }
}

/** Who may read `/docs` and `/openapi.json`: anyone, authenticated callers, or nobody. */
export type DocsAccess = 'public' | 'authenticated' | 'off';

/** Requests per principal (or per IP before authentication) in a window. */
export interface RateLimit {
  readonly max: number;
  readonly timeWindowMs: number;
}

/** What {@link registerGuards} needs. */
export interface GuardOptions {
  readonly authenticate: Authenticator;
  readonly docs: DocsAccess;
  /** `false` turns the limit off (behind a gateway that limits already). */
  readonly rateLimit: RateLimit | false;
}

/** An `X-Request-Id` the service keeps: 1 to 64 letters, digits and `-_.:`; anything else is replaced. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request id of a log line: the caller's `X-Request-Id` when it is a short token, otherwise
 * a fresh UUID, so a caller can neither bloat nor forge the structure of every log line.
 */
export function requestId(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** The engine a request acts through: the service's, or its tenant's (`engine.forTenant`). */
export type EngineOf = (request: FastifyRequest) => Engine;

/**
 * One engine for every request (`single`), or per request the engine of the token's tenant
 * (`perToken`, through `engine.forTenant`: the store must have tenants, as Postgres does).
 */
export function engineOf(engine: Engine, tenancy: 'single' | 'perToken'): EngineOf {
  if (tenancy === 'single') return () => engine;
  return (request) => engine.forTenant(request.principal?.tenantId ?? '');
}

/** The acting person of an authenticated request. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.principal) {
    throw new HttpProblem(401, HttpCodes.UNAUTHENTICATED, 'This route needs authentication.');
  }
  return request.principal.actor;
}

const isDocsRoute = (url: string | undefined) =>
  url !== undefined && (url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/'));

/**
 * Security headers (helmet), authentication before the body is read, and a rate limit per
 * principal: the authenticated subject, or the IP address for requests that fail to
 * authenticate, so a flood of bad tokens is limited too.
 */
export async function registerGuards(app: ServiceInstance, options: GuardOptions): Promise<void> {
  await app.register(fastifyHelmet, {
    // Swagger UI loads its own script and styles from /docs/static; nothing from elsewhere.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === '/healthz') return;
    if (options.docs === 'public' && isDocsRoute(url)) return;
    try {
      request.principal = await options.authenticate(request);
    } catch (error) {
      request.authFailure = error instanceof Error ? error : new Error(String(error));
    }
  });

  if (options.rateLimit) {
    await app.register(fastifyRateLimit, {
      max: options.rateLimit.max,
      timeWindow: options.rateLimit.timeWindowMs,
      keyGenerator: (request) =>
        request.principal
          ? `sub:${request.principal.tenantId}:${request.principal.subject}`
          : `ip:${request.ip}`,
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(
          429,
          HttpCodes.RATE_LIMITED,
          `Too many requests: at most ${context.max} per window; retry after ${context.after}.`,
        ),
    });
  }

  // After the rate limit (a route-level onRequest hook) and before the body is read.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    if (request.authFailure) done(request.authFailure);
    else done(null, payload);
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Records every route's path pattern and methods as they are added, and returns a lookup of the
 * methods a concrete path has: a wrong method on a known path is then a 405 with `Allow`
 * (RFC 9110 section 15.5.6), not a 404. Call before registering routes.
 */
export function trackRouteMethods(app: ServiceInstance): (path: string) => string[] {
  const routes: { pattern: RegExp; method: string }[] = [];
  app.addHook('onRoute', (route) => {
    const source = route.url
      .split('/')
      .map((segment) =>
        segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeRegExp(segment),
      )
      .join('/');
    const pattern = new RegExp(`^${source}$`);
    for (const method of [route.method].flat()) routes.push({ pattern, method });
  });
  return (path) => [
    ...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method)),
  ];
}
