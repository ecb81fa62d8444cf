import { IANAZone } from 'luxon';
import { CalendarError } from '../errors/pipkitError.js';
import { type CivilDay, formatCivilDay, isoWeekday, parseCivilDay } from './civilDay.js';
import { type AmbiguousTime, resolveWallTime, startOfLocalDay, wallClockMs } from './wallTime.js';
import type { Duration } from './duration.js';
import { type DueDateExplanation, type ExplainOptions, explainDueDate } from './explain.js';
import { buildHolidayIndex } from './holidayIndex.js';
import type { HolidayDate, HolidayInfo, HolidayRule } from './holidayRules.js';

/** An ISO weekday: 1 is Monday, 7 is Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** What a calendar is made of: the employee's IANA zone, weekend days and holiday dates. */
export interface CalendarSpec {
  /** IANA zone in which every day is counted, for example `America/New_York`. */
  readonly timeZone: string;
  /**
   * Which instant a local time that happens twice (clocks going back) means: `earlier` (the
   * default) or `later`. A time the clocks skip moves forward by the jump either way. See
   * `docs/time.md`, "Local wall times".
   */
  readonly ambiguousTime?: AmbiguousTime | undefined;
  /** ISO weekdays that are not working days. Defaults to Saturday and Sunday. */
  readonly weekend?: readonly Weekday[];
  /**
   * Non-working dates in the calendar's zone (observed dates, not nominal): `YYYY-MM-DD`, or
   * `{ date, name?, source? }` to say what the day is (a one-off proclaimed holiday).
   */
  readonly holidays?: readonly HolidayDate[];
  /**
   * Holidays by rule, for every year: fixed dates with their weekend observance, n-th weekdays,
   * days around Easter. See {@link HolidayRule}.
   */
  readonly holidayRules?: readonly HolidayRule[] | undefined;
}

/**
 * A jurisdiction's working days, without a zone: what a policy or a holiday package provides.
 * The zone comes from the employee when a PIP opens.
 */
export type CalendarDefinition = Omit<CalendarSpec, 'timeZone'>;

/**
 * A working calendar: answers "is this a business day" and converts between instants and the
 * local days of one zone. Immutable; build one with {@link createCalendar}.
 */
export interface Calendar {
  /** The IANA zone days are counted in. */
  readonly timeZone: string;
  /** Which instant a local time that happens twice means (`earlier` unless the spec said `later`). */
  readonly ambiguousTime: AmbiguousTime;
  /** Weekend weekdays (ISO numbering). */
  readonly weekend: readonly Weekday[];
  /** The dated holidays, sorted, as `YYYY-MM-DD` (rule holidays are not listed: they have no end). */
  readonly holidays: readonly string[];
  /** The holiday rules, validated. */
  readonly holidayRules: readonly HolidayRule[];
  /** True when the local date (`YYYY-MM-DD`) is neither a weekend day nor a holiday. */
  isBusinessDay(isoDate: string): boolean;
  /** @internal Same test on a civil day number. */
  isBusinessCivilDay(day: CivilDay): boolean;
  /**
   * The holiday (dated or by rule) on a local date (`YYYY-MM-DD`): its name and source, or
   * undefined on a day that is not a holiday. A weekend is not a holiday: a US holiday on a
   * Saturday is found on the Friday it is observed, named `... (observed)`.
   */
  holidayOn(isoDate: string): HolidayInfo | undefined;
  /** @internal Same lookup on a civil day number. */
  holidayOnCivilDay(day: CivilDay): HolidayInfo | undefined;
  /** @internal The local civil day of an instant in this calendar's zone. */
  civilDayOf(instant: string | Date): CivilDay;
  /**
   * @internal The UTC instant of a local wall-clock time on a civil day, resolved by
   * `resolveWallTime` with this calendar's `ambiguousTime`: the same on every host and date.
   */
  instantAt(
    day: CivilDay,
    hour: number,
    minute: number,
    second?: number,
    millisecond?: number,
  ): string;
  /** @internal The first instant of a local civil day (see `startOfLocalDay`), as a UTC ISO string. */
  startOfCivilDay(day: CivilDay): string;
  /** The local date (`YYYY-MM-DD`) of an instant in this calendar's zone. */
  localDate(instant: string | Date): string;
  /**
   * When `duration` from `start` ends, with its working shown: every local day from the start to
   * the last day, counted (with its number) or skipped and why (weekend, a holiday's name and
   * source, the start day of a "days after" count, a roll). The same due date as
   * `computeDueDate`; see {@link explainDueDate}.
   *
   * @example
   * ```ts
   * const ny = createCalendar({ timeZone: 'America/New_York', holidays: ['2026-07-03'] });
   * ny.explain('2026-06-29T14:00:00Z', durations.businessDaysAfter(5)).days
   *   .map((day) => `${day.date} ${day.counted ? day.ordinal : day.note}`);
   * // ['2026-06-29 startDay', '2026-06-30 1', '2026-07-01 2', '2026-07-02 3',
   * //  '2026-07-03 holiday', '2026-07-04 weekend', '2026-07-05 weekend', '2026-07-06 4', '2026-07-07 5']
   * ```
   */
  explain(start: string | Date, duration: Duration, options?: ExplainOptions): DueDateExplanation;
}

