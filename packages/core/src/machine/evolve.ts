import { evolveMeetings } from './evolveMeetings.js';
import { evolveStages } from './evolveStages.js';
import type { Deadline, DeadlineChanges, OutcomeDates, PipContext, PipEvent } from './types.js';

/**
 * Folds one accepted event into the context. Pure and total: the machine decides whether an event
 * is legal in the current state; this only records what it says. @internal
 */
export function evolve(context: PipContext, event: PipEvent): PipContext {
  const next = applyDeadlines(context, event.deadlines);
  return (
    evolvePlan(next, event) ??
    evolveClock(next, event, context) ??
    evolveOutcome(next, event) ??
    evolveMeetings(next, event) ??
    evolveStages(next, event) ??
    evolveHolds(next, event, context) ??
    next
  );
}

/** Events of the plan being drafted, issued, acknowledged and checked on. */
function evolvePlan(next: PipContext, event: PipEvent): PipContext | undefined {
  switch (event.type) {
    case 'PIP_CREATED':
      return next;
    case 'PLAN_UPDATED':
      return { ...next, goals: event.goals };
    case 'DOCUMENTS_ATTACHED':
      return {
        ...next,
        documents: [
          ...next.documents,
          ...event.documents.map((document) => ({
            ...document,
            attachedAt: event.at,
            attachedBy: event.actor.id,
          })),
        ],
      };
    case 'SUBMITTED_FOR_APPROVAL':
      return { ...next, submittedBy: event.actor.id };
    // XState's assign merges into the context, so a cleared field is set to undefined (JSON drops it).
    case 'APPROVAL_REJECTED':
      return { ...next, submittedBy: undefined };
    case 'APPROVED':
    case 'ISSUED':
      return {
        ...next,
        issuedAt: event.at,
        ...(event.type === 'APPROVED' ? { approvedBy: event.actor.id } : {}),
        ...(event.plan ? { plan: event.plan } : {}),
        ...(event.lateIssuance ? { lateIssuance: event.lateIssuance } : {}),
      };
    case 'ACKNOWLEDGED':
      return {
        ...next,
        amendment: undefined,
        acknowledgement: {
          kind: 'signed',
          at: event.at,
          by: event.actor.id,
          documentSha256: event.documentSha256,
        },
        ...(event.plan ? { plan: event.plan } : {}),
      };
    case 'REFUSAL_WITNESSED':
      return {
        ...next,
        amendment: undefined,
        acknowledgement: {
          kind: 'refusalWitnessed',
          at: event.at,
          by: event.actor.id,
          documentSha256: event.documentSha256,
          witnessId: event.witnessId,
        },
        ...(event.plan ? { plan: event.plan } : {}),
      };
    case 'CHECK_IN_HELD':
      return {
        ...next,
        checkIns: {
          ...next.checkIns,
          held: next.checkIns.held + 1,
          lastHeldAt: event.at,
          next: event.number + 1,
        },
      };
    case 'CHECK_IN_MISSED':
      return {
        ...next,
        checkIns: { ...next.checkIns, missed: next.checkIns.missed + 1, next: event.number + 1 },
      };
    case 'ESCALATED':
      return { ...next, escalations: next.escalations + 1 };
    // The suspended deadlines are not kept: resuming recomputes them from the moved plan.
    default:
      return undefined;
  }
}

/** Events of the plan's clock: pauses, extensions and obligations. */
function evolveClock(
  next: PipContext,
  event: PipEvent,
  context: PipContext,
): PipContext | undefined {
  switch (event.type) {
    case 'PAUSED':
      return {
        ...next,
        pause: {
          since: event.since,
          category: event.category,
          hostRef: event.hostRef,
          resumeTo: pauseReturnTarget(context),
        },
      };
    case 'RESUMED':
      return {
        ...next,
        pause: undefined,
        ...(event.plan ? { plan: event.plan } : {}),
        pausedDays: next.pausedDays + event.pausedDays,
        ...(event.checkInsSkipped
          ? {
              checkIns: {
                ...next.checkIns,
                next: next.checkIns.next + event.checkInsSkipped,
              },
            }
          : {}),
      };
    case 'EXTENDED':
      return {
        ...next,
        ...(event.acknowledge
          ? {
              amendment: {
                startedAt: event.at,
                startedBy: event.actor.id,
                resumeTo: 'extended' as const,
                documentSha256: event.acknowledge.documentSha256,
              },
            }
          : {}),
        plan: event.plan,
        extensions: {
          count: next.extensions.count + 1,
          total: next.extensions.total + event.amount,
        },
        ...(event.obligation
          ? {
              obligations: {
                ...next.obligations,
                [event.obligation.id]: {
                  recipients: event.obligation.recipients,
                  date: event.obligation.date,
                  status: 'pending',
                },
              },
            }
          : {}),
      };
    case 'OBLIGATION_FULFILLED':
    case 'OBLIGATION_OVERDUE': {
      const obligation = next.obligations?.[event.obligationId];
      if (!obligation) return next;
      const updated =
        event.type === 'OBLIGATION_FULFILLED'
          ? { ...obligation, status: 'met' as const, metAt: event.at }
          : { ...obligation, status: 'overdue' as const };
      return { ...next, obligations: { ...next.obligations, [event.obligationId]: updated } };
    }
    default:
      return undefined;
  }
}

