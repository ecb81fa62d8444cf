/**
 * How a pause of the clock (protected leave, a hold that stops it) moves a period: the rule the
 * engine applies when a plan resumes, and `calendar.explain` shows.
 */
import type { Calendar } from './calendar.js';
import type { CivilDay } from './civilDay.js';
import { type Duration, lastDayOf } from './duration.js';

/**
 * How far a pause from local day `from` to local day `to` (the resume day, not counted) moves a
 * period counted in `unit`: the business days paused for a business-day period, the calendar
 * days paused otherwise (weeks and months included: a month-long plan paused for 10 days ends
 * 10 days later). @internal
 */
export function pausedSpan(
  from: CivilDay,
  to: CivilDay,
  unit: Duration['unit'],
  calendar: Calendar,
): number {
  if (unit !== 'businessDays') return Math.max(0, to - from);
  let count = 0;
  for (let day = from; day < to; day += 1) if (calendar.isBusinessCivilDay(day)) count += 1;
  return count;
}

/**
 * A last day moved by `span` units of the period: `span` calendar days, or for a business-day
 * period the `span`-th business day after it. Never rolls again. @internal
 */
export function shiftedByPause(
  day: CivilDay,
  span: number,
  unit: Duration['unit'],
  calendar: Calendar,
): CivilDay {
  if (span === 0) return day;
  if (unit !== 'businessDays') return day + span;
  return lastDayOf(
    day,
    {
      amount: span,
      unit: 'businessDays',
      counting: 'dayAfter',
      rollForward: 'none',
      endOfDay: true,
    },
    calendar,
  );
}
