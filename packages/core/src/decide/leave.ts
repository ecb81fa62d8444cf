/**
 * Leave and holds: pauses for protected leave and investigation holds, which stop the plan's clock.
 */
import type { CommandOf } from '../model/commands.js';
import {
  type DecisionInput,
  type DecisionDraft,
  issue,
  planDeadlineIds,
  base,
} from './decision.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { Deadline, PipEvent, PlanDates } from '../machine/types.js';
import { formatCivilDay } from '../calendar/civilDay.js';

/** The plan moved by the span the clock stood still (from `since` to `until`), and its new deadlines. */
function movedPlan(
  input: DecisionInput,
  since: string,
  until: string,
): { span: number; plan: PlanDates; set: Deadline[] } {
  const { context, schedule } = input;
  const plan = context.plan as PlanDates;
  const span = schedule.leaveSpan(since, until, plan);
  const moved: PlanDates = {
    ...plan,
    endDate: schedule.shiftDate(plan.endDate, span),
    anchorDate: schedule.shiftDate(plan.anchorDate, span),
  };
  return {
    span,
    plan: moved,
    set: [schedule.planEnd(moved), ...schedule.nextCheckIn(context, moved, context.checkIns.next)],
  };
}

/**
 * The acknowledgement deadline again, counted from the day of return, when the leave began while
 * the plan awaited acknowledgement: an employee on leave is not asked to sign, so the policy's
 * whole window runs from the return.
 */
function acknowledgementAgain(input: DecisionInput, at: string): Deadline[] {
  if (input.context.pause?.resumeTo !== 'opened') return [];
  const { schedule } = input;
  const due = input.policy.document.acknowledgement.due;
  return [schedule.after('acknowledgement', 'acknowledgement', schedule.day(at), due)];
}

/** Whether leave of `span` plan units and `category` moves the plan under the policy's `leave` rule. */
function leaveExtends(input: DecisionInput, span: number, category: string): boolean {
  const rule = input.policy.document.leave;
  return (
    span > rule.extendsAfterDays &&
    (rule.extendingCategories === undefined ||
      rule.extendingCategories.includes(category as (typeof rule.extendingCategories)[number]))
  );
}

/**
 * Restarts the clock as of `at`. Leave the policy says extends the plan (`leave`: long enough, of
 * an extending category) moves the plan end by the paused span, and the check-in grid with it
 * (`checkIns: 'shift'`) or not (`'keep'`: the check-ins that fell inside the leave are skipped).
 * Shorter leave, or leave of another category, leaves every date where it was. Only the part of
 * the leave on or after the plan's first day counts (the plan's clock never ran before it); leave
 * that ends before the plan has started moves nothing and restarts the acknowledgement window.
 */
