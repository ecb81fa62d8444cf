import { CalendarError } from '../errors/pipkitError.js';
import type { Calendar, Weekday } from './calendar.js';
import { type CivilDay, formatCivilDay, isoWeekday } from './civilDay.js';
import {
  computeDueDate,
  type DueDate,
  type Duration,
  endOfCivilDay,
  lastDayOf,
} from './duration.js';
import { pausedSpan, shiftedByPause } from './pauses.js';
import type { HolidayInfo } from './holidayRules.js';

/** The most days one explanation lists (ten years and a little): longer lists are refused. */
export const MAX_EXPLAINED_DAYS = 3700;

/**
 * Why a day counted or did not:
 * - `startDay`: the day of the event, not counted when counting starts the day after (C2);
 * - `weekend` / `holiday`: a non-working day, not counted in a business-day count (C5);
 * - `rolledFrom`: the last counted day, which is not a business day, so the deadline moved (C3);
 * - `rolledPast`: a non-working day the deadline moved over;
 * - `rolledTo`: the business day the deadline moved to;
 * - `leave`: the clock stood still (a pause given in {@link ExplainOptions.pauses}).
 */
export type ExplainedDayNote =
  'startDay' | 'weekend' | 'holiday' | 'rolledFrom' | 'rolledPast' | 'rolledTo' | 'leave';

/** A span the clock stood still (protected leave, or a hold that stops it). */
export interface ExplainedPause {
  /** When the pause began (the local day it began is the first day not counted). */
  readonly from: string | Date;
  /** When the clock restarted (its local day counts again). */
  readonly until: string | Date;
}

/** Options of {@link explainDueDate}. */
export interface ExplainOptions {
  /**
   * Pauses of the clock, in order. The period ends later by the paused span in its own unit (the
   * business days paused for a business-day period, calendar days otherwise), as the engine moves
   * a plan when it resumes; paused days are listed as `leave`.
   */
  readonly pauses?: readonly ExplainedPause[];
}

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
  /** How far the pauses moved the end, in the period's unit (0 without pauses). */
  readonly pausedSpan: number;
  /** Every day from the start day (or the day rolled back to) to the last day, in order. */
  readonly days: readonly ExplainedDay[];
}

/**
 * {@link computeDueDate} with its working shown: the same due date and instant, plus every local
 * day from the start to the last day, each marked counted (with its number) or skipped and why
 * (weekend, holiday with its name and source, the start day of a "days after" count, a roll past
 * non-working days). For checking a deadline by eye, and for `pipkit dates`.
 *
 * With `options.pauses`, the days the clock stood still are listed as `leave` and the end moves
 * by the paused span, exactly as the engine moves a plan when it resumes (`docs/time.md`).
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
  options: ExplainOptions = {},
): DueDateExplanation {
  const due = computeDueDate(start, duration, calendar);
  const startDay = calendar.civilDayOf(start);
  const nominal = lastDayOf(startDay, { ...duration, rollForward: 'none' }, calendar);
  const rolled = lastDayOf(startDay, duration, calendar);
  const paused = pausedDays(options.pauses ?? [], duration, startDay, rolled, calendar);
  const final = shiftedByPause(rolled, paused.span, duration.unit, calendar);
  const first = Math.min(startDay, rolled);
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
    // Past the nominal end, the count goes on only to make up the days the clock stood still.
    const inCount =
      (day <= nominal || (paused.span > 0 && day <= final)) &&
      (day > startDay || (day === startDay && duration.counting === 'inclusiveStart'));
    let counted = false;
    let note: ExplainedDayNote | undefined;
    if (paused.days.has(day)) {
      note = 'leave';
    } else if (day < startDay || (day > nominal && paused.span === 0)) {
      note = day === rolled ? 'rolledTo' : 'rolledPast';
    } else if (day === startDay && !inCount) {
      note = 'startDay';
    } else if (countsBusinessDays && !business) {
      note = holiday ? 'holiday' : 'weekend';
    } else if (inCount && duration.amount > 0) {
      counted = true;
      ordinal += 1;
    }
    if (rolled !== nominal) {
      // Rolled: the last counted day is not a business day, so the deadline moved.
      if (day === nominal) note = 'rolledFrom';
      else if (day === rolled) note = 'rolledTo';
      else if (day > rolled && day < nominal) note = 'rolledPast';
    }
    days.push(explained(day, counted ? ordinal : undefined, note, holiday, day === final));
  }
  return {
    ...due,
    ...(paused.span === 0
      ? {}
      : { date: formatCivilDay(final), dueAt: endOfCivilDay(final, calendar) }),
    timeZone: calendar.timeZone,
    startDate: formatCivilDay(startDay),
    duration,
    pausedSpan: paused.span,
    days,
  };
}

/**
 * The local days the clock stood still and how far they move the end, as the engine computes it
 * when a plan resumes: each pause from the local day it began to the day it ended (not counted).
 */
function pausedDays(
  pauses: readonly ExplainedPause[],
  duration: Duration,
  startDay: CivilDay,
  end: CivilDay,
  calendar: Calendar,
): { readonly days: ReadonlySet<CivilDay>; readonly span: number } {
  const days = new Set<CivilDay>();
  let span = 0;
  let previousEnd = startDay;
  pauses.forEach((pause, index) => {
    if (duration.rollForward !== 'none') {
      throw new CalendarError(
        'Pauses move periods that never roll (a plan length); this duration rolls.',
        ['pauses', index],
      );
    }
    const from = calendar.civilDayOf(pause.from);
    const until = calendar.civilDayOf(pause.until);
    if (from < previousEnd || until < from || from > end + span) {
      throw new CalendarError(
        'Each pause must begin on or after the start and the previous pause, end after it begins, and begin before the period ends.',
        ['pauses', index],
      );
    }
    for (let day = from; day < until; day += 1) days.add(day);
    span += pausedSpan(from, until, duration.unit, calendar);
    previousEnd = until;
  });
  return { days, span };
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
