import { z } from 'zod';
import { durationSchema } from '../calendar/duration.js';
import { REASONED_COMMANDS, meetingsSchema, plansSchema } from './procedureSchema.js';
import { appealsSchema, stagesSchema } from './stagesSchema.js';
import { eligibilitySchema } from './eligibilitySchema.js';
import { proceduresSchema } from './proceduresSchema.js';
import { holidayRuleSchema, namedHolidaySchema } from '../calendar/holidayRules.js';
import { COMMAND_TYPES, pauseCategorySchema } from '../model/commands.js';
import { roleSchema } from '../model/actor.js';

const weekdaySchema = z.union([
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
  z.literal(5),
  z.literal(6),
  z.literal(7),
]);
const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a YYYY-MM-DD date');
const commandTypeSchema = z.enum(COMMAND_TYPES);
const documentKindSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'Document kinds are camelCase words such as "planDocument"');

/** Where an escalation comes from. */
export const escalationTriggerSchema = z.enum([
  'checkInMissed',
  'acknowledgementOverdue',
  'reviewOverdue',
  'decisionOverdue',
  'investigationOverdue',
  'obligationOverdue',
  'meetingOverdue',
  'issuanceOverdue',
  'acknowledgementRefused',
  'stageReviewDue',
  'appealOverdue',
]);

/** The deadlines a reminder may come before. */
export const reminderTargetSchema = z.enum([
  'acknowledgement',
  'checkIn',
  'planEnd',
  'review',
  'reply',
  'decision',
  'meeting',
]);

/**
 * The zod schema of a policy document: plain, versioned data that HR and counsel can review.
 * Code rules are attached separately by {@link definePolicy}.
 */
