import { z } from 'zod';
import { CalendarError } from '../errors/pipkitError.js';
import type { Calendar } from './calendar.js';
import { type CivilDay, addCivilMonths, formatCivilDay, inclusiveMonthsEnd } from './civilDay.js';

/**
 * A span of time as policies write it. Every convention is explicit because real policies disagree
 * (see `docs/time.md`): whether the first day counts, whether weekends count, and whether a
 * deadline that lands on a non-working day moves.
 */
export const durationSchema = z
  .object({
    /** How many units. Whole numbers only: "30 days", never "29.5 days"; at most 3660. */
    amount: z.number().int().nonnegative().max(3660),
    /** `calendarDays`, `businessDays` (weekdays minus the calendar's holidays), `weeks` or `months`. */
    unit: z.enum(['calendarDays', 'businessDays', 'weeks', 'months']),
    /**
     * `inclusiveStart`: the start day is day 1 (a 30-day plan from 1 June ends 30 June; convention C1).
     * `dayAfter`: counting begins the day after the event (within 30 days of 1 June is 1 July; C2).
     */
    counting: z.enum(['inclusiveStart', 'dayAfter']),
    /** What happens when the last day is not a business day (C3). Employer obligations never roll. */
    rollForward: z.enum(['none', 'nextBusinessDay', 'previousBusinessDay']),
    /** The deadline is 23:59:59.999 on the last day, in the calendar's zone (C4). */
    endOfDay: z.literal(true),
    /**
     * Months only: where a period ends when its start day has no counterpart in the last month
     * (31 January plus one month). Absent means `clamp`. See {@link MonthEnd}.
     */
    monthEnd: z.enum(['clamp', 'bgb188']).optional(),
  })
  .strict()
  .refine((duration) => !(duration.counting === 'inclusiveStart' && duration.amount === 0), {
    message:
      'An inclusive-start duration counts the start day, so it needs an amount of at least 1.',
    path: ['amount'],
  })
  .refine((duration) => duration.monthEnd === undefined || duration.unit === 'months', {
    message: 'monthEnd applies only to a duration in months; remove it or use unit "months".',
    path: ['monthEnd'],
  });

/**
 * How a period of months ends when the start day has no counterpart in the last month (a start on
 * the 29th, 30th or 31st).
 *
 * - `clamp` (the default, when `monthEnd` is absent): take the corresponding day, clamped to the
 *   last day of the final month; counted `dayAfter`, that is the last day; counted
 *   `inclusiveStart`, the period ends the day before it. One month from 31 January 2026
 *   inclusive: 28 February clamped, so it ends 27 February (28 February in the leap year 2028).
 * - `bgb188`: German civil code, BGB section 188(2) and (3) with section 187
 *   (https://www.gesetze-im-internet.de/bgb/__188.html): counted from an event (`dayAfter`, section
 *   187(1)) the period ends on the corresponding day of the last month; counted from the start of
 *   a day (`inclusiveStart`, section 187(2)) on the day before it; and where the last month has no
 *   such day, on that month's last day. One month from 31 January inclusive ends 28 February
 *   (29 February in 2028); from 31 March, 30 April.
 *
 * Counted `dayAfter`, both rules give the same day (31 January plus one month is 28 February).
 */
export type MonthEnd = NonNullable<z.infer<typeof durationSchema>['monthEnd']>;

/** A policy duration. See {@link durationSchema} for each field. */
export type Duration = z.infer<typeof durationSchema>;

/** The last day of a duration and the instant it ends. */
export interface DueDate {
  /** The last day, as `YYYY-MM-DD` in the calendar's zone. */
  readonly date: string;
  /** The instant the duration ends, in UTC ISO form (`...Z`). */
  readonly dueAt: string;
}

/**
 * Named date-counting conventions C1-C5 (docs/time.md), as the rules that use them count (5 CFR
 * 1201.23 for "within N days" and roll-forward, ERA 1999 s.10 for working days), so policies say
 * what they mean.
 *
 * @example
 * ```ts
 * durations.inclusiveDays(30); // C1: a 30-day plan starting 1 June ends 30 June 23:59:59.999 local
 * durations.daysAfter(30); // C2: "within 30 days of" 1 June is 1 July
 * durations.daysAfterRolling(30); // C2 + C3: MSPB filing, a weekend or holiday end rolls forward
 * durations.businessDaysAfter(5); // C5: five working days after the event
 * ```
 */
export const durations = {
  /** C1: N calendar days including the start day; never rolls (plan length, warning life). */
  inclusiveDays: (amount: number): Duration =>
    make(amount, 'calendarDays', 'inclusiveStart', 'none'),
  /** C2: within N calendar days of an event, counted from the day after; never rolls (notice periods). */
  daysAfter: (amount: number): Duration => make(amount, 'calendarDays', 'dayAfter', 'none'),
  /** C2 + C3: like `daysAfter`, but a last day on a weekend or holiday moves to the next business day. */
  daysAfterRolling: (amount: number): Duration =>
    make(amount, 'calendarDays', 'dayAfter', 'nextBusinessDay'),
  /** C5: N business days counted from the day after the event. */
  businessDaysAfter: (amount: number): Duration => make(amount, 'businessDays', 'dayAfter', 'none'),
  /** N business days including the start day when it is a business day. */
  businessDaysInclusive: (amount: number): Duration =>
    make(amount, 'businessDays', 'inclusiveStart', 'none'),
  /** N weeks including the start day (2 weeks from a Monday ends on the second Sunday). */
  inclusiveWeeks: (amount: number): Duration => make(amount, 'weeks', 'inclusiveStart', 'none'),
  /**
   * N calendar months including the start day (a month from 15 Jan ends 14 Feb). From a start day
   * the last month lacks, `{ monthEnd }` chooses the rule (see {@link MonthEnd}): one month from
   * 31 Jan 2026 ends 27 Feb by default (`clamp`), 28 Feb with `{ monthEnd: 'bgb188' }`.
   */
  inclusiveMonths: (amount: number, options: MonthOptions = {}): Duration =>
    make(amount, 'months', 'inclusiveStart', 'none', options.monthEnd),
  /**
   * N calendar months after the event (12 months after 15 Jan 2026 is 15 Jan 2027; one month after
   * 31 Jan is 28 Feb under either {@link MonthEnd} rule).
   */
  monthsAfter: (amount: number, options: MonthOptions = {}): Duration =>
    make(amount, 'months', 'dayAfter', 'none', options.monthEnd),
} as const;

