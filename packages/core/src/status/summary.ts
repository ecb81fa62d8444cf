/**
 * The PIP's summary: the few derived facts a list filters and sorts on (what is overdue, the next
 * deadline, since when it is in its state, when it closed). The engine keeps it on the record at
 * every commit; it is a fold of the events, so `engine.verify` recomputes it from the log.
 */
import { applyEvents, flattenState, initialSnapshot, isFinalState } from '../machine/snapshot.js';
import type { PipState } from '../machine/pipMachine.js';
import type { Deadline, DeadlineKind, PipContext, PipEvent } from '../machine/types.js';
import { clearedAs, settledAs } from './deadlineStatus.js';

/** A deadline that fired while what it waits for is still owed. */
export interface OverdueItem {
  readonly id: string;
  readonly kind: DeadlineKind;
  /** When it went overdue (the sweep's fire), UTC ISO. */
  readonly since: string;
}

/** The derived facts of one PIP that queries filter and sort on. */
export interface PipSummary {
  /** Deadlines that fired while still owed, oldest first; empty when nothing is overdue. */
  readonly overdue: readonly OverdueItem[];
  /** The earliest pending deadline (reminders aside), when there is one. */
  readonly next?: { readonly id: string; readonly kind: DeadlineKind; readonly dueAt: string };
  /** When the PIP entered its current state, UTC ISO. */
  readonly stateSince: string;
  /** When it reached a final state (passed, terminated, closed), UTC ISO. */
  readonly closedAt?: string;
}

/**
 * True when `value` has the shape of a {@link PipSummary}: a stored summary that does not (a row
 * edited by hand, a corrupt record) is never folded on; the engine recomputes it from the log.
 */
export function isSummary(value: unknown): value is PipSummary {
  if (typeof value !== 'object' || value === null) return false;
  const { overdue, stateSince } = value as { overdue?: unknown; stateSince?: unknown };
  return (
    typeof stateSince === 'string' &&
    Array.isArray(overdue) &&
    overdue.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as OverdueItem).id === 'string' &&
        typeof (item as OverdueItem).kind === 'string' &&
        typeof (item as OverdueItem).since === 'string',
    )
  );
}

/** The earliest pending deadline that is for people (reminders are only notifications). */
export function nextDeadline(
  deadlines: Readonly<Record<string, Deadline>>,
): PipSummary['next'] | undefined {
  let next: Deadline | undefined;
  for (const deadline of Object.values(deadlines)) {
    if (deadline.kind === 'reminder') continue;
    if (
      !next ||
      deadline.dueAt < next.dueAt ||
      (deadline.dueAt === next.dueAt && deadline.id < next.id)
    )
      next = deadline;
  }
  return next ? { id: next.id, kind: next.kind, dueAt: next.dueAt } : undefined;
}

/** The overdue items after `event`, given the pending deadlines before it. */
function foldOverdue(
  overdue: readonly OverdueItem[],
  pending: Readonly<Record<string, Deadline>>,
  event: PipEvent,
): readonly OverdueItem[] {
  let items = overdue;
  if (items.length > 0) {
    const kept = items.filter((item) => settledAs(item, event) === undefined);
    if (kept.length !== items.length) items = kept;
  }
  for (const id of event.deadlines?.clear ?? []) {
    const deadline = pending[id];
    if (deadline && clearedAs(deadline, event) === 'overdue') {
      items = [...items, { id, kind: deadline.kind, since: event.at }];
    }
  }
  // A deadline set again is owed afresh (an acknowledgement window run again after leave), so it
  // is pending, not overdue, as `deadlineStatuses` folds it.
  const set = event.deadlines?.set;
  if (set?.length && items.length > 0) {
    const kept = items.filter((item) => !set.some((deadline) => deadline.id === item.id));
    if (kept.length !== items.length) items = kept;
  }
  return items;
}

/** The pending deadlines after `event`. */
function applyChanges(
  pending: Readonly<Record<string, Deadline>>,
  event: PipEvent,
): Readonly<Record<string, Deadline>> {
  const changes = event.deadlines;
  if (!changes || (!changes.set?.length && !changes.clear?.length)) return pending;
  const next: Record<string, Deadline> = { ...pending };
  for (const id of changes.clear ?? []) delete next[id];
  for (const deadline of changes.set ?? []) next[deadline.id] = deadline;
  return next;
}

/**
 * The summary after a commit of `events`, from the one before it (`previous`, with the state and
 * pending deadlines before the commit; none for a new PIP). @internal
 */
export function summaryAfter(
  previous:
    | {
        readonly summary: PipSummary;
        readonly state: PipState;
        readonly deadlines: Readonly<Record<string, Deadline>>;
      }
    | undefined,
  events: readonly PipEvent[],
  after: { readonly state: PipState; readonly context: PipContext },
): PipSummary {
  let overdue = previous?.summary.overdue ?? [];
  let pending = previous?.deadlines ?? {};
  for (const event of events) {
    overdue = foldOverdue(overdue, pending, event);
    pending = applyChanges(pending, event);
  }
  const last = events[events.length - 1];
  const stateSince =
    previous && previous.state === after.state
      ? previous.summary.stateSince
      : (last?.at ?? previous?.summary.stateSince ?? '');
  return withoutUndefined({
    overdue,
    next: nextDeadline(after.context.deadlines),
    stateSince,
    closedAt: isFinalState(after.state) ? stateSince : undefined,
  });
}

/**
 * The summary of a PIP from its whole history: what the engine would have kept at each commit,
 * given each event its own state change. Throws, like a replay, on a log that does not start with
 * `PIP_CREATED` or holds an event its state does not accept.
 */
export function summarize(events: readonly PipEvent[]): PipSummary {
  const [first, ...rest] = events;
  if (!first || first.type !== 'PIP_CREATED')
    throw new Error('A PIP history starts with PIP_CREATED.');
  let snapshot = initialSnapshot(first);
  let summary = summaryAfter(undefined, [first], {
    state: flattenState(snapshot.value),
    context: snapshot.context,
  });
  for (const event of rest) {
    const next = applyEvents(snapshot, [event]);
    if (!next) throw new Error('The history contains an event its state does not accept.');
    const before = {
      summary,
      state: flattenState(snapshot.value),
      deadlines: snapshot.context.deadlines,
    };
    summary = summaryAfter(before, [event], {
      state: flattenState(next.value),
      context: next.context,
    });
    snapshot = next;
  }
  return summary;
}

function withoutUndefined(summary: {
  overdue: readonly OverdueItem[];
  next: PipSummary['next'] | undefined;
  stateSince: string;
  closedAt: string | undefined;
}): PipSummary {
  return {
    overdue: summary.overdue,
    ...(summary.next ? { next: summary.next } : {}),
    stateSince: summary.stateSince,
    ...(summary.closedAt ? { closedAt: summary.closedAt } : {}),
  };
}
