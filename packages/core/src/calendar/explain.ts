import { CalendarError } from '../errors/pipkitError.js';
import type { Calendar, Weekday } from './calendar.js';
import { type CivilDay, formatCivilDay, isoWeekday } from './civilDay.js';
import { computeDueDate, type DueDate, type Duration, lastDayOf } from './duration.js';
import type { HolidayInfo } from './holidayRules.js';

/** The most days one explanation lists (ten years and a little): longer lists are refused. */
export const MAX_EXPLAINED_DAYS = 3700;

/**
 * Why a day counted or did not:
 * - `startDay`: the day of the event, not counted when counting starts the day after (C2);
 * - `weekend` / `holiday`: a non-working day, not counted in a business-day count (C5);
 * - `rolledFrom`: the last counted day, which is not a business day, so the deadline moved (C3);
 * - `rolledPast`: a non-working day the deadline moved over;
 * - `rolledTo`: the business day the deadline moved to.
 */
export type ExplainedDayNote =
  'startDay' | 'weekend' | 'holiday' | 'rolledFrom' | 'rolledPast' | 'rolledTo';

/** One local day of a due-date computation. */
export interface ExplainedDay {
  /** The local date, `YYYY-MM-DD`, in the calendar's zone. */
  readonly date: string;
  /** ISO weekday: 1 is Monday, 7 is Sunday. */
  readonly weekday: Weekday;
  /** True when the day counts towards the duration's amount. */
  readonly counted: boolean;
  /** Its number in the count (1 is the first counted day), when counted. */
  readonly ordinal?: number;
  /** Why it did not count, or how the deadline rolled; absent on a plain counted day. */
  readonly note?: ExplainedDayNote;
  /** The holiday on that day, dated or by rule, with its name and source. */
  readonly holiday?: HolidayInfo;
  /** True on the last day, the one the deadline ends on. */
  readonly due?: true;
}

/** A due date with the day-by-day count that produced it. */
export interface DueDateExplanation extends DueDate {
  /** The calendar's zone. */
  readonly timeZone: string;
  /** The local date of the start instant. */
  readonly startDate: string;
  /** The duration, as given. */
  readonly duration: Duration;
  /** Every day from the start day (or the day rolled back to) to the last day, in order. */
  readonly days: readonly ExplainedDay[];
}

/**
 * {@link computeDueDate} with its working shown: the same due date and instant, plus every local
 * day from the start to the last day, each marked counted (with its number) or skipped and why
 * (weekend, holiday with its name and source, the start day of a "days after" count, a roll past
 * non-working days). For checking a deadline by eye, and for `pipkit dates`.
 *
 * Pauses are not shown: the engine moves a paused plan's end by the paused span afterwards
 * (`docs/time.md`), it does not skip days inside this count.
 *
 * Throws {@link CalendarError} for an invalid duration or start, and when the list would be longer
 * than {@link MAX_EXPLAINED_DAYS} days.
 *
 * @example
 * ```ts
 * const calendar = createCalendar({ timeZone: 'America/New_York', holidays: ['2026-07-03'] });
 * const explained = explainDueDate('2026-07-01T14:00:00Z', durations.businessDaysAfter(2), calendar);
 * explained.date; // '2026-07-06': Friday 3 July is a holiday, then the weekend
 * explained.days.map((day) => day.note ?? day.ordinal);
 * // ['startDay', 1, 'holiday', 'weekend', 'weekend', 2]
 * ```
 */
export function explainDueDate(
  start: string | Date,
  duration: Duration,
  calendar: Calendar,
): DueDateExplanation {
  const due = computeDueDate(start, duration, calendar);
  const startDay = calendar.civilDayOf(start);
  const nominal = lastDayOf(startDay, { ...duration, rollForward: 'none' }, calendar);
  const final = lastDayOf(startDay, duration, calendar);
  const first = Math.min(startDay, final);
  const last = Math.max(nominal, final);
  if (last - first + 1 > MAX_EXPLAINED_DAYS) {
    throw new CalendarError(
      `Explaining this due date would list ${last - first + 1} days; at most ${MAX_EXPLAINED_DAYS} are listed.`,
      ['duration', 'amount'],
    );
  }
  const countsBusinessDays = duration.unit === 'businessDays';
  const days: ExplainedDay[] = [];
  let ordinal = 0;
  for (let day = first; day <= last; day += 1) {
    const holiday = calendar.holidayOnCivilDay(day);
    const business = calendar.isBusinessCivilDay(day);
    const inCount =
      day <= nominal &&
      (day > startDay || (day === startDay && duration.counting === 'inclusiveStart'));
    let counted = false;
    let note: ExplainedDayNote | undefined;
    if (day < startDay || day > nominal) {
      note = day === final ? 'rolledTo' : 'rolledPast';
    } else if (day === startDay && !inCount) {
      note = 'startDay';
    } else if (countsBusinessDays && !business) {
      note = holiday ? 'holiday' : 'weekend';
    } else if (inCount && duration.amount > 0) {
      counted = true;
      ordinal += 1;
    }
    if (final !== nominal) {
      // Rolled: the last counted day is not a business day, so the deadline moved.
      if (day === nominal) note = 'rolledFrom';
      else if (day === final) note = 'rolledTo';
      else if (day > final && day < nominal) note = 'rolledPast';
    }
    days.push(explained(day, counted ? ordinal : undefined, note, holiday, day === final));
  }
  return {
    ...due,
    timeZone: calendar.timeZone,
    startDate: formatCivilDay(startDay),
    duration,
    days,
  };
}

function explained(
  day: CivilDay,
  ordinal: number | undefined,
  note: ExplainedDayNote | undefined,
  holiday: HolidayInfo | undefined,
  due: boolean,
): ExplainedDay {
  return {
    date: formatCivilDay(day),
    weekday: isoWeekday(day) as Weekday,
    counted: ordinal !== undefined,
    ...(ordinal !== undefined ? { ordinal } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(holiday !== undefined ? { holiday } : {}),
    ...(due ? { due: true as const } : {}),
  };
}
