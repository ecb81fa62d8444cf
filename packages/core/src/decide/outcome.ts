/**
 * Outcome: ending the period, passing, the termination proposal with notice and reply, the decision, early closure, relapse.
 */
import type { CommandOf } from '../model/commands.js';
import {
  type DecisionInput,
  type DecisionDraft,
  issue,
  planDeadlineIds,
  allDeadlineIds,
  base,
} from './decision.js';
import type { Deadline, DeadlineChanges, OutcomeDates, PipEvent } from '../machine/types.js';
import {
  citedInstanceIssues,
  effectiveInstant,
  receiptInstant,
  reliedInstanceIssues,
} from './datedFacts.js';
import { purgeDeadlines } from './purge.js';
import { proposalWithoutPlanIssues } from './procedures.js';

export function periodEnded(input: DecisionInput, early: boolean): PipEvent {
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

/**
 * The dates an outcome fixes: the end of the appeal window (for appealable decisions), counted
 * from `from` (the latest of the decision, its effective date and its receipt), and the end of the retention
 * period, counted from the outcome. The end of retention is also the `purge` deadline the final
 * state keeps (see {@link purgeDeadlines}).
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

/** Deadline changes that clear `clear` and set `set`, written without an empty `set`. */
function withSet(clear: string[], set: Deadline[]): DeadlineChanges {
  return set.length > 0 ? { clear, set } : { clear };
}

function laterOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** CONCLUDE_EARLY. */
function decideConcludeEarly(input: DecisionInput, draft: DecisionDraft): void {
  const doc = input.policy.document;
  const { issues, events } = draft;
  if (!doc.plan.allowEarlyConclusion) {
    issues.push(
      issue('EARLY_CONCLUSION_NOT_ALLOWED', 'This policy does not allow ending the period early.'),
    );
  }
  events.push(periodEnded(input, true));
}

/** PASS. */
function decidePass(input: DecisionInput, draft: DecisionDraft): void {
  const { context, schedule } = input;
  const doc = input.policy.document;
  const { events } = draft;
  const watchFrom =
    doc.watchWindowFrom === 'planStart' && context.plan
      ? schedule.dayOfDate(context.plan.startDate)
      : schedule.day(input.now);
  const window = doc.watchWindow
    ? schedule.after('watch', 'watch', watchFrom, doc.watchWindow)
    : undefined;
  // A window counted from the plan's start may already be over when the plan passes.
  const watch = window && window.dueAt > input.now ? window : undefined;
  const dates = outcomeDates(input, input.now, false);
  // Passed with a watch window, the plan is not final yet: the purge waits for the window's end.
  const set = watch ? [watch] : purgeDeadlines(schedule, dates.retainUntil);
  events.push({
    ...base(input, 'PASSED', { clear: allDeadlineIds(context), set }),
    ...(watch ? { watchUntil: watch.dueAt } : {}),
    ...dates,
    ...purgeDate(input, false),
  });
}

/** PROPOSE_TERMINATION. */
function decideProposeTermination(
  input: DecisionInput,
  command: CommandOf<'PROPOSE_TERMINATION'>,
  draft: DecisionDraft,
): void {
  const { context, schedule } = input;
  const doc = input.policy.document;
  const { events } = draft;
  const instances = command.instances ?? [];
  draft.issues.push(
    ...citedInstanceIssues(input, instances),
    ...proposalWithoutPlanIssues(input, command),
  );
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
    ...(instances.length > 0 ? { instances } : {}),
    ...(command.absentSince === undefined ? {} : { absentSince: command.absentSince }),
  });
}

/** SUBMIT_REPLY. */
function decideSubmitReply(input: DecisionInput, draft: DecisionDraft): void {
  const { context } = input;
  const { issues, events } = draft;
  if (context.termination && !('reply' in context.deadlines)) {
    issues.push(issue('REPLY_WINDOW_CLOSED', 'The reply window has closed.'));
  }
  events.push(base(input, 'REPLY_SUBMITTED'));
}

