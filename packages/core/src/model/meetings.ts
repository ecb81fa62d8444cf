/**
 * Meetings and hearings: the vocabulary of scheduling one, moving it, and recording what happened.
 * A hearing carries the right to be accompanied (Employment Relations Act 1999 s.10): a companion
 * who is a trade union official or a workplace colleague, and the worker's right to have the
 * meeting moved to a reasonable time within five working days when the companion cannot come.
 */
import { z } from 'zod';
import { hostIdSchema } from './actor.js';

/** A meeting's id, chosen by the host: unique within the PIP. */
export const meetingIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Meeting ids are 1-64 letters, digits, and _ . -');

/** A kind of meeting, named in the policy's `meetings` (`hearing`, `reviewMeeting`). */
export const meetingKindSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/, 'Meeting kinds are camelCase words such as "hearing"');

/**
 * A local wall time in the employee's zone, `YYYY-MM-DDTHH:mm`: what an invitation says. It is
 * resolved by the employee's calendar (a time that happens twice takes the earlier instant unless
 * the policy says otherwise; a skipped time moves forward by the gap).
 */
export const localMeetingTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, 'Expected a local time YYYY-MM-DDTHH:mm');

/** Who accompanies the worker: ERA 1999 s.10(3) allows a trade union official or a co-worker. */
export const companionSchema = z
  .object({
    type: z.enum(['tradeUnionOfficial', 'workplaceColleague', 'other']),
    /** The host's id for the companion, when they are a person the host knows. */
    id: hostIdSchema.optional(),
  })
  .strict();

/** Why a meeting moves. `companionUnavailable` is the s.10(4) case the policy's window bounds. */
export const postponementReasonSchema = z.enum([
  'companionUnavailable',
  'employeeUnavailable',
  'employerUnavailable',
  'other',
]);

/** What happened at a meeting: it was held, or the employee did not attend. */
export const meetingOutcomeSchema = z.enum(['held', 'noShow']);

/** The fields of `SCHEDULE_MEETING`. */
export const scheduleMeetingShape = {
  meetingId: meetingIdSchema,
  kind: meetingKindSchema,
  /** The proposed local time in the employee's zone. */
  at: localMeetingTimeSchema,
  /** Who attends for the employer (host ids), besides the employee. */
  attendees: z.array(hostIdSchema).max(20).default([]),
  companion: companionSchema.optional(),
};

/** The fields of `POSTPONE_MEETING`. */
export const postponeMeetingShape = {
  meetingId: meetingIdSchema,
  /** The new local time in the employee's zone. */
  to: localMeetingTimeSchema,
  reason: postponementReasonSchema,
};

/** The fields of `RECORD_MEETING`. */
export const recordMeetingShape = {
  meetingId: meetingIdSchema,
  outcome: meetingOutcomeSchema,
  /** Whether the companion attended, for a meeting that was held. */
  companionAttended: z.boolean().optional(),
};

/** The fields of `CANCEL_MEETING`. */
export const cancelMeetingShape = { meetingId: meetingIdSchema };

/** A companion at a meeting. */
export type Companion = z.infer<typeof companionSchema>;

/** A meeting as the PIP's record keeps it. */
export interface Meeting {
  readonly kind: string;
  /** The current time, as a UTC instant. */
  readonly at: string;
  /** The current time as the invitation states it, in the employee's zone. */
  readonly local: string;
  /**
   * The local date the employer last proposed (the invitation's, or its own move's for
   * `employerUnavailable`): the s.10(5) window counts from it.
   */
  readonly proposedDate: string;
  readonly attendees: readonly string[];
  readonly companion?: Companion;
  /** How many times it was moved. */
  readonly postponements: number;
  readonly status: 'scheduled' | 'held' | 'noShow' | 'cancelled';
  /** When the outcome was recorded. */
  readonly recordedAt?: string;
  readonly companionAttended?: boolean;
  /** True once its day ended without a record. */
  readonly overdue?: boolean;
}
