import { invitesCalendar } from '@pipkit/delivery';
import { z } from 'zod';
import { etag, isNotModified, notModified } from './etags.js';
import { pipProblems, security } from './openApi.js';
import type { PipkitApi } from './pipkitApi.js';
import { actorOf, type EngineOf } from './requestGuards.js';
import { pipParamsSchema, readHeadersSchema } from './schemas.js';

/** What the invites route needs to know. */
export interface InviteRouteOptions {
  /** The host part of every invite UID (`PIPKIT_INVITE_DOMAIN`): a domain you control. */
  readonly domain: string;
}

/**
 * `GET /pips/:id/invites.ics`: the PIP's check-ins and meetings as one iCalendar feed
 * (`@pipkit/delivery`'s `invitesCalendar`), for whoever may read the PIP's history. The ETag is
 * the PIP version, so a calendar client polling it gets 304 until something changes.
 */
export function registerInviteRoutes(
  api: PipkitApi,
  engineOf: EngineOf,
  options: InviteRouteOptions,
): void {
  api.get(
    '/pips/:id/invites.ics',
    {
      schema: {
        summary: "A PIP's check-ins and meetings as an iCalendar feed (text/calendar)",
        description:
          'One VEVENT per check-in and meeting, with a stable UID (`<pipId>/<deadlineId>@<domain>`), ' +
          'a SEQUENCE raised by every move and cancellation, and the instants pipkit scheduled in ' +
          "the employee's zone, in UTC; cancelled ones `STATUS:CANCELLED`. No personal data. " +
          'Readable by whoever may read the PIP; the ETag is its version.',
        security,
        params: pipParamsSchema,
        headers: readHeadersSchema,
        response: {
          200: {
            description: 'The calendar (`METHOD:PUBLISH`)',
            content: { 'text/calendar': { schema: z.string() } },
          },
          ...pipProblems,
        },
      },
    },
    async (request, reply) => {
      const events = await engineOf(request).history(request.params.id, {
        actor: actorOf(request),
      });
      const tag = etag(events.at(-1)?.seq ?? 0);
      void reply.header('etag', tag);
      if (isNotModified(request, tag)) return notModified(reply);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'inline; filename="invites.ics"')
        .serializer((payload) => String(payload))
        .send(invitesCalendar(events, { domain: options.domain }));
    },
  );
}
