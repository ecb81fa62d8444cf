import {
  actorSchema,
  DEADLINE_KINDS,
  decisionSchema,
  documentRefSchema,
  durationSchema,
  goalSchema,
  OUTCOME_STATUSES,
} from '@pipkit/core/schemas';
import type { PipContext, PipEvent } from '@pipkit/core';
import { z } from 'zod';
import { apiRegistry } from './apiRegistry.js';

/**
 * The PIP's context and its events as the API returns them, for the OpenAPI document and the
 * response serializer. pipkit declares these as TypeScript types, not zod schemas, so they are
 * written here from `PipContext` and `PipEvent`; the goal, document, actor and duration parts are
 * pipkit's own schemas. Every object is loose: a field a newer pipkit adds is passed through,
 * never dropped, and the compile-time checks at the end fail when pipkit adds an event type.
 */

const iso = () => z.string().describe('UTC ISO instant');
const localDate = () => z.string().describe('Local date (YYYY-MM-DD) in the employee zone');
const loose = <T extends z.ZodRawShape>(shape: T) => z.object(shape).loose();

const goal = goalSchema.loose();
const documentRef = documentRefSchema.loose();
const versionRef = loose({ id: z.string(), version: z.number().int() });
const citedInstance = loose({ id: z.string(), on: localDate() });
const trigger = loose({ kind: z.string(), on: localDate() });
const lateIssuance = loose({ dueDate: localDate() });
const meeting = loose({
  kind: z.string(),
  at: iso(),
  local: z.string(),
  proposedDate: localDate(),
  attendees: z.array(z.string()),
  postponements: z.number().int(),
  status: z.enum(['scheduled', 'held', 'noShow', 'cancelled']),
  recordedAt: iso().optional(),
  companionAttended: z.boolean().optional(),
  overdue: z.boolean().optional(),
});
const stageRecord = loose({
  number: z.number().int(),
  stage: z.string(),
  issuedOn: localDate(),
  issuedAt: iso(),
  issuedBy: z.string(),
  reviewUntil: localDate().optional(),
  liveThrough: localDate().optional(),
  appealUntil: localDate().optional(),
  skipped: z.array(z.string()).optional(),
  skipReason: z.string().optional(),
  appeal: z.enum(['upheld', 'varied', 'overturned']).optional(),
  replaces: z.number().int().optional(),
});
const appealOutcome = z.enum(['upheld', 'varied', 'overturned']);
const stageRef = { stageNumber: z.number().int() };
const appealRef = { against: z.string(), stageNumber: z.number().int().optional() };

/** A pending deadline (pipkit `Deadline`): data in the snapshot and a row in the timer index. */
export const deadlineSchema = loose({
  id: z.string(),
  kind: z.enum(DEADLINE_KINDS),
  dueAt: iso(),
  date: localDate(),
  scheduledAt: iso().optional(),
}).register(apiRegistry, { id: 'Deadline' });

const planDates = loose({
  startDate: localDate(),
  endDate: localDate(),
  originalEndDate: localDate(),
  anchorDate: localDate(),
}).register(apiRegistry, { id: 'PlanDates' });

const employee = loose({
  id: z.string(),
  timeZone: z.string(),
  calendar: z.string().optional(),
  level: z.number().optional().describe("The employee's level, as the host gave it at open."),
  group: z.string().optional().describe("The employee's group, as the host gave it at open."),
});

const procedure = z
  .enum(['misconduct', 'jobAbandonment'])
  .describe('A procedure that goes straight to notice, without a plan.');

const outcomeDates = {
  appealUntil: loose({ date: localDate(), dueAt: iso() }).optional(),
  retainUntil: localDate().optional(),
  purgeOn: localDate().optional(),
  overturned: loose({ at: iso(), by: z.string() }).optional(),
};

const span = loose({ count: z.number().int(), total: z.number() });

