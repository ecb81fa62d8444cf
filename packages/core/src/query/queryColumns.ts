/**
 * The columns a store keeps beside each PIP's record so queries and reports run on indexes: one
 * function every store calls at commit, so memory, SQLite and Postgres filter, sort and count the
 * same facts. Pure.
 */
import { DateTime } from 'luxon';
import type { PipState } from '../machine/pipMachine.js';
import type { PipContext } from '../machine/types.js';
import type { PipSummary } from '../status/summary.js';
import { isSummary, nextDeadline } from '../status/summary.js';

/** The derived columns of one PIP (null where the fact does not apply or is not known). */
export interface QueryColumns {
  /** When the plan was issued to the employee, UTC ISO. */
  readonly issuedAt: string | null;
  /** The local date it was issued, in the employee's zone. */
  readonly issuedOn: string | null;
  /** When the PIP entered its current state; null for a record written before summaries. */
  readonly stateSince: string | null;
  /** The earliest pending deadline (reminders aside): when it is due, and its kind. */
  readonly nextDueAt: string | null;
  readonly nextKind: string | null;
  /**
   * When its oldest overdue deadline went overdue, and that deadline's kind; null when nothing is
   * overdue (or, for a record written before summaries, not known yet).
   */
  readonly overdueSince: string | null;
  readonly overdueKind: string | null;
  /** The outcome (passed, terminated, closed), its reason, when it was given and its local date. */
  readonly outcomeStatus: string | null;
  readonly outcomeReason: string | null;
  readonly outcomeAt: string | null;
  readonly outcomeOn: string | null;
  /** The plan period's local dates, once issued. */
  readonly planStart: string | null;
  readonly planEnd: string | null;
  /** Extensions granted, and the days the clock stood still for leave. */
  readonly extensions: number;
  readonly pausedDays: number;
}

/** The facts of a record the columns are computed from. */
export interface ColumnSource {
  readonly state: PipState;
  readonly context: PipContext;
  readonly summary?: PipSummary | undefined;
}

/** The local date of `instant` in `zone` (the UTC date when the zone is not known). */
function localDate(instant: string, zone: string): string {
  const local = DateTime.fromISO(instant, { zone });
  return (local.isValid ? local : DateTime.fromISO(instant, { zone: 'utc' })).toISODate() ?? '';
}

/** The query columns of a record. */
export function queryColumns(record: ColumnSource): QueryColumns {
  const { context, summary } = record;
  const zone = context.employee.timeZone;
  const next = nextDeadline(context.deadlines);
  const overdue = isSummary(summary) ? summary.overdue[0] : undefined;
  const outcome = context.outcome;
  return {
    issuedAt: context.issuedAt ?? null,
    issuedOn: context.issuedAt ? localDate(context.issuedAt, zone) : null,
    stateSince: isSummary(summary) ? summary.stateSince : null,
    nextDueAt: next?.dueAt ?? null,
    nextKind: next?.kind ?? null,
    overdueSince: overdue?.since ?? null,
    overdueKind: overdue?.kind ?? null,
    outcomeStatus: outcome?.status ?? null,
    outcomeReason: outcome?.reason ?? null,
    outcomeAt: outcome?.at ?? null,
    outcomeOn: outcome ? localDate(outcome.at, zone) : null,
    planStart: context.plan?.startDate ?? null,
    planEnd: context.plan?.endDate ?? null,
    extensions: context.extensions.count,
    pausedDays: context.pausedDays,
  };
}