/** Options of the months helpers of {@link durations}. */
export interface MonthOptions {
  /** The month-end rule; absent leaves the field out of the duration (meaning `clamp`). */
  readonly monthEnd?: MonthEnd | undefined;
}

/** Frozen durations already validated (presets and policy fields). */
const validated = new WeakSet<Duration>();

function make(
  amount: number,
  unit: Duration['unit'],
  counting: Duration['counting'],
  rollForward: Duration['rollForward'],
  monthEnd?: MonthEnd,
): Duration {
  return Object.freeze(
    durationSchema.parse({
      amount,
      unit,
      counting,
      rollForward,
      endOfDay: true,
      // Left out unless chosen, so documents written before the option hash as they did.
      ...(monthEnd === undefined ? {} : { monthEnd }),
    }),
  );
}

/** Safety stop for business-day searches: a calendar with no business day in ten years is broken. */
const MAX_SCAN_DAYS = 3660;

/** @internal The last civil day of a duration starting on `startDay`. */
export function lastDayOf(startDay: CivilDay, duration: Duration, calendar: Calendar): CivilDay {
  const { amount, unit, counting } = duration;
  let last: CivilDay;
  switch (unit) {
    case 'calendarDays':
    case 'weeks': {
      const days = unit === 'weeks' ? amount * 7 : amount;
      last = counting === 'inclusiveStart' ? startDay + days - 1 : startDay + days;
      break;
    }
    case 'months':
      // Counted from the event, both month-end rules end on the corresponding (clamped) day.
      last =
        counting === 'inclusiveStart'
          ? inclusiveMonthsEnd(startDay, amount, duration.monthEnd ?? 'clamp')
          : addCivilMonths(startDay, amount);
      break;
    case 'businessDays':
      last = nthBusinessDay(startDay, amount, counting, calendar);
      break;
  }
  return roll(last, duration.rollForward, calendar);
}

function nthBusinessDay(
  startDay: CivilDay,
  amount: number,
  counting: Duration['counting'],
  calendar: Calendar,
): CivilDay {
  if (amount === 0) return startDay;
  let day = counting === 'inclusiveStart' ? startDay - 1 : startDay;
  let counted = 0;
  const limit = startDay + amount * 7 + MAX_SCAN_DAYS;
  while (counted < amount) {
    day += 1;
    if (day > limit)
      throw new CalendarError('The calendar has no business days in the range searched.');
    if (calendar.isBusinessCivilDay(day)) counted += 1;
  }
  return day;
}

function roll(day: CivilDay, rule: Duration['rollForward'], calendar: Calendar): CivilDay {
  if (rule === 'none') return day;
  const step = rule === 'nextBusinessDay' ? 1 : -1;
  let current = day;
  for (let scanned = 0; !calendar.isBusinessCivilDay(current); scanned += 1) {
    if (scanned > MAX_SCAN_DAYS)
      throw new CalendarError('The calendar has no business day to roll to.');
    current += step;
  }
  return current;
}

/**
 * @internal End of a civil day as a UTC instant: one millisecond before the first instant of the
 * next local day (its midnight, the earlier one when midnight happens twice, or the end of the jump
 * when clocks skip midnight). Never found by resolving "23:59:59.999" or "24:00": where clocks go
 * back at midnight (America/Santiago) 23:59:59.999 happens twice and the day ends at the second;
 * where they go back just after midnight (America/Havana, 1 November 2026) the next day starts at
 * the first 00:00, so Saturday 31 October ends at `2026-11-01T03:59:59.999Z`. Independent of the
 * calendar's `ambiguousTime` option.
 */
export function endOfCivilDay(day: CivilDay, calendar: Calendar): string {
  const nextStart = Date.parse(calendar.startOfCivilDay(day + 1));
  return new Date(nextStart - 1).toISOString();
}

/**
 * When a duration that starts at `start` ends: its last local day and the UTC instant of 23:59:59.999
 * on that day in the calendar's zone.
 *
 * @param start - the triggering instant (ISO string or Date); its local date in the calendar's zone is day 0 or day 1
 * @example
 * ```ts
 * const cal = createCalendar({ timeZone: 'America/New_York' });
 * computeDueDate('2026-06-01T14:00:00Z', durations.inclusiveDays(30), cal);
 * // { date: '2026-06-30', dueAt: '2026-07-01T03:59:59.999Z' }
 * ```
 */
export function computeDueDate(
  start: string | Date,
  duration: Duration,
  calendar: Calendar,
): DueDate {
  if (!validated.has(duration)) {
    const parsed = durationSchema.safeParse(duration);
    if (!parsed.success) {
      throw new CalendarError(
        `Invalid duration: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
        ['duration'],
      );
    }
    // Frozen objects cannot change after validation, so they are checked once.
    if (Object.isFrozen(duration)) validated.add(duration);
  }
  const last = lastDayOf(calendar.civilDayOf(start), duration, calendar);
  return { date: formatCivilDay(last), dueAt: endOfCivilDay(last, calendar) };
}