/** `PipContext`: everything the machine knows about one PIP. */
const contextSchema = loose({
  pipId: z.string(),
  employee,
  managerId: z.string(),
  orgUnitId: z.string().optional(),
  policy: versionRef,
  createdAt: iso(),
  createdBy: z.string(),
  goals: z.array(goal),
  planDuration: durationSchema.loose().optional(),
  documents: z.array(documentRef.extend({ attachedAt: iso(), attachedBy: z.string() })),
  submittedBy: z.string().optional(),
  approvedBy: z.string().optional(),
  issuedAt: iso().optional(),
  acknowledgement: loose({
    kind: z.enum(['signed', 'refusalWitnessed']),
    at: iso(),
    by: z.string(),
    documentSha256: z.string(),
    witnessId: z.string().optional(),
  }).optional(),
  plan: planDates.optional(),
  checkIns: loose({
    held: z.number().int(),
    missed: z.number().int(),
    lastHeldAt: iso().optional(),
    next: z.number().int(),
  }),
  extensions: span,
  pause: loose({
    since: iso(),
    category: z.string(),
    hostRef: z.string(),
    resumeTo: z.enum(['opened', 'active', 'extended']),
  }).optional(),
  pausedDays: z.number(),
  legalHolds: z.array(z.string()).optional(),
  amendment: loose({
    startedAt: iso(),
    startedBy: z.string(),
    resumeTo: z.enum(['opened', 'active', 'extended']),
    documentSha256: z.string().optional(),
  }).optional(),
  investigation: loose({ since: iso(), hostRef: z.string(), stoppedClock: z.boolean() }).optional(),
  investigationFindings: z.array(z.string()).optional(),
  escalations: z.number().int(),
  termination: loose({
    proposedBy: z.string(),
    proposedAt: iso(),
    noticeEndDate: localDate(),
    replies: z.number().int(),
    instances: z.array(citedInstance).optional(),
  }).optional(),
  deadlines: z.record(z.string(), deadlineSchema),
  outcome: loose({
    status: z.enum(OUTCOME_STATUSES),
    reason: z.string(),
    at: iso(),
    by: z.string(),
    effectiveAt: iso().optional(),
    instancesRelied: z.array(z.string()).optional(),
    ...outcomeDates,
  }).optional(),
  obligations: z
    .record(
      z.string(),
      loose({
        recipients: z.array(z.string()),
        date: localDate(),
        status: z.enum(['pending', 'overdue', 'met']),
        metAt: iso().optional(),
      }),
    )
    .optional(),
  noticeExtensions: span.optional(),
  trigger: trigger.optional(),
  procedure: procedure.optional(),
  lateIssuance: lateIssuance.optional(),
  meetings: z.record(z.string(), meeting).optional(),
  relapses: z.array(loose({ at: iso(), by: z.string() })).optional(),
  stages: z.array(stageRecord).optional(),
  appeals: z
    .array(
      loose({
        ...appealRef,
        lodgedAt: iso(),
        lodgedBy: z.string(),
        status: z.enum(['pending', 'upheld', 'varied', 'overturned']),
        decidedAt: iso().optional(),
        decidedBy: z.string().optional(),
        replacement: z.string().optional(),
      }),
    )
    .optional(),
}).register(apiRegistry, {
  id: 'PipContext',
  description: 'Goals, plan dates, deadlines, documents, outcome (pipkit `PipContext`).',
});

/** One event schema: the fields every event carries, its `type`, and its own fields. */
const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  loose({
    type: z.literal(type),
    at: iso(),
    actor: actorSchema.loose(),
    deadlines: loose({
      set: z.array(deadlineSchema).optional(),
      clear: z.array(z.string()).optional(),
    }).optional(),
    ...shape,
  });

const plan = { plan: planDates.optional() };
const sha = { documentSha256: z.string() };
const obligationRef = { obligationId: z.string() };

