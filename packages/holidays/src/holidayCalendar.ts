import { type CalendarDefinition, CalendarError, type Weekday } from '@pipkit/core';
import Holidays from 'date-holidays';
import { data as holidayData } from 'date-holidays/data';
import { createRequire } from 'node:module';
import { resolveRegion } from './regions.js';

/**
 * What kind of day a holiday is, in date-holidays' words:
 * - `public`: a statutory day off for everyone;
 * - `bank`: banks and most offices close (a UK bank holiday, a US federal observed day);
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
 * The days off for everyone: what {@link holidayCalendar} uses unless `types` says otherwise.
 *
 * @example
 * ```ts
 * // Public and bank holidays plus the optional ones (Christmas Eve in the US data)
 * holidayCalendar('US', {
 *   years: { from: 2026, to: 2026 },
 *   types: [...DEFAULT_HOLIDAY_TYPES, 'optional'],
 * });
 * ```
 */
export const DEFAULT_HOLIDAY_TYPES: readonly HolidayType[] = Object.freeze(['public', 'bank']);

/** The years a calendar may cover: 1970 to 2200, at most 50 years at a time. */
const HOLIDAY_YEAR_LIMITS = Object.freeze({ min: 1970, max: 2200, maxSpan: 50 });

/** What {@link holidayCalendar} reads. */
export interface HolidayCalendarOptions {
  /**
   * The years to cover, both included: `{ from: 2026, to: 2028 }`. Whole numbers between 1970 and
   * 2200, `from` not after `to`, at most 50 years. A policy stays valid only for these years.
   */
  readonly years: { readonly from: number; readonly to: number };
  /** Which kinds of holiday are days off. Defaults to `['public', 'bank']`. */
  readonly types?: readonly HolidayType[];
  /**
   * Corrections to the data, applied after it is read: each entry is either a `YYYY-MM-DD` date
   * inside `years`, or a holiday's name as date-holidays spells it in any of its languages (case
   * does not matter; `'Juneteenth'`, `'Columbus Day'`), which removes that holiday in every year
   * together with its substitute days. An unknown name throws, so a typo never goes unnoticed; a
   * date that is not a holiday is ignored, so a correction keeps working once the data is fixed.
   */
  readonly exclude?: readonly string[];
  /**
   * Extra days off as `YYYY-MM-DD` dates inside `years`: a governor-declared day, a company
   * shutdown, a part-day holiday your policy treats as a whole day.
   */
  readonly include?: readonly string[];
  /**
   * ISO weekdays that are not working days (1 is Monday, 7 is Sunday). Defaults to the weekend
   * date-holidays records for the region (only a few countries have one, such as Bangladesh's
   * Friday and Saturday), otherwise Saturday and Sunday.
   */
  readonly weekend?: readonly Weekday[];
}

/**
 * A jurisdiction's working calendar as plain data: a {@link CalendarDefinition} (weekend and
 * holidays) plus where it came from. JSON-safe; every call returns new arrays, so they fit a
 * policy document (whose arrays are mutable) as they are.
 */
export interface HolidayCalendar extends CalendarDefinition {
  /** The region it was built for, upper case: `US-WY`, `GB-SCT`. */
  readonly id: string;
  /** ISO weekdays that are not working days, ascending. */
  readonly weekend: Weekday[];
  /** Observed days off as `YYYY-MM-DD`, sorted and unique, all inside the requested years. */
  readonly holidays: string[];
  /** The data it came from, for the policy's audit trail: `date-holidays 3.37.0`. */
  readonly source: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// date-holidays' `date`: the holiday's local start, with an offset when it begins the evening
// before (days that follow the Islamic calendar): "2026-03-20 00:00:00 -0600".
const LOCAL_START = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})(?::\d{2})?(?: [+-]\d{4})?$/;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WEEKDAY_NAMES: Readonly<Record<string, Weekday>> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/**
 * Builds the working calendar of a country or subdivision from the `date-holidays` data: the
 * observed days off of the given years (substitute days included: a US federal holiday on a
 * Saturday is observed on the Friday, a UK bank holiday on a weekend moves to the Monday) and the
 * region's weekend. Only whole days count: a holiday that starts in the afternoon (Christmas Eve
 * from 14:00 in Austria) is a working day unless you `include` it.
 *
 * Throws {@link CalendarError} (`INVALID_CALENDAR`) for an unknown country or subdivision, a year
 * range that is reversed, fractional, outside 1970-2200 or longer than 50 years, an unknown type,
 * and a malformed correction. It never returns an empty calendar for a region it does not know.
 *
 * The data is community-maintained: check the result against the official calendar before
 * relying on it, and correct it with `exclude` and `include`. Not legal advice.
 *
 * @param region - `COUNTRY` or `COUNTRY-SUBDIVISION` in ISO 3166 style: `US`, `US-WY`, `GB-ENG`, `GB-SCT`, `DE-BY`
 * @example
 * ```ts
 * import { computeDueDate, createCalendar, durations } from '@pipkit/core';
 * import { holidayCalendar } from '@pipkit/holidays';
 *
 * const england = holidayCalendar('GB-ENG', { years: { from: 2026, to: 2027 } });
 * england.holidays.includes('2026-04-06'); // true: Easter Monday
 * const calendar = createCalendar({ timeZone: 'Europe/London', ...england });
 * computeDueDate('2026-04-02T10:00:00Z', durations.businessDaysAfter(5), calendar).date;
 * // '2026-04-13': Good Friday and Easter Monday are not working days
 *
 * // Wyoming's state holidays have no Juneteenth and no Columbus Day
 * holidayCalendar('US-WY', {
 *   years: { from: 2026, to: 2026 },
 *   exclude: ['Juneteenth', 'Columbus Day'],
 * });
 * ```
 */
