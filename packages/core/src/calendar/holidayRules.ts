import { z } from 'zod';
import { type CivilDay, isoWeekday } from './civilDay.js';

/**
 * Holidays as rules instead of dates, so a calendar knows every year: "25 December, on the
 * Friday when it is a Saturday", "the last Monday of May", "two days before Easter". Rules are
 * plain JSON data (a policy document carries them) and are expanded per year, lazily, by the
 * calendar that holds them.
 */

const yearSchema = z.number().int().min(1583).max(9999);
const monthSchema = z.number().int().min(1).max(12);

/** Fields every rule has: its name, where it comes from, and the years it applies to. */
const ruleBase = {
  /** What people call the day: `Christmas Day`, `Spring bank holiday`. Shown by explain. */
  name: z.string().min(1).max(120),
  /** The law, proclamation or table the rule comes from, for the audit trail: `5 U.S.C. 6103(a)`. */
  source: z.string().min(1).max(300).optional(),
  /** First year the rule applies (Juneteenth: 2021). Gregorian years from 1583. */
  from: yearSchema.optional(),
  /** Last year the rule applies, inclusive. */
  until: yearSchema.optional(),
};

/**
 * Where a fixed-date holiday that falls on a Saturday or Sunday is observed:
 * - `none`: nowhere else (it is simply lost to the weekend);
 * - `nearestWeekday`: Saturday on the Friday before, Sunday on the Monday after (US federal:
 *   5 U.S.C. 6103(b) and Executive Order 11582), even when that Friday is in the previous year;
 * - `nextWeekday`: on the next weekday that is not already a holiday (UK "substitute day": when
 *   Christmas Day and Boxing Day fall on a weekend they are observed on 27 and 28 December).
 *
 * Observance is defined on Saturday and Sunday, as the laws are, whatever the calendar's weekend.
 */
export const holidayObservanceSchema = z.enum(['none', 'nearestWeekday', 'nextWeekday']);

/** See {@link holidayObservanceSchema}. */
export type HolidayObservance = z.infer<typeof holidayObservanceSchema>;

/** The schema of one holiday rule; see {@link HolidayRule}. */
export const holidayRuleSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        ...ruleBase,
        /** The same date every year: `{ month: 12, day: 25 }`. */
        kind: z.literal('fixed'),
        month: monthSchema,
        day: z.number().int().min(1).max(31),
        /** Where a weekend date is observed. Absent means `none`. */
        observed: holidayObservanceSchema.optional(),
      })
      .strict(),
    z
      .object({
        ...ruleBase,
        /** The n-th given weekday of a month: the 4th Thursday of November. */
        kind: z.literal('nthWeekday'),
        month: monthSchema,
        /** ISO weekday: 1 is Monday, 7 is Sunday. */
        weekday: z.number().int().min(1).max(7),
        /** 1 to 5 counts from the start of the month (a year without a 5th has no holiday); -1 is the last. */
        n: z.union([
          z.literal(1),
          z.literal(2),
          z.literal(3),
          z.literal(4),
          z.literal(5),
          z.literal(-1),
        ]),
      })
      .strict(),
    z
      .object({
        ...ruleBase,
        /** Days from Western (Gregorian) Easter Sunday: -2 is Good Friday, 1 is Easter Monday. */
        kind: z.literal('easter'),
        offset: z.number().int().min(-100).max(100),
      })
      .strict(),
  ])
  .superRefine((rule, context) => {
    if (rule.from !== undefined && rule.until !== undefined && rule.from > rule.until) {
      context.addIssue({
        code: 'custom',
        message: `"from" (${rule.from}) is after "until" (${rule.until}).`,
        path: ['from'],
      });
    }
    if (rule.kind === 'fixed' && rule.day > DAYS_IN_MONTH[rule.month - 1]!) {
      context.addIssue({
        code: 'custom',
        message: `Month ${rule.month} has no day ${rule.day}.`,
        path: ['day'],
      });
    }
  });

/**
 * One holiday rule, as JSON:
 *
 * @example
 * ```ts
 * const rules: HolidayRule[] = [
 *   { name: 'Christmas Day', kind: 'fixed', month: 12, day: 25, observed: 'nearestWeekday' },
 *   { name: 'Thanksgiving Day', kind: 'nthWeekday', month: 11, weekday: 4, n: 4 },
 *   { name: 'Good Friday', kind: 'easter', offset: -2 },
 *   { name: 'Juneteenth', kind: 'fixed', month: 6, day: 19, observed: 'nearestWeekday', from: 2021 },
 * ];
 * ```
 */
export type HolidayRule = z.infer<typeof holidayRuleSchema>;

/** A dated holiday with a name, as a calendar's `holidays` list accepts it beside a plain date. */
export const namedHolidaySchema = z
  .object({
    /** The day off, `YYYY-MM-DD` (the observed date). */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a YYYY-MM-DD date'),
    /** What it is: `Bank holiday for Scotland's first World Cup match`. */
    name: z.string().min(1).max(120).optional(),
    /** Where it comes from: a proclamation, an executive order. */
    source: z.string().min(1).max(300).optional(),
  })
  .strict();

