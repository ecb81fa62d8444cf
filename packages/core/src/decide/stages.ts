/**
 * Formal stages: issuing a stage of the policy's ladder (Acas Code of Practice on disciplinary
 * and grievance procedures, paras 18-22: a first written warning or improvement note, then a
 * final written warning, then dismissal), the check that the stage below is still live and its
 * review period over (or may be skipped for the reason given), the same check for a decision that
 * reaches the ladder's decision stage, and what a stage's deadlines mean when they fire.
 */
import { type CivilDay, formatCivilDay } from '../calendar/civilDay.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { Deadline, PipContext, PipEvent } from '../machine/types.js';
import type { CommandOf } from '../model/commands.js';
import type { StageRecord } from '../model/stages.js';
import type { PolicyStage } from '../policy/stagesSchema.js';
import {
  type Decision,
  type DecisionDraft,
  type DecisionInput,
  base,
  escalations,
  issue,
} from './decision.js';

/** The policy's ladder, lowest stage first (empty without stages). @internal */
export function ladderOf(input: DecisionInput): readonly PolicyStage[] {
  return input.policy.document.stages ?? [];
}

/** True when a stage record still counts: not replaced or withdrawn on appeal. @internal */
export function stands(record: StageRecord): boolean {
  return record.appeal !== 'varied' && record.appeal !== 'overturned';
}

/** True when a standing record's warning is live on `day` (a warning without a life never lapses). */
function liveOn(input: DecisionInput, record: StageRecord, day: CivilDay): boolean {
  return (
    stands(record) &&
    (record.liveThrough === undefined || day <= input.schedule.dayOfDate(record.liveThrough))
  );
}

/** True when the policy's appeals cover `stageId`. @internal */
export function appealable(input: DecisionInput, stageId: string): boolean {
  const appeals = input.policy.document.appeals;
  return appeals !== undefined && (appeals.against ?? [stageId]).includes(stageId);
}

/** The pending appeal's refusal, when one is pending. @internal */
export function pendingAppealIssues(context: PipContext, path: string[]): PipkitIssue[] {
  const pending = (context.appeals ?? []).find((appeal) => appeal.status === 'pending');
  if (!pending) return [];
  return [
    issue(
      'APPEAL_PENDING',
      `An appeal against the ${pending.against} lodged ${pending.lodgedAt} is pending: record its outcome first.`,
      path,
    ),
  ];
}

/** Why the stage `skipped` may not be left out on the way to `target`. */
function skipIssue(
  input: DecisionInput,
  skipped: PolicyStage,
  target: PolicyStage,
  skipReason: string | undefined,
  path: string[],
): PipkitIssue | undefined {
  if (skipReason !== undefined && skipped.skippableFor?.includes(skipReason)) return undefined;
  const today = input.schedule.day(input.now);
  const allowed = skipped.skippableFor
    ? `it may be skipped only for: ${skipped.skippableFor.join(', ')}`
    : 'it may not be skipped';
  const expired = [...(input.context.stages ?? [])]
    .reverse()
    .find((record) => record.stage === skipped.id && stands(record));
  if (expired?.liveThrough !== undefined) {
    return issue(
      'WARNING_EXPIRED',
      `The ${skipped.label} issued ${expired.issuedOn} was live through ${expired.liveThrough}; on ${formatCivilDay(today)} it has expired, so the ${target.label} cannot follow it (${allowed}).`,
      path,
    );
  }
  if (skipReason !== undefined) {
    return issue(
      'STAGE_NOT_SKIPPABLE',
      `The ${target.label} skips the ${skipped.label}, which ${allowed}; not for ${skipReason}.`,
      ['skipReason'],
    );
  }
  return issue(
    'STAGE_SKIPPED',
    `The ${target.label} skips the ${skipped.label}: ${allowed}${skipped.skippableFor ? ' (give skipReason)' : ''}.`,
    path,
  );
}

/**
 * Every reason stage `index` of the ladder may not start today: a live stage at or above it, the
 * review period of the live stage below it still running, each stage it skips that may not be
 * skipped (or whose warning has expired) for `skipReason`, a reason given when nothing is
 * skipped, and a pending appeal. Also gives the stages it skips. @internal
 */