export function holidayCalendar(region: string, options: HolidayCalendarOptions): HolidayCalendar {
  const resolved = resolveRegion(region);
  if (typeof options !== 'object' || options === null) {
    throw new CalendarError(
      'holidayCalendar needs options with the years to cover, for example { years: { from: 2026, to: 2026 } }.',
      [],
    );
  }
  const { from, to } = checkYears(options.years);
  const types = checkTypes(options.types);
  const weekend = checkWeekend(options.weekend) ?? recordedWeekend(resolved) ?? [6, 7];

  const holidays =
    resolved.subdivision === undefined
      ? new Holidays(resolved.country, { types: [...types] })
      : new Holidays(resolved.country, resolved.subdivision, { types: [...types] });
  const { dates: excludedDates, rules: excludedRules } = checkExclusions(
    options.exclude,
    holidays,
    resolved.id,
    types,
    { from, to },
  );
  const includedDates = checkDates(options.include, 'include', { from, to });
  for (const date of includedDates) {
    if (excludedDates.has(date)) {
      throw new CalendarError(
        `${date} is both in include and in exclude. Keep it in one of them.`,
        ['include'],
      );
    }
  }

  const days = new Set<string>(includedDates);
  // A substitute day or a multi-day holiday can cross New Year (1 Jan 2028, a Saturday, is
  // observed on Friday 31 Dec 2027), so the neighbouring years are read and then cut off.
  for (let year = from - 1; year <= to + 1; year += 1) {
    for (const holiday of holidays.getHolidays(year, 'en')) {
      if (!types.includes(holiday.type) || excludedRules.has(holiday.rule)) continue;
      for (const day of wholeDaysOff(holiday)) {
        const dayYear = Number(day.slice(0, 4));
        if (dayYear >= from && dayYear <= to && !excludedDates.has(day)) days.add(day);
      }
    }
  }

  return {
    id: resolved.id,
    weekend: [...weekend],
    holidays: [...days].sort(),
    source: `date-holidays ${dateHolidaysVersion()}`,
  };
}

let installedVersion: string | undefined;
/**
 * The version of date-holidays the host has installed (not the one this package was built
 * against), read once from its package.json.
 */
function dateHolidaysVersion(): string {
  // A JSON import would need `with { type: 'json' }`, which the build drops; require works in
  // both builds (the CJS build gets import.meta.url from tsup's shim).
  installedVersion ??= (
    createRequire(import.meta.url)('date-holidays/package.json') as { version: string }
  ).version;
  return installedVersion;
}

