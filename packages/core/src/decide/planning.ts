/**
 * Planning: drafting the plan, approval and issue, amendments, and attaching documents.
 */
import {
  type DecisionInput,
  type DecisionDraft,
  type PriorPlan,
  issue,
  base,
  startPlan,
} from './decision.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { Deadline, PipEvent } from '../machine/types.js';
import type { DocumentRef, Goal, Trigger } from '../model/commands.js';
import type { Policy } from '../policy/definePolicy.js';
import { REASON_FIELDS } from '../policy/procedureSchema.js';
import type { Schedule } from './schedule.js';

/** Checks goals against the policy: enough of them, each measurable when required. */
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

/** Every document kind the policy requires for this command that is neither attached nor supplied. */
export function documentIssues(input: DecisionInput): PipkitIssue[] {
  const { command } = input;
  const doc = input.policy.document;
  const required = [
    ...(doc.requiredDocuments[command.type] ?? []),
    // An extension for some reasons needs an extra approval record (extensions.approvalFor).
    ...(command.type === 'EXTEND' ? ownEntry(doc.extensions.approvalFor, command.reason) : []),
    ...reasonDocuments(input),
  ];
  if (required.length === 0) return [];
  const present = new Set<string>(input.context.documents.map((document) => document.kind));
  for (const document of input.command.documents ?? []) present.add(document.kind);
  return [...new Set(required)]
    .filter((kind) => !present.has(kind))
    .map((kind) =>
      issue(
        'DOCUMENT_MISSING',
        `${input.command.type} needs a "${kind}" document; attach it or send it with the command.`,
        ['documents', kind],
      ),
    );
}

/** `record[key]` when it is the record's own entry: a caller's reason never reads the prototype. */
function ownEntry<T>(
  record: Readonly<Record<string, readonly T[]>> | undefined,
  key: string,
): readonly T[] {
  return record && Object.hasOwn(record, key) ? (record[key] ?? []) : [];
}

/** The documents `requiredDocumentsByReason` asks of this command for its reason. */
function reasonDocuments(input: DecisionInput): readonly string[] {
  const { command } = input;
  if (!Object.hasOwn(REASON_FIELDS, command.type)) return [];
  const field = REASON_FIELDS[command.type as keyof typeof REASON_FIELDS];
  const reason = (command as Record<string, unknown>)[field];
  const byReason = input.policy.document.requiredDocumentsByReason;
  const rules = Object.hasOwn(byReason, command.type)
    ? byReason[command.type as keyof typeof byReason]
    : undefined;
  return typeof reason === 'string' ? ownEntry(rules, reason) : [];
}

/**
 * Every issue the policy's across-plans limit (`plans.maxWithin`) raises against giving one more
 * plan today: a prior plan counts while today is within `period` of the day it was issued. Pure.
 *
 */
export function planLimitIssues(
  policy: Policy,
  schedule: Schedule,
  priorPlans: readonly PriorPlan[],
  now: string,
  trigger?: Trigger,
): PipkitIssue[] {
  const limit = policy.document.plans.maxWithin;
  if (!limit) return [];
  const today = schedule.day(now);
  const lastOf = (day: number) =>
    schedule.dayOfDate(schedule.after('limit', 'review', day, limit.period).date);
  let counted: readonly PriorPlan[];
  if (limit.anchor === 'trigger') {
    // Counted from this plan's trigger: after its period, the limit no longer applies.
    if (!trigger) return [triggerRequired('plans.maxWithin counts from the trigger')];
    const from = schedule.dayOfDate(trigger.on);
    if (today > lastOf(from)) return [];
    counted = priorPlans.filter((plan) => {
      const issued = schedule.day(plan.issuedAt);
      return issued >= from && issued <= today;
    });
  } else {
    counted = priorPlans.filter((plan) => {
      const issued = schedule.day(plan.issuedAt);
      return issued <= today && today <= lastOf(issued);
    });
  }
  if (counted.length < limit.count) return [];
  const from =
    limit.anchor === 'trigger' ? ` counted from the trigger of ${trigger?.on ?? ''}` : '';
  return [
    issue(
      'PLAN_LIMIT_REACHED',
      `The policy allows at most ${limit.count} plan(s) within its period${from}; this employee already had ${counted.length} (${counted.map((plan) => plan.pipId).join(', ')}).`,
      ['plans', 'maxWithin'],
    ),
  ];
}

/** {@link planLimitIssues} for a command that gives the plan: the PIP's own trigger and prior plans. */
function planLimitsOf(input: DecisionInput): PipkitIssue[] {
  return planLimitIssues(
    input.policy,
    input.schedule,
    input.priorPlans ?? [],
    input.now,
    input.context.trigger,
  );
}

/** The refusal of an open without the trigger the policy counts from. @internal */
export function triggerRequired(why: string): PipkitIssue {
  return issue('TRIGGER_REQUIRED', `This policy needs the plan's trigger (${why}).`, ['trigger']);
}

/**
 * The `issuance` deadline of a plan opened on a trigger: the end of the last day of the policy's
 * `plans.trigger.issueWithin`, counted from the trigger's day. @internal
 */
export function issuanceDeadline(
  policy: Policy,
  schedule: Schedule,
  trigger: Trigger | undefined,
): Deadline | undefined {
  const within = policy.document.plans.trigger?.issueWithin;
  if (!within || !trigger) return undefined;
  return schedule.after('issuance', 'issuance', schedule.dayOfDate(trigger.on), within);
}

export function issueEvent(input: DecisionInput, type: 'ISSUED' | 'APPROVED'): PipEvent {
  const { schedule, context } = input;
  const startsNow = input.policy.document.plan.startsOn === 'issue';
  const plan = startsNow ? schedule.planFrom(input.now, context.planDuration) : undefined;
  const set = [
    schedule.after(
      'acknowledgement',
      'acknowledgement',
      schedule.day(input.now),
      input.policy.document.acknowledgement.due,
    ),
    ...(plan ? startPlan(input, plan) : []),
  ];
  // Giving the plan meets the issuance deadline; after its day, the plan is flagged late.
  const issuance = issuanceDeadline(input.policy, schedule, context.trigger);
  const late =
    issuance && schedule.day(input.now) > schedule.dayOfDate(issuance.date)
      ? { lateIssuance: { dueDate: issuance.date } }
      : {};
  const clear = 'issuance' in context.deadlines ? ['issuance'] : [];
  return { ...base(input, type, { clear, set }), ...(plan ? { plan } : {}), ...late };
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

/** Planning: drafting the plan, approval and issue, amendments, and attaching documents. Adds its events and refusals to `draft`. */
export function decidePlanning(input: DecisionInput, draft: DecisionDraft): void {
  const { command, context, policy, schedule } = input;
  const doc = input.policy.document;
  const { issues, events } = draft;
  const attached: readonly DocumentRef[] = input.command.documents ?? [];
  switch (command.type) {
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
      issues.push(...planLimitsOf(input));
      events.push(base(input, 'SUBMITTED_FOR_APPROVAL'));
      break;
    case 'APPROVE':
      issues.push(...planLimitsOf(input));
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
      issues.push(...planLimitsOf(input));
      events.push(issueEvent(input, 'ISSUED'));
      break;
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
    default:
      break;
  }
}