export function ladderIssues(
  input: DecisionInput,
  index: number,
  skipReason: string | undefined,
  path: string[],
): { readonly issues: PipkitIssue[]; readonly skipped: string[] } {
  const ladder = ladderOf(input);
  const target = ladder[index] as PolicyStage;
  const today = input.schedule.day(input.now);
  const issues = pendingAppealIssues(input.context, path);
  let top = -1;
  let current: StageRecord | undefined;
  for (const record of input.context.stages ?? []) {
    const at = ladder.findIndex((stage) => stage.id === record.stage);
    if (at >= 0 && at >= top && liveOn(input, record, today)) [top, current] = [at, record];
  }
  if (current && top >= index) {
    const next = ladder[top + 1];
    issues.push(
      issue(
        'STAGE_ALREADY_REACHED',
        `The ${(ladder[top] as PolicyStage).label} issued ${current.issuedOn} is live${current.liveThrough ? ` through ${current.liveThrough}` : ''}; the next stage is ${next ? `the ${next.label}` : 'none'}.`,
        path,
      ),
    );
    return { issues, skipped: [] };
  }
  if (current?.reviewUntil !== undefined) {
    const reviewEnd = input.schedule.dayOfDate(current.reviewUntil);
    if (today <= reviewEnd) {
      issues.push(
        issue(
          'REVIEW_PERIOD_RUNNING',
          `The review period of the ${(ladder[top] as PolicyStage).label} runs through ${current.reviewUntil}: the ${target.label} may start from ${formatCivilDay(reviewEnd + 1)}.`,
          path,
        ),
      );
    }
  }
  const skipped = ladder.slice(top + 1, index);
  for (const stage of skipped) {
    const refusal = skipIssue(input, stage, target, skipReason, path);
    if (refusal) issues.push(refusal);
  }
  if (skipReason !== undefined && skipped.length === 0) {
    issues.push(
      issue(
        'SKIP_REASON_WITHOUT_SKIP',
        `The ${target.label} skips no stage, so it takes no skipReason.`,
        ['skipReason'],
      ),
    );
  }
  return { issues, skipped: skipped.map((stage) => stage.id) };
}

/** The stage record issued for `stage` from `day`, and the deadlines it sets. @internal */
export function stageRecord(
  input: DecisionInput,
  stage: PolicyStage,
  fields: Pick<StageRecord, 'issuedOn' | 'skipped' | 'skipReason' | 'replaces'>,
  withAppeal: boolean,
): { readonly record: StageRecord; readonly deadlines: Deadline[] } {
  const { schedule } = input;
  const number = (input.context.stages?.length ?? 0) + 1;
  const day = schedule.dayOfDate(fields.issuedOn);
  const review = stage.reviewPeriod
    ? schedule.after(`stageReview:${number}`, 'stageReview', day, stage.reviewPeriod)
    : undefined;
  const warning = stage.warningLife
    ? schedule.after(`warning:${number}`, 'warning', day, stage.warningLife)
    : undefined;
  const window = input.policy.document.appeals?.window;
  const appeal =
    withAppeal && window && appealable(input, stage.id)
      ? schedule.after(`appealWindow:${number}`, 'appealWindow', day, window)
      : undefined;
  const record: StageRecord = {
    number,
    stage: stage.id,
    issuedOn: fields.issuedOn,
    issuedAt: input.now,
    issuedBy: input.actor.id,
    ...(review ? { reviewUntil: review.date } : {}),
    ...(warning ? { liveThrough: warning.date } : {}),
    ...(appeal ? { appealUntil: appeal.date } : {}),
    ...(fields.skipped?.length ? { skipped: fields.skipped, skipReason: fields.skipReason } : {}),
    ...(fields.replaces === undefined ? {} : { replaces: fields.replaces }),
  };
  // A deadline already past (a replacement dated from the stage it replaces) is not set.
  const deadlines = [review, warning, appeal].filter(
    (deadline): deadline is Deadline =>
      deadline !== undefined && Date.parse(deadline.dueAt) > Date.parse(input.now),
  );
  return { record, deadlines };
}