/** Events of notice, the record and the outcome. */
function evolveOutcome(next: PipContext, event: PipEvent): PipContext | undefined {
  switch (event.type) {
    case 'NOTICE_EXTENDED':
      return {
        ...next,
        ...(next.termination
          ? { termination: { ...next.termination, noticeEndDate: event.noticeEndDate } }
          : {}),
        noticeExtensions: {
          count: (next.noticeExtensions?.count ?? 0) + 1,
          total: (next.noticeExtensions?.total ?? 0) + event.amount,
        },
      };
    case 'LEGAL_HOLD_PLACED':
      return { ...next, legalHolds: [...(next.legalHolds ?? []), event.matterRef] };
    case 'LEGAL_HOLD_RELEASED': {
      const { legalHolds: current = [], ...rest } = next;
      const remaining = current.filter((matterRef) => matterRef !== event.matterRef);
      return remaining.length > 0 ? { ...rest, legalHolds: remaining } : rest;
    }
    case 'RELAPSE_RECORDED':
      return {
        ...next,
        outcome: undefined,
        relapses: [...(next.relapses ?? []), { at: event.at, by: event.actor.id }],
      };
    case 'POLICY_MIGRATED':
      return { ...next, policy: event.to, ...(event.plan ? { plan: event.plan } : {}) };
    case 'TERMINATION_PROPOSED':
      return {
        ...next,
        termination: {
          proposedBy: event.actor.id,
          proposedAt: event.at,
          noticeEndDate: event.noticeEndDate,
          replies: 0,
          ...(event.instances ? { instances: event.instances } : {}),
        },
      };
    case 'REPLY_SUBMITTED':
      return next.termination
        ? { ...next, termination: { ...next.termination, replies: next.termination.replies + 1 } }
        : next;
    case 'PASSED':
      return {
        ...next,
        outcome: {
          status: 'passed',
          reason: 'passed',
          at: event.at,
          by: event.actor.id,
          ...outcomeDates(event),
        },
      };
    case 'DECIDED': {
      const reason = DECISION_REASONS[event.decision];
      return {
        ...next,
        outcome: {
          status: event.decision === 'remove' ? 'terminated' : 'closed',
          reason,
          at: event.at,
          by: event.actor.id,
          ...(event.effectiveAt ? { effectiveAt: event.effectiveAt } : {}),
          ...(event.receivedOn ? { receivedOn: event.receivedOn } : {}),
          ...(event.instancesRelied ? { instancesRelied: event.instancesRelied } : {}),
          ...outcomeDates(event),
        },
      };
    }
    case 'CLOSED':
      return {
        ...next,
        outcome: {
          status: 'closed',
          reason: event.reason,
          at: event.at,
          by: event.actor.id,
          ...outcomeDates(event),
        },
      };
    default:
      return undefined;
  }
}

/** Events of amendments, investigations, and those that only move deadlines. */
function evolveHolds(
  next: PipContext,
  event: PipEvent,
  context: PipContext,
): PipContext | undefined {
  switch (event.type) {
    case 'AMENDMENT_STARTED':
      return {
        ...next,
        amendment: {
          startedAt: event.at,
          startedBy: event.actor.id,
          resumeTo: resumeTarget(context),
        },
      };
    case 'AMENDMENT_ISSUED':
      return next.amendment
        ? { ...next, amendment: { ...next.amendment, documentSha256: event.documentSha256 } }
        : next;
    case 'AMENDMENT_CANCELLED':
      return { ...next, amendment: undefined };
    case 'INVESTIGATION_STARTED':
      return {
        ...next,
        investigation: {
          since: event.at,
          hostRef: event.hostRef,
          stoppedClock: event.stoppedClock,
        },
      };
    case 'INVESTIGATION_CLOSED':
      return {
        ...next,
        investigation: undefined,
        investigationFindings: [...(next.investigationFindings ?? []), event.finding],
        ...(event.plan ? { plan: event.plan, pausedDays: next.pausedDays + event.heldDays } : {}),
      };
    case 'INVESTIGATION_OVERDUE':
    case 'ISSUANCE_OVERDUE':
    case 'REMINDER_SENT':
    case 'ACKNOWLEDGEMENT_OVERDUE':
    case 'PERIOD_ENDED':
    case 'REVIEW_OVERDUE':
    case 'WATCH_ENDED':
    case 'REPLY_WINDOW_CLOSED':
    case 'DECISION_OVERDUE':
    case 'PURGE_DUE':
      return next;
    default:
      return next;
  }
}

function outcomeDates(event: OutcomeDates): OutcomeDates {
  return {
    ...(event.appealUntil ? { appealUntil: event.appealUntil } : {}),
    ...(event.retainUntil ? { retainUntil: event.retainUntil } : {}),
    ...(event.purgeOn ? { purgeOn: event.purgeOn } : {}),
  };
}

const DECISION_REASONS = {
  remove: 'removed',
  demote: 'demoted',
  reassign: 'reassigned',
  retain: 'retained',
} as const;

/**
 * Where leave returns the PIP to: `opened` when it began before the employee acknowledged the
 * plan (or a witnessed refusal was recorded), otherwise as {@link resumeTarget}. @internal
 */
export function pauseReturnTarget(context: PipContext): 'opened' | 'active' | 'extended' {
  return context.acknowledgement === undefined ? 'opened' : resumeTarget(context);
}

/** Where a paused plan returns to: the extended phase once any extension was granted. @internal */
export function resumeTarget(context: PipContext): 'active' | 'extended' {
  return context.extensions.count > 0 ? 'extended' : 'active';
}

function applyDeadlines(context: PipContext, changes: DeadlineChanges | undefined): PipContext {
  if (!changes || (!changes.set?.length && !changes.clear?.length)) return context;
  const deadlines: Record<string, Deadline> = { ...context.deadlines };
  for (const id of changes.clear ?? []) delete deadlines[id];
  for (const deadline of changes.set ?? []) deadlines[deadline.id] = deadline;
  return { ...context, deadlines };
}
