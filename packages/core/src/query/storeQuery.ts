/**
 * A query as the engine hands it to a store: the validated filter, the actor's read scope, the
 * order and the keyset position to continue after. Also the reference semantics every store must
 * match (the memory store runs them directly; SQL stores translate them).
 */
import { z } from 'zod';
import type { PipState } from '../machine/pipMachine.js';
import {
  type Actor,
  DEFAULT_TENANT_WIDE_READERS,
  hostIdSchema,
  type Role,
} from '../model/actor.js';
import type { PipContext } from '../machine/types.js';
import type { PipSummary } from '../status/summary.js';
import type { NormalizedFilter, QuerySort } from './pipFilter.js';

/** The parts of a stored record a query row is made of. */
export interface QuerySource {
  readonly pipId: string;
  readonly employeeId: string;
  readonly managerId: string;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly state: PipState;
  readonly context: PipContext;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly summary?: PipSummary | undefined;
}
import { type QueryColumns, queryColumns } from './queryColumns.js';

/**
 * Which PIPs an actor may see, pushed into the query so pages and counts are right: `'all'`, or
 * the PIPs of these employees, with these managers, or of these organisational units (any
 * matches). `{}` sees none.
 */
export type ReadScope =
  | 'all'
  | {
      readonly employeeIds?: readonly string[];
      readonly managerIds?: readonly string[];
      readonly orgUnitIds?: readonly string[];
    };

/**
 * Where a page ended: the sort key of its last PIP (`nextDueAt` or `updatedAt`; `null` for a PIP
 * with no next deadline, and for the `pipId` order) and its id.
 */
export interface QueryPosition {
  readonly key: string | null;
  readonly pipId: string;
}

/** A query for a store's `queryPips`. */
export interface StoreQuery {
  readonly filter: NormalizedFilter;
  readonly scope: ReadScope;
  readonly sort: QuerySort;
  /** Continue after this position (keyset paging). */
  readonly after?: QueryPosition;
  /** At most this many rows (1 to 1,000). */
  readonly limit: number;
}

