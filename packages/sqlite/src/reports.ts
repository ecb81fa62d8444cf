/**
 * `reportPips` on SQLite: each report is one `GROUP BY` over the query columns of the PIPs the
 * scope and filters select, rows in ascending group-key order (binary collation), exactly as
 * core's `computeReport` gives them. SQL returns counts and sums (and, for the percentiles of
 * timeToOutcome, a histogram of days); the means are rounded by core's `mean`, so every store
 * rounds the same way.
 */
import { FINAL_STATES } from '@pipkit/core';
import { mean, type ReportRow, type StoreReport } from '@pipkit/core/adapter';
import { type Condition, whereOf } from './querySql.js';
import type { SqliteStatement } from './sqliteDatabase.js';

/** Calendar days between two local ISO dates, as core's `daysBetween` counts them. */
const DAYS = (from: string, to: string) =>
  `CAST(round(julianday(${to}) - julianday(${from})) AS INTEGER)`;

const when = (sql: string, ...parameters: unknown[]): Condition => ({ sql, parameters });

/** One report's SQL: the conditions it adds to the filters, and the statement around them. */
interface ReportSql {
  readonly conditions: readonly Condition[];
  /** The SELECT, with `{where}` where the condition goes. */
  readonly select: string;
}

/** The SQL of each report. */
function reportSql(report: StoreReport['report']): ReportSql {
  switch (report.name) {
    case 'openByState':
      return {
        conditions: [
          when('state NOT IN (SELECT value FROM json_each(?))', JSON.stringify(FINAL_STATES)),
        ],
        select: `SELECT state, count(*) AS count FROM pipkit_pips WHERE {where}
                  GROUP BY state ORDER BY state`,
      };
    case 'overdueByKind':
      return {
        // Both are set together; naming overdue_since lets the planner use the partial index.
        conditions: [when('overdue_since IS NOT NULL'), when('overdue_kind IS NOT NULL')],
        select: `SELECT overdue_kind AS kind, count(*) AS count, min(overdue_since) AS oldestSince
                   FROM pipkit_pips WHERE {where} GROUP BY overdue_kind ORDER BY overdue_kind`,
      };
    case 'outcomesByMonth':
      return {
        conditions: [when('outcome_on IS NOT NULL')],
        select: `SELECT substr(outcome_on, 1, 7) AS month, coalesce(policy_id, '') AS policyId,
                        coalesce(outcome_status, '') AS status,
                        coalesce(outcome_reason, '') AS reason, count(*) AS count
                   FROM pipkit_pips WHERE {where} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      };
    case 'timeToOutcome':
      // One row per (policy, status, days) with its count, ascending: the nearest-rank
      // percentiles come exactly from the cumulative counts (see percentiles), and sorting a few
      // hundred distinct values is far cheaper than ranking every plan with a window function.
      return {
        conditions: [when('outcome_on IS NOT NULL'), when('issued_on IS NOT NULL')],
        select: `SELECT coalesce(policy_id, '') AS policyId, coalesce(outcome_status, '') AS status,
                        ${DAYS('issued_on', 'outcome_on')} AS days, count(*) AS plans
                   FROM pipkit_pips WHERE {where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      };
    case 'extensionsAndPauses':
      return {
        conditions: [when('issued_at IS NOT NULL')],
        select: `SELECT coalesce(policy_id, '') AS policyId, count(*) AS plans,
                        sum(coalesce(extensions, 0) > 0) AS extended,
                        sum(coalesce(extensions, 0)) AS extensions,
                        sum(coalesce(paused_days, 0) > 0) AS paused,
                        sum(coalesce(paused_days, 0)) AS pausedDays
                   FROM pipkit_pips WHERE {where} GROUP BY 1 ORDER BY 1`,
      };
    case 'longPlans':
      return {
        conditions: [
          when('plan_start IS NOT NULL'),
          when('plan_end IS NOT NULL'),
          when(`${DAYS('plan_start', 'plan_end')} > ?`, report.overDays),
        ],
        select: `SELECT coalesce(policy_id, '') AS policyId, count(*) AS count
                   FROM pipkit_pips WHERE {where} GROUP BY 1 ORDER BY 1`,
      };
  }
}

/** One step of the timeToOutcome histogram: `plans` plans took `days` days. */
interface DaysRow {
  readonly policyId: string;
  readonly status: string;
  readonly days: number;
  readonly plans: number;
}

/**
 * timeToOutcome from its histogram (ordered by group, then days): count, mean, and the
 * nearest-rank p50 and p90, the value at rank max(1, ceil(p * n)), as core's `nearestRank`.
 */
function percentiles(rows: readonly DaysRow[]): ReportRow<'timeToOutcome'>[] {
  const result: ReportRow<'timeToOutcome'>[] = [];
  for (let start = 0; start < rows.length;) {
    const first = rows[start] as DaysRow;
    let end = start;
    let count = 0;
    let sum = 0;
    for (; end < rows.length; end += 1) {
      const row = rows[end] as DaysRow;
      if (row.policyId !== first.policyId || row.status !== first.status) break;
      count += row.plans;
      sum += row.days * row.plans;
    }
    const at = (p: number): number => {
      const rank = Math.max(1, Math.ceil(p * count));
      let seen = 0;
      for (let index = start; index < end; index += 1) {
        const row = rows[index] as DaysRow;
        seen += row.plans;
        if (seen >= rank) return row.days;
      }
      return (rows[end - 1] as DaysRow).days;
    };
    const { policyId, status } = first;
    result.push({
      policyId,
      status,
      count,
      meanDays: mean(sum, count),
      p50Days: at(0.5),
      p90Days: at(0.9),
    });
    start = end;
  }
  return result;
}

/** The rows as `computeReport` shapes them: means from sums, nothing else. */
function shape(name: StoreReport['report']['name'], rows: Record<string, number>[]): ReportRow[] {
  if (name === 'timeToOutcome') return percentiles(rows as unknown as DaysRow[]);
  if (name === 'extensionsAndPauses') {
    return rows.map((row) => ({
      policyId: row.policyId,
      plans: row.plans,
      extended: row.extended,
      extensions: row.extensions,
      meanExtensions: mean(row.extensions as number, row.plans as number),
      paused: row.paused,
      pausedDays: row.pausedDays,
      meanPausedDays: mean(row.pausedDays as number, row.plans as number),
    })) as unknown as ReportRow[];
  }
  return rows as unknown as ReportRow[];
}

/**
 * The statement and parameters of a report over the scope and filters, or `undefined` when the
 * scope selects nothing. Exposed for `EXPLAIN QUERY PLAN` in tests and benchmarks.
 */
export function reportStatement(
  request: StoreReport,
): { readonly sql: string; readonly parameters: unknown[] } | undefined {
  const sql = reportSql(request.report);
  const where = whereOf(request.filter, request.scope, sql.conditions);
  if (!where) return undefined;
  return {
    sql: sql.select.replace('{where}', where.sql),
    parameters: where.parameters,
  };
}

/** Runs a report with `prepared` (one cached statement per report shape). */
export function runReport(
  prepared: (sql: string) => SqliteStatement,
  request: StoreReport,
): ReportRow[] {
  const statement = reportStatement(request);
  if (!statement) return [];
  const rows = prepared(statement.sql).all(...statement.parameters) as Record<string, number>[];
  return shape(request.report.name, rows);
}
