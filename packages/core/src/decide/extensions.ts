/**
 * Extensions: lengthening the plan within the policy's limits, and the obligations they create.
 */
import { type DecisionInput, type DecisionDraft, issue, base } from './decision.js';
import type { PlanDates } from '../machine/types.js';
import type { CommandOf, DocumentRef } from '../model/commands.js';
import type { PipkitIssue } from '../errors/pipkitError.js';

/**
 * The extension's length in the policy's `extensions.unit`: as given, or the one that makes
 * `until` the plan's new last day (refused when no whole number of units lands on it, for example
 * a weekend for a business-day unit, or 10 days for a unit of weeks).
 */
function extensionAmount(
  input: DecisionInput,
  command: CommandOf<'EXTEND'>,
  plan: PlanDates,
): { readonly amount: number; readonly field: 'amount' | 'until' } | PipkitIssue {
  if ((command.amount === undefined) === (command.until === undefined)) {
    return issue(
      'EXTENSION_LENGTH_REQUIRED',
      'Give the extension either an amount (in the policy unit) or an until date, not both.',
      ['amount'],
    );
  }
  if (command.amount !== undefined) return { amount: command.amount, field: 'amount' };
  const { schedule } = input;
  const unit = input.policy.document.extensions.unit;
  const until = command.until as string;
  const from = schedule.dayOfDate(plan.endDate);
  const to = schedule.dayOfDate(until);
  if (to <= from) {
    return issue(
      'EXTENSION_TARGET_NOT_AFTER_END',
      `The plan already runs to ${plan.endDate}; an extension must end after that.`,
      ['until'],
    );
  }
  let amount = to - from;
  if (unit === 'weeks') amount = Math.ceil(amount / 7);
  if (unit === 'businessDays') {
    amount = 0;
    for (let day = from + 1; day <= to; day += 1) {
      if (schedule.calendar.isBusinessCivilDay(day)) amount += 1;
    }
  }
  if (amount < 1 || schedule.extendedEnd(plan, amount) !== until) {
    const nearest = schedule.extendedEnd(plan, Math.max(1, amount));
    return issue(
      'EXTENSION_TARGET_NOT_REACHABLE',
      `No whole number of ${unit} after ${plan.endDate} ends on ${until}; the nearest is ${nearest}.`,
      ['until'],
    );
  }
  return { amount, field: 'until' };
}

/** Every limit of the policy an extension of `amount` (ending `endDate`) would break. */
function limitIssues(
  input: DecisionInput,
  command: CommandOf<'EXTEND'>,
  { amount, field }: { readonly amount: number; readonly field: 'amount' | 'until' },
  plan: PlanDates,
  endDate: string,
): PipkitIssue[] {
  const { context, schedule } = input;
  const limits = input.policy.document.extensions;
  const issues: PipkitIssue[] = [];
  if (context.extensions.count >= limits.maxCount) {
    issues.push(
      issue(
        'EXTENSION_LIMIT_REACHED',
        `The policy allows ${limits.maxCount} extension(s); ${context.extensions.count} granted.`,
      ),
    );
  }
  if (amount > limits.maxEach) {
    issues.push(
      issue(
        'EXTENSION_TOO_LONG',
        `One extension may be at most ${limits.maxEach} ${limits.unit}.`,
        [field],
      ),
    );
  }
  if (context.extensions.total + amount > limits.maxTotal) {
    issues.push(
      issue(
        'EXTENSION_TOTAL_EXCEEDED',
        `Extensions may total at most ${limits.maxTotal} ${limits.unit}; ${context.extensions.total} already granted.`,
        [field],
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
  const cap = schedule.planCap(plan);
  if (cap !== undefined && endDate > cap) {
    issues.push(
      issue('PLAN_CAP_EXCEEDED', `The plan would end ${endDate}; the policy caps it at ${cap}.`, [
        field,
      ]),
    );
  }
  return issues;
}

/** EXTEND. */
function decideExtend(
  input: DecisionInput,
  command: CommandOf<'EXTEND'>,
  draft: DecisionDraft,
): void {
  const { context, schedule } = input;
  const doc = input.policy.document;
  const { issues, events } = draft;
  const attached: readonly DocumentRef[] = input.command.documents ?? [];
  const plan = context.plan;
  const limits = doc.extensions;
  if (!plan) {
    issues.push(issue('NO_PLAN_PERIOD', 'The plan period has not started.'));
    return;
  }
  const length = extensionAmount(input, command, plan);
  if ('code' in length) {
    issues.push(length);
    return;
  }
  const { amount } = length;
  const endDate = schedule.extendedEnd(plan, amount);
  issues.push(...limitIssues(input, command, length, plan, endDate));
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
    amount,
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
}

/** FULFIL_OBLIGATION. */
function decideFulfilObligation(
  input: DecisionInput,
  command: CommandOf<'FULFIL_OBLIGATION'>,
  draft: DecisionDraft,
): void {
  const { context } = input;
  const { issues, events } = draft;
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
}

/** Extensions: lengthening the plan within the policy's limits, and the obligations they create. Adds its events and refusals to `draft`. */
export function decideExtensions(input: DecisionInput, draft: DecisionDraft): void {
  switch (input.command.type) {
    case 'EXTEND':
      return decideExtend(input, input.command, draft);
    case 'FULFIL_OBLIGATION':
      return decideFulfilObligation(input, input.command, draft);
    default:
      return;
  }
}
