import { assign, setup } from 'xstate';
import { evolve } from './evolve.js';
import type { PipContext, PipEvent, PipEventType } from './types.js';

/**
 * The version of the machine's shape. Stored with every PIP; bump it when a state is renamed or
 * moved so stored PIPs can be migrated explicitly.
 */
export const MACHINE_VERSION = 1;

/** Every state value a PIP can be in, flattened with dots (`passed.watching`). */
export const PIP_STATES = [
  'draft',
  'pendingApproval',
  'opened',
  'active',
  'paused',
  'extended',
  'amending.editing',
  'amending.awaitingAcknowledgement',
  'review',
  'passed.watching',
  'passed.completed',
  'terminationProposed',
  'terminated',
  'closed',
  'reinstated',
] as const;

/** A PIP's state, flattened with dots. */
export type PipState = (typeof PIP_STATES)[number];

/** States from which nothing moves: a command on them is refused with `PIP_CLOSED`. */
export const FINAL_STATES: readonly PipState[] = [
  'passed.completed',
  'terminated',
  'closed',
  'reinstated',
];

type On = Partial<Record<PipEventType, unknown>>;

/** A self-transition that records the event. */
const note = { actions: 'record' } as const;
/** Moves to `target` and records the event. */
const to = (target: string) => ({ target, actions: 'record' }) as const;

/**
 * What every running state accepts: documents, reminders of its own deadlines, obligations met or
 * overdue, a recorded move to another policy version, meetings, and formal stages. (Appeals are
 * about the record: they are accepted in every state, final ones included; see `RECORD_EVENTS`.)
 */
const attach = {
  DOCUMENTS_ATTACHED: note,
  REMINDER_SENT: note,
  OBLIGATION_FULFILLED: note,
  OBLIGATION_OVERDUE: note,
  POLICY_MIGRATED: note,
  MEETING_SCHEDULED: note,
  MEETING_POSTPONED: note,
  MEETING_RECORDED: note,
  MEETING_CANCELLED: note,
  MEETING_OVERDUE: note,
  ISSUANCE_OVERDUE: note,
  STAGE_ISSUED: note,
  STAGE_REVIEW_DUE: note,
  WARNING_EXPIRED: note,
  APPEAL_WINDOW_CLOSED: note,
  APPEAL_OVERDUE: note,
} satisfies On;
const closable = { CLOSED: to('#pip.closed') } satisfies On;
/** An investigation hold is an overlay on any running state, never a state of its own. */
const investigable = {
  INVESTIGATION_STARTED: note,
  INVESTIGATION_CLOSED: note,
  INVESTIGATION_OVERDUE: note,
  ESCALATED: note,
} satisfies On;

/** What a record opened for a procedure without a plan accepts in draft. */
const withoutPlan = {
  INVESTIGATION_STARTED: { guard: 'withoutPlan', actions: 'record' },
  INVESTIGATION_CLOSED: { guard: 'withoutPlan', actions: 'record' },
  INVESTIGATION_OVERDUE: { guard: 'withoutPlan', actions: 'record' },
  ESCALATED: { guard: 'withoutPlan', actions: 'record' },
  TERMINATION_PROPOSED: {
    guard: 'withoutPlan',
    target: '#pip.terminationProposed',
    actions: 'record',
  },
} as const;

const planPhase = {
  ...attach,
  ...closable,
  ...investigable,
  AMENDMENT_STARTED: to('#pip.amending'),
  CHECK_IN_HELD: note,
  CHECK_IN_MISSED: note,
  PAUSED: to('#pip.paused'),
  EXTENDED: [
    {
      guard: 'extensionAwaitsAcknowledgement',
      target: '#pip.amending.awaitingAcknowledgement',
      actions: 'record',
    },
    { target: '#pip.extended', actions: 'record' },
  ] as const,
  PERIOD_ENDED: to('#pip.review'),
} satisfies On;

/**
 * The PIP lifecycle as an XState v5 machine. Pure: guards and `assign` only, no delays, no actors.
 * It consumes accepted {@link PipEvent}s (facts), never raw commands: the engine decides, the
 * machine records. Hosts may inspect it (`pipMachine.states`) or render it with {@link toMermaid}.
 *
 * @example
 * ```ts
 * import { initialTransition } from 'xstate';
 * const [snapshot] = initialTransition(pipMachine, createdEvent);
 * snapshot.value; // 'draft'
 * ```
 */
