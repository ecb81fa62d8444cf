import { type CalendarDefinition, CalendarError, type Weekday } from '@pipkit/core';
import Holidays from 'date-holidays';
import { data as holidayData } from 'date-holidays/data';
import { createRequire } from 'node:module';
import { checkExclusions } from './holidayExclusions.js';
import {
  checkDates,
  checkTypes,
  checkWeekend,
  checkYears,
  type HolidayCalendarOptions,
} from './holidayOptions.js';
import { resolveRegion } from './regions.js';
import { wholeDaysOff } from './wholeDaysOff.js';

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
