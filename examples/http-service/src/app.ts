import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  type Actor,
  actorSchema,
  type Clock,
  commandSchema,
  openPipSchema,
  type Engine,
  type ListQuery,
  type PipStore,
} from '@pipkit/core';
import Fastify, {
  type FastifyReply,
  type FastifyRequest,
  type HookHandlerDoneFunction,
} from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { createServiceEngine } from './config.js';
import { createLogger } from './logging.js';
import { HttpCodes, HttpProblem, toProblem } from './problems.js';
import {
  apiRegistry,
  commandHeadersSchema,
  dispatchResponseSchema,
  explanationSchema,
  healthSchema,
  listQuerySchema,
  openHeadersSchema,
  pipListSchema,
  pipParamsSchema,
  pipRecordSchema,
  problemResponse,
  timelineSchema,
  verificationSchema,
  withoutUnusedSchemas,
} from './schemas.js';

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

/** Retries of a command sent with `If-Match: *` when another writer wins the race. */
const UNPINNED_RETRIES = 3;

/**
 * The acting person, from the `X-Actor-Id` and `X-Actor-Role` headers.
 *
 * THIS IS A STAND-IN FOR AUTHENTICATION. Anyone who can reach the service can claim any id and
 * role with these headers. A real host derives the actor from its own authentication (a verified
 * session or token, the role from its HR directory) and never from headers a client controls;
 * replace this function, and keep the service behind that authentication.
 */
