/**
 * Appeals against formal stages (Acas Code of Practice on disciplinary and grievance procedures,
 * paras 26-29): lodged within the policy's window, heard at their own hearing, and decided by
 * someone not previously involved (para 27), with an outcome that upholds the stage, varies it
 * to a lower one, or overturns it. An appeal against a decision stage (dismissal) is lodged after
 * the plan has ended, so appeals are about the record and accepted in every state.
 */
import { formatCivilDay } from '../calendar/civilDay.js';
import { isFinalState } from '../machine/snapshot.js';
import type { Deadline, DeadlineChanges, PipOutcome } from '../machine/types.js';
import type { CommandOf } from '../model/commands.js';
import type { AppealRecord, StageRecord } from '../model/stages.js';
import type { PolicyStage } from '../policy/stagesSchema.js';
import { type DecisionDraft, type DecisionInput, base, issue } from './decision.js';
import { appealable, ladderOf, pendingAppealIssues, stageRecord } from './stages.js';

/** Deadline changes, without empty lists (`undefined` when there are none). */
function changes(clear: string[], set: Deadline[]): DeadlineChanges | undefined {
  if (clear.length === 0 && set.length === 0) return undefined;
  return { ...(clear.length > 0 ? { clear } : {}), ...(set.length > 0 ? { set } : {}) };
}

/** The id of the deadline to decide the pending appeal (`appeals.decideWithin`). */
const APPEAL_DECISION_ID = 'appealDecision';

const DECIDED_AS: Readonly<Record<string, string>> = { remove: 'removed', demote: 'demoted' };

/** What an appeal is against: a stage record, or the outcome of a decision stage. */
type Target =
  | { readonly record: StageRecord; readonly from: string; readonly until: string }
  | { readonly outcome: PipOutcome; readonly from: string; readonly until: string };

/** The decision a decision stage's appeal is against, with its window, or why there is none. */
function decisionTarget(input: DecisionInput, stage: PolicyStage): Target | string {
  const outcome = input.context.outcome;
  const decided = (stage.decisions ?? []).some(
    (decision) => DECIDED_AS[decision] === outcome?.reason,
  );
  if (!outcome || !decided) return `No ${stage.label} was decided on this PIP.`;
  const window = input.policy.document.appeals?.window;
  if (!window) return `The policy's appeals have no window.`;
  const { schedule } = input;
  // Counted from the later of the decision and the day it takes effect, as `appealWindow` is.
  const effective = outcome.effectiveAt ?? outcome.at;
  const from = Date.parse(effective) > Date.parse(outcome.at) ? effective : outcome.at;
  const until = schedule.after('appeal', 'appealWindow', schedule.day(from), window).date;
  return { outcome, from: formatCivilDay(schedule.day(from)), until };
}

/** The latest record of a stage the appeal is against, with its window, or why there is none. */
function recordTarget(input: DecisionInput, stage: PolicyStage): Target | string {
  const record = [...(input.context.stages ?? [])]
    .reverse()
    .find((entry) => entry.stage === stage.id);
  if (!record) return `No ${stage.label} was issued on this PIP.`;
  if (record.appeal || record.replaces !== undefined) {
    return `The ${stage.label} issued ${record.issuedOn} was already decided on appeal.`;
  }
  if (record.appealUntil === undefined) return `The ${stage.label} carries no right of appeal.`;
  return { record, from: record.issuedOn, until: record.appealUntil };
}

/** APPEAL. */
function decideAppeal(
  input: DecisionInput,
  command: CommandOf<'APPEAL'>,
  draft: DecisionDraft,
): void {
  const appeals = input.policy.document.appeals;
  const stage = ladderOf(input).find((entry) => entry.id === command.against);
  if (!appeals || !stage || !appealable(input, stage.id)) {
    const allowed = ladderOf(input)
      .filter((entry) => appealable(input, entry.id))
      .map((entry) => entry.id);
    draft.issues.push(
      issue(
        'STAGE_NOT_APPEALABLE',
        `The policy allows no appeal against "${command.against}"; appeals lie against: ${allowed.join(', ') || 'nothing'}.`,
        ['against'],
      ),
    );
    return;
  }
  draft.issues.push(...pendingAppealIssues(input.context, ['against']));
  const target = stage.decisions ? decisionTarget(input, stage) : recordTarget(input, stage);
  if (typeof target === 'string') {
    draft.issues.push(issue('NOTHING_TO_APPEAL', target, ['against']));
    return;
  }
  if (!('record' in target) && (input.context.appeals ?? []).some((a) => a.against === stage.id)) {
    draft.issues.push(
      issue('NOTHING_TO_APPEAL', `The ${stage.label} was already appealed.`, ['against']),
    );
  }
  const today = input.schedule.day(input.now);
  if (today > input.schedule.dayOfDate(target.until)) {
    draft.issues.push(
      issue(
        'APPEAL_OUT_OF_TIME',
        `An appeal against the ${stage.label} could be lodged from ${target.from} to ${target.until}; today is ${formatCivilDay(today)}.`,
        ['against'],
      ),
    );
  }
  const stageNumber = 'record' in target ? target.record.number : undefined;
  const windowId = `appealWindow:${stageNumber}`;
  // After the plan has ended too: the decision is due, and overdue, like a stage appeal's.
  const due = appeals.decideWithin
    ? [input.schedule.after(APPEAL_DECISION_ID, 'appealDecision', today, appeals.decideWithin)]
    : [];
  const clear = windowId in input.context.deadlines ? [windowId] : [];
  draft.events.push({
    ...base(input, 'APPEAL_LODGED', changes(clear, due)),
    against: stage.id,
    ...(stageNumber === undefined ? {} : { stageNumber }),
  });
}

