/**
 * The message catalogue: every outbox message type pipkit writes, each with a stable name and a
 * zod schema of its payload. A host's `switch (message.type)` over {@link PipkitMessage} is typed
 * by it, `engine.relay` checks each message against it before delivery, and the JSON Schemas
 * shipped in `@pipkit/core/schemas/messages/*.json` are generated from it.
 */
import { z } from 'zod';
import { escalationTriggerSchema, reminderTargetSchema } from '../policy/policySchema.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a YYYY-MM-DD date');
const isoInstant = z.iso.datetime({ offset: false });
const id = z.string().min(1);

/**
 * The fields of every message written for a PIP's event: who it is about, which event wrote it,
 * and the recipients it names (built-in roles `employee`, `manager`, `seniorManager`, `hr`,
 * `legal`, or a policy's own `recipients` such as `union`), which a host's `recipients` port
 * resolves to people.
 */
const pipMessageFields = {
  /** Recipient roles, in the policy's words. */
  notify: z.array(id).readonly(),
  employeeId: id,
  managerId: id,
  /** The `seq` of the event that wrote the message. */
  seq: z.number().int().positive(),
};

const pipPayload = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z
    .object({ ...pipMessageFields, ...shape })
    .strict()
    .readonly();

const basePayloadSchema = pipPayload({});

/** The payload of a reminder before a deadline. */
export const reminderPayloadSchema = pipPayload({
  /** The deadline reminded of (`checkIn:3`, `planEnd`). */
  deadlineId: id,
});

/** The payload of an escalation: the policy's `occurrence` of its trigger (missed check-in 2). */
export const escalationPayloadSchema = pipPayload({ occurrence: z.number().int().positive() });

/** The payload of a `pip.extended` message: the plan's new last day. */
export const extendedPayloadSchema = pipPayload({ endDate: isoDate });

/**
 * The payload of a `pip.extensionNotice`: the obligation an extension created (policy
 * `extensions.notify`), met with `FULFIL_OBLIGATION` before `dueDate`.
 */
export const extensionNoticePayloadSchema = pipPayload({
  obligationId: id,
  dueDate: isoDate,
  endDate: isoDate,
});

/** The payload of a notice-period message: the notice's last day. */
export const noticePayloadSchema = pipPayload({ noticeEndDate: isoDate });

/** The payload of `pip.purgeDue`: the last day the record had to be kept. */
export const purgeDuePayloadSchema = pipPayload({ retainUntil: isoDate });

/** One check-in or meeting as a calendar shows it, in the employee's zone. */
export const occurrenceSchema = z
  .object({
    /** The pipkit deadline id, stable for the occurrence's life: `checkIn:2`, `meeting:rev-1`. */
    id,
    /** The check-in's number, for a check-in. */
    number: z.number().int().positive().optional(),
    /** The host's meeting id and the policy's meeting kind (`hearing`), for a meeting. */
    meetingId: id.optional(),
    meetingKind: id.optional(),
    /** Its local date in the employee's zone. */
    date: isoDate,
    /** Its local start time (`HH:mm`) in the employee's zone; absent for an all-day occurrence. */
    time: z
      .string()
      .regex(/^\d{2}:\d{2}$/)
      .optional(),
    /** Its start as a UTC instant; absent for an all-day occurrence. */
    start: isoInstant.optional(),
    /** The employee's IANA zone. */
    timeZone: id,
  })
  .strict()
  .readonly();

/** Where an occurrence was before it moved. */
const previousSchema = z
  .object({
    date: isoDate,
    time: z
      .string()
      .regex(/^\d{2}:\d{2}$/)
      .optional(),
    start: isoInstant.optional(),
  })
  .strict()
  .readonly();

const calendarFields = {
  occurrence: occurrenceSchema,
  /**
   * The iCalendar SEQUENCE (RFC 5545 s.3.8.7.4): the `seq` of the event that last changed the
   * occurrence, so it grows with every move, cancellation and reinstatement.
   */
  sequence: z.number().int().nonnegative(),
};

/** The payload of a check-in or meeting that is put in the calendar (or back in it). */
export const occurrenceScheduledPayloadSchema = pipPayload(calendarFields);

/** The payload of a check-in or meeting that moved: where it is now, and where it was. */
export const occurrenceMovedPayloadSchema = pipPayload({
  ...calendarFields,
  previous: previousSchema,
});

/**
 * The payload of a check-in or meeting taken out of the calendar without being held: `reason`
 * is the event type that took it away (`PAUSED`, `CLOSED`, `MEETING_CANCELLED`, ...).
 */
export const occurrenceCancelledPayloadSchema = pipPayload({
  ...calendarFields,
  reason: z.string().regex(/^[A-Z][A-Z_]*$/),
});

/** The payload of `pipkit.deadlineParked`, the operators' message a store writes. */
export const deadlineParkedPayloadSchema = z
  .object({
    timerId: id,
    deadlineId: id,
    dueAt: isoInstant,
    code: id,
    attempts: z.number().int().positive(),
  })
  .strict()
  .readonly();

