/**
 * The procedure's parts of a policy that grew beyond the plan itself: the plans an employee may
 * have (limits, triggers) and the meetings the procedure holds.
 */
import { z } from 'zod';
import { durationSchema } from '../calendar/duration.js';

/**
 * Limits across all plans of one employee, checked when a plan is opened and again when it is
 * issued: at most `count` plans issued within `period` (Wyoming: no third plan within a year).
 */
export const plansSchema = z
  .object({
    maxWithin: z
      .object({
        count: z.number().int().positive(),
        period: durationSchema,
        /**
         * Where the period counts from. `issue`: plans issued within the period before today
         * count (a rolling window). `trigger`: the period counts from this plan's trigger
         * (Wyoming: "within a year of the initial unsatisfactory rating"); plans issued from
         * the trigger's day on count, and after the period a new plan is not limited by it.
         */
        anchor: z.enum(['issue', 'trigger']).default('issue'),
      })
      .strict()
      .optional(),
    /**
     * The fact that starts a plan (`open`'s `trigger`): `required` refuses an open without
     * one; `issueWithin` is the time to give the employee the plan, counted from the
     * trigger's day (Wyoming ch. 9 s.9-10: "no later than fifteen (15) days" after the
     * evaluation). It is an `issuance` deadline from open: when it passes the sweep records
     * `ISSUANCE_OVERDUE` (escalation `issuanceOverdue`), and a plan issued later carries
     * `lateIssuance`.
     */
    trigger: z
      .object({
        required: z.boolean().default(false),
        issueWithin: durationSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .default({});

/**
 * The kinds of meeting the procedure holds (`SCHEDULE_MEETING.kind`), each with its rules:
 * `minNotice`, counted from the day of the invitation, is the notice the employee gets: the
 * meeting may be held from the day after its last day (`daysAfter(5)` from Monday 4 May ends
 * Saturday 9 May, so Sunday 10 May or later: the invitation day and the meeting day are not
 * among the days of notice); `companion` allows a companion
 * (the right to be accompanied, ERA 1999 s.10); `postponement.within` bounds a move for the
 * companion's unavailability, counted from the day the employer last proposed (the invitation's
 * day, or the day of the employer's own move, `reason: 'employerUnavailable'`)
 * (`businessDaysAfter(5)`: within five working days beginning with the first working day
 * after it, s.10(5)); `postponement.anyReasonWithin` bounds every move, whatever its reason,
 * counted from the same day (a procedure that lets a hearing be "postponed up to one week, on
 * one occasion only", as the University of Exeter's capability procedure does, is
 * `anyReasonWithin: daysAfter(7)` with `maxCount: 1`); a companion's move satisfies both windows;
 * and `postponement.maxCount` how often a meeting may move.
 */
export const meetingsSchema = z
  .record(
    z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/, 'Meeting kinds are camelCase words'),
    z
      .object({
        minNotice: durationSchema.optional(),
        companion: z.boolean().default(false),
        postponement: z
          .object({
            within: durationSchema.optional(),
            anyReasonWithin: durationSchema
              .refine((duration) => duration.amount > 0, {
                message: 'A postponement window needs an amount of at least 1.',
                path: ['amount'],
              })
              .optional(),
            maxCount: z.number().int().min(0).max(10).default(1),
          })
          .strict()
          .optional(),
      })
      .strict(),
  )
  .default({});

/**
 * The commands that carry a reason, and its field: the key `requiredDocumentsByReason` reads.
 */
export const REASON_FIELDS = {
  REJECT: 'reasonCode',
  RECORD_CHECK_IN: 'assessment',
  PAUSE: 'category',
  CLOSE_INVESTIGATION: 'finding',
  EXTEND: 'reason',
  DECIDE: 'decision',
  CLOSE: 'reason',
  EXTEND_NOTICE: 'reason',
  SCHEDULE_MEETING: 'kind',
  POSTPONE_MEETING: 'reason',
  RECORD_MEETING: 'outcome',
  ISSUE_STAGE: 'stage',
  RECORD_APPEAL_OUTCOME: 'outcome',
} as const;

/** The commands {@link REASON_FIELDS} names. */
export const REASONED_COMMANDS = Object.keys(REASON_FIELDS) as [
  keyof typeof REASON_FIELDS,
  ...(keyof typeof REASON_FIELDS)[],
];
