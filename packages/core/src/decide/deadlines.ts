/**
 * Deadlines: what a due deadline means when the sweep fires it.
 */
import {
  type DecisionInput,
  type DecisionDraft,
  type Decision,
  issue,
  base,
  escalations,
} from './decision.js';
import type { Deadline, PlanDates } from '../machine/types.js';
import type { CommandOf } from '../model/commands.js';
import { parseReminderId } from './reminders.js';
import { resumeEvent } from './leave.js';
import { periodEnded } from './outcome.js';
import { meetingOverdue } from './meetings.js';
import { stageDeadlineReached } from './stages.js';
import { purgeDeadlines, purgeDue } from './purge.js';

/** The refusal of a fire whose deadline is not pending at that time, or not yet due. */
function notDueIssue(input: DecisionInput, command: CommandOf<'DEADLINE_REACHED'>) {
  const deadline = input.context.deadlines[command.deadlineId];
  if (!deadline || deadline.dueAt !== command.dueAt) {
    return issue(
      'DEADLINE_NOT_PENDING',
      `Deadline "${command.deadlineId}" is not pending at that time (it was met, moved or cancelled).`,
      ['deadlineId'],
    );
  }
  if (deadline.dueAt > input.now) {
    return issue(
      'DEADLINE_NOT_DUE',
      `Deadline "${deadline.id}" is not due until ${deadline.dueAt}.`,
      ['deadlineId'],
    );
  }
  return undefined;
}

export function deadlineReached(
  input: DecisionInput,
  command: CommandOf<'DEADLINE_REACHED'>,
): Decision {
  const refusal = notDueIssue(input, command);
  if (refusal) return { events: [], issues: [refusal] };
  const deadline = input.context.deadlines[command.deadlineId] as Deadline;
  const { context, schedule } = input;
  const clear = { clear: [deadline.id] };
  switch (deadline.kind) {
    case 'acknowledgement':
      return {
        events: [
          base(input, 'ACKNOWLEDGEMENT_OVERDUE', clear),
          ...escalations(input, 'acknowledgementOverdue', 1),
        ],
        issues: [],
      };
    case 'checkIn': {
      const number = Number(deadline.id.split(':')[1]);
      const plan = context.plan as PlanDates;
      // A rolling cadence counts the next check-in from the one just missed once one was held:
      // counted from the last held one it would fall on the missed day again, and again.
      const rollingFrom =
        input.policy.document.checkIns.anchor === 'lastCheckIn' &&
        context.checkIns.lastHeldAt !== undefined
          ? (deadline.scheduledAt ?? deadline.dueAt)
          : undefined;
      const set = schedule.nextCheckIn(context, plan, number + 1, rollingFrom);
      return {
        events: [
          { ...base(input, 'CHECK_IN_MISSED', { clear: [deadline.id], set }), number },
          ...escalations(input, 'checkInMissed', context.checkIns.missed + 1),
        ],
        issues: [],
      };
    }
    case 'planEnd':
      return { events: [periodEnded(input, false)], issues: [] };
    case 'review':
      return {
        events: [base(input, 'REVIEW_OVERDUE', clear), ...escalations(input, 'reviewOverdue', 1)],
        issues: [],
      };
    case 'reply':
      return { events: [base(input, 'REPLY_WINDOW_CLOSED', clear)], issues: [] };
    case 'decision':
      return {
        events: [
          base(input, 'DECISION_OVERDUE', clear),
          ...escalations(input, 'decisionOverdue', 1),
        ],
        issues: [],
      };
    case 'watch': {
      // The pass becomes final: its retention date now counts towards the purge.
      const set = purgeDeadlines(schedule, context.outcome?.retainUntil);
      return { events: [base(input, 'WATCH_ENDED', { ...clear, set })], issues: [] };
    }
    case 'purge':
      return { events: [purgeDue(input, deadline)], issues: [] };
    case 'reminder': {
      const reminder = parseReminderId(deadline.id);
      const rule = reminder ? input.policy.document.reminders[reminder.index] : undefined;
      if (!reminder || !rule) {
        const message = `No reminder rule for "${deadline.id}".`;
        return { events: [], issues: [issue('DEADLINE_NOT_PENDING', message, ['deadlineId'])] };
      }
      return {
        events: [
          { ...base(input, 'REMINDER_SENT', clear), target: reminder.target, notify: rule.notify },
        ],
        issues: [],
      };
    }
    case 'investigation':
      return {
        events: [
          base(input, 'INVESTIGATION_OVERDUE', clear),
          ...escalations(input, 'investigationOverdue', 1),
        ],
        issues: [],
      };
    case 'obligation': {
      const obligationId = deadline.id.slice('obligation:'.length);
      const overdue = Object.values(context.obligations ?? {}).filter(
        (entry) => entry.status === 'overdue',
      ).length;
      return {
        events: [
          { ...base(input, 'OBLIGATION_OVERDUE', clear), obligationId },
          ...escalations(input, 'obligationOverdue', overdue + 1),
        ],
        issues: [],
      };
    }
    case 'meeting':
      return meetingOverdue(input, deadline);
    case 'stageReview':
    case 'warning':
    case 'appealWindow':
    case 'appealDecision':
      return stageDeadlineReached(input, deadline);
    case 'issuance':
      return {
        events: [
          base(input, 'ISSUANCE_OVERDUE', clear),
          ...escalations(input, 'issuanceOverdue', 1),
        ],
        issues: [],
      };
    case 'pauseEnd': {
      // The planned end of the leave: the plan resumes as of that instant, not the sweep's.
      const resumed = resumeEvent(input, deadline.dueAt);
      return 'issue' in resumed
        ? { events: [], issues: [resumed.issue] }
        : { events: [resumed.event], issues: [] };
    }
  }
}

/** Deadlines: what a due deadline means when the sweep fires it. Adds its events and refusals to `draft`. */
export function decideDeadlines(input: DecisionInput, draft: DecisionDraft): void {
  const { command } = input;
  const { issues, events } = draft;
  switch (command.type) {
    case 'DEADLINE_REACHED': {
      const reached = deadlineReached(input, command);
      issues.push(...reached.issues);
      events.push(...reached.events);
      break;
    }
    default:
      break;
  }
}