/**
 * One payload schema under a name per option of a policy enum: `pip.reminder.checkIn` for each
 * reminder target, `pip.escalation.checkInMissed` for each escalation trigger, so a value added
 * to the policy schema is in the catalogue, and in its types, at once.
 */
function schemaFamily<const Prefix extends string, const Option extends string, Schema>(
  prefix: Prefix,
  options: readonly Option[],
  schema: Schema,
): Record<`${Prefix}.${Option}`, Schema> {
  return Object.fromEntries(options.map((option) => [`${prefix}.${option}`, schema])) as Record<
    `${Prefix}.${Option}`,
    Schema
  >;
}

const reminderSchemas = schemaFamily(
  'pip.reminder',
  reminderTargetSchema.options,
  reminderPayloadSchema,
);

const escalationSchemas = schemaFamily(
  'pip.escalation',
  escalationTriggerSchema.options,
  escalationPayloadSchema,
);

/**
 * Every message type and the zod schema of its payload. Names are stable: a new release may add
 * a type or an optional field, never rename or remove one.
 */
export const messagePayloadSchemas = Object.freeze({
  'pip.approvalRequested': basePayloadSchema,
  'pip.issued': basePayloadSchema,
  ...reminderSchemas,
  ...escalationSchemas,
  'pip.amendmentIssued': basePayloadSchema,
  'pip.investigationStarted': basePayloadSchema,
  'pip.extended': extendedPayloadSchema,
  'pip.extensionNotice': extensionNoticePayloadSchema,
  'pip.noticeExtended': noticePayloadSchema,
  'pip.relapseRecorded': basePayloadSchema,
  'pip.terminationProposed': noticePayloadSchema,
  'pip.purgeDue': purgeDuePayloadSchema,
  'pip.passed': basePayloadSchema,
  'pip.decided': basePayloadSchema,
  'pip.closed': basePayloadSchema,
  'pip.checkIn.scheduled': occurrenceScheduledPayloadSchema,
  'pip.checkIn.moved': occurrenceMovedPayloadSchema,
  'pip.checkIn.cancelled': occurrenceCancelledPayloadSchema,
  'pip.meeting.scheduled': occurrenceScheduledPayloadSchema,
  'pip.meeting.moved': occurrenceMovedPayloadSchema,
  'pip.meeting.cancelled': occurrenceCancelledPayloadSchema,
  'pipkit.deadlineParked': deadlineParkedPayloadSchema,
});

/** The name of a message type in the catalogue (`pip.issued`, `pip.checkIn.moved`, ...). */
export type MessageType = keyof typeof messagePayloadSchemas;

/** Every message type, sorted. */
export const MESSAGE_TYPES: readonly MessageType[] = Object.freeze(
  (Object.keys(messagePayloadSchemas) as MessageType[]).sort(),
);

/** The payload of message type `T`. */
export type MessagePayload<T extends MessageType> = z.output<(typeof messagePayloadSchemas)[T]>;

/** One check-in or meeting as a calendar message carries it. */
export type MessageOccurrence = z.output<typeof occurrenceSchema>;

/** The calendar messages: a check-in or meeting scheduled, moved or cancelled. */
export type CalendarMessageType = Extract<MessageType, `pip.${'checkIn' | 'meeting'}.${string}`>;

/** True when `type` names a message in the catalogue. */
export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messagePayloadSchemas, type);
}

/** True when `type` is a calendar message (`pip.checkIn.*`, `pip.meeting.*`). */
export function isCalendarMessageType(type: string): type is CalendarMessageType {
  return /^pip\.(checkIn|meeting)\.(scheduled|moved|cancelled)$/.test(type);
}

/**
 * One outbox message of type `T`, as `engine.relay` hands it to a delivery handler: the
 * envelope a store keeps (id `pipId:version:index`, the PIP, when it was written) and the typed
 * payload.
 */
export interface MessageOf<T extends MessageType> {
  /** Deterministic, so a redelivery is recognisable: deduplicate by it. */
  readonly id: string;
  readonly pipId: string;
  readonly type: T;
  readonly payload: MessagePayload<T>;
  /** When the event that wrote it happened, UTC ISO. */
  readonly createdAt: string;
  /** Failed delivery attempts so far, with a store that counts them. */
  readonly attempts?: number;
}

/**
 * Any message in the catalogue: a union discriminated by `type`, so `switch (message.type)`
 * narrows `message.payload`.
 *
 * @example
 * ```ts
 * await engine.relay(async (message) => {
 *   switch (message.type) {
 *     case 'pip.checkIn.moved':
 *       await calendar.move(message.payload.occurrence.id, message.payload.occurrence.start);
 *       break;
 *     case 'pip.issued':
 *       await mail.send(message.payload.employeeId, 'Your plan is issued');
 *       break;
 *     default:
 *       break;
 *   }
 * });
 * ```
 */
export type PipkitMessage = { [T in MessageType]: MessageOf<T> }[MessageType];
