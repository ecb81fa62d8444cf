import type { Clock, Engine, PipStore } from '@pipkit/core';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { registerCommandRoutes } from './commandRoutes.js';
import { createServiceEngine } from './config.js';
import { pinsVersion } from './etags.js';
import { createLogger } from './logging.js';
import { problems, registerOpenApi } from './openApi.js';
import { HttpCodes, HttpProblem, toProblem } from './problems.js';
import { registerQueryRoutes } from './queryRoutes.js';
import { registerReadRoutes } from './readRoutes.js';
import { healthSchema } from './schemas.js';

/** How to build the HTTP service. */
export interface AppOptions {
  /** Where PIPs live. The app never closes it: whoever opened it does. */
  readonly store: PipStore;
  /** A label for `/healthz` (`sqlite`, `postgres`). */
  readonly storeName?: string;
  /** The engine's clock; tests inject a test clock. Defaults to the system clock. */
  readonly clock?: Clock;
  /** A pino logger; defaults to {@link createLogger} (JSON lines on stdout, personal data redacted). */
  readonly logger?: Logger;
  /** The largest request body in bytes; larger bodies get 413. Default 65536. */
  readonly bodyLimit?: number;
}

/** Sends a problem document: `application/problem+json`, never through a response schema. */
function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown) {
  const problem = toProblem(error, {
    instance: request.url.split('?')[0] ?? request.url,
    pinnedVersion: pinsVersion(request),
  });
  if (problem.status >= 500) {
    request.log.error({ err: error, code: problem.code }, 'request failed');
  } else {
    request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  }
  if (problem.status === 503) void reply.header('retry-after', '1');
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(problem);
}

/**
 * Builds the pipkit HTTP service: a Fastify 5 instance with zod validation, OpenAPI at
 * `/openapi.json`, Swagger UI at `/docs`, and every error as `application/problem+json`.
 * Listen with `app.listen({ port })`; close with `app.close()` (the store stays open).
 */
export async function buildApp(options: AppOptions) {
  const engine: Engine = createServiceEngine(options.store, options.clock);
  const app = Fastify({
    loggerInstance: options.logger ?? createLogger(),
    bodyLimit: options.bodyLimit ?? 65_536,
    // Ids in logs correlate a request's lines; take the caller's X-Request-Id when sent.
    requestIdHeader: 'x-request-id',
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendProblem(reply, request, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new HttpProblem(404, HttpCodes.ROUTE_NOT_FOUND, `No route ${request.method} ${request.url}.`),
    ),
  );

  await registerOpenApi(app);

  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/openapi.json', { schema: { hide: true } }, (_request, reply) =>
    reply.send(app.swagger()),
  );

  api.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and store reachability',
        response: { 200: healthSchema, 503: problems[503] },
      },
    },
    async () => {
      await options.store.list({ limit: 1 });
      return { status: 'ok' as const, store: options.storeName ?? 'custom' };
    },
  );

  registerCommandRoutes(api, engine);
  registerReadRoutes(api, engine);
  registerQueryRoutes(api, engine);

  return app;
}

/** The Fastify instance {@link buildApp} returns. */
export type PipkitApp = Awaited<ReturnType<typeof buildApp>>;