export function resumeEvent(
  input: DecisionInput,
  at: string,
): { event: PipEvent } | { issue: PipkitIssue } {
  const { context, schedule } = input;
  const pause = context.pause;
  if (!pause) return { issue: issue('NOT_PAUSED', 'The plan is not paused.') };
  const clear = 'pauseEnd' in context.deadlines ? ['pauseEnd'] : [];
  const acknowledgement = acknowledgementAgain(input, at);
  if (!context.plan) {
    return {
      event: {
        ...base(input, 'RESUMED', { set: acknowledgement, clear }),
        pausedDays: 0,
        resumedAt: at,
        leaveDays: schedule.pausedSpan(pause.since, at),
      },
    };
  }
  const rule = input.policy.document.leave;
  const span = schedule.leaveSpan(pause.since, at, context.plan);
  const extendsPlan = leaveExtends(input, span, pause.category);
  if (extendsPlan && rule.checkIns === 'shift') {
    const { plan, set } = movedPlan(input, pause.since, at);
    return {
      event: {
        ...base(input, 'RESUMED', { set: [...set, ...acknowledgement], clear }),
        pausedDays: span,
        plan,
        resumedAt: at,
      },
    };
  }
  // The grid stays where it was: the first check-in on or after the day of return comes next.
  const moveBy = extendsPlan ? span : 0;
  const before = context.plan;
  const plan: PlanDates = { ...before, endDate: schedule.shiftDate(before.endDate, moveBy) };
  const returnDay = schedule.day(at);
  // A rolling cadence counts from the return; a fixed grid skips what fell inside the leave.
  const rolling = input.policy.document.checkIns.anchor === 'lastCheckIn';
  const lastHeldAt =
    rolling && context.checkIns.lastHeldAt !== undefined ? at : context.checkIns.lastHeldAt;
  let number = context.checkIns.next;
  let checkIn = schedule.checkIn(number, plan, lastHeldAt);
  while (!rolling && checkIn && schedule.dayOfDate(checkIn.date) < returnDay) {
    number += 1;
    checkIn = schedule.checkIn(number, plan, lastHeldAt);
  }
  // `moveInside`: the check-ins that fell inside the leave move to the day of return, as one
  // catch-up check-in numbered as the last of them; the later ones keep their grid dates.
  if (rule.checkIns === 'moveInside' && !rolling && number > context.checkIns.next) {
    const catchUp =
      checkIn?.date === formatCivilDay(returnDay)
        ? undefined
        : schedule.checkInOn(number - 1, returnDay, plan);
    if (catchUp) {
      number -= 1;
      checkIn = catchUp;
    }
  }
  const skipped = number - context.checkIns.next;
  return {
    event: {
      ...base(input, 'RESUMED', {
        set: [schedule.planEnd(plan), ...(checkIn ? [checkIn] : []), ...acknowledgement],
        clear,
      }),
      pausedDays: moveBy,
      plan,
      resumedAt: at,
      ...(extendsPlan ? {} : { leaveDays: span }),
      ...(skipped > 0 ? { checkInsSkipped: skipped } : {}),
    },
  };
}

/**
 * Whether leave may be recorded as beginning at `since`, before the PIP's last recorded change:
 * only leave that began before the plan's first day (or before a plan that has not started yet),
 * and only while no check-in has been held or missed, so nothing the plan's clock counted is
 * contradicted by it.
 */
function backdatable(input: DecisionInput, since: string): boolean {
  const { context, schedule } = input;
  if (context.checkIns.held + context.checkIns.missed > 0) return false;
  return !context.plan || schedule.day(since) < schedule.dayOfDate(context.plan.startDate);
}

/** PAUSE. */
function decidePause(
  input: DecisionInput,
  command: CommandOf<'PAUSE'>,
  draft: DecisionDraft,
): void {
  const { context, schedule } = input;
  const { issues, events } = draft;
  const since = command.from ?? input.now;
  if (Date.parse(since) > Date.parse(input.now)) {
    issues.push(
      issue(
        'PAUSE_IN_FUTURE',
        'A pause cannot start in the future; send it when the leave begins.',
        ['from'],
      ),
    );
  }
  if (Date.parse(since) < Date.parse(input.lastChangedAt) && !backdatable(input, since)) {
    issues.push(
      issue(
        'PAUSE_BEFORE_LAST_EVENT',
        `A pause cannot start before the plan's last recorded change (${input.lastChangedAt}); only leave that began before the plan started may be dated earlier, and only while no check-in is recorded.`,
        ['from'],
      ),
    );
  }
  const overdue = Object.values(context.deadlines).filter(
    (deadline) =>
      (deadline.kind === 'checkIn' || deadline.kind === 'planEnd') &&
      Date.parse(deadline.dueAt) <= Date.parse(since),
  );
  for (const deadline of overdue) {
    issues.push(
      issue(
        'DEADLINE_DUE_BEFORE_PAUSE',
        `Deadline "${deadline.id}" (${deadline.date}) fell due before the pause begins: run the timer sweep first, so it is recorded before the clock stops.`,
        ['from'],
      ),
    );
  }
  if (command.until !== undefined && Date.parse(command.until) <= Date.parse(since)) {
    issues.push(
      issue('PAUSE_ENDS_BEFORE_START', 'The pause would end before it starts.', ['until']),
    );
  }
  const resumeBy: Deadline[] =
    command.until === undefined
      ? []
      : [
          {
            id: 'pauseEnd',
            kind: 'pauseEnd',
            dueAt: new Date(command.until).toISOString(),
            date: schedule.calendar.localDate(command.until),
          },
        ];
  // Leave before acknowledgement holds the acknowledgement window too; it runs again from the return.
  const held = 'acknowledgement' in context.deadlines ? ['acknowledgement'] : [];
  events.push({
    ...base(input, 'PAUSED', { clear: [...planDeadlineIds(context), ...held], set: resumeBy }),
    category: command.category,
    hostRef: command.hostRef,
    since: new Date(since).toISOString(),
  });
}

