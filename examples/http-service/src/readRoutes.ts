import type { ListQuery } from '@pipkit/core';
import { timelineRows } from '@pipkit/report';
import { actorOf, type EngineOf } from './requestGuards.js';
import { etag, isNotModified, notModified } from './etags.js';
import { pipProblems, problems, security } from './openApi.js';
import type { PipkitApi } from './pipkitApi.js';
import {
  listQuerySchema,
  pipListSchema,
  pipParamsSchema,
  pipRecordSchema,
  readHeadersSchema,
  timelineRowsQuerySchema,
  timelineRowsSchema,
  timelineSchema,
  verificationSchema,
} from './schemas.js';

/** The routes that read: a PIP, its timeline (events and rows), its verification, the list. */
export function registerReadRoutes(api: PipkitApi, engineOf: EngineOf): void {
  api.get(
    '/pips/:id',
    {
      schema: {
        summary: 'Read a PIP; the ETag is its version',
        security,
        params: pipParamsSchema,
        headers: readHeadersSchema,
        response: { 200: pipRecordSchema, ...pipProblems },
      },
    },
    async (request, reply) => {
      const pip = await engineOf(request).get(request.params.id, { actor: actorOf(request) });
      const tag = etag(pip.version);
      void reply.header('etag', tag);
      if (isNotModified(request, tag)) return notModified(reply);
      return pip;
    },
  );

  api.get(
    '/pips/:id/timeline',
    {
      schema: {
        summary: "A PIP's events, oldest first, with their hash chain; the ETag is its version",
        security,
        params: pipParamsSchema,
        headers: readHeadersSchema,
        response: { 200: timelineSchema, ...pipProblems },
      },
    },
    async (request, reply) => {
      const events = await engineOf(request).history(request.params.id, {
        actor: actorOf(request),
      });
      const tag = etag(events.at(-1)?.seq ?? 0);
      void reply.header('etag', tag);
      if (isNotModified(request, tag)) return notModified(reply);
      return { pipId: request.params.id, events };
    },
  );

  api.get(
    '/pips/:id/timeline/rows',
    {
      schema: {
        summary: "A PIP's history as rows to show, in the employee's time and a language",
        description:
          'One row per event, oldest first: when (UTC and local), who, and a sentence from the ' +
          'message catalogue of `@pipkit/report` (`en` or `de`). The ETag is the PIP version.',
        security,
        params: pipParamsSchema,
        querystring: timelineRowsQuerySchema,
        headers: readHeadersSchema,
        response: { 200: timelineRowsSchema, ...pipProblems },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { locale } = request.query;
      const pip = await engineOf(request).get(request.params.id, { actor });
      const events = await engineOf(request).history(request.params.id, { actor });
      const timeZone = pip.context.employee.timeZone;
      // The rows are the history read second: their last event is the version they show.
      const tag = etag(events.at(-1)?.seq ?? pip.version);
      void reply.header('etag', tag);
      if (isNotModified(request, tag)) return notModified(reply);
      return {
        pipId: pip.pipId,
        locale,
        timeZone,
        rows: timelineRows(events, { locale, timeZone }),
      };
    },
  );

  api.get(
    '/pips/:id/verify',
    {
      schema: {
        summary: 'Verify the hash chain and that replaying the events reproduces the PIP',
        security,
        params: pipParamsSchema,
        response: { 200: verificationSchema, ...pipProblems },
      },
    },
    async (request) => engineOf(request).verify(request.params.id, { actor: actorOf(request) }),
  );

  api.get(
    '/pips',
    {
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
      const actor = actorOf(request);
      const { after, limit, ...filters } = request.query;
      const query: ListQuery = {
        ...(actor.role === 'manager' ? { managerId: actor.id } : {}),
        ...(actor.role === 'employee' ? { employeeId: actor.id } : {}),
        ...definedOnly(filters),
        ...(after === undefined ? {} : { afterPipId: after }),
        limit: limit + 1,
      };
      const page = await engineOf(request).list(query, { actor });
      const items = page.slice(0, limit);
      const last = items[items.length - 1];
      return page.length > limit && last ? { items, nextAfter: last.pipId } : { items };
    },
  );
}

/** Drops undefined values, for `exactOptionalPropertyTypes`. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
