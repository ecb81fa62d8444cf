import { z } from 'zod';
import { isValidTimeZone } from '../calendar/calendar.js';
import { durationSchema } from '../calendar/duration.js';
import { hostIdSchema } from './actor.js';
import {
  cancelMeetingShape,
  postponeMeetingShape,
  recordMeetingShape,
  scheduleMeetingShape,
} from './meetings.js';
import {
  appealShape,
  issueStageShape,
  recordAppealOutcomeShape,
  skipReasonSchema,
} from './stages.js';

/** Every command a person or the system can send to a PIP. */
export const COMMAND_TYPES = [
  'UPDATE_PLAN',
  'ATTACH_DOCUMENT',
  'SUBMIT_FOR_APPROVAL',
  'APPROVE',
  'REJECT',
  'ISSUE',
  'ACKNOWLEDGE',
  'RECORD_REFUSAL',
  'RECORD_CHECK_IN',
  'PAUSE',
  'RESUME',
  'START_AMENDMENT',
  'ISSUE_AMENDMENT',
  'CANCEL_AMENDMENT',
  'START_INVESTIGATION',
  'CLOSE_INVESTIGATION',
  'EXTEND',
  'CONCLUDE_EARLY',
  'PASS',
  'PROPOSE_TERMINATION',
  'SUBMIT_REPLY',
  'DECIDE',
  'CLOSE',
  'EXTEND_NOTICE',
  'FULFIL_OBLIGATION',
  'RECORD_RELAPSE',
  'SCHEDULE_MEETING',
  'POSTPONE_MEETING',
  'RECORD_MEETING',
  'CANCEL_MEETING',
  'ISSUE_STAGE',
  'APPEAL',
  'RECORD_APPEAL_OUTCOME',
  'PLACE_LEGAL_HOLD',
  'RELEASE_LEGAL_HOLD',
  'DEADLINE_REACHED',
] as const;

/** The name of a command. */
export type CommandType = (typeof COMMAND_TYPES)[number];

const instantSchema = z.iso.datetime({ offset: true });

/**
 * A reference to a document the host keeps: pipkit stores the kind, the host's reference and a
 * SHA-256 of the exact bytes shown, never the file itself.
 */
export const documentRefSchema = z
  .object({
    /** What the document is, in camelCase (`planDocument`, `checkInNotes`, `proofOfService`). */
    kind: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'Document kinds are camelCase words such as "planDocument"'),
    /** The host's reference: a URL, a file id, a DMS key. Opaque to pipkit. */
    ref: z.string().min(1).max(500),
    /** Lowercase hex SHA-256 of the document's bytes: what was shown is provable later. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Expected a lowercase hex SHA-256 (64 characters)'),
    /**
     * The local date the evidence speaks to (the meeting it minutes, the work it shows), when it
     * differs from the day it is attached. Never after the day it is attached.
     */
    evidenceDate: z.iso.date().optional(),
  })
  .strict();

/** A reference to a host-kept document. */
export type DocumentRef = z.infer<typeof documentRefSchema>;

/**
 * One instance of unacceptable performance a notice of proposed action relies on: the notice
 * identifies the specific instances (5 U.S.C. 4303(b)(1)(A)), and a proposal may rely only on
 * those within the 1 year ending on the date of the notice (5 U.S.C. 4303(c)(2)(A); policy
 * `termination.citedInstances.lookBack`). Descriptions stay with the host, behind `id`.
 */
export const citedInstanceSchema = z
  .object({
    /** The host's id for the instance, cited again by the decision (`DECIDE.instancesRelied`). */
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'Ids are 1-100 letters, digits, and _ . : -'),
    /** The local date the instance happened. */
    on: z.iso.date(),
    /** The critical element it concerns, as the plan names it. */
    element: z.string().min(1).max(200).optional(),
  })
  .strict();

/** One instance a proposal cites. */
export type CitedInstance = z.infer<typeof citedInstanceSchema>;

/**
 * The fact that started the procedure, recorded at open: an unsatisfactory rating (with its date
 * and value), an incident, or another fact. Policies count from it: the deadline to issue the plan
 * (`plans.trigger.issueWithin`: Wyoming, within 15 days after the evaluation) and plan limits
 * anchored on it (`plans.maxWithin.anchor: 'trigger'`: no more than two consecutive plans within a
 * year of the initial unsatisfactory rating).
 */
export const triggerSchema = z
  .object({
    kind: z.enum(['rating', 'incident', 'other']),
    /** The local date of the fact (the rating's evaluation date). */
    on: z.iso.date(),
    /** The rating as the host records it (`unsatisfactory`, `2 of 5`). */
    value: z.string().min(1).max(100).optional(),
    /** The host's reference to the rating or incident record. */
    ref: z.string().min(1).max(200).optional(),
  })
  .strict();

/** The fact that started the procedure. */
export type Trigger = z.infer<typeof triggerSchema>;