export const pipMachine = setup({
  types: {
    context: {} as PipContext,
    events: {} as PipEvent,
    input: {} as Extract<PipEvent, { type: 'PIP_CREATED' }>,
  },
  actions: { record: assign(({ context, event }) => evolve(context, event)) },
  guards: {
    resumesToOpened: ({ context }) => context.pause?.resumeTo === 'opened',
    resumesToExtended: ({ context }) => context.pause?.resumeTo === 'extended',
    amendmentReturnsToExtended: ({ context }) => context.amendment?.resumeTo === 'extended',
    hasWatchWindow: ({ event }) => event.type === 'PASSED' && event.watchUntil !== undefined,
    removes: ({ event }) => event.type === 'DECIDED' && event.decision === 'remove',
    withoutPlan: ({ context }) => context.procedure !== undefined,
    reinstates: ({ event }) => event.type === 'APPEAL_DECIDED' && event.reinstates === true,
    extensionAwaitsAcknowledgement: ({ event }) =>
      event.type === 'EXTENDED' && event.acknowledge !== undefined,
  },
}).createMachine({
  id: 'pip',
  initial: 'draft',
  context: ({ input }) => ({
    pipId: input.pipId,
    employee: input.employee,
    managerId: input.managerId,
    ...(input.orgUnitId ? { orgUnitId: input.orgUnitId } : {}),
    policy: input.policy,
    createdAt: input.at,
    createdBy: input.actor.id,
    goals: input.goals,
    ...(input.planDuration ? { planDuration: input.planDuration } : {}),
    ...(input.trigger ? { trigger: input.trigger } : {}),
    ...(input.procedure ? { procedure: input.procedure } : {}),
    documents: [],
    checkIns: { held: 0, missed: 0, next: 1 },
    extensions: { count: 0, total: 0 },
    pausedDays: 0,
    escalations: 0,
    // Opening may set a deadline: issuing the plan within the policy's time from its trigger.
    deadlines: Object.fromEntries(
      (input.deadlines?.set ?? []).map((deadline) => [deadline.id, deadline]),
    ),
  }),
  states: {
    draft: {
      on: {
        ...attach,
        ...closable,
        PLAN_UPDATED: note,
        SUBMITTED_FOR_APPROVAL: to('pendingApproval'),
        ISSUED: to('opened'),
        // A procedure without a plan (misconduct, job abandonment) goes from draft to the notice,
        // with an investigation first where it needs one.
        ...withoutPlan,
      },
    },
    pendingApproval: {
      on: { ...attach, ...closable, APPROVED: to('opened'), APPROVAL_REJECTED: to('draft') },
    },
    opened: {
      on: {
        ...attach,
        ...closable,
        ACKNOWLEDGED: to('active'),
        REFUSAL_WITNESSED: to('active'),
        ...investigable,
        ACKNOWLEDGEMENT_OVERDUE: note,
        // Leave while the plan awaits acknowledgement stops its clock too, and returns here.
        PAUSED: to('#pip.paused'),
        // Under `startsOn: 'issue'` the period runs before acknowledgement: its check-ins and end
        // are due here too, and are never held back until the employee signs.
        CHECK_IN_HELD: note,
        CHECK_IN_MISSED: note,
        PERIOD_ENDED: to('#pip.review'),
      },
    },
    active: { on: planPhase },
    extended: { on: planPhase },
    paused: {
      on: {
        ...attach,
        ...closable,
        ...investigable,
        RESUMED: [
          { guard: 'resumesToOpened', target: 'opened', actions: 'record' },
          { guard: 'resumesToExtended', target: 'extended', actions: 'record' },
          { target: 'active', actions: 'record' },
        ],
      },
    },
    amending: {
      // An edit pause: the plan is being changed and the employee re-acknowledges it. The clock
      // keeps running, so the period's check-ins and end are due here too.
      initial: 'editing',
      on: {
        ...attach,
        ...closable,
        ...investigable,
        CHECK_IN_HELD: note,
        CHECK_IN_MISSED: note,
        PERIOD_ENDED: to('#pip.review'),
      },
      states: {
        editing: {
          on: {
            PLAN_UPDATED: note,
            AMENDMENT_ISSUED: to('awaitingAcknowledgement'),
            AMENDMENT_CANCELLED: [
              { guard: 'amendmentReturnsToExtended', target: '#pip.extended', actions: 'record' },
              { target: '#pip.active', actions: 'record' },
            ],
          },
        },
        awaitingAcknowledgement: {
          on: {
            ACKNOWLEDGEMENT_OVERDUE: note,
            ACKNOWLEDGED: [
              { guard: 'amendmentReturnsToExtended', target: '#pip.extended', actions: 'record' },
              { target: '#pip.active', actions: 'record' },
            ],
            REFUSAL_WITNESSED: [
              { guard: 'amendmentReturnsToExtended', target: '#pip.extended', actions: 'record' },
              { target: '#pip.active', actions: 'record' },
            ],
          },
        },
      },
    },
    review: {
      on: {
        ...attach,
        ...closable,
        ...investigable,
        REVIEW_OVERDUE: note,
        PASSED: [
          { guard: 'hasWatchWindow', target: 'passed.watching', actions: 'record' },
          { target: 'passed.completed', actions: 'record' },
        ],
        TERMINATION_PROPOSED: to('terminationProposed'),
      },
    },
    passed: {
      initial: 'watching',
      states: {
        watching: {
          on: { ...attach, WATCH_ENDED: to('completed'), RELAPSE_RECORDED: to('#pip.review') },
        },
        completed: { type: 'final' },
      },
    },
    terminationProposed: {
      on: {
        ...attach,
        ...closable,
        REPLY_SUBMITTED: note,
        REPLY_WINDOW_CLOSED: note,
        DECISION_OVERDUE: note,
        NOTICE_EXTENDED: note,
        ...investigable,
        DECIDED: [
          { guard: 'removes', target: 'terminated', actions: 'record' },
          { target: 'closed', actions: 'record' },
        ],
      },
    },
    // Final for commands (FINAL_STATES), but an appeal that overturns the dismissal reinstates
    // the employee (Acas Code paras 26-29): the one way out of it.
    terminated: {
      on: { APPEAL_DECIDED: { guard: 'reinstates', target: 'reinstated', actions: 'record' } },
    },
    closed: { type: 'final' },
    reinstated: { type: 'final' },
  },
});

/** The machine's type, for hosts that type their own helpers. */
export type PipMachine = typeof pipMachine;
