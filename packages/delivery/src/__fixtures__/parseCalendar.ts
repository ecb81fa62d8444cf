// Reads iCalendar text with ical.js (Mozilla's parser, independent of the `ics` writer), so the
// tests check what a calendar client would see, not what our code meant to write.
import ICAL from 'ical.js';

/** One VEVENT as a client reads it. */
export interface ParsedEvent {
  readonly uid: string;
  readonly sequence: number;
  readonly status: string;
  readonly summary: string;
  /** DTSTART as an instant (UTC ISO), or as a date `YYYY-MM-DD` when it is VALUE=DATE. */
  readonly start: string;
  readonly end: string;
  readonly allDay: boolean;
  readonly stamp: string;
  /** The organizer's and attendees' addresses, without `mailto:`. */
  readonly organizer?: string;
  readonly attendees: readonly string[];
  readonly classification: string;
}

/** A VCALENDAR's METHOD and its events, in order. */
export interface ParsedCalendar {
  readonly method: string;
  readonly events: readonly ParsedEvent[];
}

/** A CAL-ADDRESS without its `mailto:` scheme (writers differ in its case). */
const address = (value: unknown): string => String(value).replace(/^mailto:/i, '');

const when = (time: ICAL.Time): string =>
  time.isDate ? time.toString() : time.toJSDate().toISOString();

/** Parses one VCALENDAR; throws when ical.js cannot read it. */
export function parseCalendar(text: string): ParsedCalendar {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    const organizer = component.getFirstPropertyValue('organizer');
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: String(component.getFirstPropertyValue('status')),
      summary: event.summary,
      start: when(event.startDate),
      end: when(event.endDate),
      allDay: event.startDate.isDate,
      stamp: when(component.getFirstPropertyValue('dtstamp') as ICAL.Time),
      ...(organizer ? { organizer: address(organizer) } : {}),
      attendees: component
        .getAllProperties('attendee')
        .map((property) => address(property.getFirstValue())),
      classification: String(component.getFirstPropertyValue('class')),
    };
  });
  return { method: String(calendar.getFirstPropertyValue('method')), events };
}

/** The wall-clock time of an instant in a zone, `HH:mm`, by `Intl` (not by the code under test). */
export function wallClock(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
}
