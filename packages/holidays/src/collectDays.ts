import type Holidays from 'date-holidays';
import type { DatedCorrection, RuleCorrection } from './corrections.js';
import type { HolidayType } from './holidayOptions.js';
import { wholeDaysOff } from './wholeDaysOff.js';

/**
 * One day off in a {@link HolidayCalendar}, with what it is and where it comes from, so a
 * reviewer (or `calendar.explain`) can say "holiday: Easter Monday (date-holidays 3.37.0)".
 *
 * @example
 * ```ts
 * holidayCalendar('GB-SCT', { years: { from: 2026, to: 2026 } }).details
 *   .find((day) => day.date === '2026-06-15');
 * // { date: '2026-06-15', name: 'FIFA World Cup bank holiday', type: 'public',
 * //   source: 'Royal Proclamation under the Banking and Financial Dealings Act 1971 s.1(3); ...' }
 * ```
 */
export interface HolidayDetail {
  /** The observed day off, `YYYY-MM-DD`. */
  readonly date: string;
  /** The holiday's English name in the data, or the correction's name. */
  readonly name: string;
  /** The kind of day it counts as (a `bank` day counted as public says so in `source`). */
  readonly type: HolidayType;
  /** `date-holidays 3.37.0`, a correction's source, or `options.include`. */
  readonly source: string;
}

/** @internal What {@link collectDataDays} reads from the data, after the options are checked. */
export interface DataSelection {
  readonly holidays: Holidays;
  readonly types: readonly HolidayType[];
  readonly years: { readonly from: number; readonly to: number };
  /** The data's label: `date-holidays 3.37.0`. */
  readonly source: string;
  /** Why this country's `bank` days count as public, if they do. */
  readonly bankAsPublic: string | undefined;
  /** Rules `exclude` removed by name. */
  readonly excludedRules: ReadonlySet<string>;
  /** Rule corrections, each with the data rules its holiday name stands for. */
  readonly ruleRemovals: readonly { correction: RuleCorrection; rules: ReadonlySet<string> }[];
}

/**
 * @internal The days off the data gives in the years, by the chosen types, without the holidays
 * `exclude` or a rule correction removes. A substitute day or a multi-day holiday can cross New
 * Year (1 Jan 2028, a Saturday, is observed on Friday 31 Dec 2027), so the neighbouring years are
 * read and then cut off.
 */
export function collectDataDays(selection: DataSelection): HolidayDetail[] {
  const { holidays, types, years, source, bankAsPublic } = selection;
  const details: HolidayDetail[] = [];
  for (let year = years.from - 1; year <= years.to + 1; year += 1) {
    for (const holiday of holidays.getHolidays(year, 'en')) {
      const retyped = holiday.type === 'bank' && bankAsPublic !== undefined;
      const type: HolidayType = retyped ? 'public' : holiday.type;
      if (!types.includes(type) || selection.excludedRules.has(holiday.rule)) continue;
      const removed = selection.ruleRemovals.some(
        ({ correction, rules }) =>
          rules.has(holiday.rule) &&
          (correction.only !== 'substitute' || holiday.substitute === true),
      );
      if (removed) continue;
      for (const date of wholeDaysOff(holiday)) {
        const dayYear = Number(date.slice(0, 4));
        if (dayYear < years.from || dayYear > years.to) continue;
        details.push({
          date,
          name: holiday.name,
          type,
          source: retyped
            ? `${source} (typed bank there; counted as public: ${bankAsPublic})`
            : source,
        });
      }
    }
  }
  return details;
}

/**
 * @internal Applies dated changes in order: removals take every entry of their date away, then
 * additions put theirs in. Called once for built-in corrections and once for the caller's, so the
 * caller's win.
 */
export function applyDated(
  details: HolidayDetail[],
  removals: ReadonlySet<string>,
  additions: readonly HolidayDetail[],
): HolidayDetail[] {
  return [...details.filter((detail) => !removals.has(detail.date)), ...additions];
}

/** @internal A dated `add` correction as the detail it contributes. */
export function detailOf(correction: DatedCorrection): HolidayDetail {
  return {
    date: correction.date,
    name: correction.name,
    type: correction.type ?? 'public',
    source: correction.source,
  };
}

/** @internal Sorted by date then name, each date and name once. */
export function sortDetails(details: readonly HolidayDetail[]): HolidayDetail[] {
  const seen = new Set<string>();
  return [...details]
    .sort((a, b) => (a.date === b.date ? a.name.localeCompare(b.name) : a.date < b.date ? -1 : 1))
    .filter((detail) => {
      const key = `${detail.date}\u0000${detail.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
