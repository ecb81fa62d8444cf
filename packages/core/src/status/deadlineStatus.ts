/**
 * What became of each deadline: pending, met, missed, overdue, elapsed or cancelled, and when.
 * A pure fold over the events (every event says which deadlines it set and cleared), so replaying
 * the log always gives the same statuses, and no policy or clock is needed to read them.
 */
import type { Deadline, DeadlineKind, PipEvent } from '../machine/types.js';

/**
 * The status of one deadline.
 * - `pending`: not yet due, or due and not yet fired by the sweep.
 * - `met`: what it waited for happened (a check-in held, the plan acknowledged, a decision made);
 *   `late` says it happened after the deadline had already been marked overdue.
 * - `missed`: it fired and the chance has gone (a check-in that did not take place).
 * - `overdue`: it fired and what it waits for is still owed (an acknowledgement, a review, a
 *   decision, an investigation's finding, an obligation of the employer).
 * - `elapsed`: a point in time was reached (the plan's end, a reply window, a watch period, the
 *   planned end of leave, a reminder sent).
 * - `cancelled`: removed before it was due or met: the plan paused, ended early, closed or moved
 *   to another policy version.
 */
export type DeadlineStatusValue =
  'pending' | 'met' | 'missed' | 'overdue' | 'elapsed' | 'cancelled';

/** The statuses, for validation and for the store's columns. */
export const DEADLINE_STATUSES = [
  'pending',
  'met',
  'missed',
  'overdue',
  'elapsed',
  'cancelled',
] as const satisfies readonly DeadlineStatusValue[];

/** One deadline of a PIP and what became of it. */
export interface DeadlineStatus {
  /** The deadline's id within the PIP (`planEnd`, `checkIn:3`). */
  readonly id: string;
  readonly kind: DeadlineKind;
  /** When it was (or is) due, UTC ISO: the last due time it had. */
  readonly dueAt: string;
  /** The local date it fell (or falls) on, in the employee's zone. */
  readonly date: string;
  readonly status: DeadlineStatusValue;
  /** When the status last changed (the event's time); for `pending`, when it was last set. */
  readonly changedAt: string;
  /** For a deadline that went overdue: when it did (kept once it is met or cancelled). */
  readonly overdueSince?: string;
  /** For `met`: true when it was met only after it had gone overdue. */
  readonly late?: boolean;
}

/** The event the sweep records when a deadline of each kind fires. */
const FIRED_AS: Readonly<Record<DeadlineKind, PipEvent['type']>> = {
  acknowledgement: 'ACKNOWLEDGEMENT_OVERDUE',
  checkIn: 'CHECK_IN_MISSED',
  planEnd: 'PERIOD_ENDED',
  review: 'REVIEW_OVERDUE',
  reply: 'REPLY_WINDOW_CLOSED',
  decision: 'DECISION_OVERDUE',
  watch: 'WATCH_ENDED',
  pauseEnd: 'RESUMED',
  reminder: 'REMINDER_SENT',
  investigation: 'INVESTIGATION_OVERDUE',
  obligation: 'OBLIGATION_OVERDUE',
  meeting: 'MEETING_OVERDUE',
  issuance: 'ISSUANCE_OVERDUE',
  purge: 'PURGE_DUE',
  stageReview: 'STAGE_REVIEW_DUE',
  warning: 'WARNING_EXPIRED',
  appealWindow: 'APPEAL_WINDOW_CLOSED',
  appealDecision: 'APPEAL_OVERDUE',
};

/** What a fired deadline of each kind becomes. */
const ON_FIRE: Readonly<Record<DeadlineKind, 'missed' | 'overdue' | 'elapsed'>> = {
  acknowledgement: 'overdue',
  checkIn: 'missed',
  planEnd: 'elapsed',
  review: 'overdue',
  reply: 'elapsed',
  decision: 'overdue',
  watch: 'elapsed',
  pauseEnd: 'elapsed',
  reminder: 'elapsed',
  investigation: 'overdue',
  obligation: 'overdue',
  meeting: 'overdue',
  issuance: 'overdue',
  purge: 'elapsed',
  stageReview: 'elapsed',
  warning: 'elapsed',
  appealWindow: 'elapsed',
  appealDecision: 'overdue',
};

/**
 * The events that do what a deadline of each kind waits for. A deadline they clear is `met`;
 * an overdue one of that kind they settle is `met` late.
 */
const MET_BY: Readonly<Record<DeadlineKind, readonly PipEvent['type'][]>> = {
  acknowledgement: ['ACKNOWLEDGED', 'REFUSAL_WITNESSED'],
  checkIn: ['CHECK_IN_HELD'],
  planEnd: [],
  review: ['PASSED', 'TERMINATION_PROPOSED', 'DECIDED', 'EXTENDED', 'STAGE_ISSUED'],
  reply: [],
  decision: ['DECIDED'],
  watch: [],
  pauseEnd: ['RESUMED'],
  reminder: [],
  investigation: ['INVESTIGATION_CLOSED'],
  obligation: ['OBLIGATION_FULFILLED'],
  meeting: ['MEETING_RECORDED'],
  issuance: ['ISSUED', 'APPROVED'],
  purge: [],
  stageReview: [],
  warning: [],
  appealWindow: ['APPEAL_LODGED'],
  appealDecision: ['APPEAL_DECIDED'],
};

