/**
 * The columns a store keeps beside each PIP's record so queries and reports run on indexes: one
 * function every store calls at commit, so memory, SQLite and Postgres filter, sort and count the
 * same facts. Pure.
 */
import type { PipState } from '../machine/pipMachine.js';
import type { PipContext } from '../machine/types.js';
import type { PipSummary } from '../status/summary.js';
import { isSummary, nextDeadline } from '../status/summary.js';

/** The derived columns of one PIP (null where the fact does not apply or is not known). */
export interface QueryColumns {
  /** The organisational unit given at open. */
  readonly orgUnitId: string | null;
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

/** One formatter per zone: formatting with it is a microsecond, building it is not. */
const formatters = new Map<string, Intl.DateTimeFormat | undefined>();

function formatterOf(zone: string): Intl.DateTimeFormat | undefined {
  if (!formatters.has(zone)) {
    let formatter: Intl.DateTimeFormat | undefined;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        calendar: 'iso8601',
        numberingSystem: 'latn',
      });
    } catch {
      formatter = undefined;
    }
    // Zones are few (IANA names); an unknown one is remembered as such.
    if (formatters.size < 1000) formatters.set(zone, formatter);
    return formatter;
  }
  return formatters.get(zone);
}

/**
 * The local date of `instant` in `zone` (the UTC date when the zone is not known), by the same
 * IANA rules luxon uses (both read the runtime's time zone data), at every commit without
 * luxon's cost.
 */
function localDate(instant: string, zone: string): string {
  // A PIP's issue instant is the same at every commit: remember recent answers.
  const key = `${zone} ${instant}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const date = computeLocalDate(instant, zone);
  if (recent.size >= 4096) recent.clear();
  recent.set(key, date);
  return date;
}

/** Recent local dates by zone and instant. */
const recent = new Map<string, string>();

function computeLocalDate(instant: string, zone: string): string {
  const formatter = formatterOf(zone);
  const date = new Date(instant);
  if (!formatter || Number.isNaN(date.getTime())) return date.toISOString().slice(0, 10);
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatter.formatToParts(date)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

/** The query columns of a record. */
export function queryColumns(record: ColumnSource): QueryColumns {
  const { context, summary } = record;
  const zone = context.employee.timeZone;
  const next = nextDeadline(context.deadlines);
  const overdue = isSummary(summary) ? summary.overdue[0] : undefined;
  const outcome = context.outcome;
  return {
    orgUnitId: context.orgUnitId ?? null,
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