/** ISSUE_STAGE. */
function decideIssueStage(
  input: DecisionInput,
  command: CommandOf<'ISSUE_STAGE'>,
  draft: DecisionDraft,
): void {
  const ladder = ladderOf(input);
  const index = ladder.findIndex((stage) => stage.id === command.stage);
  const stage = ladder[index];
  if (!stage) {
    const ids = ladder.map((entry) => entry.id).join(', ') || 'none';
    draft.issues.push(
      issue(
        'STAGE_NOT_IN_POLICY',
        `The policy has no stage "${command.stage}"; its stages: ${ids}.`,
        ['stage'],
      ),
    );
    return;
  }
  if (stage.decisions) {
    draft.issues.push(
      issue(
        'STAGE_IS_DECISION',
        `The ${stage.label} is reached by DECIDE (${stage.decisions.join(' or ')}), not ISSUE_STAGE.`,
        ['stage'],
      ),
    );
    return;
  }
  const ladderCheck = ladderIssues(input, index, command.skipReason, ['stage']);
  draft.issues.push(...ladderCheck.issues);
  const { record, deadlines } = stageRecord(
    input,
    stage,
    {
      issuedOn: formatCivilDay(input.schedule.day(input.now)),
      skipped: ladderCheck.skipped,
      ...(command.skipReason === undefined ? {} : { skipReason: command.skipReason }),
    },
    true,
  );
  // Issued at the review, the stage concludes it: the review is due again after its review period.
  const concludesReview = stage.reviewPeriod && input.state === 'review';
  const clear = concludesReview && 'review' in input.context.deadlines ? ['review'] : [];
  draft.events.push({
    ...base(input, 'STAGE_ISSUED', { ...(clear.length > 0 ? { clear } : {}), set: deadlines }),
    stage: record,
  });
}

/**
 * For `DECIDE`: when the decision reaches the ladder's decision stage (dismissal), the stage below
 * it must be live with its review period over, or be skipped for a reason it allows. @internal
 */
export function decisionStageIssues(input: DecisionInput): PipkitIssue[] {
  const command = input.command as CommandOf<'DECIDE'>;
  const ladder = ladderOf(input);
  const index = ladder.length - 1;
  const reaches =
    (command.decision === 'remove' || command.decision === 'demote') &&
    (ladder[index]?.decisions ?? []).includes(command.decision);
  if (reaches) return ladderIssues(input, index, command.skipReason, ['decision']).issues;
  if (command.skipReason === undefined) return [];
  return [
    issue(
      'SKIP_REASON_WITHOUT_SKIP',
      `A ${command.decision} decision reaches no stage of the policy's ladder, so it takes no skipReason.`,
      ['skipReason'],
    ),
  ];
}

/** A stage's number, from its deadline id (`warning:2` is 2). */
const stageNumberOf = (deadlineId: string): number => Number(deadlineId.split(':')[1]);

/**
 * What a stage deadline means when it fires: the review period ended (escalation
 * `stageReviewDue`), the warning lapsed, the appeal window closed, or the appeal was not decided
 * in time (escalation `appealOverdue`). @internal
 */
export function stageDeadlineReached(input: DecisionInput, deadline: Deadline): Decision {
  const clear = { clear: [deadline.id] };
  const stageNumber = stageNumberOf(deadline.id);
  let events: PipEvent[];
  switch (deadline.kind) {
    case 'stageReview': {
      // At the review, the plan's final review is due again (policy `review.due`).
      const { schedule, context } = input;
      const review =
        input.state === 'review' && !('review' in context.deadlines)
          ? [
              schedule.after(
                'review',
                'review',
                schedule.dayOfDate(deadline.date),
                input.policy.document.review.due,
              ),
            ]
          : [];
      events = [
        { ...base(input, 'STAGE_REVIEW_DUE', { ...clear, set: review }), stageNumber },
        ...escalations(input, 'stageReviewDue', 1),
      ];
      break;
    }
    case 'warning':
      events = [{ ...base(input, 'WARNING_EXPIRED', clear), stageNumber }];
      break;
    case 'appealWindow':
      events = [{ ...base(input, 'APPEAL_WINDOW_CLOSED', clear), stageNumber }];
      break;
    default: {
      const pending = (input.context.appeals ?? []).find((appeal) => appeal.status === 'pending');
      events = [
        {
          ...base(input, 'APPEAL_OVERDUE', clear),
          against: pending?.against ?? '',
          ...(pending?.stageNumber === undefined ? {} : { stageNumber: pending.stageNumber }),
        },
        ...escalations(input, 'appealOverdue', 1),
      ];
    }
  }
  return { events, issues: [] };
}

/** Formal stages. Adds its events and refusals to `draft`. */
export function decideStages(input: DecisionInput, draft: DecisionDraft): void {
  if (input.command.type === 'ISSUE_STAGE') decideIssueStage(input, input.command, draft);
}