/** A dated holiday: `'2026-07-03'` or `{ date: '2026-06-15', name, source }`. */
export type HolidayDate = string | z.infer<typeof namedHolidaySchema>;

/** What a calendar knows about one day off: what it is called and where it comes from. */
export interface HolidayInfo {
  /** The holiday's name, with `(observed)` or `(substitute day)` when it moved; undefined for an unnamed date. */
  readonly name: string | undefined;
  /** The rule's or the dated entry's source, when it gave one. */
  readonly source: string | undefined;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const MS_PER_DAY = 86_400_000;

/** The civil day of a date in the proleptic Gregorian calendar. */
function civil(year: number, month: number, day: number): CivilDay {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** The year of a civil day. @internal */
export function yearOf(day: CivilDay): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/**
 * Western Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm (Meeus, Jones,
 * Butcher): `[month, day]`, for example `[4, 5]` for 2026.
 *
 * @example
 * ```ts
 * easterSunday(2026); // [4, 5]: 5 April 2026
 * ```
 */
export function easterSunday(year: number): readonly [month: number, day: number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

/** The n-th (1-5, or -1 for last) ISO weekday of a month, or undefined when the month has no such day. */
function nthWeekdayOf(
  year: number,
  month: number,
  weekday: number,
  n: number,
): CivilDay | undefined {
  if (n === -1) {
    const last = civil(year, month + 1, 0);
    return last - ((isoWeekday(last) - weekday + 7) % 7);
  }
  const first = civil(year, month, 1);
  const day = first + ((weekday - isoWeekday(first) + 7) % 7) + (n - 1) * 7;
  return yearOf(day) === year && new Date(day * MS_PER_DAY).getUTCMonth() === month - 1
    ? day
    : undefined;
}

const isSaturdayOrSunday = (day: CivilDay): boolean => isoWeekday(day) >= 6;

/** A rule's nominal day in a year (before observance), or undefined when it has none that year. */
function nominalDay(rule: HolidayRule, year: number): CivilDay | undefined {
  if (
    (rule.from !== undefined && year < rule.from) ||
    (rule.until !== undefined && year > rule.until)
  )
    return undefined;
  switch (rule.kind) {
    case 'fixed':
      // 29 February exists only in leap years.
      return rule.month === 2 && rule.day === 29 && civil(year, 3, 1) - civil(year, 2, 28) === 1
        ? undefined
        : civil(year, rule.month, rule.day);
    case 'nthWeekday':
      return nthWeekdayOf(year, rule.month, rule.weekday, rule.n);
    case 'easter': {
      const [month, day] = easterSunday(year);
      return civil(year, month, day) + rule.offset;
    }
  }
}

/**
 * The observed days off the rules give in one year, with their names: the rules of the years
 * around it are expanded too, because observance crosses New Year (1 January 2028 is a Saturday,
 * observed on Friday 31 December 2027). Substitute days (`nextWeekday`) are placed after every
 * holiday that falls on its own date, in date order, each on the first weekday still free.
 * @internal
 */
export function expandHolidayRules(
  rules: readonly HolidayRule[],
  year: number,
): Map<CivilDay, HolidayInfo> {
  const taken = new Map<CivilDay, HolidayInfo>();
  const substitutes: { day: CivilDay; rule: HolidayRule }[] = [];
  for (let ruleYear = year - 1; ruleYear <= year + 1; ruleYear += 1) {
    for (const rule of rules) {
      const day = nominalDay(rule, ruleYear);
      if (day === undefined) continue;
      const observed = rule.kind === 'fixed' ? (rule.observed ?? 'none') : 'none';
      if (observed === 'none' || !isSaturdayOrSunday(day)) {
        if (!taken.has(day)) taken.set(day, { name: rule.name, source: rule.source });
      } else if (observed === 'nearestWeekday') {
        const moved = isoWeekday(day) === 6 ? day - 1 : day + 1;
        if (!taken.has(moved))
          taken.set(moved, { name: `${rule.name} (observed)`, source: rule.source });
      } else {
        substitutes.push({ day, rule });
      }
    }
  }
  substitutes.sort((a, b) => a.day - b.day);
  for (const { day, rule } of substitutes) {
    let moved = day + 1;
    while (isSaturdayOrSunday(moved) || taken.has(moved)) moved += 1;
    taken.set(moved, { name: `${rule.name} (substitute day)`, source: rule.source });
  }
  const inYear = new Map<CivilDay, HolidayInfo>();
  const first = civil(year, 1, 1);
  const next = civil(year + 1, 1, 1);
  for (const [day, info] of taken) if (day >= first && day < next) inYear.set(day, info);
  return inYear;
}
