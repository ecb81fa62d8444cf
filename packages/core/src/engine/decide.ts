import type { PipkitIssue } from '../errors/pipkitError.js';
import type { PipState } from '../machine/pipMachine.js';
import type {
  Deadline,
  OutcomeDates,
  DeadlineChanges,
  PipContext,
  PipEvent,
  PlanDates,
} from '../machine/types.js';
import type { Policy } from '../policy/definePolicy.js';
import type { EscalationTrigger } from '../policy/policySchema.js';
import type { Actor } from '../policy/roles.js';
import type { Command, CommandOf, DocumentRef, Goal } from './commands.js';
import { parseReminderId } from './reminders.js';
import type { Schedule } from './schedule.js';

/** Everything a decision reads. @internal */
export interface DecisionInput {
  readonly state: PipState;
  readonly context: PipContext;
  readonly policy: Policy;
  readonly schedule: Schedule;
  readonly command: Command;
  readonly actor: Actor;
  readonly now: string;
  /** When the PIP last changed: retroactive facts may not predate it. */
  readonly lastChangedAt: string;
  /**
   * The employee's other plans that reached them (issued), read from the store by the engine when
   * the policy limits plans across time (`plans.maxWithin`) and the command issues this one.
   */
  readonly priorPlans?: readonly PriorPlan[];
}

/** Another plan of the same employee, as the across-plans limit counts it. @internal */
export interface PriorPlan {
  readonly pipId: string;
  /** When it reached the employee (issued or approved), UTC ISO. */
  readonly issuedAt: string;
}

/** Commands that give the plan to the employee: the across-plans limit is checked again then. */
export const PLAN_LIMIT_COMMANDS: ReadonlySet<string> = new Set([
  'SUBMIT_FOR_APPROVAL',
  'APPROVE',
  'ISSUE',
]);

/**
 * Every issue the policy's across-plans limit (`plans.maxWithin`) raises against giving one more
 * plan today: a prior plan counts while today is within `period` of the day it was issued. Pure.
 * @internal
 */
export function planLimitIssues(
  policy: Policy,
  schedule: Schedule,
  priorPlans: readonly PriorPlan[],
  now: string,
): PipkitIssue[] {
  const limit = policy.document.plans.maxWithin;
  if (!limit) return [];
  const today = schedule.day(now);
  const counted = priorPlans.filter((plan) => {
    const issued = schedule.day(plan.issuedAt);
    const last = schedule.dayOfDate(schedule.after('limit', 'review', issued, limit.period).date);
    return issued <= today && today <= last;
  });
  if (counted.length < limit.count) return [];
  return [
    issue(
      'PLAN_LIMIT_REACHED',
      `The policy allows at most ${limit.count} plan(s) within its period; this employee already had ${counted.length} (${counted.map((plan) => plan.pipId).join(', ')}).`,
      ['plans', 'maxWithin'],
    ),
  ];
}

/** The events a command would produce, or every reason it cannot. @internal */
export interface Decision {
  readonly events: PipEvent[];
  readonly issues: PipkitIssue[];
}

/** Commands that need the plan's clock running. */
const CLOCK_COMMANDS: ReadonlySet<string> = new Set([
  'RECORD_CHECK_IN',
  'EXTEND',
  'PAUSE',
  'CONCLUDE_EARLY',
  'START_AMENDMENT',
]);

const issue = (code: string, message: string, path: (string | number)[] = []): PipkitIssue => ({
  code,
  path,
  message,
});

/** Ids of the deadlines that belong to the running plan period. */
function planDeadlineIds(context: PipContext): string[] {
  return Object.values(context.deadlines)
    .filter((deadline) => deadline.kind === 'checkIn' || deadline.kind === 'planEnd')
    .map((deadline) => deadline.id);
}

function allDeadlineIds(context: PipContext): string[] {
  return Object.keys(context.deadlines);
}