/** RESUME. */
function decideResume(
  input: DecisionInput,
  command: CommandOf<'RESUME'>,
  draft: DecisionDraft,
): void {
  const { context } = input;
  const { issues, events } = draft;
  const at = command.at === undefined ? input.now : new Date(command.at).toISOString();
  if (Date.parse(at) > Date.parse(input.now)) {
    issues.push(issue('RESUME_IN_FUTURE', 'A resume cannot be in the future.', ['at']));
  }
  if (context.pause && Date.parse(at) < Date.parse(context.pause.since)) {
    issues.push(
      issue(
        'RESUME_BEFORE_PAUSE',
        `The pause began ${context.pause.since}; it cannot end before that.`,
        ['at'],
      ),
    );
  }
  const resumed = resumeEvent(input, at);
  if ('issue' in resumed) issues.push(resumed.issue);
  else events.push(resumed.event);
}

/** START_INVESTIGATION. */
function decideStartInvestigation(
  input: DecisionInput,
  command: CommandOf<'START_INVESTIGATION'>,
  draft: DecisionDraft,
): void {
  const { context, schedule } = input;
  const doc = input.policy.document;
  const { issues, events } = draft;
  if (context.investigation) {
    issues.push(
      issue('INVESTIGATION_ALREADY_OPEN', 'An investigation hold is already open on this plan.'),
    );
  }
  const running = planDeadlineIds(context);
  // A hold stops the clock only when the policy says so and the clock is running (not on leave).
  const stoppedClock =
    doc.investigation.stopsClock && running.length > 0 && context.pause === undefined;
  const due = doc.investigation.due
    ? [
        schedule.after(
          'investigation',
          'investigation',
          schedule.day(input.now),
          doc.investigation.due,
        ),
      ]
    : [];
  events.push({
    ...base(input, 'INVESTIGATION_STARTED', { clear: stoppedClock ? running : [], set: due }),
    hostRef: command.hostRef,
    stoppedClock,
  });
}

/** CLOSE_INVESTIGATION. */
function decideCloseInvestigation(
  input: DecisionInput,
  command: CommandOf<'CLOSE_INVESTIGATION'>,
  draft: DecisionDraft,
): void {
  const { context } = input;
  const { issues, events } = draft;
  const hold = context.investigation;
  if (!hold) {
    issues.push(issue('NO_INVESTIGATION', 'No investigation hold is open on this plan.'));
    return;
  }
  const clear = 'investigation' in context.deadlines ? ['investigation'] : [];
  if (!hold.stoppedClock || !context.plan) {
    events.push({
      ...base(input, 'INVESTIGATION_CLOSED', { clear }),
      finding: command.finding,
      heldDays: 0,
    });
    return;
  }
  const moved = movedPlan(input, hold.since, input.now);
  events.push({
    ...base(input, 'INVESTIGATION_CLOSED', { clear, set: moved.set }),
    finding: command.finding,
    heldDays: moved.span,
    plan: moved.plan,
  });
}

/** Leave and holds: pauses for protected leave and investigation holds, which stop the plan's clock. Adds its events and refusals to `draft`. */
export function decideLeave(input: DecisionInput, draft: DecisionDraft): void {
  switch (input.command.type) {
    case 'PAUSE':
      return decidePause(input, input.command, draft);
    case 'RESUME':
      return decideResume(input, input.command, draft);
    case 'START_INVESTIGATION':
      return decideStartInvestigation(input, input.command, draft);
    case 'CLOSE_INVESTIGATION':
      return decideCloseInvestigation(input, input.command, draft);
    default:
      return;
  }
}