/** Refusals for a replacement stage: required for `varied` only, and lower than the appealed one. */
function replacementIssues(
  input: DecisionInput,
  command: CommandOf<'RECORD_APPEAL_OUTCOME'>,
  appealed: AppealRecord,
): { readonly issues: ReturnType<typeof issue>[]; readonly stage?: PolicyStage } {
  const ladder = ladderOf(input);
  const below = ladder.slice(
    0,
    ladder.findIndex((entry) => entry.id === appealed.against),
  );
  const lower = below.filter((entry) => !entry.decisions).map((entry) => entry.id);
  if (command.outcome !== 'varied') {
    return command.stage === undefined
      ? { issues: [] }
      : {
          issues: [
            issue(
              'APPEAL_REPLACEMENT_NOT_ALLOWED',
              `Only a varied outcome names a replacing stage; this one is ${command.outcome}.`,
              ['stage'],
            ),
          ],
        };
  }
  const stage = below.find((entry) => entry.id === command.stage && !entry.decisions);
  if (stage) return { issues: [], stage };
  return {
    issues: [
      issue(
        'APPEAL_REPLACEMENT_INVALID',
        `A varied ${appealed.against} is replaced by a lower stage: one of ${lower.join(', ') || 'none (nothing is lower)'}.`,
        ['stage'],
      ),
    ],
  };
}

/** Refusal when the policy hears appeals at a meeting and none was held since the appeal. */
function hearingIssues(input: DecisionInput, appealed: AppealRecord): ReturnType<typeof issue>[] {
  const kind = input.policy.document.appeals?.hearing;
  // After the plan has ended the record takes no meetings: the hearing's notes stay with the host.
  if (!kind || isFinalState(input.state)) return [];
  const held = Object.values(input.context.meetings ?? {}).some(
    (meeting) =>
      meeting.kind === kind &&
      meeting.status === 'held' &&
      Date.parse(meeting.at) >= Date.parse(appealed.lodgedAt),
  );
  if (held) return [];
  return [
    issue(
      'APPEAL_HEARING_NOT_HELD',
      `The appeal lodged ${appealed.lodgedAt} is heard at an ${kind}: record one held after it first.`,
      ['outcome'],
    ),
  ];
}

/** RECORD_APPEAL_OUTCOME. */
function decideAppealOutcome(
  input: DecisionInput,
  command: CommandOf<'RECORD_APPEAL_OUTCOME'>,
  draft: DecisionDraft,
): void {
  const { context } = input;
  const appealed = (context.appeals ?? []).find((appeal) => appeal.status === 'pending');
  if (!appealed) {
    draft.issues.push(issue('NO_PENDING_APPEAL', 'No appeal is pending on this PIP.', ['outcome']));
    return;
  }
  const replacing = replacementIssues(input, command, appealed);
  draft.issues.push(...replacing.issues, ...hearingIssues(input, appealed));
  const record = context.stages?.find((stage) => stage.number === appealed.stageNumber);
  const withdrawn = command.outcome !== 'upheld' && record ? record.number : undefined;
  const clear = [
    APPEAL_DECISION_ID,
    ...(withdrawn === undefined ? [] : [`stageReview:${withdrawn}`, `warning:${withdrawn}`]),
  ].filter((id) => id in context.deadlines);
  const issuedOn =
    record?.issuedOn ?? formatCivilDay(input.schedule.day(context.outcome?.at ?? input.now));
  // The replacing stage stands in the appealed one's place: its dates count from that issue day.
  const replacement = replacing.stage
    ? stageRecord(
        input,
        replacing.stage,
        { issuedOn, ...(record ? { replaces: record.number } : {}) },
        false,
      )
    : undefined;
  const set: Deadline[] = replacement && !isFinalState(input.state) ? replacement.deadlines : [];
  draft.events.push({
    ...base(input, 'APPEAL_DECIDED', changes(clear, set)),
    against: appealed.against,
    ...(appealed.stageNumber === undefined ? {} : { stageNumber: appealed.stageNumber }),
    outcome: command.outcome,
    ...(replacement ? { replacement: replacement.record } : {}),
    // An overturned dismissal reinstates the employee (Acas Code paras 26-29).
    ...(command.outcome === 'overturned' &&
    appealed.stageNumber === undefined &&
    input.state === 'terminated'
      ? { reinstates: true as const }
      : {}),
  });
}

/** Appeals. Adds its events and refusals to `draft`. */
export function decideAppeals(input: DecisionInput, draft: DecisionDraft): void {
  switch (input.command.type) {
    case 'APPEAL':
      return decideAppeal(input, input.command, draft);
    case 'RECORD_APPEAL_OUTCOME':
      return decideAppealOutcome(input, input.command, draft);
    default:
      return;
  }
}
