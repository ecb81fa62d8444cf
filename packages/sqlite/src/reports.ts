/**
 * `reportPips` on SQLite: each report is one `GROUP BY` over the query columns of the PIPs the
 * scope and filters select, rows in ascending group-key order (binary collation), exactly as
 * core's `computeReport` gives them. SQL returns counts and sums; the means are rounded by core's
 * `mean`, so every store rounds the same way.
 */
import { FINAL_STATES } from '@pipkit/core';
import { mean, type ReportRow, type StoreReport } from '@pipkit/core/adapter';
import { type Condition, whereOf } from './querySql.js';
import type { SqliteStatement } from './sqliteDatabase.js';

/** Calendar days between two local ISO dates, as core's `daysBetween` counts them. */
const DAYS = (from: string, to: string) =>
  `CAST(round(julianday(${to}) - julianday(${from})) AS INTEGER)`;

/** The smallest whole number at or above a positive REAL `x`: `ceil` without math functions. */
const CEIL = (x: string) => `(CAST(${x} AS INTEGER) + (${x} > CAST(${x} AS INTEGER)))`;

const when = (sql: string, ...parameters: unknown[]): Condition => ({ sql, parameters });

/** One report's SQL: the conditions it adds to the filters, and the statement around them. */
interface ReportSql {
  readonly conditions: readonly Condition[];
  /** The SELECT, with `{where}` where the condition goes; `after` binds after its parameters. */
  readonly select: string;
  readonly after?: readonly unknown[];
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
      // Nearest rank: the row numbered max(1, ceil(p * n)) in ascending days. p * n is the same
      // IEEE multiplication JavaScript does, so the rank is the one core computes.
      return {
        conditions: [when('outcome_on IS NOT NULL'), when('issued_on IS NOT NULL')],
        select: `WITH plans AS (
                   SELECT coalesce(policy_id, '') AS policy_id,
                          coalesce(outcome_status, '') AS status,
                          ${DAYS('issued_on', 'outcome_on')} AS days
                     FROM pipkit_pips WHERE {where}),
                 ranked AS (
                   SELECT policy_id, status, days,
                          row_number() OVER (PARTITION BY policy_id, status ORDER BY days) AS rank,
                          count(*) OVER (PARTITION BY policy_id, status) AS n
                     FROM plans),
                 wanted AS (SELECT *, ? * n AS x50, ? * n AS x90 FROM ranked)
                 SELECT policy_id AS policyId, status, max(n) AS count, sum(days) AS total,
                        max(CASE WHEN rank = max(1, ${CEIL('x50')}) THEN days END) AS p50Days,
                        max(CASE WHEN rank = max(1, ${CEIL('x90')}) THEN days END) AS p90Days
                   FROM wanted GROUP BY policy_id, status ORDER BY policy_id, status`,
        after: [0.5, 0.9],
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

/** The rows as `computeReport` shapes them: means from sums, nothing else. */
function shape(name: StoreReport['report']['name'], rows: Record<string, number>[]): ReportRow[] {
  if (name === 'timeToOutcome') {
    return rows.map(({ total, ...row }) => ({
      ...row,
      meanDays: mean(total as number, row.count as number),
    })) as unknown as ReportRow[];
  }
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
    parameters: [...where.parameters, ...(sql.after ?? [])],
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
