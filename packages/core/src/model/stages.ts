/**
 * Formal stages and appeals: the vocabulary of issuing a stage of the policy's ladder (an
 * improvement note, a final written warning), appealing against a stage, and recording the
 * appeal's outcome. The Acas Code of Practice on disciplinary and grievance procedures (2015)
 * describes the ladder (paras 18-22: a first written warning or improvement note, a final written
 * warning, then dismissal, each warning current for a stated time) and the right of appeal
 * (paras 26-29).
 */
import { z } from 'zod';

/** A stage of the policy's ladder, by its id (`firstWarning`, `finalWarning`, `dismissal`). */
export const stageIdSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/, 'Stage ids are camelCase words such as "finalWarning"');

/**
 * Why stages of the ladder were skipped, as the policy names it in a stage's `skippableFor`
 * (`seriousImpact`: Acas guidance allows going straight to a final written warning where the
 * poor performance has a serious impact).
 */
export const skipReasonSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/, 'Skip reasons are camelCase words such as "seriousImpact"');

/** What an appeal decided: the stage stands, is replaced by another, or is withdrawn. */
export const appealOutcomeSchema = z.enum(['upheld', 'varied', 'overturned']);

/** An appeal's outcome. */
export type AppealOutcome = z.infer<typeof appealOutcomeSchema>;

/** The fields of `ISSUE_STAGE`. */
export const issueStageShape = {
  /** The stage of the policy's ladder to issue. */
  stage: stageIdSchema,
  /** Why stages below this one are skipped; each skipped stage must allow it (`skippableFor`). */
  skipReason: skipReasonSchema.optional(),
};

/** The fields of `APPEAL`. */
export const appealShape = {
  /** The stage appealed against (its latest issue on this PIP, or the decision of a decision stage). */
  against: stageIdSchema,
};

/** The fields of `RECORD_APPEAL_OUTCOME`. */
export const recordAppealOutcomeShape = {
  outcome: appealOutcomeSchema,
  /** For `varied`: the stage that replaces the one appealed against, lower on the ladder. */
  stage: stageIdSchema.optional(),
};

/** One stage issued on a PIP, as its record keeps it. */
export interface StageRecord {
  /** Its order of issue on this PIP, from 1: the deadlines `stageReview:<n>` and `warning:<n>`. */
  readonly number: number;
  /** The ladder's stage id. */
  readonly stage: string;
  /** The local day it was issued (for a replacement: the day of the stage it replaces). */
  readonly issuedOn: string;
  readonly issuedAt: string;
  readonly issuedBy: string;
  /** The last day of its review period, when the stage has one. */
  readonly reviewUntil?: string;
  /** The last day its warning is live, when the warning has a life (otherwise it does not lapse). */
  readonly liveThrough?: string;
  /** The last day it may be appealed against, when the policy's appeals cover it. */
  readonly appealUntil?: string;
  /** The stages it skipped, and why. */
  readonly skipped?: readonly string[];
  readonly skipReason?: string;
  /** What an appeal made of it: `varied` and `overturned` stages no longer count. */
  readonly appeal?: AppealOutcome;
  /** For a replacement on appeal: the number of the stage it replaces. */
  readonly replaces?: number;
}

/** One appeal, as the PIP's record keeps it. */
export interface AppealRecord {
  /** The ladder's stage appealed against. */
  readonly against: string;
  /** The stage record appealed against; absent for an appeal against a decision. */
  readonly stageNumber?: number;
  readonly lodgedAt: string;
  readonly lodgedBy: string;
  readonly status: 'pending' | AppealOutcome;
  readonly decidedAt?: string;
  readonly decidedBy?: string;
  /** For `varied`: the replacing stage. */
  readonly replacement?: string;
}