const EVENTS = [
  event('PIP_CREATED', {
    pipId: z.string(),
    employee,
    managerId: z.string(),
    orgUnitId: z.string().optional(),
    policy: versionRef,
    goals: z.array(goal),
    planDuration: durationSchema.loose().optional(),
    trigger: trigger.optional(),
    procedure: procedure.optional(),
  }),
  event('PLAN_UPDATED', { goals: z.array(goal) }),
  event('DOCUMENTS_ATTACHED', { documents: z.array(documentRef) }),
  event('SUBMITTED_FOR_APPROVAL', {}),
  event('APPROVAL_REJECTED', { reasonCode: z.string() }),
  event('APPROVED', { ...plan, lateIssuance: lateIssuance.optional() }),
  event('ISSUED', { ...plan, lateIssuance: lateIssuance.optional() }),
  event('ISSUANCE_OVERDUE', {}),
  event('ACKNOWLEDGED', { ...sha, ...plan }),
  event('REFUSAL_WITNESSED', { ...sha, witnessId: z.string(), ...plan }),
  event('ACKNOWLEDGEMENT_OVERDUE', {}),
  event('CHECK_IN_HELD', {
    number: z.number().int(),
    assessment: z.enum(['onTrack', 'mixed', 'offTrack']),
  }),
  event('CHECK_IN_MISSED', { number: z.number().int() }),
  event('ESCALATED', {
    trigger: z.string(),
    occurrence: z.number().int(),
    notify: z.array(z.string()),
  }),
  event('REMINDER_SENT', { target: z.string(), notify: z.array(z.string()) }),
  event('AMENDMENT_STARTED', {}),
  event('AMENDMENT_ISSUED', sha),
  event('AMENDMENT_CANCELLED', {}),
  event('INVESTIGATION_STARTED', { hostRef: z.string(), stoppedClock: z.boolean() }),
  event('INVESTIGATION_CLOSED', { finding: z.string(), heldDays: z.number(), ...plan }),
  event('INVESTIGATION_OVERDUE', {}),
  event('PAUSED', { category: z.string(), hostRef: z.string(), since: iso() }),
  event('RESUMED', {
    pausedDays: z.number(),
    plan: planDates.optional(),
    resumedAt: iso(),
    leaveDays: z.number().optional(),
    checkInsSkipped: z.number().int().optional(),
  }),
  event('EXTENDED', {
    amount: z.number(),
    unit: z.string(),
    reason: z.string(),
    plan: planDates,
    obligation: loose({
      id: z.string(),
      recipients: z.array(z.string()),
      date: localDate(),
    }).optional(),
    acknowledge: loose(sha).optional(),
  }),
  event('OBLIGATION_FULFILLED', obligationRef),
  event('OBLIGATION_OVERDUE', obligationRef),
  event('NOTICE_EXTENDED', { amount: z.number(), reason: z.string(), noticeEndDate: localDate() }),
  event('RELAPSE_RECORDED', {}),
  event('MEETING_SCHEDULED', { meetingId: z.string(), meeting }),
  event('MEETING_POSTPONED', {
    meetingId: z.string(),
    to: iso(),
    local: z.string(),
    reason: z.string(),
  }),
  event('MEETING_RECORDED', {
    meetingId: z.string(),
    outcome: z.enum(['held', 'noShow']),
    companionAttended: z.boolean().optional(),
  }),
  event('MEETING_CANCELLED', { meetingId: z.string() }),
  event('MEETING_OVERDUE', { meetingId: z.string() }),
  event('STAGE_ISSUED', { stage: stageRecord }),
  event('STAGE_REVIEW_DUE', stageRef),
  event('WARNING_EXPIRED', stageRef),
  event('APPEAL_LODGED', appealRef),
  event('APPEAL_WINDOW_CLOSED', stageRef),
  event('APPEAL_DECIDED', {
    ...appealRef,
    outcome: appealOutcome,
    replacement: stageRecord.optional(),
    reinstates: z.literal(true).optional(),
  }),
  event('APPEAL_OVERDUE', appealRef),
  event('LEGAL_HOLD_PLACED', { matterRef: z.string() }),
  event('LEGAL_HOLD_RELEASED', { matterRef: z.string() }),
  event('PURGE_DUE', { retainUntil: localDate(), heldBy: z.array(z.string()).optional() }),
  event('POLICY_MIGRATED', { from: versionRef, to: versionRef, ...plan }),
  event('PERIOD_ENDED', { early: z.boolean() }),
  event('REVIEW_OVERDUE', {}),
  event('PASSED', { ...outcomeDates, watchUntil: localDate().optional() }),
  event('WATCH_ENDED', {}),
  event('TERMINATION_PROPOSED', {
    noticeEndDate: localDate(),
    instances: z.array(citedInstance).optional(),
    absentSince: localDate().optional(),
  }),
  event('REPLY_SUBMITTED', {}),
  event('REPLY_WINDOW_CLOSED', {}),
  event('DECISION_OVERDUE', {}),
  event('DECIDED', {
    ...outcomeDates,
    decision: decisionSchema,
    effectiveAt: iso().optional(),
    instancesRelied: z.array(z.string()).optional(),
  }),
  event('CLOSED', { ...outcomeDates, reason: z.string() }),
  event('MESSAGE_DEAD_LETTERED', {
    messageId: z.string(),
    messageType: z.string(),
    attempts: z.number().int(),
    code: z.string(),
  }),
] as const;

/** `PIP_CREATED` -> `PipCreatedEvent`: the component name of an event or command type. */
export const componentName = (type: string, suffix: string) =>
  type
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('') + suffix;

for (const schema of EVENTS as readonly z.ZodObject<{ type: z.ZodLiteral<string> }>[]) {
  schema.register(apiRegistry, { id: componentName(schema.shape.type.value, 'Event') });
}

const knownEvent = z.discriminatedUnion('type', EVENTS).register(apiRegistry, {
  id: 'PipEvent',
  description: 'What happened: `type`, `at`, `actor` and its data (pipkit `PipEvent`).',
});

/** The event types this document describes. */
export const EVENT_TYPES: readonly string[] = EVENTS.map((schema) => schema.shape.type.value);

/**
 * An event of a type newer than this document: every event has `type`, `at` and `actor`. A
 * response never fails because pipkit learned a new event; the OpenAPI test checks that the
 * events the tests produce all match {@link EVENT_TYPES}' schemas.
 */
const laterEvent = loose({ type: z.string(), at: iso(), actor: actorSchema.loose() }).register(
  apiRegistry,
  { id: 'LaterEvent', description: 'An event type added to pipkit after this document.' },
);

/**
 * A stored event's payload. Typed as pipkit's `PipEvent` for the routes (a union of 45 loose
 * objects is too deep for TypeScript to compare with it).
 */
export const pipEventSchema = z.union([knownEvent, laterEvent]) as unknown as z.ZodType<
  PipEvent,
  PipEvent
>;

/** `PipContext`, typed as pipkit's for the routes. */
export const pipContextSchema = contextSchema as unknown as z.ZodType<PipContext, PipContext>;
