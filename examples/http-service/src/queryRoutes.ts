import { pipFilterSchema, pipQuerySchema, reportRequestSchema } from '@pipkit/core';
import { actorOf, type EngineOf } from './requestGuards.js';
import { pipProblems, problems, security } from './openApi.js';
import type { PipkitApi } from './pipkitApi.js';
import { countSchema, deadlinesSchema, queryPageSchema, reportSchema } from './querySchemas.js';
import { pipParamsSchema } from './schemas.js';

/**
 * The read side: queries with filters and cursors, counts, reports and each PIP's deadline
 * statuses. The actor's read scope goes into the store's query (a manager pages through their own
 * team's PIPs), and every PIP returned is still authorized by the engine.
 */
export function registerQueryRoutes(api: PipkitApi, engineOf: EngineOf): void {
  api.post(
    '/pips/query',
    {
      schema: {
        summary: 'Query the PIPs the actor may see: filters, order, keyset pages',
        description:
          'For example a manager\'s overdue queue: `{ "overdue": true, "sort": "nextDeadline" }`. ' +
          'Unknown filters, states or sorts, reversed ranges, pages over 1,000 and a cursor of ' +
          'another query are 400 with the field in `issues[].path`.',
        security,
        body: pipQuerySchema,
        response: { 200: queryPageSchema, ...problems },
      },
    },
    async (request) => {
      const page = await engineOf(request).query(request.body, { actor: actorOf(request) });
      const { pips, ...rest } = page;
      return { items: pips, ...rest };
    },
  );

  api.post(
    '/pips/count',
    {
      schema: {
        summary: 'How many PIPs the actor may see match the filters',
        security,
        body: pipFilterSchema,
        response: { 200: countSchema, ...problems },
      },
    },
    async (request) => ({
      count: await engineOf(request).count(request.body, { actor: actorOf(request) }),
    }),
  );

  api.post(
    '/reports',
    {
      schema: {
        summary: 'A report over the PIPs the actor may see (openByState, outcomesByMonth, ...)',
        security,
        body: reportRequestSchema,
        response: { 200: reportSchema, ...problems },
      },
    },
    async (request) => engineOf(request).report(request.body, { actor: actorOf(request) }),
  );

  api.get(
    '/pips/:id/deadlines',
    {
      schema: {
        summary: 'Every deadline a PIP has had and what became of it (met, missed, overdue, ...)',
        security,
        params: pipParamsSchema,
        response: { 200: deadlinesSchema, ...pipProblems },
      },
    },
    async (request) => ({
      pipId: request.params.id,
      deadlines: await engineOf(request).deadlines(request.params.id, { actor: actorOf(request) }),
    }),
  );
}
