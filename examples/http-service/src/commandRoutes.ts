import { commandSchema, openPipSchema } from '@pipkit/core';
import { actorOf, type EngineOf } from './requestGuards.js';
import { etag, expectedVersion, requireIfMatch } from './etags.js';
import { pipProblems, problems, security } from './openApi.js';
import type { PipkitApi } from './pipkitApi.js';
import {
  commandHeadersSchema,
  dispatchResponseSchema,
  explanationSchema,
  openHeadersSchema,
  pipParamsSchema,
  problemResponse,
} from './schemas.js';

/** Retries of a command sent with `If-Match: *` when another writer wins the race. */
const UNPINNED_RETRIES = 3;

/** The routes that write or would write: open a PIP, send a command, explain a command. */
export function registerCommandRoutes(api: PipkitApi, engineOf: EngineOf): void {
  api.post(
    '/pips',
    {
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
      const actor = actorOf(request);
      const key = request.headers['idempotency-key'];
      const result = await engineOf(request).open(request.body, {
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
      // A missing If-Match is 428 (RFC 6585), checked before the headers' schema (400).
      preValidation: requireIfMatch,
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
      const actor = actorOf(request);
      const version = expectedVersion(request.headers['if-match']);
      const key = request.headers['idempotency-key'];
      const command = request.body;
      const result = await engineOf(request).dispatch(request.params.id, command, {
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
      schema: {
        summary: 'Say whether a command would be accepted now, and every reason if not',
        description: 'Writes nothing. A refusal is a 200 with `accepted: false` and its issues.',
        security,
        params: pipParamsSchema,
        body: commandSchema,
        response: { 200: explanationSchema, ...pipProblems },
      },
    },
    async (request) =>
      engineOf(request).explain(request.params.id, request.body, { actor: actorOf(request) }),
  );
}
