/**
 * The policy's formal stages and its appeals: a ladder of stages (Acas Code of Practice on
 * disciplinary and grievance procedures, paras 18-22: a first written warning or improvement
 * note, a final written warning, then dismissal), and the right to appeal against them with its
 * window and its own hearing (paras 26-29).
 */
import { z } from 'zod';
import { createCalendar } from '../calendar/calendar.js';
import { type Duration, durationSchema, lastDayOf } from '../calendar/duration.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import { roleSchema } from '../model/actor.js';
import { meetingKindSchema } from '../model/meetings.js';
import { skipReasonSchema, stageIdSchema } from '../model/stages.js';

/**
 * One stage of the ladder. `reviewPeriod` (counted from the issue day) is the time the employee
 * has to improve; the next stage may start only after it. `warningLife` (counted from the issue
 * day) is how long the warning stays live: the next stage must start while it is, or the ladder
 * starts again (a 6-month warning issued 31 August 2026 counted with
 * `durations.inclusiveMonths(6, { monthEnd: 'bgb188' })` is live through 28 February 2027).
 * `skippableFor` lets a later stage be issued without this one for those reasons (Acas: straight
 * to a final warning where the impact is serious). `decisions` marks the stage reached by `DECIDE`
 * rather than `ISSUE_STAGE` (dismissal: `['remove']`); only the last stage may have it.
 */
export const stageSchema = z
  .object({
    id: stageIdSchema,
    /** What people call it: "First written warning (improvement note)". */
    label: z.string().min(1).max(200),
    reviewPeriod: durationSchema.optional(),
    warningLife: durationSchema.optional(),
    skippableFor: z.array(skipReasonSchema).min(1).max(10).optional(),
    decisions: z
      .array(z.enum(['remove', 'demote']))
      .min(1)
      .optional(),
  })
  .strict();

/** The ladder of formal stages, lowest first. Absent: the policy has no stages. */
export const stagesSchema = z.array(stageSchema).min(1).max(10).optional();

/**
 * Appeals against stages. `window` is the time to appeal, counted from the stage's issue day (for
 * a decision stage, from the later of the decision and its effective date); `against` lists the
 * stages that may be appealed (all by default); `hearing` names the meeting kind an appeal is
 * heard at, which must be held after the appeal is lodged before its outcome is recorded while
 * the PIP still runs; `hearWithin` is the time to hear it, counted from the day it is lodged:
 * the `hearing` of the pending appeal may not be set after its last day (an appeal heard "within
 * 5 working days" is `businessDaysAfter(5)`), except when it moves for the companion's
 * unavailability (ERA 1999 s.10(4)-(5)); `decideWithin` is the time to decide it, counted from the day it is
 * lodged (an `appealDecision` deadline, escalation `appealOverdue`); `deciderRoles` may decide
 * it, never the person who issued or decided what is appealed (Acas Code para 27: a manager not
 * previously involved, where possible).
 */
export const appealsSchema = z
  .object({
    window: durationSchema,
    against: z.array(stageIdSchema).min(1).max(10).optional(),
    hearing: meetingKindSchema.optional(),
    hearWithin: durationSchema
      .refine((duration) => duration.amount > 0, {
        message: 'The time to hear an appeal needs an amount of at least 1.',
        path: ['amount'],
      })
      .optional(),
    decideWithin: durationSchema.optional(),
    deciderRoles: z.array(roleSchema).min(1).default(['hr', 'seniorManager']),
  })
  .strict()
  .optional();

/** A stage of the policy's ladder. */
export type PolicyStage = z.infer<typeof stageSchema>;

/** The parts of a policy document the stage rules read. */
interface StagePolicy {
  readonly stages?: readonly PolicyStage[] | undefined;
  readonly appeals?: z.output<typeof appealsSchema>;
  readonly meetings: Readonly<Record<string, unknown>>;
  readonly appealWindow?: Duration | undefined;
}

/** True when two parsed durations count the same way. */
function sameDuration(a: Duration, b: Duration): boolean {
  return (
    a.amount === b.amount &&
    a.unit === b.unit &&
    a.counting === b.counting &&
    a.rollForward === b.rollForward &&
    (a.monthEnd ?? 'clamp') === (b.monthEnd ?? 'clamp')
  );
}

const contradiction = (path: (string | number)[], message: string): PipkitIssue => ({
  code: 'POLICY_CONTRADICTION',
  path,
  message,
});

/** Issue days the life-versus-review check tries: the 1st and the last day of every month of 2026. */
const REFERENCE_DAYS: readonly number[] = Array.from({ length: 12 }, (_, month) => [
  Date.UTC(2026, month, 1) / 86_400_000,
  Date.UTC(2026, month + 1, 0) / 86_400_000,
]).flat();