/** Checks goals against the policy: enough of them, each measurable when required. @internal */
export function goalIssues(
  goals: readonly Goal[],
  policy: Policy,
  path: (string | number)[] = ['goals'],
): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  const { minGoals, requireMeasurableGoals } = policy.document.plan;
  if (goals.length < minGoals) {
    issues.push(
      issue(
        'TOO_FEW_GOALS',
        `The policy needs at least ${minGoals} goal(s); the plan has ${goals.length}.`,
        path,
      ),
    );
  }
  if (requireMeasurableGoals) {
    goals.forEach((goal, index) => {
      if (!goal.measure) {
        issues.push(
          issue(
            'GOAL_NOT_MEASURABLE',
            `Goal "${goal.id}" needs a measurable criterion (measure).`,
            [...path, index, 'measure'],
          ),
        );
      }
    });
  }
  const ids = new Set<string>();
  goals.forEach((goal, index) => {
    if (ids.has(goal.id))
      issues.push(
        issue('DUPLICATE_GOAL', `Two goals share the id "${goal.id}".`, [...path, index, 'id']),
      );
    ids.add(goal.id);
  });
  return issues;
}

/** Every document kind the policy requires for this command that is neither attached nor supplied. @internal */
export function documentIssues(input: DecisionInput): PipkitIssue[] {
  const { command } = input;
  const required = [
    ...(input.policy.document.requiredDocuments[command.type] ?? []),
    // An extension for some reasons needs an extra approval record (extensions.approvalFor).
    ...(command.type === 'EXTEND'
      ? (input.policy.document.extensions.approvalFor?.[command.reason] ?? [])
      : []),
  ];
  if (required.length === 0) return [];
  const present = new Set<string>(input.context.documents.map((document) => document.kind));
  for (const document of input.command.documents ?? []) present.add(document.kind);
  return required
    .filter((kind) => !present.has(kind))
    .map((kind) =>
      issue(
        'DOCUMENT_MISSING',
        `${input.command.type} needs a "${kind}" document; attach it or send it with the command.`,
        ['documents', kind],
      ),
    );
}

function escalations(
  input: DecisionInput,
  trigger: EscalationTrigger,
  occurrence: number,
): PipEvent[] {
  return input.policy.document.escalations
    .filter(
      (rule) =>
        rule.trigger === trigger &&
        (rule.occurrence === undefined || rule.occurrence === occurrence),
    )
    .map((rule) => ({
      type: 'ESCALATED',
      at: input.now,
      actor: input.actor,
      trigger,
      occurrence,
      notify: rule.notify,
    }));
}

function base<T extends PipEvent['type']>(
  input: DecisionInput,
  type: T,
  deadlines?: DeadlineChanges,
) {
  return { type, at: input.now, actor: input.actor, ...(deadlines ? { deadlines } : {}) } as const;
}

/** The deadlines a started plan period sets: its end and the first check-in. */
function startPlan(input: DecisionInput, plan: PlanDates): Deadline[] {
  return [input.schedule.planEnd(plan), ...input.schedule.nextCheckIn(input.context, plan, 1)];
}

function acknowledgementEvent(
  input: DecisionInput,
  command: CommandOf<'ACKNOWLEDGE'> | CommandOf<'RECORD_REFUSAL'>,
): { event: PipEvent | undefined; issues: PipkitIssue[] } {
  const issues: PipkitIssue[] = [];
  const known =
    input.context.documents.some((document) => document.sha256 === command.documentSha256) ||
    (command.documents ?? []).some((document) => document.sha256 === command.documentSha256);
  if (!known) {
    issues.push(
      issue(
        'DOCUMENT_NOT_ATTACHED',
        'The acknowledged document hash matches no document on this plan.',
        ['documentSha256'],
      ),
    );
  }
  if (
    command.type === 'RECORD_REFUSAL' &&
    input.policy.document.acknowledgement.mode !== 'refusalWithWitness'
  ) {
    issues.push(
      issue(
        'ACKNOWLEDGEMENT_REQUIRED',
        'This policy requires the employee to acknowledge; a refusal does not start the plan.',
      ),
    );
  }
  const amended = input.context.amendment?.documentSha256;
  if (amended !== undefined && command.documentSha256 !== amended) {
    issues.push(
      issue(
        'DOCUMENT_NOT_CURRENT',
        'Acknowledge the amended plan document, not an earlier version.',
        ['documentSha256'],
      ),
    );
  }
  // The period starts at the first acknowledgement only; a re-acknowledgement never restarts it.
  const startsNow =
    input.policy.document.plan.startsOn === 'acknowledgement' && input.context.plan === undefined;
  const plan = startsNow
    ? input.schedule.planFrom(input.now, input.context.planDuration)
    : undefined;
  const deadlines: DeadlineChanges = {
    clear: ['acknowledgement'],
    set: plan ? startPlan(input, plan) : [],
  };
  const event: PipEvent =
    command.type === 'ACKNOWLEDGE'
      ? {
          ...base(input, 'ACKNOWLEDGED', deadlines),
          documentSha256: command.documentSha256,
          ...(plan ? { plan } : {}),
        }
      : {
          ...base(input, 'REFUSAL_WITNESSED', deadlines),
          documentSha256: command.documentSha256,
          witnessId: command.witnessId,
          ...(plan ? { plan } : {}),
        };
  return { event, issues };
}

