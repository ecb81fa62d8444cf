/**
 * Civil days as integers: day 0 is 1970-01-01, whatever the zone. Business-day arithmetic runs on
 * these integers and converts to a zoned instant once, at the end, which is both DST-proof (a
 * civil day has no hours to lose) and about a hundred times cheaper than stepping luxon DateTimes.
 * @internal
 */
export type CivilDay = number;

const MS_PER_DAY = 86_400_000;
/** Parses `YYYY-MM-DD` into a civil day, or returns undefined when it is not a real date. @internal */
export function parseCivilDay(isoDate: string): CivilDay | undefined {
  // Integer arithmetic, no RegExp or Date: every command parses a handful of these.
  if (isoDate.length !== 10 || isoDate.charCodeAt(4) !== DASH || isoDate.charCodeAt(7) !== DASH) {
    return undefined;
  }
  const year = digitsAt(isoDate, 0, 4);
  const month = digitsAt(isoDate, 5, 2);
  const day = digitsAt(isoDate, 8, 2);
  // Years before 100 are refused, as they always were (Date.UTC reads them as 19xx).
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  return daysFromCivil(year, month, day);
}

const DASH = 45;
const ZERO = 48;

/** The number written by `count` ASCII digits at `start`, or -1 when any is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (the `days_from_civil` algorithm of
 * H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
 */
function daysFromCivil(year: number, month: number, day: number): CivilDay {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
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