/** Events that end the plan: whatever is still overdue is settled by them (met or cancelled). */
const ENDS_PLAN: ReadonlySet<PipEvent['type']> = new Set(['PASSED', 'DECIDED', 'CLOSED']);

/** The obligation id of an `obligation:<id>` deadline. */
const obligationOf = (deadlineId: string): string => deadlineId.slice('obligation:'.length);
/** The meeting id of a `meeting:<id>` deadline. */
const meetingOf = (deadlineId: string): string => deadlineId.slice('meeting:'.length);

/** A deadline as the statuses know it: its id and kind. */
type DeadlineRef = Pick<Deadline, 'id' | 'kind'>;

/** True when `event` is the sweep firing `deadline` (not a person doing what it waited for). */
function firedBy(deadline: DeadlineRef, event: PipEvent): boolean {
  if (event.type !== FIRED_AS[deadline.kind] || event.actor.role !== 'system') return false;
  if (event.type === 'CHECK_IN_MISSED') return deadline.id === `checkIn:${event.number}`;
  if (event.type === 'OBLIGATION_OVERDUE') return obligationOf(deadline.id) === event.obligationId;
  if (event.type === 'MEETING_OVERDUE') return meetingOf(deadline.id) === event.meetingId;
  if (
    event.type === 'STAGE_REVIEW_DUE' ||
    event.type === 'WARNING_EXPIRED' ||
    event.type === 'APPEAL_WINDOW_CLOSED'
  ) {
    return deadline.id === `${deadline.kind}:${event.stageNumber}`;
  }
  return true;
}

/** True when `event` does what a deadline like `entry` (of its kind, and obligation) waits for. */
function meets(entry: DeadlineRef, event: PipEvent): boolean {
  if (!MET_BY[entry.kind].includes(event.type)) return false;
  if (event.type === 'OBLIGATION_FULFILLED') return obligationOf(entry.id) === event.obligationId;
  if (event.type === 'MEETING_RECORDED') return meetingOf(entry.id) === event.meetingId;
  if (event.type === 'APPEAL_LODGED') return entry.id === `appealWindow:${event.stageNumber}`;
  return true;
}

/** What a deadline cleared by `event` becomes. @internal */
export function clearedAs(
  deadline: DeadlineRef,
  event: PipEvent,
): 'met' | 'missed' | 'overdue' | 'elapsed' | 'cancelled' {
  if (firedBy(deadline, event)) return ON_FIRE[deadline.kind];
  return meets(deadline, event) ? 'met' : 'cancelled';
}

/**
 * What an overdue deadline becomes after `event`: `met` (late) when the event does what it
 * waited for, `cancelled` when the plan ends otherwise, unchanged (`undefined`) when neither.
 * @internal
 */
export function settledAs(overdue: DeadlineRef, event: PipEvent): 'met' | 'cancelled' | undefined {
  if (meets(overdue, event)) return 'met';
  if (event.type === 'MEETING_CANCELLED' && overdue.kind === 'meeting') {
    return meetingOf(overdue.id) === event.meetingId ? 'cancelled' : undefined;
  }
  return ENDS_PLAN.has(event.type) ? 'cancelled' : undefined;
}

/**
 * Folds one event into the deadlines' statuses, by id in the order they were first set: overdue
 * ones it settles, pending ones it clears, and the ones it sets (again) as pending. Pure but for
 * updating `statuses`. @internal
 */
export function foldDeadlineStatuses(statuses: Map<string, DeadlineStatus>, event: PipEvent): void {
  const at = event.at;
  for (const entry of statuses.values()) {
    if (entry.status !== 'overdue') continue;
    const settled = settledAs(entry, event);
    if (settled) {
      const late = settled === 'met' ? { late: true } : {};
      statuses.set(entry.id, { ...entry, status: settled, changedAt: at, ...late });
    }
  }
  for (const id of event.deadlines?.clear ?? []) {
    const entry = statuses.get(id);
    if (!entry || entry.status !== 'pending') continue;
    const status = clearedAs(entry, event);
    const since = status === 'overdue' ? { overdueSince: at } : {};
    statuses.set(id, { ...entry, status, changedAt: at, ...since });
  }
  for (const deadline of event.deadlines?.set ?? []) {
    statuses.set(deadline.id, {
      id: deadline.id,
      kind: deadline.kind,
      dueAt: deadline.dueAt,
      date: deadline.date,
      status: 'pending',
      changedAt: at,
    });
  }
}

/** Every deadline the PIP has had and what became of it, from its events in order. */
export function deadlineStatuses(events: readonly PipEvent[]): DeadlineStatus[] {
  const statuses = new Map<string, DeadlineStatus>();
  for (const event of events) foldDeadlineStatuses(statuses, event);
  return [...statuses.values()];
}