function issueEvent(input: DecisionInput, type: 'ISSUED' | 'APPROVED'): PipEvent {
  const { schedule } = input;
  const startsNow = input.policy.document.plan.startsOn === 'issue';
  const plan = startsNow ? schedule.planFrom(input.now, input.context.planDuration) : undefined;
  const set = [
    schedule.after(
      'acknowledgement',
      'acknowledgement',
      schedule.day(input.now),
      input.policy.document.acknowledgement.due,
    ),
    ...(plan ? startPlan(input, plan) : []),
  ];
  return { ...base(input, type, { set }), ...(plan ? { plan } : {}) };
}

function periodEnded(input: DecisionInput, early: boolean): PipEvent {
  const { schedule, context } = input;
  // A period that runs its course ends on its last day; one concluded early ends today.
  const endDay =
    early || !context.plan ? schedule.day(input.now) : schedule.dayOfDate(context.plan.endDate);
  const review = schedule.after('review', 'review', endDay, input.policy.document.review.due);
  return {
    ...base(input, 'PERIOD_ENDED', { clear: planDeadlineIds(context), set: [review] }),
    early,
  };
}

function deadlineReached(input: DecisionInput, command: CommandOf<'DEADLINE_REACHED'>): Decision {
  const deadline = input.context.deadlines[command.deadlineId];
  if (!deadline || deadline.dueAt !== command.dueAt) {
    return {
      events: [],
      issues: [
        issue(
          'DEADLINE_NOT_PENDING',
          `Deadline "${command.deadlineId}" is not pending at that time (it was met, moved or cancelled).`,
          ['deadlineId'],
        ),
      ],
    };
  }
  if (deadline.dueAt > input.now) {
    return {
      events: [],
      issues: [
        issue('DEADLINE_NOT_DUE', `Deadline "${deadline.id}" is not due until ${deadline.dueAt}.`, [
          'deadlineId',
        ]),
      ],
    };
  }
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
    case 'watch':
      return { events: [base(input, 'WATCH_ENDED', clear)], issues: [] };
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
    case 'pauseEnd': {
      // The planned end of the leave: the plan resumes as of that instant, not the sweep's.
      const resumed = resumeEvent(input, deadline.dueAt);
      return 'issue' in resumed
        ? { events: [], issues: [resumed.issue] }
        : { events: [resumed.event], issues: [] };
    }
  }
}