const WALL_TIME_CACHE_SIZE = 4096;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The refusal of an unknown zone, with the closest real names (by city, then by spelling). */
function unknownZoneMessage(zone: unknown): string {
  const text = typeof zone === 'string' ? zone : String(zone);
  const all = Intl.supportedValuesOf('timeZone');
  const wanted = text.trim().toLowerCase().replace(/[ -]/g, '_');
  const city = wanted.split('/').at(-1) ?? wanted;
  const close =
    wanted === ''
      ? []
      : all.filter((name) => {
          const lower = name.toLowerCase();
          return lower === wanted || lower.split('/').at(-1) === city || lower.includes(city);
        });
  const hint =
    close.length > 0
      ? ` Did you mean ${close
          .slice(0, 5)
          .map((name) => `"${name}"`)
          .join(', ')}?`
      : '';
  return `Unknown time zone "${text}".${hint} Use an IANA name such as "Europe/London"; Intl.supportedValuesOf('timeZone') lists all ${all.length}.`;
}

// Zones already found valid. Asking Intl builds a DateTimeFormat each time (tens of microseconds,
// a tenth of opening a PIP), and a zone's validity never changes within a process. Only valid
// names are kept, and at most ZONES_KEPT of them (the IANA database has about 600, but names are
// accepted in any letter case), so hostile input cannot grow it.
const ZONES_KEPT = 4096;
const validZones = new Set<string>();

/** True when the zone is a real IANA zone that luxon (Intl) knows. */
export function isValidTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  const valid = IANAZone.isValidZone(zone);
  if (valid && validZones.size < ZONES_KEPT) validZones.add(zone);
  return valid;
}

/**
 * Builds an immutable working calendar. Throws {@link CalendarError} (`INVALID_CALENDAR`) for an
 * unknown zone or a malformed holiday date.
 *
 * @example
 * ```ts
 * const london = createCalendar({
 *   timeZone: 'Europe/London',
 *   holidays: ['2026-04-03', '2026-04-06', '2026-05-04'],
 * });
 * london.isBusinessDay('2026-04-06'); // false: Easter Monday in England
 * ```
 */