/** DECIDE. */
function decideDecide(
  input: DecisionInput,
  command: CommandOf<'DECIDE'>,
  draft: DecisionDraft,
): void {
  const { context, schedule } = input;
  const { issues, events } = draft;
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
  const earliest =
    adverse && termination
      ? laterOf(input.now, schedule.effectiveAfterNotice(termination.noticeEndDate))
      : input.now;
  const effective = effectiveInstant(input, command.effectiveDate, earliest);
  const receipt = receiptInstant(input, command.receivedOn);
  issues.push(
    ...effective.issues,
    ...receipt.issues,
    ...reliedInstanceIssues(input, command, adverse),
  );
  const effectiveAt =
    (adverse && termination) || command.effectiveDate !== undefined
      ? effective.effectiveAt
      : undefined;
  const relied = command.instancesRelied ?? [];
  // The appeal window runs from the later of the effective date and the receipt (5 CFR 1201.22(b)(1)).
  const from = effectiveAt ?? input.now;
  const dates = outcomeDates(
    input,
    receipt.receivedAt ? laterOf(from, receipt.receivedAt) : from,
    adverse,
  );
  const purge = purgeDeadlines(schedule, dates.retainUntil);
  events.push({
    ...base(input, 'DECIDED', withSet(allDeadlineIds(context), purge)),
    decision: command.decision,
    ...(effectiveAt ? { effectiveAt } : {}),
    ...(command.receivedOn === undefined ? {} : { receivedOn: command.receivedOn }),
    ...(relied.length > 0 ? { instancesRelied: relied } : {}),
    ...dates,
    ...purgeDate(input, adverse),
  });
}

/** CLOSE. */
function decideClose(
  input: DecisionInput,
  command: CommandOf<'CLOSE'>,
  draft: DecisionDraft,
): void {
  const { context } = input;
  const { issues, events } = draft;
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
  const dates = outcomeDates(input, input.now, false);
  const purge = purgeDeadlines(input.schedule, dates.retainUntil);
  events.push({
    ...base(input, 'CLOSED', withSet(allDeadlineIds(context), purge)),
    reason: command.reason,
    ...dates,
    ...purgeDate(input, false),
  });
}

/** EXTEND_NOTICE. */
function decideExtendNotice(
  input: DecisionInput,
  command: CommandOf<'EXTEND_NOTICE'>,
  draft: DecisionDraft,
): void {
  const { context, schedule } = input;
  const doc = input.policy.document;
  const { issues, events } = draft;
  const rule = doc.termination.noticeExtension;
  const termination = context.termination;
  if (!rule) {
    issues.push(
      issue('NOTICE_EXTENSION_NOT_ALLOWED', 'This policy does not extend the notice period.'),
    );
  }
  const before = context.noticeExtensions?.total ?? 0;
  if (rule && before + command.amount > rule.maxDays && !rule.reasons.includes(command.reason)) {
    issues.push(
      issue(
        'NOTICE_EXTENSION_REASON_REQUIRED',
        `Beyond ${rule.maxDays} day(s) in all (${before} granted), the notice may be extended only for: ${rule.reasons.join(', ') || 'no reason'}.`,
        ['reason'],
      ),
    );
  }
  if (!termination) return;
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
}

/** RECORD_RELAPSE. */
function decideRecordRelapse(input: DecisionInput, draft: DecisionDraft): void {
  const { context, schedule } = input;
  const doc = input.policy.document;
  const { issues, events } = draft;
  if (!('watch' in context.deadlines)) {
    issues.push(issue('WATCH_WINDOW_CLOSED', 'The watch window after the pass is over.'));
  }
  const review = schedule.after('review', 'review', schedule.day(input.now), doc.review.due);
  events.push(base(input, 'RELAPSE_RECORDED', { clear: allDeadlineIds(context), set: [review] }));
}

/** Outcome: ending the period, passing, the termination proposal with notice and reply, the decision, early closure, relapse. Adds its events and refusals to `draft`. */
export function decideOutcome(input: DecisionInput, draft: DecisionDraft): void {
  switch (input.command.type) {
    case 'CONCLUDE_EARLY':
      return decideConcludeEarly(input, draft);
    case 'PASS':
      return decidePass(input, draft);
    case 'PROPOSE_TERMINATION':
      return decideProposeTermination(input, input.command, draft);
    case 'SUBMIT_REPLY':
      return decideSubmitReply(input, draft);
    case 'DECIDE':
      return decideDecide(input, input.command, draft);
    case 'CLOSE':
      return decideClose(input, input.command, draft);
    case 'EXTEND_NOTICE':
      return decideExtendNotice(input, input.command, draft);
    case 'RECORD_RELAPSE':
      return decideRecordRelapse(input, draft);
    default:
      return;
  }
}
