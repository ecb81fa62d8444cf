import { CalendarError } from '../errors/pipkitError.js';
import { type CivilDay, formatCivilDay, parseCivilDay } from './civilDay.js';
import {
  expandHolidayRules,
  type HolidayDate,
  type HolidayInfo,
  type HolidayRule,
  holidayRuleSchema,
  namedHolidaySchema,
  yearOf,
} from './holidayRules.js';

/** Years of rule holidays one calendar keeps expanded at once; past that it starts again. */
const MAX_EXPANDED_YEARS = 200;
const FIRST_RULE_YEAR = 1583;
const LAST_RULE_YEAR = 9999;
const MS_PER_DAY = 86_400_000;

/**
 * A calendar's days off, dated and by rule: the lookup behind `isBusinessCivilDay` and
 * `holidayOn`. Rule holidays are expanded a year at a time on first use and kept for a
 * contiguous range of years (bounded), so the hot path is one range check and two map lookups.
 * @internal
 */
export interface HolidayIndex {
  /** The dated holidays, sorted and unique, as `YYYY-MM-DD`. */
  readonly dates: readonly string[];
  /** The validated rules, frozen. */
  readonly rules: readonly HolidayRule[];
  /** True when the day is a dated holiday or an observed rule holiday. */
  readonly isHoliday: (day: CivilDay) => boolean;
  /** The name and source of the day off on that day, if any. */
  readonly holidayOn: (day: CivilDay) => HolidayInfo | undefined;
}

/**
 * Validates the dated holidays (plain dates or `{ date, name?, source? }`) and the rules, and
 * builds the lookup. Throws {@link CalendarError} with the path of the first bad entry.
 * @internal
 */
export function buildHolidayIndex(
  holidays: readonly HolidayDate[] = [],
  rules: readonly HolidayRule[] = [],
): HolidayIndex {
  const dated = new Map<CivilDay, HolidayInfo>();
  holidays.forEach((entry, index) => {
    const named = typeof entry === 'string' ? undefined : namedHolidaySchema.safeParse(entry);
    const date = typeof entry === 'string' ? entry : named?.success ? named.data.date : undefined;
    const day = date === undefined ? undefined : parseCivilDay(date);
    if (day === undefined) {
      throw new CalendarError(
        `Holiday ${JSON.stringify(entry)} is not a YYYY-MM-DD date or { date, name?, source? }.`,
        ['holidays', index],
      );
    }
    const info = named?.success ? named.data : undefined;
    const known = dated.get(day);
    // A date listed twice keeps the first name it was given.
    dated.set(day, {
      name: known?.name ?? info?.name,
      source: known?.source ?? info?.source,
    });
  });
  const validRules = rules.map((rule, index) => {
    const parsed = holidayRuleSchema.safeParse(rule);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new CalendarError(`Holiday rule ${index}: ${first?.message ?? 'invalid'}`, [
        'holidayRules',
        index,
        ...((first?.path ?? []) as (string | number)[]),
      ]);
    }
    return Object.freeze(parsed.data);
  });
  const dates = [...dated.keys()].sort((a, b) => a - b).map(formatCivilDay);

  const ruleDays = new Map<CivilDay, HolidayInfo>();
  // Civil days [low, high) whose years are expanded; empty until first use.
  let low = 0;
  let high = 0;
  let lowYear = 0;
  let highYear = -1;
  const expandYear = (year: number): void => {
    for (const [day, info] of expandHolidayRules(validRules, year)) ruleDays.set(day, info);
  };
  const cover = (day: CivilDay): void => {
    const year = yearOf(day);
    if (year < FIRST_RULE_YEAR || year > LAST_RULE_YEAR) return;
    const empty = highYear < lowYear;
    if (empty || Math.max(highYear, year) - Math.min(lowYear, year) >= MAX_EXPANDED_YEARS) {
      ruleDays.clear();
      lowYear = year;
      highYear = year;
      expandYear(year);
    } else {
      while (year < lowYear) expandYear((lowYear -= 1));
      while (year > highYear) expandYear((highYear += 1));
    }
    low = Date.UTC(lowYear, 0, 1) / MS_PER_DAY;
    high = Date.UTC(highYear + 1, 0, 1) / MS_PER_DAY;
  };

  const isHoliday =
    validRules.length === 0
      ? (day: CivilDay): boolean => dated.has(day)
      : (day: CivilDay): boolean => {
          if (dated.has(day)) return true;
          if (day < low || day >= high) cover(day);
          return ruleDays.has(day);
        };
  return {
    dates,
    rules: Object.freeze(validRules),
    isHoliday,
    holidayOn: (day: CivilDay): HolidayInfo | undefined => {
      if (!isHoliday(day)) return undefined;
      return Object.freeze({ ...(dated.get(day) ?? ruleDays.get(day)) }) as HolidayInfo;
    },
  };
}