/** The facts of one stored PIP a query filters and sorts on. */
export interface QueryRow extends QueryColumns {
  readonly pipId: string;
  readonly employeeId: string;
  readonly managerId: string;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly state: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The read scope the default authorizer implies: an employee their own plans, a manager the plans
 * they manage, and the `tenantWideReaders` (HR, legal and the system by default) every plan of
 * the store; anyone else none. Pass the same `tenantWideReaders` as to `createDefaultAuthorizer`
 * (`defaultAuthorization` does both).
 */
export function defaultReadScope(
  actor: Actor,
  options: { readonly tenantWideReaders?: readonly Role[] } = {},
): ReadScope {
  const tenantWideReaders = options.tenantWideReaders ?? DEFAULT_TENANT_WIDE_READERS;
  if (actor.role === 'employee') return { employeeIds: [actor.id] };
  if (tenantWideReaders.includes(actor.role)) return 'all';
  if (actor.role === 'manager') return { managerIds: [actor.id] };
  return {};
}

/** A read scope as a host's `readScope` must give it (at most 10,000 ids of each kind). */
export const readScopeSchema = z.union([
  z.literal('all'),
  z
    .object({
      employeeIds: z.array(hostIdSchema).max(10_000).optional(),
      managerIds: z.array(hostIdSchema).max(10_000).optional(),
      orgUnitIds: z.array(hostIdSchema).max(10_000).optional(),
    })
    .strict(),
]);

/** True when `row` is in `scope`. */
export function inScope(
  row: Pick<QueryRow, 'employeeId' | 'managerId' | 'orgUnitId'>,
  scope: ReadScope,
): boolean {
  if (scope === 'all') return true;
  return (
    (scope.employeeIds?.includes(row.employeeId) ?? false) ||
    (scope.managerIds?.includes(row.managerId) ?? false) ||
    (row.orgUnitId !== null && (scope.orgUnitIds?.includes(row.orgUnitId) ?? false))
  );
}

const within = (
  value: string | null,
  range: { readonly from?: string | undefined; readonly to?: string | undefined },
): boolean =>
  value !== null &&
  (range.from === undefined || value >= range.from) &&
  (range.to === undefined || value < range.to);

/** True when `row` matches every filter (the reference semantics of a query). */
export function matchesFilter(row: QueryRow, filter: NormalizedFilter): boolean {
  const { states, outcomes, outcomeReasons, employeeIds, managerIds, policies } = filter;
  if (states && !(states as readonly string[]).includes(row.state)) return false;
  if (outcomes && !(outcomes as readonly (string | null)[]).includes(row.outcomeStatus))
    return false;
  if (outcomeReasons && !(outcomeReasons as readonly (string | null)[]).includes(row.outcomeReason))
    return false;
  if (employeeIds && !employeeIds.includes(row.employeeId)) return false;
  if (managerIds && !managerIds.includes(row.managerId)) return false;
  if (filter.orgUnitIds && (row.orgUnitId === null || !filter.orgUnitIds.includes(row.orgUnitId)))
    return false;
  if (
    policies &&
    !policies.some(
      (policy) =>
        policy.id === row.policyId &&
        (policy.version === undefined || policy.version === row.policyVersion),
    )
  )
    return false;
  if (filter.overdue !== undefined && filter.overdue !== (row.overdueSince !== null)) return false;
  const next = filter.nextDeadline;
  if (next) {
    if (!within(row.nextDueAt, next)) return false;
    if (next.kinds && !(next.kinds as readonly (string | null)[]).includes(row.nextKind))
      return false;
  }
  if (filter.opened && !within(row.createdAt, filter.opened)) return false;
  if (filter.closed && !within(row.outcomeAt, filter.closed)) return false;
  if (filter.stateSince && !within(row.stateSince, filter.stateSince)) return false;
  return true;
}

/** The position of `row` in `sort` order. */
export function positionOf(row: QueryRow, sort: QuerySort): QueryPosition {
  const key =
    sort === 'nextDeadline' ? row.nextDueAt : sort === 'lastChange' ? row.updatedAt : null;
  return { key, pipId: row.pipId };
}

/** Compares two positions in `sort` order (negative: `a` comes first). */
export function comparePositions(a: QueryPosition, b: QueryPosition, sort: QuerySort): number {
  const byId = a.pipId < b.pipId ? -1 : a.pipId > b.pipId ? 1 : 0;
  if (sort === 'pipId') return byId;
  if (sort === 'lastChange') {
    const byKey = (a.key ?? '') < (b.key ?? '') ? 1 : (a.key ?? '') > (b.key ?? '') ? -1 : 0;
    return byKey !== 0 ? byKey : -byId;
  }
  // nextDeadline: the earliest first, PIPs with none last.
  if (a.key === b.key) return byId;
  if (a.key === null) return 1;
  if (b.key === null) return -1;
  return a.key < b.key ? -1 : 1;
}

/** The rows of one page: in scope, matching, after the position, in order, at most `limit`. */
export function selectPage<R extends QueryRow>(rows: Iterable<R>, query: StoreQuery): R[] {
  const { filter, scope, sort, after, limit } = query;
  const matching: R[] = [];
  for (const row of rows) {
    if (!inScope(row, scope) || !matchesFilter(row, filter)) continue;
    if (after && comparePositions(positionOf(row, sort), after, sort) <= 0) continue;
    matching.push(row);
  }
  matching.sort((a, b) => comparePositions(positionOf(a, sort), positionOf(b, sort), sort));
  return matching.slice(0, limit);
}

/** How many rows are in scope and match. */
export function countMatching(
  rows: Iterable<QueryRow>,
  query: Pick<StoreQuery, 'filter' | 'scope'>,
): number {
  let count = 0;
  for (const row of rows)
    if (inScope(row, query.scope) && matchesFilter(row, query.filter)) count++;
  return count;
}

/** The query row of a stored record: its envelope and its {@link queryColumns}. */
export function queryRowOf(record: QuerySource): QueryRow {
  return {
    pipId: record.pipId,
    employeeId: record.employeeId,
    managerId: record.managerId,
    policyId: record.policyId,
    policyVersion: record.policyVersion,
    state: record.state,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...queryColumns(record),
  };
}
