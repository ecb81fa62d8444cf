import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
} from 'fastify-type-provider-zod';
import type { ServiceInstance } from './pipkitApi.js';
import { apiRegistry, problemResponse, withoutUnusedSchemas } from './schemas.js';

/** The OpenAPI security requirement of every `/pips` route: both actor headers. */
export const security = [{ actorId: [], actorRole: [] }];

/** The problem responses every route may answer. */
export const problems = {
  400: problemResponse('Malformed JSON, or the request does not match its schema'),
  401: problemResponse('X-Actor-Id or X-Actor-Role missing or invalid'),
  403: problemResponse('The actor may not do this (FORBIDDEN)'),
  503: problemResponse('The store is unavailable (retryable); see Retry-After'),
};

/** The problem responses of a route on one PIP: {@link problems} and 404. */
export const pipProblems = { ...problems, 404: problemResponse('No PIP with this id') };

/**
 * Registers the OpenAPI 3.1 document (generated from the routes' zod schemas) and Swagger UI at
 * `/docs`. Register it before the routes, so it sees every one of them.
 */
export async function registerOpenApi(app: ServiceInstance): Promise<void> {
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
}
