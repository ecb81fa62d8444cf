import { type Calendar, createCalendar } from '../calendar/calendar.js';
import { parseCivilDay } from '../calendar/civilDay.js';
import { type Duration, lastDayOf } from '../calendar/duration.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { PolicyDocument } from './policySchema.js';
import { roleSchema } from '../model/actor.js';
import { stageContradictions } from './stagesSchema.js';

/** Plan starts the length checks try: the 1st and 15th of every month of a year with holidays. */
const REFERENCE_STARTS: readonly number[] = Array.from({ length: 24 }, (_, index) => {
  const month = String(Math.floor(index / 2) + 1).padStart(2, '0');
  return parseCivilDay(`2026-${month}-${index % 2 === 0 ? '01' : '15'}`) as number;
});

const contradiction = (path: (string | number)[], message: string): PipkitIssue => ({
  code: 'POLICY_CONTRADICTION',
  path,
  message,
});

/**
 * Rules a schema cannot see because they span fields: a plan cap shorter than the plan, a cap
 * that leaves no room for the extensions it allows, a reminder, escalation or obligation that
 * notifies a recipient the policy never names, an escalation or reminder that can never fire,
 * an employee deciding on their own plan, a watch window counted from the plan's start that is
 * over before the plan ends. Returns every problem, each with its path. Pure. @internal
 */
export function policyContradictions(doc: PolicyDocument): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  const calendar: Calendar = createCalendar({
    timeZone: 'UTC',
    weekend: doc.calendar.weekend,
    holidays: doc.calendar.holidays,
    holidayRules: doc.calendar.holidayRules,
  });
  const lastDays = (duration: Duration) =>
    REFERENCE_STARTS.map((start) => lastDayOf(start, duration, calendar));
  const planEnds = lastDays(doc.plan.duration);
  const { maxPlanLength, maxCount, approvalFor, reasons } = doc.extensions;
  // An approval rule for a reason the policy never allows can never apply.
  for (const reason of Object.keys(approvalFor ?? {})) {
    if (reasons && !reasons.includes(reason)) {
      issues.push(
        contradiction(
          ['extensions', 'approvalFor', reason],
          `Extensions need an approval record for reason "${reason}", which extensions.reasons does not allow (${reasons.join(', ')}).`,
        ),
      );
    }
  }
  if (maxPlanLength) {
    const caps = lastDays(maxPlanLength);
    if (caps.some((cap, index) => cap < (planEnds[index] as number))) {
      issues.push(
        contradiction(
          ['extensions', 'maxPlanLength'],
          'maxPlanLength is shorter than the plan itself: no plan could start without breaking its cap.',
        ),
      );
    } else if (maxCount > 0 && caps.every((cap, index) => cap <= (planEnds[index] as number))) {
      issues.push(
        contradiction(
          ['extensions', 'maxCount'],
          `The policy allows ${maxCount} extension(s), but maxPlanLength leaves no room for even one.`,
        ),
      );
    }
  }

  const known = new Set<string>([...roleSchema.options, ...doc.recipients]);
  const checkRecipients = (recipients: readonly string[], path: (string | number)[]) => {
    recipients.forEach((recipient, index) => {
      if (!known.has(recipient)) {
        issues.push(
          contradiction(
            [...path, index],
            `"${recipient}" is neither a role nor one of the policy's recipients; add it to recipients or fix the name.`,
          ),
        );
      }
    });
  };
  doc.reminders.forEach((reminder, index) =>
    checkRecipients(reminder.notify, ['reminders', index, 'notify']),
  );
  doc.escalations.forEach((escalation, index) =>
    checkRecipients(escalation.notify, ['escalations', index, 'notify']),
  );
  if (doc.extensions.notify) {
    checkRecipients(doc.extensions.notify.recipients, ['extensions', 'notify', 'recipients']);
  }

  const neverFires: Partial<Record<string, string | undefined>> = {
    investigationOverdue: doc.investigation.due ? undefined : 'investigation.due is not set',
    decisionOverdue: doc.termination.decisionDue ? undefined : 'termination.decisionDue is not set',
    obligationOverdue: doc.extensions.notify ? undefined : 'extensions.notify is not set',
    appealOverdue: doc.appeals?.decideWithin ? undefined : 'appeals.decideWithin is not set',
    stageReviewDue: doc.stages?.some((stage) => stage.reviewPeriod)
      ? undefined
      : 'no stage has a reviewPeriod',
  };
  doc.escalations.forEach((escalation, index) => {
    const why = neverFires[escalation.trigger];
    if (why) {
      issues.push(
        contradiction(
          ['escalations', index, 'trigger'],
          `The ${escalation.trigger} escalation can never fire: ${why}.`,
        ),
      );
    }
  });
  doc.reminders.forEach((reminder, index) => {
    if (reminder.before === 'decision' && !doc.termination.decisionDue) {
      issues.push(
        contradiction(
          ['reminders', index, 'before'],
          'A reminder before the decision can never fire: termination.decisionDue is not set.',
        ),
      );
    }
  });

  const selfJudging: [string[], readonly string[]][] = [
    [['termination', 'deciderRoles'], doc.termination.deciderRoles],
    [['approval', 'approverRoles'], doc.approval.approverRoles],
  ];
  for (const [path, roles] of selfJudging) {
    roles.forEach((role, index) => {
      if (role === 'employee' || role === 'system') {
        issues.push(
          contradiction(
            [...path, index],
            `"${role}" cannot approve or decide: a person must, and never the employee on the plan.`,
          ),
        );
      }
    });
  }

  if (doc.watchWindow && doc.watchWindowFrom === 'planStart') {
    const watchEnds = lastDays(doc.watchWindow);
    if (watchEnds.some((end, index) => end <= (planEnds[index] as number))) {
      issues.push(
        contradiction(
          ['watchWindow'],
          'The watch window counted from the plan start ends before the plan does: no pass could ever be watched.',
        ),
      );
    }
  }
  issues.push(...stageContradictions(doc));
  return issues;
}
