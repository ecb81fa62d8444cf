/**
 * Civil days as integers: day 0 is 1970-01-01, whatever the zone. Business-day arithmetic runs on
 * these integers and converts to a zoned instant once, at the end, which is both DST-proof (a
 * civil day has no hours to lose) and about a hundred times cheaper than stepping luxon DateTimes.
 * @internal
 */
export type CivilDay = number;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into a civil day, or returns undefined when it is not a real date. @internal */
export function parseCivilDay(isoDate: string): CivilDay | undefined {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    return undefined;
  }
  return ms / MS_PER_DAY;
}

/** Formats a civil day as `YYYY-MM-DD`. @internal */
export function formatCivilDay(day: CivilDay): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The ISO weekday of a civil day: 1 is Monday, 7 is Sunday. @internal */
export function isoWeekday(day: CivilDay): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/**
 * Adds calendar months the way people count them: 31 January plus one month is the last day of
 * February, never 3 March. @internal
 */
export function addCivilMonths(day: CivilDay, months: number): CivilDay {
  const date = new Date(day * MS_PER_DAY);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDayOfTarget = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDayOfTarget)) / MS_PER_DAY;
}

/**
 * The last day of `months` calendar months counted from and including `day`. `clamp`: the day
 * before the corresponding day, which is clamped to the final month's last day (31 January, one
 * month: 28 February clamped, so 27 February). `bgb188`: German civil code BGB section 188(2) with
 * section 187(2), the day before the corresponding day, and by section 188(3) the final month's last
 * day when it has no corresponding day (31 January, one month: 28 February); see
 * https://www.gesetze-im-internet.de/bgb/__188.html. @internal
 */
export function inclusiveMonthsEnd(
  day: CivilDay,
  months: number,
  rule: 'clamp' | 'bgb188',
): CivilDay {
  const corresponding = addCivilMonths(day, months);
  if (rule === 'clamp') return corresponding - 1;
  const startDayOfMonth = new Date(day * MS_PER_DAY).getUTCDate();
  // addCivilMonths clamps: a smaller day of month means the final month has no such day.
  const missing = new Date(corresponding * MS_PER_DAY).getUTCDate() < startDayOfMonth;
  return missing ? corresponding : corresponding - 1;
}