/** The plan moved by the span the clock stood still (from `since` to `until`), and its new deadlines. */
function movedPlan(
  input: DecisionInput,
  since: string,
  until: string,
): { span: number; plan: PlanDates; set: Deadline[] } {
  const { context, schedule } = input;
  const plan = context.plan as PlanDates;
  const span = schedule.pausedSpan(since, until);
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

/** Restarts the clock as of `at`: the plan end and check-in grid move by the paused span. */
function resumeEvent(
  input: DecisionInput,
  at: string,
): { event: PipEvent } | { issue: PipkitIssue } {
  const { context } = input;
  const pause = context.pause;
  if (!pause || !context.plan) return { issue: issue('NOT_PAUSED', 'The plan is not paused.') };
  const { span, plan, set } = movedPlan(input, pause.since, at);
  const clear = 'pauseEnd' in context.deadlines ? ['pauseEnd'] : [];
  return {
    event: { ...base(input, 'RESUMED', { set, clear }), pausedDays: span, plan, resumedAt: at },
  };
}

/**
 * Decides what a command means for this PIP under its policy: the events it produces, or every
 * reason (beyond authorization and state, checked by the engine) it must be refused. Pure. @internal
 */
export function decide(input: DecisionInput): Decision {
  const { command, context, policy, schedule } = input;
  const doc = policy.document;
  const issues: PipkitIssue[] = documentIssues(input);
  const events: PipEvent[] = [];
  const attached: readonly DocumentRef[] = command.documents ?? [];
  if (attached.length > 0)
    events.push({ ...base(input, 'DOCUMENTS_ATTACHED'), documents: attached });

  if (context.investigation?.stoppedClock && CLOCK_COMMANDS.has(command.type)) {
    issues.push(
      issue(
        'CLOCK_STOPPED_FOR_INVESTIGATION',
        `${command.type} waits until the investigation hold that stopped the plan's clock is closed.`,
      ),
    );
  }
  switch (command.type) {
    case 'START_AMENDMENT':
      events.push(base(input, 'AMENDMENT_STARTED'));
      break;
    case 'ISSUE_AMENDMENT': {
      issues.push(...goalIssues(context.goals, policy));
      const planDocuments = [...context.documents, ...attached].filter(
        (document) => document.kind === 'planDocument',
      );
      const latest = planDocuments.at(-1);
      if (!latest || latest.sha256 === context.acknowledgement?.documentSha256) {
        issues.push(
          issue(
            'AMENDMENT_DOCUMENT_UNCHANGED',
            'An amendment needs a new planDocument for the employee to acknowledge.',
            ['documents', 'planDocument'],
          ),
        );
      }
      const due = schedule.after(
        'acknowledgement',
        'acknowledgement',
        schedule.day(input.now),
        doc.acknowledgement.due,
      );
      events.push({
        ...base(input, 'AMENDMENT_ISSUED', { set: [due] }),
        documentSha256: latest?.sha256 ?? '',
      });
      break;
    }
    case 'CANCEL_AMENDMENT':
      events.push(base(input, 'AMENDMENT_CANCELLED'));
      break;
    case 'START_INVESTIGATION': {
      if (context.investigation) {
        issues.push(
          issue(
            'INVESTIGATION_ALREADY_OPEN',
            'An investigation hold is already open on this plan.',
          ),
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
      break;
    }
    case 'CLOSE_INVESTIGATION': {
      const hold = context.investigation;
      if (!hold) {
        issues.push(issue('NO_INVESTIGATION', 'No investigation hold is open on this plan.'));
        break;
      }
      const clear = 'investigation' in context.deadlines ? ['investigation'] : [];
      if (!hold.stoppedClock || !context.plan) {
        events.push({
          ...base(input, 'INVESTIGATION_CLOSED', { clear }),
          finding: command.finding,
          heldDays: 0,
        });
        break;
      }
      const moved = movedPlan(input, hold.since, input.now);
      events.push({
        ...base(input, 'INVESTIGATION_CLOSED', { clear, set: moved.set }),
        finding: command.finding,
        heldDays: moved.span,
        plan: moved.plan,
      });
      break;
    }
    case 'UPDATE_PLAN':
      issues.push(...goalIssues(command.goals, policy));
      events.push({ ...base(input, 'PLAN_UPDATED'), goals: command.goals });
      break;
    case 'ATTACH_DOCUMENT':
      if (context.amendment && input.actor.role === 'employee') {
        issues.push(
          issue(
            'PLAN_BEING_AMENDED',
            'The plan is being amended; the employee can add documents again once it is re-issued and acknowledged.',
          ),
        );
      }
      if (attached.length === 0)
        issues.push(
          issue('NO_DOCUMENTS', 'ATTACH_DOCUMENT needs at least one document.', ['documents']),
        );
      issues.push(...rebuttalIssues(input, attached));
      break;
    case 'SUBMIT_FOR_APPROVAL':
      if (!doc.approval.required) {
        issues.push(
          issue('APPROVAL_NOT_REQUIRED', 'This policy does not use approval; send ISSUE instead.'),
        );
      }
      issues.push(...goalIssues(context.goals, policy));
      issues.push(...planLimitIssues(policy, schedule, input.priorPlans ?? [], input.now));
      events.push(base(input, 'SUBMITTED_FOR_APPROVAL'));
      break;
    case 'APPROVE':
      issues.push(...planLimitIssues(policy, schedule, input.priorPlans ?? [], input.now));
      events.push(issueEvent(input, 'APPROVED'));
      break;
    case 'REJECT':
      events.push({ ...base(input, 'APPROVAL_REJECTED'), reasonCode: command.reasonCode });
      break;
    case 'ISSUE':
      if (doc.approval.required) {
        issues.push(
          issue(
            'APPROVAL_REQUIRED',
            'This policy requires approval first: send SUBMIT_FOR_APPROVAL, then an approver sends APPROVE.',
          ),
        );
      }
      issues.push(...goalIssues(context.goals, policy));
      issues.push(...planLimitIssues(policy, schedule, input.priorPlans ?? [], input.now));
      events.push(issueEvent(input, 'ISSUED'));
      break;
    case 'ACKNOWLEDGE':
    case 'RECORD_REFUSAL': {
      const result = acknowledgementEvent(input, command);
      issues.push(...result.issues);
      if (result.event) events.push(result.event);
      break;
    }
    case 'RECORD_CHECK_IN': {
      const number = context.checkIns.next;
      const plan = context.plan;
      if (!plan) {
        issues.push(
          issue('NO_PLAN_PERIOD', 'The plan period has not started: there is no check-in yet.'),
        );
      }
      const clear = [`checkIn:${number}`].filter((id) => id in context.deadlines);
      const set = plan ? schedule.nextCheckIn(context, plan, number + 1, input.now) : [];
      events.push({
        ...base(input, 'CHECK_IN_HELD', { clear, set }),
        number,
        assessment: command.assessment,
      });
      break;
    }
    case 'PAUSE': {
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
      if (Date.parse(since) < Date.parse(input.lastChangedAt)) {
        issues.push(
          issue(
            'PAUSE_BEFORE_LAST_EVENT',
            `A pause cannot start before the plan's last recorded change (${input.lastChangedAt}).`,
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
      events.push({
        ...base(input, 'PAUSED', { clear: planDeadlineIds(context), set: resumeBy }),
        category: command.category,
        hostRef: command.hostRef,
        since: new Date(since).toISOString(),
      });
      break;
    }
    case 'RESUME': {
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
      break;
    }
    case 'EXTEND': {
      const plan = context.plan;
      const limits = doc.extensions;
      if (!plan) {
        issues.push(issue('NO_PLAN_PERIOD', 'The plan period has not started.'));
        break;
      }
      if (context.extensions.count >= limits.maxCount) {
        issues.push(
          issue(
            'EXTENSION_LIMIT_REACHED',
            `The policy allows ${limits.maxCount} extension(s); ${context.extensions.count} granted.`,
          ),
        );
      }
      if (command.amount > limits.maxEach) {
        issues.push(
          issue(
            'EXTENSION_TOO_LONG',
            `One extension may be at most ${limits.maxEach} ${limits.unit}.`,
            ['amount'],
          ),
        );
      }
      if (context.extensions.total + command.amount > limits.maxTotal) {
        issues.push(
          issue(
            'EXTENSION_TOTAL_EXCEEDED',
            `Extensions may total at most ${limits.maxTotal} ${limits.unit}; ${context.extensions.total} already granted.`,
            ['amount'],
          ),
        );
      }
      if (limits.reasons && !limits.reasons.includes(command.reason)) {
        issues.push(
          issue('EXTENSION_REASON_NOT_ALLOWED', `Allowed reasons: ${limits.reasons.join(', ')}.`, [
            'reason',
          ]),
        );
      }
      const endDate = schedule.extendedEnd(plan, command.amount);
      const cap = schedule.planCap(plan);
      if (cap !== undefined && endDate > cap) {
        issues.push(
          issue(
            'PLAN_CAP_EXCEEDED',
            `The plan would end ${endDate}; the policy caps it at ${cap}.`,
            ['amount'],
          ),
        );
      }
      const extended: PlanDates = { ...plan, endDate };
      const hasCheckIn = Object.values(context.deadlines).some(
        (deadline) => deadline.kind === 'checkIn',
      );
      // An extension may oblige the employer to tell someone (a union) within a set time.
      const obligationId = `extensionNotice${context.extensions.count + 1}`;
      const obligation = limits.notify
        ? schedule.after(
            `obligation:${obligationId}`,
            'obligation',
            schedule.day(input.now),
            limits.notify.within,
          )
        : undefined;
      // The employee re-acknowledges the extended plan: a new version of the plan document.
      const shown = limits.reacknowledge
        ? [...context.documents, ...attached]
            .filter((document) => document.kind === 'planDocument')
            .at(-1)
        : undefined;
      if (
        limits.reacknowledge &&
        (!shown || shown.sha256 === context.acknowledgement?.documentSha256)
      ) {
        issues.push(
          issue(
            'EXTENSION_DOCUMENT_UNCHANGED',
            'This policy has the employee re-acknowledge an extension: attach the extended planDocument.',
            ['documents', 'planDocument'],
          ),
        );
      }
      const acknowledgement = limits.reacknowledge
        ? schedule.after(
            'acknowledgement',
            'acknowledgement',
            schedule.day(input.now),
            doc.acknowledgement.due,
          )
        : undefined;
      const set = [
        schedule.planEnd(extended),
        ...(hasCheckIn ? [] : schedule.nextCheckIn(context, extended, context.checkIns.next)),
        ...(obligation ? [obligation] : []),
        ...(acknowledgement ? [acknowledgement] : []),
      ];
      events.push({
        ...base(input, 'EXTENDED', { set }),
        ...(limits.reacknowledge ? { acknowledge: { documentSha256: shown?.sha256 ?? '' } } : {}),
        amount: command.amount,
        unit: limits.unit,
        reason: command.reason,
        plan: extended,
        ...(obligation && limits.notify
          ? {
              obligation: {
                id: obligationId,
                recipients: limits.notify.recipients,
                date: obligation.date,
              },
            }
          : {}),
      });
      break;
    }
    case 'FULFIL_OBLIGATION': {
      const obligation = context.obligations?.[command.obligationId];
      if (!obligation) {
        issues.push(
          issue('NO_SUCH_OBLIGATION', `No obligation "${command.obligationId}" on this plan.`, [
            'obligationId',
          ]),
        );
      } else if (obligation.status === 'met') {
        issues.push(
          issue('OBLIGATION_ALREADY_MET', `Obligation "${command.obligationId}" is already met.`, [
            'obligationId',
          ]),
        );
      }
      const deadlineId = `obligation:${command.obligationId}`;
      events.push({
        ...base(input, 'OBLIGATION_FULFILLED', {
          clear: deadlineId in context.deadlines ? [deadlineId] : [],
        }),
        obligationId: command.obligationId,
      });
      break;
    }
    case 'EXTEND_NOTICE': {
      const rule = doc.termination.noticeExtension;
      const termination = context.termination;
      if (!rule) {
        issues.push(
          issue('NOTICE_EXTENSION_NOT_ALLOWED', 'This policy does not extend the notice period.'),
        );
      }
      const before = context.noticeExtensions?.total ?? 0;
      if (
        rule &&
        before + command.amount > rule.maxDays &&
        !rule.reasons.includes(command.reason)
      ) {
        issues.push(
          issue(
            'NOTICE_EXTENSION_REASON_REQUIRED',
            `Beyond ${rule.maxDays} day(s) in all (${before} granted), the notice may be extended only for: ${rule.reasons.join(', ') || 'no reason'}.`,
            ['reason'],
          ),
        );
      }
      if (!termination) break;
      const noticeEnd = schedule.dayOfDate(termination.noticeEndDate) + command.amount;
      const noticeEndDate = schedule.after('notice', 'decision', noticeEnd, {
        amount: 0,
        unit: 'calendarDays',
        counting: 'dayAfter',
        rollForward: 'none',
        endOfDay: true,
      });
      const decisionDue = doc.termination.decisionDue
        ? [schedule.after('decision', 'decision', noticeEnd, doc.termination.decisionDue)]
        : [];
      events.push({
        ...base(input, 'NOTICE_EXTENDED', { set: decisionDue }),
        amount: command.amount,
        reason: command.reason,
        noticeEndDate: noticeEndDate.date,
      });
      break;
    }
    case 'PLACE_LEGAL_HOLD':
      if ((context.legalHolds ?? []).includes(command.matterRef)) {
        issues.push(
          issue('LEGAL_HOLD_EXISTS', `Matter "${command.matterRef}" already holds this record.`, [
            'matterRef',
          ]),
        );
      }
      events.push({ ...base(input, 'LEGAL_HOLD_PLACED'), matterRef: command.matterRef });
      break;
    case 'RELEASE_LEGAL_HOLD':
      if (!(context.legalHolds ?? []).includes(command.matterRef)) {
        issues.push(
          issue('LEGAL_HOLD_NOT_FOUND', `No legal hold for matter "${command.matterRef}".`, [
            'matterRef',
          ]),
        );
      }
      events.push({ ...base(input, 'LEGAL_HOLD_RELEASED'), matterRef: command.matterRef });
      break;
    case 'RECORD_RELAPSE': {
      if (!('watch' in context.deadlines)) {
        issues.push(issue('WATCH_WINDOW_CLOSED', 'The watch window after the pass is over.'));
      }
      const review = schedule.after('review', 'review', schedule.day(input.now), doc.review.due);
      events.push(
        base(input, 'RELAPSE_RECORDED', { clear: allDeadlineIds(context), set: [review] }),
      );
      break;
    }
    case 'CONCLUDE_EARLY':
      if (!doc.plan.allowEarlyConclusion) {
        issues.push(
          issue(
            'EARLY_CONCLUSION_NOT_ALLOWED',
            'This policy does not allow ending the period early.',
          ),
        );
      }
      events.push(periodEnded(input, true));
      break;
    case 'PASS': {
      const watchFrom =
        doc.watchWindowFrom === 'planStart' && context.plan
          ? schedule.dayOfDate(context.plan.startDate)
          : schedule.day(input.now);
      const window = doc.watchWindow
        ? schedule.after('watch', 'watch', watchFrom, doc.watchWindow)
        : undefined;
      // A window counted from the plan's start may already be over when the plan passes.
      const watch = window && window.dueAt > input.now ? window : undefined;
      events.push({
        ...base(input, 'PASSED', { clear: allDeadlineIds(context), set: watch ? [watch] : [] }),
        ...(watch ? { watchUntil: watch.dueAt } : {}),
        ...outcomeDates(input, input.now, false),
        ...purgeDate(input, false),
      });
      break;
    }
    case 'PROPOSE_TERMINATION': {
      const today = schedule.day(input.now);
      const t = doc.termination;
      // The notice end is a date, not a timer: a removal cannot take effect before the day after it.
      const notice = schedule.after('notice', 'decision', today, t.noticePeriod);
      const reply = schedule.after('reply', 'reply', today, t.replyWindow);
      const decisionDue = t.decisionDue
        ? [schedule.after('decision', 'decision', schedule.day(notice.dueAt), t.decisionDue)]
        : [];
      events.push({
        ...base(input, 'TERMINATION_PROPOSED', {
          clear: allDeadlineIds(context),
          set: [reply, ...decisionDue],
        }),
        noticeEndDate: notice.date,
      });
      break;
    }
    case 'SUBMIT_REPLY':
      if (context.termination && !('reply' in context.deadlines)) {
        issues.push(issue('REPLY_WINDOW_CLOSED', 'The reply window has closed.'));
      }
      events.push(base(input, 'REPLY_SUBMITTED'));
      break;
    case 'DECIDE': {
      const termination = context.termination;
      if (termination && 'reply' in context.deadlines && termination.replies === 0) {
        issues.push(
          issue(
            'REPLY_WINDOW_OPEN',
            `The employee may still reply until ${context.deadlines.reply?.date ?? ''}; decide after the reply or the window.`,
          ),
        );
      }
      // A removal and a reduction in grade both wait for the end of the advance notice
      // (5 USC 4303(b)(1)(A)): decided early, they take effect the day after it ends.
      const adverse = command.decision === 'remove' || command.decision === 'demote';
      const effectiveAt =
        adverse && termination
          ? laterOf(input.now, schedule.effectiveAfterNotice(termination.noticeEndDate))
          : undefined;
      events.push({
        ...base(input, 'DECIDED', { clear: allDeadlineIds(context) }),
        decision: command.decision,
        ...(effectiveAt ? { effectiveAt } : {}),
        ...outcomeDates(input, effectiveAt ?? input.now, adverse),
        ...purgeDate(input, adverse),
      });
      break;
    }
    case 'CLOSE':
      if (
        command.reason === 'misconduct' &&
        !(context.investigationFindings ?? []).includes('misconduct')
      ) {
        issues.push(
          issue(
            'INVESTIGATION_REQUIRED',
            'Closing for misconduct needs a closed investigation that found misconduct.',
            ['reason'],
          ),
        );
      }
      events.push({
        ...base(input, 'CLOSED', { clear: allDeadlineIds(context) }),
        reason: command.reason,
        ...outcomeDates(input, input.now, false),
        ...purgeDate(input, false),
      });
      break;
    case 'DEADLINE_REACHED': {
      const reached = deadlineReached(input, command);
      issues.push(...reached.issues);
      events.push(...reached.events);
      break;
    }
  }
  return { events, issues };
}

/**
 * The dates an outcome fixes: the end of the appeal window (for appealable decisions), counted
 * from `from` (the later of the decision and its effective date), and the end of the retention
 * period, counted from the outcome. Final states take no timers, so these are recorded dates.
 */
function outcomeDates(input: DecisionInput, from: string, appealable: boolean): OutcomeDates {
  const { schedule } = input;
  const doc = input.policy.document;
  const appeal =
    appealable && doc.appealWindow
      ? schedule.after('appeal', 'decision', schedule.day(from), doc.appealWindow)
      : undefined;
  const retain = doc.retention
    ? schedule.after('retention', 'decision', schedule.day(input.now), doc.retention)
    : undefined;
  return {
    ...(appeal ? { appealUntil: { date: appeal.date, dueAt: appeal.dueAt } } : {}),
    ...(retain ? { retainUntil: retain.date } : {}),
  };
}

/**
 * The day notations must be removed (policy `recordPurge`), never for a removal or demotion:
 * counted from the notice of proposed action (`proposal`, skipped when none was given) or from
 * the outcome.
 */
function purgeDate(input: DecisionInput, removedOrDemoted: boolean): { purgeOn?: string } {
  const rule = input.policy.document.recordPurge;
  if (!rule || removedOrDemoted) return {};
  const { schedule, context } = input;
  const from =
    rule.from === 'proposal' ? context.termination?.proposedAt : (input.now as string | undefined);
  if (from === undefined) return {};
  return { purgeOn: schedule.after('purge', 'decision', schedule.day(from), rule.after).date };
}

/** A rebuttal attached after the policy's rebuttal window (counted from the issue day) is refused. */
function rebuttalIssues(input: DecisionInput, attached: readonly DocumentRef[]): PipkitIssue[] {
  const window = input.policy.document.acknowledgement.rebuttalWindow;
  const issuedAt = input.context.issuedAt;
  if (!window || !issuedAt || !attached.some((document) => document.kind === 'rebuttal')) return [];
  const { schedule } = input;
  const last = schedule.after('rebuttal', 'acknowledgement', schedule.day(issuedAt), window);
  if (input.now <= last.dueAt) return [];
  return [
    issue(
      'REBUTTAL_WINDOW_CLOSED',
      `A written rebuttal was due by ${last.date}; the window has closed.`,
      ['documents', 'rebuttal'],
    ),
  ];
}

function laterOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
