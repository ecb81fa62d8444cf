import type {
  FastifyInstance,
  FastifyTypeProvider,
  FastifyTypeProviderDefault,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';

/** The service's Fastify instance: Node's HTTP server and a pino logger. */
export type ServiceInstance<Provider extends FastifyTypeProvider = FastifyTypeProviderDefault> =
  FastifyInstance<
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    Logger,
    Provider
  >;

/** The service as the routes see it: zod schemas type each request and response. */
export type PipkitApi = ServiceInstance<ZodTypeProvider>;