/** One improvement goal. The measure is what makes it assessable. */
export const goalSchema = z
  .object({
    id: z.string().min(1).max(100),
    description: z.string().min(1).max(2000),
    /** A measurable criterion ("closes 90% of tickets within SLA, measured weekly"). */
    measure: z.string().min(1).max(2000).optional(),
  })
  .strict();

/** One improvement goal. */
export type Goal = z.infer<typeof goalSchema>;

/** Categories of a clock-stopping pause. No free-text reason is ever stored: health data stays with the host. */
export const pauseCategorySchema = z.enum([
  'protectedLeave',
  'medicalLeave',
  'parentalLeave',
  'militaryLeave',
  'otherApprovedLeave',
]);

/** What an investigation found. Details stay with the host, behind the investigation's reference. */
export const investigationFindingSchema = z.enum(['noCase', 'misconduct', 'other']);

/** Why a plan closed early. */
export const closeReasonSchema = z.enum([
  'withdrawn',
  'resigned',
  'misconduct',
  'transferred',
  'policyChanged',
]);

/** What the decider decided after a proposal. */
export const decisionSchema = z.enum(['remove', 'demote', 'reassign', 'retain']);

const documents = z.array(documentRefSchema).max(50).optional();
const command = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), documents, ...shape }).strict();

/** The zod schema of every command, discriminated by `type`. */
export const commandSchema = z.discriminatedUnion('type', [
  command('UPDATE_PLAN', { goals: z.array(goalSchema).min(1).max(50) }),
  command('ATTACH_DOCUMENT', {}),
  command('SUBMIT_FOR_APPROVAL', {}),
  command('APPROVE', {}),
  command('REJECT', {
    reasonCode: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9]*$/)
      .max(100),
  }),
  command('ISSUE', {}),
  command('ACKNOWLEDGE', { documentSha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  command('RECORD_REFUSAL', {
    documentSha256: z.string().regex(/^[0-9a-f]{64}$/),
    witnessId: z.string().min(1).max(200),
  }),
  command('RECORD_CHECK_IN', { assessment: z.enum(['onTrack', 'mixed', 'offTrack']) }),
  command('PAUSE', {
    category: pauseCategorySchema,
    hostRef: z.string().min(1).max(200),
    /**
     * When the leave began; defaults to now. May be in the past, but not before the last event,
     * unless the leave began before the plan's first day and no check-in is recorded yet.
     */
    from: instantSchema.optional(),
    /** The planned end of the leave, when known: the plan resumes by itself then. */
    until: instantSchema.optional(),
  }),
  command('RESUME', {
    /** When the leave ended; defaults to now. Not before the pause began, not in the future. */
    at: instantSchema.optional(),
  }),
  command('START_AMENDMENT', {}),
  command('ISSUE_AMENDMENT', {}),
  command('CANCEL_AMENDMENT', {}),
  command('START_INVESTIGATION', { hostRef: z.string().min(1).max(200) }),
  command('CLOSE_INVESTIGATION', { finding: investigationFindingSchema }),
  command('EXTEND', {
    // No policy extends a plan by more than a few years in any unit; the bound keeps date
    // arithmetic finite before the policy's own limits are checked.
    /** How much longer, in the policy's `extensions.unit`; or give `until` (one of the two). */
    amount: z.number().int().positive().max(1000).optional(),
    /** The new last day of the plan (a local date); or give `amount` (one of the two). */
    until: z.iso.date().optional(),
    reason: z.string().min(1).max(100),
  }),
  command('CONCLUDE_EARLY', {}),
  command('PASS', {}),
  command('PROPOSE_TERMINATION', {
    /** The instances of unacceptable performance the notice relies on, each with its date. */
    instances: z.array(citedInstanceSchema).max(100).optional(),
    /**
     * For job abandonment: the first day of the unapproved absence (a local date), from which
     * the policy's consecutive working days are counted.
     */
    absentSince: z.iso.date().optional(),
  }),
  command('SUBMIT_REPLY', {}),
  command('DECIDE', {
    decision: decisionSchema,
    /**
     * The local date the decision takes effect; defaults to the earliest it may. A removal or
     * demotion may not take effect before the day after the notice period ends (5 U.S.C.
     * 4303(b)(1)(A)), and no decision before the day it is made.
     */
    effectiveDate: z.iso.date().optional(),
    /**
     * The local date the employee received the decision, from the decision day to 30 days after
     * it; default: the decision day. The appeal window (policy `appealWindow`) runs from the
     * later of the effective date and the receipt (5 CFR 1201.22(b)(1)); a decision served by
     * mail is presumed received 5 days after it was mailed (5 CFR 1201.22(b)(3)).
     */
    receivedOn: z.iso.date().optional(),
    /**
     * The ids of the proposal's cited instances the decision relies on (5 U.S.C. 4303(b)(1)(D):
     * the decision specifies the instances relied on).
     */
    instancesRelied: z.array(z.string().min(1).max(100)).max(100).optional(),
    /**
     * For a decision that reaches the policy's decision stage (`stages[].decisions`) without the
     * stage below it live: why it is skipped (that stage's `skippableFor`).
     */
    skipReason: skipReasonSchema.optional(),
  }),
  command('CLOSE', { reason: closeReasonSchema }),
  /** Extends the notice of proposed action by `amount` calendar days (policy `termination.noticeExtension`). */
  command('EXTEND_NOTICE', {
    amount: z.number().int().positive().max(366),
    reason: z.string().min(1).max(100),
  }),
  /** Records that an obligation (for example "notify the union of the extension") was met. */
  command('FULFIL_OBLIGATION', { obligationId: z.string().min(1).max(100) }),
  /** During the watch window after a pass: performance fell again; back to review, no new plan. */
  command('RECORD_RELAPSE', {}),
  /** Invites the employee to a meeting of a kind the policy names (`meetings`). */
  command('SCHEDULE_MEETING', scheduleMeetingShape),
  /** Moves a scheduled meeting; a companion's unavailability is bounded by the policy's window. */
  command('POSTPONE_MEETING', postponeMeetingShape),
  /** Records that a meeting was held, or that the employee did not attend. */
  command('RECORD_MEETING', recordMeetingShape),
  command('CANCEL_MEETING', cancelMeetingShape),
  /** Issues a stage of the policy's ladder (`stages`): a written warning, an improvement note. */
  command('ISSUE_STAGE', issueStageShape),
  /** The employee appeals against a stage (or a decision stage's decision) within the window. */
  command('APPEAL', appealShape),
  /** Records what the pending appeal decided: upheld, varied (with the replacing stage) or overturned. */
  command('RECORD_APPEAL_OUTCOME', recordAppealOutcomeShape),
  /**
   * Keeps the record, whatever its retention date, until released: in any state, final ones
   * included. `matterRef` is the host's reference to the litigation or investigation.
   */
  command('PLACE_LEGAL_HOLD', { matterRef: z.string().min(1).max(200) }),
  /** Lifts one legal hold; the record may be purged once none is left and retention has passed. */
  command('RELEASE_LEGAL_HOLD', { matterRef: z.string().min(1).max(200) }),
  command('DEADLINE_REACHED', { deadlineId: z.string().min(1), dueAt: instantSchema }),
]);

