import { type Actor, actorSchema } from '@pipkit/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { HttpCodes, HttpProblem } from './problems.js';

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

/** The `onRequest` hook of every `/pips` route: checks the actor headers before the body is read. */
export function authenticate(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  try {
    actorFromHeaders(request);
    done();
  } catch (error) {
    done(error as Error);
  }
}
