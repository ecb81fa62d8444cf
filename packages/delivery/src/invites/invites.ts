/**
 * iCalendar (RFC 5545) invites for a PIP's check-ins and meetings, written by the `ics` library:
 * one VEVENT per occurrence with a stable UID, a SEQUENCE that grows with every change, and the
 * times pipkit computed (UTC instants of the employee's local times, so a client shows them in
 * any zone without a VTIMEZONE; all-day occurrences as dates).
 */
import type { StoredEvent } from '@pipkit/core';
import { createEvents, type EventAttributes } from 'ics';
import { DeliveryIssueCodes, invalidOption } from '../errors.js';
import { type Occurrence, occurrencesOf } from './occurrences.js';

/** A person on an invite, as the host knows them. Only what the host passes is written. */
export interface InvitePerson {
  readonly email: string;
  readonly name?: string;
}

/**
 * What the host says about one occurrence: the words and people of its invite. Nothing personal
 * is written unless the host puts it here.
 */
export interface InviteText {
  /** The title (default: `Check-in 2`, or the meeting kind, such as `hearing`). */
  readonly summary?: string;
  readonly description?: string;
  readonly location?: string;
  /** RFC 5546 asks a REQUEST or CANCEL for one organizer and at least one attendee. */
  readonly organizer?: InvitePerson;
  readonly attendees?: readonly InvitePerson[];
  /** How long it lasts (default 30 minutes for a check-in, 60 for a meeting). */
  readonly minutes?: number;
}

/** Options of {@link invitesFor} and {@link invitesCalendar}. */
export interface InviteOptions {
  /**
   * The host part of every UID, `<pipId>/<deadlineId>@<domain>`: a domain the host controls
   * (with a tenant label when several tenants share one calendar system, as PIP ids are unique
   * only within a tenant).
   */
  readonly domain: string;
  /**
   * The PIP's tenant, with a store that has tenants (PIP ids are unique only within one): the UID
   * becomes `<tenantId>/<pipId>/<deadlineId>@<domain>`, so two tenants' `checkIn:1` of a PIP
   * with the same id never update each other in a shared calendar system.
   */
  readonly tenantId?: string;
  /** The host's words for an occurrence; called once per occurrence. */
  readonly describe?: (occurrence: Occurrence) => InviteText;
  /** The calendar's PRODID (default `-//pipkit//delivery//EN`). */
  readonly productId?: string;
  /** CLASS of every event (default `PRIVATE`: calendars that are shared show it as busy only). */
  readonly classification?: 'PUBLIC' | 'PRIVATE' | 'CONFIDENTIAL';
}

/** One occurrence's invite: its calendar facts and the iCalendar text to send. */
export interface Invite extends Occurrence {
  /**
   * `<pipId>/<deadlineId>@<domain>` (`<tenantId>/<pipId>/<deadlineId>@<domain>` with a tenant):
   * the same for every version of this occurrence.
   */
  readonly uid: string;
  /** `REQUEST` while it stands (scheduled or done), `CANCEL` once it is cancelled. */
  readonly method: 'REQUEST' | 'CANCEL';
  /** When it ends, UTC ISO (timed), or the day after its date (all-day, exclusive). */
  readonly end: string;
  /**
   * A whole VCALENDAR with this `METHOD` and the one VEVENT: attach it to a message as
   * `text/calendar; method=REQUEST` (or `CANCEL`).
   */
  readonly ics: string;
}

/** `ics` reads DTSTAMP from `timestamp`, which its types do not declare. */
type StampedAttributes = EventAttributes & { timestamp: number };

const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DEFAULT_PRODUCT = '-//pipkit//delivery//EN';
const TENANT = /^[^\s/@]{1,128}$/;

/**
 * The invites of one PIP's check-ins and meetings, derived from its stored events: one per
 * occurrence ever scheduled, in the order they were first scheduled. Pure: the same history gives
 * the same text, byte for byte (DTSTAMP is the time of the event that last changed it).
 *
 * @example
 * ```ts
 * const events = await engine.history(pipId, { actor });
 * for (const invite of invitesFor(events, {
 *   domain: 'pip.example.com',
 *   describe: (occurrence) => ({
 *     summary: occurrence.kind === 'checkIn' ? `PIP check-in ${occurrence.number}` : 'PIP meeting',
 *     organizer: { email: 'hr@example.com' },
 *     attendees: [{ email: employeeEmail }, { email: managerEmail }],
 *   }),
 * })) {
 *   if (invite.changedSeq > lastSentSeq) await mail.send(invite.ics, invite.method);
 * }
 * ```
 */
export function invitesFor(events: readonly StoredEvent[], options: InviteOptions): Invite[] {
  checkOptions(options);
  return occurrencesOf(events).map((occurrence) => inviteOf(occurrence, options));
}

/** The invite of one occurrence: REQUEST while it stands, CANCEL once cancelled. @internal */
export function inviteOf(occurrence: Occurrence, options: InviteOptions): Invite {
  const method = occurrence.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const { attributes, end } = eventAttributes(occurrence, options);
  return {
    ...occurrence,
    uid: attributes.uid ?? '',
    method,
    end,
    ics: write([attributes], method, options),
  };
}

