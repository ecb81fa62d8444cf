import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
} from 'fastify-type-provider-zod';
import type { ServiceInstance } from './pipkitApi.js';
import { apiRegistry } from './apiRegistry.js';
import { withDiscriminators, withNotModified, withoutUnusedSchemas } from './openApiDocument.js';
import { problemResponse } from './schemas.js';

/** The OpenAPI security requirement of every authenticated route: a bearer token. */
export const security = [{ bearer: [] }];

/** The problem responses every authenticated route may answer. */
export const problems = {
  400: problemResponse('Malformed JSON, or the request does not match its schema'),
  401: problemResponse('No bearer token, or one the service does not accept (UNAUTHENTICATED)'),
  403: problemResponse(
    'The actor may not do this (FORBIDDEN), or another tenant (TENANT_MISMATCH)',
  ),
  429: problemResponse('Too many requests from this principal (RATE_LIMITED); see Retry-After'),
  500: problemResponse('An unexpected error, or a stored row that cannot be read (STORE_ERROR)'),
  503: problemResponse(
    'The store or the identity provider is unavailable (retryable); see Retry-After',
  ),
};

/** The problem responses of a route on one PIP: {@link problems} and 404. */
export const pipProblems = { ...problems, 404: problemResponse('No PIP with this id') };

/**
 * Registers the OpenAPI 3.1 document (generated from the routes' zod schemas) and Swagger UI at
 * `/docs` (unless `ui` is false). Register it before the routes, so it sees every one of them.
 */
export async function registerOpenApi(
  app: ServiceInstance,
  options: { readonly ui: boolean },
): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'pipkit HTTP service',
        version: '0.1.0',
        description:
          'Performance Improvement Plans as durable, auditable state machines. Errors are ' +
          'application/problem+json (RFC 9457) with pipkit error codes and an issue list. ' +
          'Every route but /healthz needs a bearer token.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'A JWT from the identity provider: signature, iss, aud, exp and nbf are checked; ' +
              'sub is the actor id, and the role and tenant claims are mapped by the host.',
          },
        },
      },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiRegistry, skipList: [] }),
    transformObject: (document) =>
      withNotModified(
        withDiscriminators(
          withoutUnusedSchemas(
            createJsonSchemaTransformObject({ schemaRegistry: apiRegistry })(document),
          ),
        ),
      ),
  });
  // Swagger UI's assets are served from the installed package; nothing is fetched at run time.
  if (options.ui) await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}