/** True when a warning of `life` lapses on or before the last day of `review` from some issue day. */
function lapsesInReview(life: Duration, review: Duration): boolean {
  const calendar = createCalendar({ timeZone: 'UTC' });
  return REFERENCE_DAYS.some(
    (day) => lastDayOf(day, life, calendar) <= lastDayOf(day, review, calendar),
  );
}

/**
 * Contradictions within the ladder: repeated ids, a decision stage that is not the last (or has a
 * review period or warning life), a last stage said to be skippable, and a warning that lapses
 * before its review period is over (the next stage could never follow it).
 */
function ladderContradictions(stages: readonly PolicyStage[]): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  const seen = new Set<string>();
  stages.forEach((stage, index) => {
    if (seen.has(stage.id)) {
      issues.push(contradiction(['stages', index, 'id'], `Stage "${stage.id}" is listed twice.`));
    }
    seen.add(stage.id);
    if (stage.decisions && index !== stages.length - 1) {
      issues.push(
        contradiction(
          ['stages', index, 'decisions'],
          `Stage "${stage.id}" is reached by a decision, which ends the plan: only the last stage may be.`,
        ),
      );
    }
    if (stage.decisions && (stage.reviewPeriod || stage.warningLife)) {
      issues.push(
        contradiction(
          ['stages', index, stage.reviewPeriod ? 'reviewPeriod' : 'warningLife'],
          `Stage "${stage.id}" is a decision that ends the plan: it has no review period and no warning life.`,
        ),
      );
    }
    if (
      stage.warningLife &&
      stage.reviewPeriod &&
      lapsesInReview(stage.warningLife, stage.reviewPeriod)
    ) {
      issues.push(
        contradiction(
          ['stages', index, 'warningLife'],
          `The ${stage.label} lapses before its review period is over: the next stage could never follow it.`,
        ),
      );
    }
    if (stage.skippableFor && index === stages.length - 1) {
      issues.push(
        contradiction(
          ['stages', index, 'skippableFor'],
          `Stage "${stage.id}" is the last: there is no later stage to skip it for.`,
        ),
      );
    }
  });
  return issues;
}

/**
 * Stages and appeals that contradict each other or the rest of the policy: a repeated stage, a
 * decision stage before the last, an appeal against a stage the ladder lacks, an appeal heard at a
 * meeting kind the policy does not hold, a time to hear appeals without that meeting kind,
 * appeals without stages, and a decision stage whose appeal
 * window differs from the policy's `appealWindow`. Pure. @internal
 */
export function stageContradictions(doc: StagePolicy): PipkitIssue[] {
  const stages = doc.stages ?? [];
  const issues = ladderContradictions(stages);
  const appeals = doc.appeals;
  if (!appeals) return issues;
  if (stages.length === 0) {
    issues.push(contradiction(['appeals'], 'Appeals are against stages, and the policy has none.'));
  }
  appeals.deciderRoles.forEach((role, index) => {
    if (role === 'employee' || role === 'system') {
      issues.push(
        contradiction(
          ['appeals', 'deciderRoles', index],
          `"${role}" cannot decide an appeal: a person must, and never the employee who appealed.`,
        ),
      );
    }
  });
  const ids = new Set(stages.map((stage) => stage.id));
  (appeals.against ?? []).forEach((id, index) => {
    if (stages.length > 0 && !ids.has(id)) {
      issues.push(
        contradiction(
          ['appeals', 'against', index],
          `Appeals against "${id}", which is not a stage of the ladder (${[...ids].join(', ')}).`,
        ),
      );
    }
  });
  if (appeals.hearWithin && !appeals.hearing) {
    issues.push(
      contradiction(
        ['appeals', 'hearWithin'],
        'A time to hear appeals needs the meeting kind they are heard at (appeals.hearing).',
      ),
    );
  }
  if (appeals.hearing && !Object.hasOwn(doc.meetings, appeals.hearing)) {
    issues.push(
      contradiction(
        ['appeals', 'hearing'],
        `Appeals are heard at a "${appeals.hearing}", which is not one of the policy's meetings.`,
      ),
    );
  }
  const decisionStage = stages.find((stage) => stage.decisions);
  const appealable = decisionStage && (appeals.against ?? [...ids]).includes(decisionStage.id);
  if (
    appealable &&
    doc.appealWindow !== undefined &&
    !sameDuration(doc.appealWindow, appeals.window)
  ) {
    issues.push(
      contradiction(
        ['appeals', 'window'],
        `An appeal against "${decisionStage.id}" would have two windows: appeals.window and appealWindow differ.`,
      ),
    );
  }
  return issues;
}
