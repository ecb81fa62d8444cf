import { type CalendarDefinition, CalendarError, type Weekday } from '@pipkit/core';
import Holidays from 'date-holidays';
import { data as holidayData } from 'date-holidays/data';
import { createRequire } from 'node:module';
import { BANK_HOLIDAYS_COUNTED_AS_PUBLIC, builtInCorrectionsFor } from './builtInCorrections.js';
import {
  applyDated,
  collectDataDays,
  detailOf,
  type HolidayDetail,
  sortDetails,
} from './collectDays.js';
import {
  type CheckedCorrections,
  checkCorrections,
  type DatedCorrection,
  type RuleCorrection,
} from './corrections.js';
import {
  checkExclusions,
  type HolidayNameIndex,
  holidayNameIndex,
  unknownHolidayName,
} from './holidayExclusions.js';
import {
  checkDates,
  checkTypes,
  checkWeekend,
  checkYears,
  type HolidayCalendarOptions,
  type HolidayType,
} from './holidayOptions.js';
import { resolveRegion } from './regions.js';

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
  /**
   * Every day off with its name, type and source, sorted by date (a date two holidays share
   * appears twice). Leave it out of a policy's `calendar`, which takes `weekend` and `holidays`:
   * `const { id, source, details, ...calendar } = holidayCalendar(...)`.
   */
  readonly details: HolidayDetail[];
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
 * from 14:00 in Austria) is a working day unless you add it.
 *
 * By default only `public` holidays count (days off for everyone); bank-only and optional days
 * are opt-in through `types`. pipkit's built-in corrections ({@link BUILT_IN_CORRECTIONS}: the
 * Scottish World Cup bank holiday of 15 June 2026, no Easter Monday in Ontario, no Anzac Day
 * substitute in New South Wales) apply unless `builtInCorrections: false`; the caller's own
 * `corrections` (and `include`/`exclude`) apply after them and win. `details` says, per day,
 * its name, type and source.
 *
 * Throws {@link CalendarError} (`INVALID_CALENDAR`) for an unknown country or subdivision, a year
 * range that is reversed, fractional, outside 1970-2200 or longer than 50 years, an unknown type,
 * and a malformed correction (one outside `years` included). It never returns an empty calendar
 * for a region it does not know.
 *
 * The data is community-maintained: check the result against the official calendar before
 * relying on it, and correct it with `corrections`. Not legal advice.
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
 *
 * // An employer's extra day, with where it comes from
 * holidayCalendar('GB-SCT', {
 *   years: { from: 2026, to: 2026 },
 *   corrections: [
 *     { date: '2026-12-24', action: 'add', name: 'Company shutdown', source: 'Handbook 4.2' },
 *   ],
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
  const years = checkYears(options.years);
  const types = checkTypes(options.types);
  const weekend = checkWeekend(options.weekend) ?? recordedWeekend(resolved) ?? [6, 7];
  const builtIns = checkBuiltIns(options.builtInCorrections);
  const ownCorrections = checkCorrections(options.corrections, years);
  const builtInCorrections = builtIns
    ? checkCorrections(builtInCorrectionsFor(resolved), { from: 1970, to: 2200 })
    : { dated: [], rules: [], ruleIndexes: [] };
  const bankAsPublic = builtIns ? BANK_HOLIDAYS_COUNTED_AS_PUBLIC[resolved.country] : undefined;

  // The data is read with `bank` too where bank days count as public, then filtered by type.
  const readTypes: readonly HolidayType[] =
    bankAsPublic !== undefined && types.includes('public') ? [...types, 'bank'] : types;
  const holidays =
    resolved.subdivision === undefined
      ? new Holidays(resolved.country, { types: [...readTypes] })
      : new Holidays(resolved.country, resolved.subdivision, { types: [...readTypes] });
  const exclusions = checkExclusions(options.exclude, holidays, resolved.id, types, years);
  const included = checkDates(options.include, 'include', years);
  const ownRemovals = new Set([
    ...exclusions.dates,
    ...ownCorrections.dated.filter((c) => c.action === 'remove').map((c) => c.date),
  ]);
  const ownAdditions = [
    ...[...included].map((date) => ({
      date,
      name: 'Included day',
      type: 'public' as const,
      source: 'options.include',
    })),
    ...ownCorrections.dated.filter((c) => c.action === 'add').map(detailOf),
  ];
  for (const addition of ownAdditions) {
    if (ownRemovals.has(addition.date)) {
      throw new CalendarError(
        `${addition.date} is both added (include or an add correction) and removed (exclude or a remove correction). Keep one of them.`,
        [addition.source === 'options.include' ? 'include' : 'corrections'],
      );
    }
  }

  const names = holidayNameIndex(holidays);
  const ruleRemovals = [
    ...resolveRules(builtInCorrections, names, undefined),
    ...resolveRules(ownCorrections, names, { regionId: resolved.id, types }),
  ];
  const source = `date-holidays ${dateHolidaysVersion()}`;
  const fromData = collectDataDays({
    holidays,
    types,
    years,
    source,
    bankAsPublic,
    excludedRules: exclusions.rules,
    ruleRemovals,
  });
  const inYears = (c: DatedCorrection): boolean =>
    Number(c.date.slice(0, 4)) >= years.from && Number(c.date.slice(0, 4)) <= years.to;
  const builtInDated = builtInCorrections.dated.filter(inYears);
  const afterBuiltIns = applyDated(
    fromData,
    new Set(builtInDated.filter((c) => c.action === 'remove').map((c) => c.date)),
    builtInDated.filter((c) => c.action === 'add').map(detailOf),
  );
  const details = sortDetails(applyDated(afterBuiltIns, ownRemovals, ownAdditions));

  return {
    id: resolved.id,
    weekend: [...weekend],
    holidays: [...new Set(details.map((detail) => detail.date))],
    source,
    details,
  };
}

/**
 * Matches rule corrections to the data's rules. A caller's unknown name is refused; a built-in
 * one whose holiday the data no longer has is dropped (the data was fixed).
 */
function resolveRules(
  { rules: corrections, ruleIndexes }: CheckedCorrections,
  names: HolidayNameIndex,
  refuseUnknown: { regionId: string; types: readonly HolidayType[] } | undefined,
): { correction: RuleCorrection; rules: ReadonlySet<string> }[] {
  const resolved: { correction: RuleCorrection; rules: ReadonlySet<string> }[] = [];
  corrections.forEach((correction, index) => {
    const rules = names.rulesFor(correction.holiday);
    if (rules !== undefined) resolved.push({ correction, rules });
    else if (refuseUnknown !== undefined) {
      throw unknownHolidayName(
        `corrections[${ruleIndexes[index] ?? index}].holiday`,
        correction.holiday,
        refuseUnknown.regionId,
        refuseUnknown.types,
        names,
        ['corrections', ruleIndexes[index] ?? index, 'holiday'],
      );
    }
  });
  return resolved;
}

/** Checks `builtInCorrections`: true (the default) or false. */
function checkBuiltIns(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') {
    throw new CalendarError(
      `builtInCorrections must be true or false, not ${JSON.stringify(value) ?? typeof value}.`,
      ['builtInCorrections'],
    );
  }
  return value;
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
