import { CalendarError, ValidationError } from '@pipkit/core';
import { type Messages, messagesFor } from '../messages/messages.js';

/** Which catalogue formats a date: `en` (default) or `de`. */
export interface DateOptions {
  /** `en` (default), `de`, or a tag of their languages. */
  readonly locale?: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per locale tag, zone and kind (a day, or a day with the time). */
function formatter(tag: string, zone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${tag}|${zone}|${withTime ? 'time' : 'day'}`;
  let format = formats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(tag, {
        timeZone: zone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        ...(withTime
          ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }
          : {}),
      } as const);
    } catch {
      throw new CalendarError(`Unknown IANA time zone "${zone}".`, ['timeZone']);
    }
    formats.set(key, format);
  }
  return format;
}

function parts(format: Intl.DateTimeFormat, at: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of format.formatToParts(at))
    if (part.type !== 'literal') out[part.type] = part.value;
  return out;
}

function toDate(value: string, what: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new ValidationError(`${what} "${value}" is not an ISO 8601 date.`, [
      { code: 'INVALID_DATE', path: [what], message: `"${value}" is not an ISO 8601 date.` },
    ]);
  return at;
}

/** A day, in `zone`, through the catalogue's `date.day` layout. */
function formatDay(messages: Messages, at: Date, zone: string): string {
  const {
    weekday = '',
    day = '',
    month = '',
    year = '',
  } = parts(formatter(messages.tag, zone, false), at);
  return messages.format('date.day', { weekday, day, month, year });
}

/** An instant with its time and zone name, in `zone`, through `date.time`. */
export function formatInstant(messages: Messages, instant: string, zone: string): string {
  const at = toDate(instant, 'instant');
  const {
    hour = '',
    minute = '',
    timeZoneName = '',
  } = parts(formatter(messages.tag, zone, true), at);
  return messages.format('date.time', {
    date: formatDay(messages, at, zone),
    hour,
    minute,
    zone: timeZoneName,
  });
}

/** The day an instant falls on in `zone`, without the time. */
export function formatInstantDay(messages: Messages, instant: string, zone: string): string {
  return formatDay(messages, toDate(instant, 'instant'), zone);
}

/** A civil date (`YYYY-MM-DD`, as deadlines and plans store them). */
export function formatCivilDate(messages: Messages, date: string): string {
  return formatDay(messages, toDate(`${date.slice(0, 10)}T00:00:00Z`, 'date'), 'UTC');
}

/**
 * Formats an instant in the employee's zone, with the zone's short name.
 *
 * @example
 * ```ts
 * localTime('2026-03-03T16:00:00Z', 'America/Chicago'); // 'Tue 3 Mar 2026 10:00 CST'
 * localTime('2026-03-03T16:00:00Z', 'America/Chicago', { locale: 'de' }); // 'Di., 3. März 2026, 10:00 GMT-6'
 * ```
 */
export function localTime(instant: string, zone: string, options: DateOptions = {}): string {
  return formatInstant(messagesFor(options.locale ?? 'en'), instant, zone);
}

/**
 * Formats a civil date (`YYYY-MM-DD`): a deadline's or a plan's day, which has no zone.
 *
 * @example
 * ```ts
 * localDate('2026-05-01'); // 'Fri 1 May 2026'
 * localDate('2026-05-01', { locale: 'de' }); // 'Fr., 1. Mai 2026'
 * ```
 */
export function localDate(date: string, options: DateOptions = {}): string {
  return formatCivilDate(messagesFor(options.locale ?? 'en'), date);
}