export function actorFromHeaders(request: FastifyRequest): Actor {
  const parsed = actorSchema.safeParse({
    id: request.headers['x-actor-id'],
    role: request.headers['x-actor-role'],
  });
  if (!parsed.success) {
    throw new HttpProblem(
      401,
      HttpCodes.ACTOR_REQUIRED,
      'Send X-Actor-Id and X-Actor-Role (employee, manager, seniorManager, hr, legal or system).',
      parsed.error.issues.map((issue) => ({
        code: HttpCodes.ACTOR_REQUIRED,
        path: ['headers', issue.path[0] === 'id' ? 'x-actor-id' : 'x-actor-role'],
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}

/** Reads `If-Match`: a version (`"4"`), `*` (any), or nothing (428: a command must name one). */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) {
    throw new HttpProblem(
      428,
      HttpCodes.PRECONDITION_REQUIRED,
      'Send If-Match with the ETag of the version you read (or * to act on whatever is current).',
      [
        {
          code: HttpCodes.PRECONDITION_REQUIRED,
          path: ['headers', 'if-match'],
          message: 'If-Match is required on commands.',
        },
      ],
    );
  }
  return ifMatch === '*' ? undefined : Number(ifMatch.slice(1, -1));
}

const etag = (version: number) => `"${version}"`;

/** True when the request pinned a version with `If-Match: "n"`. */
const pinsVersion = (request: FastifyRequest) => /^"\d+"$/.test(request.headers['if-match'] ?? '');

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

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'pipkit HTTP service',
        version: '0.1.0',
        description:
          'Performance Improvement Plans as durable, auditable state machines. Errors are ' +
          'application/problem+json (RFC 9457) with pipkit error codes and an issue list. ' +
          'The X-Actor-* headers stand in for real authentication: never trust them in production.',
      },
      components: {
        securitySchemes: {
          actorId: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Actor-Id',
            description: 'Who acts. A stand-in: a real host takes it from its authentication.',
          },
          actorRole: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Actor-Role',
            description: 'employee, manager, seniorManager, hr, legal or system.',
          },
        },
      },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiRegistry, skipList: [] }),
    transformObject: (document) =>
      withoutUnusedSchemas(
        createJsonSchemaTransformObject({ schemaRegistry: apiRegistry })(document),
      ),
  });
  // Swagger UI's assets are served from the installed package; nothing is fetched at run time.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ actorId: [], actorRole: [] }];
  // Authentication runs first (onRequest), before the body is even read.
  const authenticate = (
    request: FastifyRequest,
    _reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) => {
    try {
      actorFromHeaders(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
  const problems = {
    400: problemResponse('Malformed JSON, or the request does not match its schema'),
    401: problemResponse('X-Actor-Id or X-Actor-Role missing or invalid'),
    403: problemResponse('The actor may not do this (FORBIDDEN)'),
    503: problemResponse('The store is unavailable (retryable); see Retry-After'),
  };
  const pipProblems = { ...problems, 404: problemResponse('No PIP with this id') };

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

  api.post(
    '/pips',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Open a PIP in draft',
        security,
        headers: openHeadersSchema,
        body: openPipSchema,
        response: {
          201: dispatchResponseSchema,
          ...problems,
          409: problemResponse('A PIP with this id already exists'),
          413: problemResponse('The body is too large'),
          422: problemResponse('Unknown policy or calendar, or the key was reused'),
        },
      },
    },
    async (request, reply) => {
      const actor = actorFromHeaders(request);
      const key = request.headers['idempotency-key'];
      const result = await engine.open(request.body, {
        actor,
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
      request.log.info(
        {
          pipId: result.pip.pipId,
          actor,
          employee: request.body.employee,
          managerId: request.body.managerId,
          replayed: result.replayed,
        },
        'pip opened',
      );
      void reply
        .code(201)
        .header('location', `/pips/${encodeURIComponent(result.pip.pipId)}`)
        .header('etag', etag(result.pip.version));
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return result;
    },
  );

  api.post(
    '/pips/:id/commands',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Send a command',
        description:
          'If-Match is required: the ETag of the version you read ("4"), or * to act on the ' +
          'current version (the engine then re-decides up to 3 times when another writer wins).',
        security,
        params: pipParamsSchema,
        headers: commandHeadersSchema,
        body: commandSchema,
        response: {
          200: dispatchResponseSchema,
          ...pipProblems,
          409: problemResponse('With If-Match: *, other writers kept winning (VERSION_CONFLICT)'),
          412: problemResponse('The PIP is not at the version in If-Match'),
          413: problemResponse('The body is too large'),
          422: problemResponse('The PIP or its policy refuses the command (COMMAND_REFUSED)'),
          428: problemResponse('If-Match is missing'),
        },
      },
    },
    async (request, reply) => {
      const actor = actorFromHeaders(request);
      const version = expectedVersion(request.headers['if-match']);
      const key = request.headers['idempotency-key'];
      const command = request.body;
      const result = await engine.dispatch(request.params.id, command, {
        actor,
        ...(version === undefined ? { retries: UNPINNED_RETRIES } : { expectedVersion: version }),
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
      request.log.info(
        {
          pipId: result.pip.pipId,
          actor,
          command,
          version: result.pip.version,
          state: result.pip.state,
          replayed: result.replayed,
        },
        'command accepted',
      );
      void reply.header('etag', etag(result.pip.version));
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return result;
    },
  );

  api.post(
    '/pips/:id/explain',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Say whether a command would be accepted now, and every reason if not',
        description: 'Writes nothing. A refusal is a 200 with `accepted: false` and its issues.',
        security,
        params: pipParamsSchema,
        body: commandSchema,
        response: { 200: explanationSchema, ...pipProblems },
      },
    },
    async (request) => engine.explain(request.params.id, request.body, actorFromHeaders(request)),
  );

  api.get(
    '/pips/:id',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Read a PIP; the ETag is its version',
        security,
        params: pipParamsSchema,
        response: { 200: pipRecordSchema, ...pipProblems },
      },
    },
    async (request, reply) => {
      const pip = await engine.get(request.params.id, { actor: actorFromHeaders(request) });
      void reply.header('etag', etag(pip.version));
      return pip;
    },
  );

  api.get(
    '/pips/:id/timeline',
    {
      onRequest: authenticate,
      schema: {
        summary: "A PIP's events, oldest first, with their hash chain",
        security,
        params: pipParamsSchema,
        response: { 200: timelineSchema, ...pipProblems },
      },
    },
    async (request) => ({
      pipId: request.params.id,
      events: await engine.history(request.params.id, { actor: actorFromHeaders(request) }),
    }),
  );

  api.get(
    '/pips/:id/verify',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Verify the hash chain and that replaying the events reproduces the PIP',
        security,
        params: pipParamsSchema,
        response: { 200: verificationSchema, ...pipProblems },
      },
    },
    async (request) => engine.verify(request.params.id, { actor: actorFromHeaders(request) }),
  );

  api.get(
    '/pips',
    {
      onRequest: authenticate,
      schema: {
        summary: 'List the PIPs the actor may read, ordered by id',
        description:
          'Managers see the PIPs they manage and employees their own (the filter is applied for ' +
          'them). Page with `after` = the previous `nextAfter`.',
        security,
        querystring: listQuerySchema,
        response: { 200: pipListSchema, ...problems },
      },
    },
    async (request) => {
      const actor = actorFromHeaders(request);
      const { after, limit, ...filters } = request.query;
      const query: ListQuery = {
        ...(actor.role === 'manager' ? { managerId: actor.id } : {}),
        ...(actor.role === 'employee' ? { employeeId: actor.id } : {}),
        ...definedOnly(filters),
        ...(after === undefined ? {} : { afterPipId: after }),
        limit: limit + 1,
      };
      const page = await engine.list(query, { actor });
      const items = page.slice(0, limit);
      const last = items[items.length - 1];
      return page.length > limit && last ? { items, nextAfter: last.pipId } : { items };
    },
  );

  return app;
}

/** The Fastify instance {@link buildApp} returns. */
export type PipkitApp = Awaited<ReturnType<typeof buildApp>>;

/** Drops undefined values, for `exactOptionalPropertyTypes`. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
