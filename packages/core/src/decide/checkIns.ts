/**
 * Check-ins: holding a scheduled check-in and scheduling the next one.
 */
import { type DecisionInput, type DecisionDraft, issue, base } from './decision.js';

/** Check-ins: holding a scheduled check-in and scheduling the next one. Adds its events and refusals to `draft`. */
export function decideCheckIns(input: DecisionInput, draft: DecisionDraft): void {
  const { command, context, schedule } = input;
  const { issues, events } = draft;
  switch (command.type) {
    case 'RECORD_CHECK_IN': {
      const number = context.checkIns.next;
      const plan = context.plan;
      if (!plan) {
        issues.push(
          issue('NO_PLAN_PERIOD', 'The plan period has not started: there is no check-in yet.'),
        );
      }
      const due = `checkIn:${number}`;
      const clear = Object.hasOwn(context.deadlines, due) ? [due] : [];
      const set = plan ? schedule.nextCheckIn(context, plan, number + 1, input.now) : [];
      events.push({
        ...base(input, 'CHECK_IN_HELD', { clear, set }),
        number,
        assessment: command.assessment,
      });
      break;
    }
    default:
      break;
  }
}