/** A command, as a host sends it. */
export type Command = z.infer<typeof commandSchema>;

/** The command of a given type. */
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** What `engine.open` needs to create a PIP in `draft`. */
export const openPipSchema = z
  .object({
    /** Optional host-chosen id; otherwise the engine's id generator makes one. */
    pipId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'Ids are 1-128 letters, digits, and _ . : -')
      .optional(),
    employee: z
      .object({
        id: hostIdSchema,
        /** The employee's IANA zone: every day of the plan is counted there. */
        timeZone: z.string().refine(isValidTimeZone, { message: 'Unknown IANA time zone' }),
        /**
         * The id of a working calendar registered with the engine (`calendars` option), for the
         * employee's jurisdiction: 'GB-SCT' counts Scottish bank holidays. Defaults to the policy's.
         */
        calendar: z.string().min(1).max(100).optional(),
        /**
         * The employee's level or grade as the host numbers them (higher is more senior), for a
         * policy that limits who it applies to (`eligibility.maxLevel`).
         */
        level: z.number().int().min(0).max(1000).optional(),
        /**
         * The employee's group (a bargaining unit, a staff category) as the host names it, for a
         * policy that limits who it applies to (`eligibility.groups`).
         */
        group: hostIdSchema.optional(),
      })
      .strict(),
    managerId: hostIdSchema,
    /**
     * The organisational unit the plan belongs to (a department, a division), as the host names
     * it; kept for the plan's life, so queries filter and scope on it (an HR business partner
     * sees the plans of the units they look after).
     */
    orgUnitId: hostIdSchema.optional(),
    /** The fact that started the procedure (a rating, an incident), when there is one. */
    trigger: triggerSchema.optional(),
    /**
     * A procedure that goes straight to notice with no improvement plan (policy `procedures`):
     * `misconduct` after an investigation, `jobAbandonment` after the policy's days of absence.
     */
    procedure: z.enum(['misconduct', 'jobAbandonment']).optional(),
    /** The policy to pin; the newest registered version when `version` is omitted. */
    policy: z
      .object({ id: z.string().min(1), version: z.number().int().positive().optional() })
      .strict(),
    goals: z.array(goalSchema).max(50).default([]),
    documents,
    /**
     * The plan's length, when the policy offers a choice (`plan.durationChoices`): one of them or
     * `plan.duration`, exactly. Defaults to `plan.duration`.
     */
    planDuration: durationSchema.optional(),
  })
  .strict();

/** What `engine.open` needs. */
export type OpenPipInput = z.input<typeof openPipSchema>;

/** An open request after validation (defaults applied). */
export type OpenPipRequest = z.output<typeof openPipSchema>;
