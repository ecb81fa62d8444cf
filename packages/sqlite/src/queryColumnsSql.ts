/**
 * The query columns of `pipkit_pips` (schema 3): core's `queryColumns` of each record, kept beside
 * it by every commit so that queries, counts and reports filter, sort and group on indexes.
 */
import { type PipRecord, type QueryColumns, queryColumns } from '@pipkit/core/adapter';

/**
 * The query columns in the order the statements bind them, with the field of `QueryColumns` each
 * holds (`created_at` is the record's `createdAt`, the `opened` filter's column).
 */
export const QUERY_COLUMN_FIELDS = [
  ['org_unit_id', 'orgUnitId'],
  ['issued_at', 'issuedAt'],
  ['issued_on', 'issuedOn'],
  ['state_since', 'stateSince'],
  ['next_due_at', 'nextDueAt'],
  ['next_kind', 'nextKind'],
  ['overdue_since', 'overdueSince'],
  ['overdue_kind', 'overdueKind'],
  ['outcome_status', 'outcomeStatus'],
  ['outcome_reason', 'outcomeReason'],
  ['outcome_at', 'outcomeAt'],
  ['outcome_on', 'outcomeOn'],
  ['plan_start', 'planStart'],
  ['plan_end', 'planEnd'],
  ['extensions', 'extensions'],
  ['paused_days', 'pausedDays'],
] as const satisfies readonly (readonly [string, keyof QueryColumns])[];

/** `created_at` and the query columns, comma-separated, in binding order. */
export const QUERY_COLUMN_LIST = [
  'created_at',
  ...QUERY_COLUMN_FIELDS.map(([column]) => column),
].join(', ');

/** `created_at = ?, issued_at = ?, ...`: the SET list of an update, in binding order. */
export const QUERY_COLUMN_SETS = QUERY_COLUMN_LIST.split(', ')
  .map((column) => `${column} = ?`)
  .join(', ');

/** The values of {@link QUERY_COLUMN_LIST} for `columns` of a record created at `createdAt`. */
export function columnValues(
  createdAt: string | null,
  columns: QueryColumns | undefined,
): (string | number | null)[] {
  return [createdAt, ...QUERY_COLUMN_FIELDS.map(([, field]) => columns?.[field] ?? null)];
}

/** The values a commit writes for `record`: its creation time and core's `queryColumns`. */
export function recordColumnValues(record: PipRecord): (string | number | null)[] {
  return columnValues(record.createdAt, queryColumns(record));
}

/** A row's query columns as `pipkit_pips` holds them (snake_case, SQLite's NULLs). */
export type QueryColumnsDbRow = Record<(typeof QUERY_COLUMN_FIELDS)[number][0], unknown>;

/**
 * The query columns as stored (not recomputed), for `inspect`: verify compares them with what
 * the events imply. Reads a count left NULL (an unreadable record at migration) as 0.
 */
export function storedQueryColumns(row: QueryColumnsDbRow): QueryColumns {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const count = (value: unknown) => (typeof value === 'number' ? value : 0);
  return {
    orgUnitId: text(row.org_unit_id),
    issuedAt: text(row.issued_at),
    issuedOn: text(row.issued_on),
    stateSince: text(row.state_since),
    nextDueAt: text(row.next_due_at),
    nextKind: text(row.next_kind),
    overdueSince: text(row.overdue_since),
    overdueKind: text(row.overdue_kind),
    outcomeStatus: text(row.outcome_status),
    outcomeReason: text(row.outcome_reason),
    outcomeAt: text(row.outcome_at),
    outcomeOn: text(row.outcome_on),
    planStart: text(row.plan_start),
    planEnd: text(row.plan_end),
    extensions: count(row.extensions),
    pausedDays: count(row.paused_days),
  };
}
