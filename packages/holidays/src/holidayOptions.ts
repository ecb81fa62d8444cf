import { CalendarError, type Weekday } from '@pipkit/core';
import type { HolidayCorrection } from './corrections.js';

/**
 * What kind of day a holiday is, in date-holidays' words:
 * - `public`: a statutory day off for everyone;
 * - `bank`: banks (and sometimes offices) close, others work: New South Wales' August Bank
 *   Holiday, Japan's 31 December and 2-3 January (the UK's bank holidays are typed `public`);
 * - `optional`: employees may choose to take it;
 * - `school`: schools close;
 * - `observance`: marked, but nobody gets the day off (Mother's Day, Halloween).
 */
export type HolidayType = 'public' | 'bank' | 'optional' | 'school' | 'observance';

/**
 * Every {@link HolidayType}, from days off for everyone to days nobody gets off.
 *
 * @example
 * ```ts
 * holidayCalendar('DE-BY', { years: { from: 2026, to: 2026 }, types: HOLIDAY_TYPES });
 * ```
 */
export const HOLIDAY_TYPES: readonly HolidayType[] = Object.freeze([
  'public',
  'bank',
  'optional',
  'school',
  'observance',
]);

/**
 * The days off for everyone, public holidays: what {@link holidayCalendar} uses unless `types`
 * says otherwise. Bank-only days (banks close, others work) and optional days are opt-in per
 * calendar. Where date-holidays types days off for everyone as `bank` (the observed US Veterans
 * Day), a built-in mapping counts them as public (see `BANK_HOLIDAYS_COUNTED_AS_PUBLIC`).
 *
 * @example
 * ```ts
 * // A bank in New South Wales also closes on the August Bank Holiday
 * holidayCalendar('AU-NSW', {
 *   years: { from: 2026, to: 2026 },
 *   types: [...DEFAULT_HOLIDAY_TYPES, 'bank'],
 * });
 * ```
 */
export const DEFAULT_HOLIDAY_TYPES: readonly HolidayType[] = Object.freeze(['public']);

/** The years a calendar may cover: 1970 to 2200, at most 50 years at a time. */
const HOLIDAY_YEAR_LIMITS = Object.freeze({ min: 1970, max: 2200, maxSpan: 50 });

/** What {@link holidayCalendar} reads. */
export interface HolidayCalendarOptions {
  /**
   * The years to cover, both included: `{ from: 2026, to: 2028 }`. Whole numbers between 1970 and
   * 2200, `from` not after `to`, at most 50 years. A policy stays valid only for these years.
   */
  readonly years: { readonly from: number; readonly to: number };
  /**
   * Which kinds of holiday are days off. Defaults to `['public']` ({@link DEFAULT_HOLIDAY_TYPES});
   * add `'bank'` or `'optional'` where your policy gives those days off too.
   */
  readonly types?: readonly HolidayType[];
  /**
   * Your own corrections, each with its source: dated additions and removals (a proclaimed
   * one-off day, an employer's day, a day the law does not give) and removals of a holiday in
   * every year. Applied after the built-in ones, so yours win. See {@link HolidayCorrection}.
   */
  readonly corrections?: readonly HolidayCorrection[];
  /**
   * Whether pipkit's built-in corrections apply (default `true`): see `BUILT_IN_CORRECTIONS` and
   * `BANK_HOLIDAYS_COUNTED_AS_PUBLIC`. `false` gives the date-holidays data as it is.
   */
  readonly builtInCorrections?: boolean;
  /**
   * Corrections by date or name, kept from the first release (`corrections` says where each one
   * comes from): each entry is either a `YYYY-MM-DD` date
   * inside `years`, or a holiday's name as date-holidays spells it in any of its languages (case
   * does not matter; `'Juneteenth'`, `'Columbus Day'`), which removes that holiday in every year
   * together with its substitute days. An unknown name throws, so a typo never goes unnoticed; a
   * date that is not a holiday is ignored, so a correction keeps working once the data is fixed.
   */
  readonly exclude?: readonly string[];
  /**
   * Extra days off as `YYYY-MM-DD` dates inside `years`, kept from the first release: a
   * governor-declared day, a company shutdown. Prefer `corrections`, which carry a name and a
   * source into `details`.
   */
  readonly include?: readonly string[];
  /**
   * ISO weekdays that are not working days (1 is Monday, 7 is Sunday). Defaults to the weekend
   * date-holidays records for the region (only a few countries have one, such as Bangladesh's
   * Friday and Saturday), otherwise Saturday and Sunday.
   */
  readonly weekend?: readonly Weekday[];
}

