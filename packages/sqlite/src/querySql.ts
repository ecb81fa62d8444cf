/**
 * A query's read scope and filters as one SQL condition with bound parameters only: every value,
 * list and range is a parameter, never part of the SQL text. Lists of ids go in as one JSON
 * parameter read with `json_each`, so ten thousand ids are still one parameter.
 */
import type { NormalizedFilter, ReadScope } from '@pipkit/core/adapter';

/** A condition and its parameters, in order. */
export interface Condition {
  readonly sql: string;
  readonly parameters: unknown[];
}

/** Builds a conjunction: each part adds SQL and its parameters in the same order. */
class Where {
  readonly parts: string[] = [];
  readonly parameters: unknown[] = [];

  add(sql: string, ...parameters: unknown[]): void {
    this.parts.push(sql);
    this.parameters.push(...parameters);
  }

  /** `column` is one of `values`: `= ?` for one value (the planner's best case), else `json_each`. */
  anyOf(column: string, values: readonly unknown[]): void {
    const [sql, parameter] = anyOfSql(column, values);
    this.add(sql, parameter);
  }

  /** `column` lies in the half-open range: never NULL, `>= from`, `< to`. */
  within(
    column: string,
    range: { readonly from?: string | undefined; readonly to?: string | undefined },
  ): void {
    this.add(`${column} IS NOT NULL`);
    if (range.from !== undefined) this.add(`${column} >= ?`, range.from);
    if (range.to !== undefined) this.add(`${column} < ?`, range.to);
  }
}

function anyOfSql(column: string, values: readonly unknown[]): [string, unknown] {
  return values.length === 1
    ? [`${column} = ?`, values[0]]
    : [`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(values)];
}

/**
 * Adds the scope's condition (none for `'all'`); false when the scope selects nothing (`{}`, or
 * only empty lists).
 */
function scopeCondition(scope: ReadScope, where: Where): boolean {
  if (scope === 'all') return true;
  const either: [string, unknown][] = [];
  if (scope.employeeIds?.length) either.push(anyOfSql('employee_id', scope.employeeIds));
  if (scope.managerIds?.length) either.push(anyOfSql('manager_id', scope.managerIds));
  if (scope.orgUnitIds?.length) either.push(anyOfSql('org_unit_id', scope.orgUnitIds));
  if (either.length === 0) return false;
  // Any list matches (core's inScope): an employee's own plans, the ones they manage, or their
  // units' plans.
  const sql = either.map(([part]) => part).join(' OR ');
  where.add(either.length === 1 ? sql : `(${sql})`, ...either.map(([, parameter]) => parameter));
  return true;
}

/**
 * The rows of `pipkit_pips` within `scope` that match every filter, as a condition (the
 * semantics of core's `inScope` and `matchesFilter`), or `undefined` when the scope selects
 * nothing at all. `extra` conditions (a report's, a keyset's) are added first.
 */
export function whereOf(
  filter: NormalizedFilter,
  scope: ReadScope,
  extra: readonly Condition[] = [],
): Condition | undefined {
  const where = new Where();
  for (const condition of extra) where.add(condition.sql, ...condition.parameters);
  if (!scopeCondition(scope, where)) return undefined;
  if (filter.states) where.anyOf('state', filter.states);
  if (filter.outcomes) where.anyOf('outcome_status', filter.outcomes);
  if (filter.outcomeReasons) where.anyOf('outcome_reason', filter.outcomeReasons);
  if (filter.employeeIds) where.anyOf('employee_id', filter.employeeIds);
  if (filter.managerIds) where.anyOf('manager_id', filter.managerIds);
  if (filter.orgUnitIds) where.anyOf('org_unit_id', filter.orgUnitIds);
  if (filter.policies) {
    // Any listed policy: the same id, and the same version when one is given.
    where.add(
      `EXISTS (SELECT 1 FROM json_each(?) AS policy
                WHERE json_extract(policy.value, '$[0]') = pipkit_pips.policy_id
                  AND (json_extract(policy.value, '$[1]') IS NULL
                       OR json_extract(policy.value, '$[1]') = pipkit_pips.policy_version))`,
      JSON.stringify(filter.policies.map((policy) => [policy.id, policy.version ?? null])),
    );
  }
  if (filter.overdue !== undefined) {
    where.add(filter.overdue ? 'overdue_since IS NOT NULL' : 'overdue_since IS NULL');
  }
  const next = filter.nextDeadline;
  if (next) {
    where.within('next_due_at', next);
    if (next.kinds) where.anyOf('next_kind', next.kinds);
  }
  if (filter.opened) where.within('created_at', filter.opened);
  if (filter.closed) where.within('outcome_at', filter.closed);
  if (filter.stateSince) where.within('state_since', filter.stateSince);
  return {
    sql: where.parts.length > 0 ? where.parts.join(' AND ') : '1',
    parameters: where.parameters,
  };
}
