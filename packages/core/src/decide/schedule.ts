import type { Calendar } from '../calendar/calendar.js';
import { type CivilDay, formatCivilDay, parseCivilDay } from '../calendar/civilDay.js';
import { type Duration, endOfCivilDay, lastDayOf } from '../calendar/duration.js';
import { pausedSpan, shiftedByPause } from '../calendar/pauses.js';
import type { Deadline, DeadlineKind, PipContext, PlanDates } from '../machine/types.js';
import type { PolicyDocument } from '../policy/policySchema.js';

/**
 * Turns policy durations into concrete deadlines for one PIP: pure functions of the policy, the
 * employee's calendar and the triggering instant. @internal
 */
export class Schedule {
  constructor(
    readonly policy: PolicyDocument,
    readonly calendar: Calendar,
  ) {}

  /** A deadline at the end of the last day of `duration` counted from `fromDay`. */
  after(id: string, kind: DeadlineKind, fromDay: CivilDay, duration: Duration): Deadline {
    const last = lastDayOf(fromDay, duration, this.calendar);
    return { id, kind, date: formatCivilDay(last), dueAt: endOfCivilDay(last, this.calendar) };
  }

  /** The local civil day of an instant. */
  day(instant: string): CivilDay {
    return this.calendar.civilDayOf(instant);
  }

  /** The civil day of a `YYYY-MM-DD` date. */
  dayOfDate(date: string): CivilDay {
    return civil(date);
  }

  /** Plan dates for a period that starts at `startInstant` (of the policy's length, or `duration`). */
  planFrom(startInstant: string, duration: Duration = this.policy.plan.duration): PlanDates {
    const startDay = this.day(startInstant);
    const end = formatCivilDay(lastDayOf(startDay, duration, this.calendar));
    const start = formatCivilDay(startDay);
    return { startDate: start, endDate: end, originalEndDate: end, anchorDate: start };
  }

  /** The deadline at which the plan period ends (end of its last day). */
  planEnd(plan: PlanDates): Deadline {
    const day = civil(plan.endDate);
    return {
      id: 'planEnd',
      kind: 'planEnd',
      date: plan.endDate,
      dueAt: endOfCivilDay(day, this.calendar),
    };
  }

  /**
   * Check-in number `n`, or `undefined` when it would fall after the plan ends. On a fixed grid it
   * is `n` intervals after the anchor; rolling, one interval after the last held check-in. A check-in
   * is an employer obligation, so a non-working day moves it earlier, never later (C3). It is
   * missed at the end of its day.
   */
  checkIn(n: number, plan: PlanDates, lastHeldAt: string | undefined): Deadline | undefined {
    const { every, at, anchor, onNonBusinessDay } = this.policy.checkIns;
    const interval = every.unit === 'weeks' ? every.amount * 7 : every.amount;
    const anchorDay = civil(plan.anchorDate);
    let day =
      anchor === 'lastCheckIn' && lastHeldAt !== undefined
        ? Math.max(this.day(lastHeldAt), anchorDay) + interval
        : anchorDay + n * interval;
    if (onNonBusinessDay === 'previousBusinessDay') {
      const floor = anchorDay + 1;
      let candidate = day;
      while (candidate > floor && !this.calendar.isBusinessCivilDay(candidate)) candidate -= 1;
      if (this.calendar.isBusinessCivilDay(candidate)) day = candidate;
    }
    if (day > civil(plan.endDate)) return undefined;
    const [hour, minute] = at.split(':').map(Number) as [number, number];
    return {
      id: `checkIn:${n}`,
      kind: 'checkIn',
      date: formatCivilDay(day),
      dueAt: endOfCivilDay(day, this.calendar),
      scheduledAt: this.calendar.instantAt(day, hour, minute),
    };
  }

  /**
   * Check-in number `n` held on `day` instead of its place on the grid (a catch-up after leave,
   * policy `leave.checkIns: 'moveInside'`): on that day, or the next working day, at the policy's
   * time; `undefined` when that falls after the plan ends.
   */
  checkInOn(n: number, day: CivilDay, plan: PlanDates): Deadline | undefined {
    let held = day;
    while (held <= civil(plan.endDate) && !this.calendar.isBusinessCivilDay(held)) held += 1;
    if (held > civil(plan.endDate)) return undefined;
    const [hour, minute] = this.policy.checkIns.at.split(':').map(Number) as [number, number];
    return {
      id: `checkIn:${n}`,
      kind: 'checkIn',
      date: formatCivilDay(held),
      dueAt: endOfCivilDay(held, this.calendar),
      scheduledAt: this.calendar.instantAt(held, hour, minute),
    };
  }

  /** The next check-in after the current state, as a deadline list (empty when none is left). */
  nextCheckIn(
    context: PipContext,
    plan: PlanDates,
    number: number,
    lastHeldAt?: string,
  ): Deadline[] {
    const next = this.checkIn(number, plan, lastHeldAt ?? context.checkIns.lastHeldAt);
    return next ? [next] : [];
  }

  /**
   * How far a pause from `since` to `until` moves the plan, in the plan's own unit: business days
   * paused for a business-day plan, calendar days otherwise.
   */
  pausedSpan(since: string, until: string): number {
    return pausedSpan(
      this.day(since),
      this.day(until),
      this.policy.plan.duration.unit,
      this.calendar,
    );
  }

  /**
   * How far leave from `since` to `until` moves `plan`: {@link Schedule.pausedSpan} counted from
   * the later of the leave's first day and the plan's first day, since the plan's clock never ran
   * before its start (leave that began before the plan counts only where it overlaps it).
   */
  leaveSpan(since: string, until: string, plan: PlanDates): number {
    const first = Math.max(this.day(since), civil(plan.startDate));
    return pausedSpan(first, this.day(until), this.policy.plan.duration.unit, this.calendar);
  }

  /** Moves a civil date by `span` units of the plan (business days for a business-day plan). */
  shiftDate(date: string, span: number): string {
    if (span === 0) return date;
    return formatCivilDay(
      shiftedByPause(civil(date), span, this.policy.plan.duration.unit, this.calendar),
    );
  }

  /** The plan's new end after an extension of `amount` units (counted from the day after the current end). */
  extendedEnd(plan: PlanDates, amount: number): string {
    const unit = this.policy.extensions.unit;
    return formatCivilDay(
      lastDayOf(
        civil(plan.endDate),
        { amount, unit, counting: 'dayAfter', rollForward: 'none', endOfDay: true },
        this.calendar,
      ),
    );
  }

  /** The last day the whole plan may run to, when the policy caps it. */
  planCap(plan: PlanDates): string | undefined {
    const cap = this.policy.extensions.maxPlanLength;
    return cap ? formatCivilDay(lastDayOf(civil(plan.startDate), cap, this.calendar)) : undefined;
  }

  /**
   * The instant a removal may take effect: the start of the day after the notice period ends (C2),
   * its first instant (the earlier midnight when midnight happens twice), one millisecond after the
   * notice period's end.
   */
  effectiveAfterNotice(noticeEndDate: string): string {
    return this.calendar.startOfCivilDay(civil(noticeEndDate) + 1);
  }
}

function civil(date: string): CivilDay {
  return parseCivilDay(date) as CivilDay;
}