function checkYears(years: unknown): { from: number; to: number } {
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

function checkTypes(types: readonly HolidayType[] | undefined): readonly HolidayType[] {
  if (types === undefined) return DEFAULT_HOLIDAY_TYPES;
  const list = `${HOLIDAY_TYPES.map((type) => `'${type}'`).join(', ')}`;
  if (!isList(types) || types.length === 0) {
    throw new CalendarError(
      `types must list at least one of ${list}; leave it out for ['public', 'bank'].`,
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

function checkWeekend(weekend: readonly Weekday[] | undefined): readonly Weekday[] | undefined {
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

/** The weekend date-holidays records for the subdivision or else its country, if any. */
function recordedWeekend(region: {
  country: string;
  subdivision: string | undefined;
}): readonly Weekday[] | undefined {
  const country = holidayData.holidays[region.country];
  const subdivision =
    region.subdivision === undefined
      ? undefined
      : (country?.states?.[region.subdivision] ?? country?.regions?.[region.subdivision]);
  const names = subdivision?.weekend ?? country?.weekend;
  if (names === undefined || names.length === 0) return undefined;
  const days = names.map((name) => WEEKDAY_NAMES[name.toLowerCase()]);
  if (days.some((day) => day === undefined) || days.length >= 7) return undefined;
  return [...new Set(days as Weekday[])].sort((a, b) => a - b);
}

function checkDates(
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

function checkExclusions(
  exclude: readonly string[] | undefined,
  holidays: Holidays,
  regionId: string,
  types: readonly HolidayType[],
  years: { from: number; to: number },
): { dates: Set<string>; rules: Set<string> } {
  if (exclude === undefined) return { dates: new Set(), rules: new Set() };
  if (!isList(exclude)) {
    throw new CalendarError(
      'exclude must be a list of YYYY-MM-DD dates or holiday names, for example ["Juneteenth"].',
      ['exclude'],
    );
  }
  const dateEntries: string[] = [];
  const nameEntries: { name: string; index: number }[] = [];
  exclude.forEach((entry: unknown, index) => {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new CalendarError(
        `exclude[${index}] must be a YYYY-MM-DD date or a holiday name, not ${JSON.stringify(entry)}.`,
        ['exclude', index],
      );
    }
    if (ISO_DATE.test(entry)) dateEntries.push(entry);
    else nameEntries.push({ name: entry, index });
  });
  const dates = checkDates(dateEntries, 'exclude', years);

  // Each rule (and each substitute rule) carries the holiday's names in every language it has.
  const rulesByName = new Map<string, Set<string>>();
  const englishNames = new Set<string>();
  for (const rule of holidays.getRules() as unknown as readonly RawRule[]) {
    const names = typeof rule.name === 'string' ? [rule.name] : Object.values(rule.name ?? {});
    for (const name of names) {
      const key = name.trim().toLowerCase();
      if (!rulesByName.has(key)) rulesByName.set(key, new Set());
      rulesByName.get(key)?.add(rule.rule);
    }
    const english = typeof rule.name === 'string' ? rule.name : rule.name?.en;
    if (english !== undefined) englishNames.add(english);
  }
  const rules = new Set<string>();
  for (const { name, index } of nameEntries) {
    const matched = rulesByName.get(name.trim().toLowerCase());
    if (matched === undefined) {
      const known = [...englishNames].sort();
      throw new CalendarError(
        `exclude[${index}] "${name}" is not a ${types.join('/')} holiday of ${regionId} in date-holidays. Known names: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}.`,
        ['exclude', index],
      );
    }
    for (const rule of matched) rules.add(rule);
  }
  return { dates, rules };
}

/** The slice of a date-holidays rule that names a holiday. */
interface RawRule {
  readonly rule: string;
  readonly name?: string | Readonly<Record<string, string>>;
}

/**
 * The local days a holiday takes off entirely. `date` is its local start; start and end give its
 * length. A holiday that starts during a day leaves that day a working day; a multi-day holiday
 * gives every whole day it covers. One hour of slack absorbs a daylight-saving change.
 */
function wholeDaysOff(holiday: { date: string; start: Date; end: Date }): string[] {
  const match = LOCAL_START.exec(holiday.date);
  if (!match) {
    throw new CalendarError(
      `date-holidays returned a holiday date in an unexpected format ("${holiday.date}"). Pin date-holidays to a version this package supports and report it.`,
    );
  }
  const [, startDay = '', hours = '0', minutes = '0'] = match;
  const startMinutes = Number(hours) * 60 + Number(minutes);
  let covered = (holiday.end.getTime() - holiday.start.getTime()) / HOUR_MS;
  let first = Date.parse(`${startDay}T00:00:00Z`);
  if (startMinutes > 0) {
    covered -= (24 * 60 - startMinutes) / 60;
    first += DAY_MS;
  }
  const wholeDays = Math.floor((covered + 1) / 24);
  const days: string[] = [];
  for (let index = 0; index < wholeDays; index += 1) {
    days.push(new Date(first + index * DAY_MS).toISOString().slice(0, 10));
  }
  return days;
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
function isList(value: unknown): boolean {
  return Array.isArray(value);
}