/** `YYYY-MM-DD`, captured as year, month and day. */
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks `years`: whole years, in order, inside the limits. Throws `INVALID_CALENDAR`. */
export function checkYears(years: unknown): { from: number; to: number } {
  const { min, max, maxSpan } = HOLIDAY_YEAR_LIMITS;
  const example = 'for example { years: { from: 2026, to: 2027 } }';
  if (typeof years !== 'object' || years === null) {
    throw new CalendarError(`options.years is required, ${example}.`, ['years']);
  }
  const { from, to } = years as { from?: unknown; to?: unknown };
  for (const [key, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new CalendarError(
        `years.${key} must be a whole year such as 2026, not ${JSON.stringify(value) ?? String(value)}.`,
        ['years', key],
      );
    }
    if (value < min || value > max) {
      throw new CalendarError(
        `years.${key} is ${value}; holiday calendars cover ${min} to ${max}.`,
        ['years', key],
      );
    }
  }
  const first = from as number;
  const last = to as number;
  if (first > last) {
    throw new CalendarError(
      `years.from (${first}) is after years.to (${last}). Swap them: { from: ${last}, to: ${first} }.`,
      ['years'],
    );
  }
  if (last - first + 1 > maxSpan) {
    throw new CalendarError(
      `years ${first} to ${last} is ${last - first + 1} years; a calendar covers at most ${maxSpan}. Build one per policy version instead.`,
      ['years'],
    );
  }
  return { from: first, to: last };
}

/** Checks `types` (default: public holidays), without duplicates. */
export function checkTypes(types: readonly HolidayType[] | undefined): readonly HolidayType[] {
  if (types === undefined) return DEFAULT_HOLIDAY_TYPES;
  const list = `${HOLIDAY_TYPES.map((type) => `'${type}'`).join(', ')}`;
  if (!isList(types) || types.length === 0) {
    throw new CalendarError(
      `types must list at least one of ${list}; leave it out for ['public'].`,
      ['types'],
    );
  }
  types.forEach((type: unknown, index) => {
    if (!HOLIDAY_TYPES.includes(type as HolidayType)) {
      throw new CalendarError(`Unknown holiday type ${JSON.stringify(type)}. Use ${list}.`, [
        'types',
        index,
      ]);
    }
  });
  return [...new Set(types)];
}

/** Checks `weekend`: ISO weekdays, ascending, leaving at least one working day. */
export function checkWeekend(
  weekend: readonly Weekday[] | undefined,
): readonly Weekday[] | undefined {
  if (weekend === undefined) return undefined;
  if (!isList(weekend)) {
    throw new CalendarError('weekend must be a list of ISO weekdays, for example [5, 6].', [
      'weekend',
    ]);
  }
  weekend.forEach((day: unknown, index) => {
    if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 7) {
      throw new CalendarError(
        `Weekend day ${JSON.stringify(day)} is not an ISO weekday: use 1 (Monday) to 7 (Sunday).`,
        ['weekend', index],
      );
    }
  });
  const days = [...new Set(weekend)].sort((a, b) => a - b);
  if (days.length >= 7) {
    throw new CalendarError('weekend leaves no working day; a calendar needs at least one.', [
      'weekend',
    ]);
  }
  return days;
}

/** Checks `include` (or the dates in `exclude`): real `YYYY-MM-DD` dates inside `years`. */
export function checkDates(
  dates: readonly string[] | undefined,
  option: 'include' | 'exclude',
  years: { from: number; to: number },
): Set<string> {
  if (dates === undefined) return new Set();
  if (!isList(dates)) {
    throw new CalendarError(`${option} must be a list of YYYY-MM-DD dates.`, [option]);
  }
  dates.forEach((date: unknown, index) => {
    if (typeof date !== 'string' || !isRealDate(date)) {
      throw new CalendarError(
        `${option}[${index}] ${JSON.stringify(date)} is not a real YYYY-MM-DD date.`,
        [option, index],
      );
    }
    const year = Number(date.slice(0, 4));
    if (year < years.from || year > years.to) {
      throw new CalendarError(
        `${option}[${index}] ${date} is outside years ${years.from} to ${years.to}. Widen years or remove it.`,
        [option, index],
      );
    }
  });
  return new Set(dates);
}

function isRealDate(date: string): boolean {
  const match = ISO_DATE.exec(date);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return (
    parsed.getUTCFullYear() === year &&
    parsed.getUTCMonth() === month - 1 &&
    parsed.getUTCDate() === day
  );
}

/** Whether an option is an array, without narrowing its declared element type to `any`. */
export function isList(value: unknown): boolean {
  return Array.isArray(value);
}