export function createCalendar(spec: CalendarSpec): Calendar {
  if (!isValidTimeZone(spec.timeZone)) {
    throw new CalendarError(unknownZoneMessage(spec.timeZone), ['timeZone']);
  }
  const weekend = [...new Set(spec.weekend ?? [6, 7])].sort() as Weekday[];
  if (weekend.length >= 7)
    throw new CalendarError('A calendar needs at least one working weekday.', ['weekend']);
  const isWeekend = new Array<boolean>(8).fill(false);
  for (const day of weekend) {
    if (!Number.isInteger(day) || day < 1 || day > 7) {
      throw new CalendarError(`Weekend day ${String(day)} is not an ISO weekday (1-7).`, [
        'weekend',
      ]);
    }
    isWeekend[day] = true;
  }
  const holidayIndex = buildHolidayIndex(spec.holidays, spec.holidayRules);
  const isHoliday = holidayIndex.isHoliday;
  const zone = spec.timeZone;
  // One zone object for every conversion: luxon re-validates a zone given by name on each call.
  const zoneObject = IANAZone.create(zone);
  const offsetAt = (epochMs: number) => zoneObject.offset(epochMs);
  const ambiguousTime = spec.ambiguousTime ?? 'earlier';
  if (ambiguousTime !== 'earlier' && ambiguousTime !== 'later')
    throw new CalendarError(`ambiguousTime must be "earlier" or "later".`, ['ambiguousTime']);
  const wallTimes = new Map<string, string>();

  const isBusinessCivilDay = (day: CivilDay): boolean =>
    !isWeekend[isoWeekday(day)] && !isHoliday(day);
  const civilDayOf = (instant: string | Date): CivilDay => {
    // The local date is the UTC instant shifted by the zone's offset at that instant: one Intl
    // lookup (luxon caches the formatter), no DateTime object.
    const ms =
      typeof instant === 'string'
        ? ISO_INSTANT.test(instant)
          ? Date.parse(instant)
          : Number.NaN
        : instant.getTime();
    if (Number.isNaN(ms)) throw new CalendarError(`"${String(instant)}" is not an ISO instant.`);
    return Math.floor((ms + zoneObject.offset(ms) * 60_000) / 86_400_000);
  };

  const calendar: Calendar = Object.freeze({
    timeZone: zone,
    ambiguousTime,
    weekend: Object.freeze(weekend),
    holidays: Object.freeze([...holidayIndex.dates]),
    holidayRules: holidayIndex.rules,
    isBusinessDay(isoDate: string): boolean {
      const day = parseCivilDay(isoDate);
      if (day === undefined) throw new CalendarError(`"${isoDate}" is not a YYYY-MM-DD date.`);
      return isBusinessCivilDay(day);
    },
    isBusinessCivilDay,
    holidayOn(isoDate: string): HolidayInfo | undefined {
      const day = parseCivilDay(isoDate);
      if (day === undefined) throw new CalendarError(`"${isoDate}" is not a YYYY-MM-DD date.`);
      return holidayIndex.holidayOn(day);
    },
    holidayOnCivilDay: holidayIndex.holidayOn,
    civilDayOf,
    instantAt(day: CivilDay, hour: number, minute: number, second = 0, millisecond = 0): string {
      // Many PIPs share dates (every plan started this week ends on the same few days), so
      // zoned wall times are memoised per calendar; the cache is bounded.
      const key = `${day}|${hour}|${minute}|${second}|${millisecond}`;
      const cached = wallTimes.get(key);
      if (cached !== undefined) return cached;
      const wall = wallClockMs(day, hour, minute, second, millisecond);
      const { epochMs } = resolveWallTime(offsetAt, wall, ambiguousTime);
      const instant = new Date(epochMs).toISOString();
      if (wallTimes.size >= WALL_TIME_CACHE_SIZE) wallTimes.clear();
      wallTimes.set(key, instant);
      return instant;
    },
    startOfCivilDay(day: CivilDay): string {
      const key = `start|${day}`;
      const cached = wallTimes.get(key);
      if (cached !== undefined) return cached;
      const instant = new Date(startOfLocalDay(offsetAt, day)).toISOString();
      if (wallTimes.size >= WALL_TIME_CACHE_SIZE) wallTimes.clear();
      wallTimes.set(key, instant);
      return instant;
    },
    localDate(instant: string | Date): string {
      return formatCivilDay(civilDayOf(instant));
    },
    explain(
      start: string | Date,
      duration: Duration,
      options?: ExplainOptions,
    ): DueDateExplanation {
      return explainDueDate(start, duration, calendar, options);
    },
  });
  return calendar;
}