/**
 * All of one PIP's invites as a single calendar (`METHOD:PUBLISH`) for a feed or a download:
 * standing occurrences `STATUS:CONFIRMED`, cancelled ones `STATUS:CANCELLED`, each with its UID
 * and SEQUENCE, so a client that subscribes updates them in place.
 */
export function invitesCalendar(events: readonly StoredEvent[], options: InviteOptions): string {
  checkOptions(options);
  const attributes = occurrencesOf(events).map(
    (occurrence) => eventAttributes(occurrence, options).attributes,
  );
  return write(attributes, 'PUBLISH', options);
}

/** Checks the domain and tenant every UID is made of. @internal */
export function checkOptions(options: InviteOptions): void {
  const { domain, tenantId } = options;
  if (tenantId !== undefined && (typeof tenantId !== 'string' || !TENANT.test(tenantId))) {
    invalidOption(
      DeliveryIssueCodes.INVITE_TENANT_INVALID,
      ['tenantId'],
      'A tenant id in a UID is 1 to 128 characters without spaces, "/" or "@".',
    );
  }
  if (typeof domain !== 'string' || !DOMAIN.test(domain)) {
    invalidOption(
      DeliveryIssueCodes.INVITE_DOMAIN_INVALID,
      ['domain'],
      `"${String(domain)}" is not a domain name; UIDs are <pipId>/<deadlineId>@<domain>.`,
    );
  }
}

/** The `ics` attributes of one occurrence's VEVENT, and its end. */
function eventAttributes(
  occurrence: Occurrence,
  options: InviteOptions,
): { attributes: StampedAttributes; end: string } {
  const text = options.describe?.(occurrence) ?? {};
  const minutes = text.minutes ?? (occurrence.kind === 'checkIn' ? 30 : 60);
  if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
    invalidOption(
      DeliveryIssueCodes.INVITE_TEXT_INVALID,
      ['describe', occurrence.deadlineId, 'minutes'],
      `An invite lasts 1 to 1440 whole minutes, not ${String(minutes)}.`,
    );
  }
  const times = occurrence.start ? timed(occurrence.start, minutes) : allDay(occurrence.date);
  const attributes: StampedAttributes = {
    ...times.attributes,
    uid: `${options.tenantId === undefined ? '' : `${options.tenantId}/`}${occurrence.pipId}/${occurrence.deadlineId}@${options.domain}`,
    sequence: occurrence.sequence,
    // DTSTAMP: `ics` would take the wall clock; the event's own time keeps the text reproducible.
    timestamp: Date.parse(occurrence.changedAt),
    title: text.summary ?? defaultSummary(occurrence),
    status: occurrence.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    classification: options.classification ?? 'PRIVATE',
    transp: 'OPAQUE',
  };
  if (text.description !== undefined) attributes.description = text.description;
  if (text.location !== undefined) attributes.location = text.location;
  if (text.organizer) attributes.organizer = person(text.organizer);
  if (text.attendees) {
    attributes.attendees = text.attendees.map((attendee) => ({
      ...person(attendee),
      rsvp: true,
      role: 'REQ-PARTICIPANT',
      partstat: 'NEEDS-ACTION',
    }));
  }
  return { attributes, end: times.end };
}

function timed(start: string, minutes: number): { attributes: EventAttributes; end: string } {
  const startMs = Date.parse(start);
  const endMs = startMs + minutes * 60_000;
  return {
    attributes: {
      start: startMs,
      startInputType: 'utc',
      startOutputType: 'utc',
      end: endMs,
      endInputType: 'utc',
      endOutputType: 'utc',
    },
    end: new Date(endMs).toISOString(),
  };
}

function allDay(date: string): { attributes: EventAttributes; end: string } {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  const endDate = next.toISOString().slice(0, 10);
  return {
    attributes: {
      start: [year, month, day],
      end: [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()],
    },
    end: endDate,
  };
}

function person(entry: InvitePerson): { email: string; name?: string } {
  return entry.name === undefined
    ? { email: entry.email }
    : { email: entry.email, name: entry.name };
}

function defaultSummary(occurrence: Occurrence): string {
  if (occurrence.kind === 'checkIn') {
    return occurrence.number === undefined ? 'Check-in' : `Check-in ${occurrence.number}`;
  }
  return occurrence.meetingKind ?? 'Meeting';
}

/** One VCALENDAR with `method` around `events`; a value `ics` refuses is the host's text. */
function write(events: EventAttributes[], method: string, options: InviteOptions): string {
  const { error, value } = createEvents(events, {
    method,
    productId: options.productId ?? DEFAULT_PRODUCT,
  });
  if (error || value === null) {
    invalidOption(
      DeliveryIssueCodes.INVITE_TEXT_INVALID,
      ['describe'],
      `The invite text cannot be written as iCalendar: ${error?.message ?? 'no output'}.`,
    );
  }
  return value;
}