export const policyDocumentSchema = z
  .object({
    /** Stable id, for example `us-federal-432`. */
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'Policy ids are lowercase words joined by hyphens'),
    /** Positive integer; a running PIP stays on the version it opened under. */
    version: z.number().int().positive(),
    /** A title people recognise. */
    name: z.string().min(1),
    /** What the policy is for and where its numbers come from. */
    description: z.string().optional(),
    /** Working calendar. The zone is the employee's, given when a PIP opens. */
    calendar: z
      .object({
        weekend: z.array(weekdaySchema).max(6).default([6, 7]),
        /**
         * Which instant a local time that happens twice (clocks going back) means: `earlier` or
         * `later` (see docs/time.md, "Local wall times"). Absent means `earlier`; no default is
         * written in, so documents without it parse (and hash) as before.
         */
        ambiguousTime: z.enum(['earlier', 'later']).optional(),
        /** Observed days off: `YYYY-MM-DD`, or `{ date, name?, source? }` for a named one-off. */
        holidays: z.array(z.union([isoDateSchema, namedHolidaySchema])).default([]),
        /** Holidays by rule, for every year (see `HolidayRule`): no default, absent means none. */
        holidayRules: z.array(holidayRuleSchema).max(200).readonly().optional(),
      })
      .strict()
      .default({ weekend: [6, 7], holidays: [] }),
    /** The improvement period itself. */
    plan: z
      .object({
        duration: durationSchema,
        /**
         * Other lengths the person opening a plan may choose instead (`open({ planDuration })`), for
         * handbooks that offer 30, 60 or 90 days. `duration` is the default and always allowed.
         */
        durationChoices: z.array(durationSchema).max(10).optional(),
        /** The clock starts when the plan is issued, or when the employee acknowledges (or refusal is witnessed). */
        startsOn: z.enum(['issue', 'acknowledgement']).default('acknowledgement'),
        minGoals: z.number().int().min(1).default(1),
        /** Each goal must name a measurable criterion (federal guidance, 2025 memo). */
        requireMeasurableGoals: z.boolean().default(true),
        /** The manager may end the period before its end date (GitLab: "may end early"). */
        allowEarlyConclusion: z.boolean().default(false),
      })
      .strict(),
    /** Approval before the plan reaches the employee (HR publishes; Madison, ICC, Lattice). */
    approval: z
      .object({
        required: z.boolean(),
        approverRoles: z.array(roleSchema).min(1).default(['hr']),
      })
      .strict()
      .default({ required: false, approverRoles: ['hr'] }),
    /** Acknowledgement: receipt, not agreement. */
    acknowledgement: z
      .object({
        /** `required`: only the employee's signature starts the plan. `refusalWithWitness`: a witnessed refusal also does. */
        mode: z.enum(['required', 'refusalWithWitness']),
        /** After this, an `acknowledgementOverdue` escalation fires. */
        due: durationSchema,
        /** How long the employee may attach a written rebuttal (Louisville: 15 calendar days). */
        rebuttalWindow: durationSchema.optional(),
        /**
         * The employee may send nothing but the acknowledgement (or have a refusal witnessed)
         * until the plan is acknowledged: no documents, no replies (15Five and Lattice: the
         * employee cannot update a plan before acknowledging it).
         */
        gatesEmployee: z.boolean().default(false),
      })
      .strict(),
    /** The check-in cycle. */
    checkIns: z
      .object({
        every: z
          .object({ amount: z.number().int().positive(), unit: z.enum(['days', 'weeks']) })
          .strict(),
        /** Local wall-clock time in the employee's zone, `HH:mm`; 09:00 stays 09:00 across DST. */
        at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected HH:mm'),
        /** `planStart`: a fixed grid from the start. `lastCheckIn`: the next is due N after the last one held. */
        anchor: z.enum(['planStart', 'lastCheckIn']).default('planStart'),
        /** Employer obligations never roll forward: a check-in due on a non-working day moves earlier. */
        onNonBusinessDay: z.enum(['previousBusinessDay', 'keep']).default('previousBusinessDay'),
      })
      .strict(),
    /** Extensions of the plan period. */
    extensions: z
      .object({
        maxCount: z.number().int().nonnegative(),
        unit: z.enum(['calendarDays', 'businessDays', 'weeks']).default('calendarDays'),
        maxEach: z.number().int().positive(),
        maxTotal: z.number().int().positive(),
        /** Cap on the whole plan from its start, extensions included (Louisville: 90 calendar days). */
        maxPlanLength: durationSchema.optional(),
        /** When set, an extension must give one of these reasons. */
        reasons: z.array(z.string().min(1)).optional(),
        /**
         * An obligation each extension creates: tell these recipients (for example `union`) within
         * `within` of the extension. The engine writes an outbox message and an `obligation`
         * deadline; `FULFIL_OBLIGATION` records it met, and the sweep escalates it
         * (`obligationOverdue`) when it is not.
         */
        notify: z
          .object({ recipients: z.array(z.string().min(1)).min(1), within: durationSchema })
          .strict()
          .optional(),
        /**
         * The employee re-acknowledges an extended plan: an extension must come with a new
         * `planDocument`, and the PIP waits in `amending.awaitingAcknowledgement` (the clock
         * running) until the employee acknowledges that exact version, or a refusal is witnessed,
         * with `acknowledgement.due` and its escalation.
         */
        reacknowledge: z.boolean().default(false),
        /**
         * Reasons that need an extra approval record: `{ performanceDisputed: ['deanApproval'] }`
         * makes an extension for that reason need a `deanApproval` document (attached or sent
         * with the command), on top of `requiredDocuments.EXTEND`.
         */
        approvalFor: z.record(z.string().min(1), z.array(documentKindSchema).min(1)).optional(),
      })
      .strict()
      .refine((extensions) => extensions.maxEach <= extensions.maxTotal, {
        message: 'maxEach cannot exceed maxTotal',
        path: ['maxEach'],
      })
      .default({
        maxCount: 0,
        unit: 'calendarDays',
        maxEach: 1,
        maxTotal: 1,
        reacknowledge: false,
      }),
    /** The final review, after the period ends. */
    review: z.object({ due: durationSchema }).strict(),
    /** Proposal of removal: advance notice, reply window, decision. */
    termination: z
      .object({
        /** Advance notice of the proposed action (federal: 30 days). */
        noticePeriod: durationSchema,
        /** The employee's window to answer (federal CBA: not to exceed 20 days). */
        replyWindow: durationSchema,
        /** The decision is due this long after the notice period ends (federal: 30 days). */
        decisionDue: durationSchema.optional(),
        /** Roles that may decide; the proposer may never decide their own proposal. */
        deciderRoles: z.array(roleSchema).min(1).default(['hr']),
        /**
         * Extensions of the notice period (`EXTEND_NOTICE`, in calendar days): up to `maxDays` in
         * all at the employer's discretion, beyond that only for one of `reasons` (5 CFR
         * 432.105(a)(4)(i)(B): 30 days, then six listed reasons or prior OPM approval).
         */
        noticeExtension: z
          .object({
            maxDays: z.number().int().nonnegative(),
            reasons: z.array(z.string().min(1)).default([]),
          })
          .strict()
          .optional(),
        /**
         * The instances a notice of proposed action cites (`PROPOSE_TERMINATION.instances`):
         * `required` makes the notice name at least one, and the decision name those it relies
         * on (5 U.S.C. 4303(b)(1)(A) and (D)); `lookBack` refuses an instance older than this
         * period ending on the day of the notice (5 U.S.C. 4303(c)(2)(A): the 1-year period
         * ending on the date of the notice, `{ amount: 12, unit: 'months' }`).
         */
        citedInstances: z
          .object({
            required: z.boolean().default(false),
            lookBack: z
              .object({
                amount: z.number().int().positive().max(3660),
                unit: z.enum(['calendarDays', 'months']),
              })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        /**
         * How long after the earliest day a decision may take effect may its effective date
         * (`DECIDE.effectiveDate`) be set; without it, at most 3,660 days (the longest duration a
         * policy can state).
         */
        effectiveWithin: durationSchema.optional(),
      })
      .strict(),
    /** The kinds of meeting the procedure holds, each with its rules (see `meetingsSchema`). */
    meetings: meetingsSchema,
    /** The ladder of formal stages, lowest first (see `stageSchema`). */
    stages: stagesSchema,
    /** Appeals against stages: window, hearing, time to decide, deciders (see `appealsSchema`). */
    appeals: appealsSchema,
    /**
     * What leave (a `PAUSE`) does to the plan. By default any leave extends the plan day for day
     * (OPM: the agency "may need to extend the opportunity period for the time of the absence")
     * and the check-in grid moves with it. `extendsAfterDays`: only leave longer than this many
     * days (in the plan's unit) extends it (a union clause: "leave of more than 5 days"); a
     * shorter leave leaves every date as it was. `extendingCategories`: only these categories
     * extend it. `checkIns`: `shift` moves the whole grid with the plan; `keep` keeps the original
     * dates, so check-ins that fell inside the leave are skipped and the extended days get their
     * own; `moveInside` keeps the original dates too, but the check-ins that fell inside the leave
     * move to the day of return, as one catch-up check-in. With a rolling cadence (`checkIns.anchor: 'lastCheckIn'`) the next check-in after a
     * leave that does not move the grid is one interval after the return.
     */
    leave: z
      .object({
        extendsAfterDays: z.number().int().min(0).max(366).default(0),
        extendingCategories: z.array(pauseCategorySchema).min(1).optional(),
        checkIns: z.enum(['shift', 'keep', 'moveInside']).default('shift'),
      })
      .strict()
      .default({ extendsAfterDays: 0, checkIns: 'shift' }),
    /**
     * An investigation hold (for example of alleged misconduct) is not leave: by default the plan's
     * clock keeps running. `stopsClock` suspends the period's deadlines for the hold and moves them
     * by the held span afterwards; `due` escalates an investigation that runs too long.
     */
    investigation: z
      .object({ stopsClock: z.boolean().default(false), due: durationSchema.optional() })
      .strict()
      .default({ stopsClock: false }),
    /**
     * The employee's window to appeal a removal or demotion, counted from the later of the decision
     * and its effective date (MSPB: `durations.daysAfterRolling(30)`). Recorded in the outcome.
     */
    appealWindow: durationSchema.optional(),
    /**
     * How long the plan's records are kept after its outcome (UC: 2 years; Berkeley terminations:
     * 5 years). Recorded in the outcome as `retainUntil`; purging is the host's job.
     */
    retention: durationSchema.optional(),
    /** After a pass, a watch window during which relapse may be acted on (GitLab: 6 months). */
    watchWindow: durationSchema.optional(),
    /**
     * Where the watch window is counted from: the pass (GitLab: 6 months after the PIP ends) or
     * the first day of the plan (5 CFR 432.105(a)(2): 1 year from the beginning of the
     * opportunity period; a UK warning's life counts from its issue day).
     */
    watchWindowFrom: z.enum(['pass', 'planStart']).default('pass'),
    /**
     * When notations of unacceptable performance must be removed, recorded in the outcome as
     * `purgeOn`: `after` counted from the notice of proposed action (`proposal`; 5 USC 4303(d): 1 year
     * from the advance notice, when the employee is neither removed nor demoted) or from the
     * outcome. Never set for a removal or a demotion.
     */
    recordPurge: z
      .object({ after: durationSchema, from: z.enum(['proposal', 'outcome']) })
      .strict()
      .optional(),
    /** Limits across an employee's plans, and the fact that starts one (see `plansSchema`). */
    plans: plansSchema,
    /** Who the policy applies to, checked at open (see `eligibilitySchema`). */
    eligibility: eligibilitySchema,
    /** Procedures without a plan the policy allows (see `proceduresSchema`). */
    procedures: proceduresSchema,
    /**
     * Notification recipients besides the built-in roles (`employee`, `manager`, `seniorManager`,
     * `hr`, `legal`): groups the host routes, such as `hrDirector` or `union`. Reminders,
     * escalations and obligations may only notify roles and these.
     */
    recipients: z
      .array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'Recipients are camelCase words'))
      .default([]),
    /**
     * Reminders before a deadline. `{ hours: 48 }` is 48 hours of absolute time before it;
     * `{ calendarDays: 2 }` is the same local wall-clock time two calendar days earlier. They differ
     * by an hour across a DST change. Check-in reminders count back from the meeting time.
     */
    reminders: z
      .array(
        z
          .object({
            before: reminderTargetSchema,
            offset: z.union([
              z
                .object({
                  hours: z
                    .number()
                    .int()
                    .positive()
                    .max(24 * 366),
                })
                .strict(),
              z.object({ calendarDays: z.number().int().positive().max(366) }).strict(),
            ]),
            notify: z.array(z.string().min(1)).min(1),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    /** Who is told when something is overdue or missed. `occurrence` selects the nth time (missed check-in 2). */
    escalations: z
      .array(
        z
          .object({
            trigger: escalationTriggerSchema,
            occurrence: z.number().int().positive().optional(),
            notify: z.array(z.string().min(1)).min(1),
          })
          .strict(),
      )
      .default([]),
    /** Documents each command needs (kinds), checked against attachments and the command's own documents. */
    requiredDocuments: z.partialRecord(commandTypeSchema, z.array(documentKindSchema)).default({}),
    /**
     * Documents a command needs for one reason only, on top of `requiredDocuments`: keyed by the
     * command and its reason (`CLOSE.reason`, `DECIDE.decision`, `EXTEND.reason`,
     * `PAUSE.category`, ...): `{ CLOSE: { misconduct: ['legalReview'] } }` makes a close for
     * misconduct need a Legal/ER record that a close for resignation does not.
     */
    requiredDocumentsByReason: z
      .partialRecord(
        z.enum(REASONED_COMMANDS),
        z.record(z.string().min(1).max(100), z.array(documentKindSchema).min(1)),
      )
      .default({}),
    /** Which roles may issue each command; commands not listed use the default role policy. */
    permissions: z.partialRecord(commandTypeSchema, z.array(roleSchema)).default({}),
  })
  .strict();

/** A policy document as written (defaults not yet applied). */
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>;
/** A validated policy document with every default applied. */
export type PolicyDocument = z.output<typeof policyDocumentSchema>;
/** A policy escalation trigger. */
export type EscalationTrigger = z.infer<typeof escalationTriggerSchema>;
