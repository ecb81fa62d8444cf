/**
 * Procedures that go straight to notice or discipline with no improvement plan: a record opened
 * with `open({ procedure })` starts in draft and its first step is the notice of proposed action.
 */
import { z } from 'zod';

/** The procedures a record can be opened for without a plan. */
export const PROCEDURES = ['misconduct', 'jobAbandonment'] as const;

/** A procedure without a plan. */
export type Procedure = (typeof PROCEDURES)[number];

/**
 * Which procedures without a plan the policy allows, and their numbers. `misconduct`: the notice
 * needs a closed investigation that found misconduct (the Acas Code, paragraphs 5 and 9:
 * establish the facts, then inform the employee in writing). `jobAbandonment`: the notice may be
 * given once the employee has been absent without approval for `afterWorkingDays` consecutive
 * working days of the policy's calendar (UCI Procedure 64: 5 consecutive assigned working days),
 * counted from `PROPOSE_TERMINATION.absentSince` up to the day before the notice.
 */
export const proceduresSchema = z
  .object({
    misconduct: z.object({}).strict().optional(),
    jobAbandonment: z
      .object({ afterWorkingDays: z.number().int().min(1).max(60) })
      .strict()
      .optional(),
  })
  .strict()
  .optional();
