/**
 * The port's `queryPips`, `countPips` and `reportPips` on PostgreSQL: each one statement calling
 * one of version 7's functions with the tenant and one jsonb document of bound values.
 * @module
 */
import { FINAL_STATES } from '@pipkit/core';
import {
  mean,
  type NormalizedFilter,
  type PipRecord,
  type PipRows,
  type QueryEntry,
  type ReadScope,
  type ReportRow,
  type StoreQuery,
  type StoreReport,
  type UnreadableListEntry,
} from '@pipkit/core/adapter';
import type { StoreConnection } from './connection.js';
import { parseStored } from './storeErrors.js';

/**
 * A list as a PostgreSQL array literal, each element double-quoted with `"` and `\` escaped
 * (PostgreSQL docs, "8.15.6. Array Input and Output Syntax"); `null` is SQL NULL. It travels as
 * a string inside the bound jsonb document, and the function casts it.
 */
export function arrayLiteral(
  values: readonly (string | number | null)[] | undefined,
): string | undefined {
  if (values === undefined) return undefined;
  const element = (value: string | number | null) =>
    value === null ? 'NULL' : `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return `{${values.map(element).join(',')}}`;
}

/** The filter and scope as the functions' jsonb document reads them (absent keys: no filter). */
export function filterDocument(
  filter: NormalizedFilter,
  scope: ReadScope,
): Record<string, unknown> {
  const document: Record<string, unknown> = {
    scope_all: scope === 'all',
    scope_employees: arrayLiteral(scope === 'all' ? undefined : scope.employeeIds),
    scope_managers: arrayLiteral(scope === 'all' ? undefined : scope.managerIds),
    scope_org_units: arrayLiteral(scope === 'all' ? undefined : scope.orgUnitIds),
    states: arrayLiteral(filter.states),
    outcomes: arrayLiteral(filter.outcomes),
    outcome_reasons: arrayLiteral(filter.outcomeReasons),
    employee_ids: arrayLiteral(filter.employeeIds),
    manager_ids: arrayLiteral(filter.managerIds),
    org_unit_ids: arrayLiteral(filter.orgUnitIds),
    policy_ids: arrayLiteral(filter.policies?.map((policy) => policy.id)),
    policy_versions: arrayLiteral(filter.policies?.map((policy) => policy.version ?? null)),
    overdue: filter.overdue,
    next: filter.nextDeadline,
    next_kinds: arrayLiteral(filter.nextDeadline?.kinds),
    opened: filter.opened,
    closed: filter.closed,
    state_since: filter.stateSince,
  };
  return Object.fromEntries(Object.entries(document).filter(([, value]) => value !== undefined));
}

/** What `pipkit_query_pips` returns for one PIP. */
interface PageRow {
  pip_id: string;
  record: string;
  sort_key: string | null;
}

/** What `pipkit_report_pips` returns for one group. */
interface GroupRow {
  k1: string;
  k2: string | null;
  k3: string | null;
  k4: string | null;
  n: string;
  sum1: string | null;
  sum2: string | null;
  n1: string | null;
  n2: string | null;
  p50: number | null;
  p90: number | null;
}

/** The store's query operations. */
export interface Queries {
  /** The port's `queryPips`. */
  readonly queryPips: (query: StoreQuery) => Promise<QueryEntry[]>;
  /** The port's `countPips`. */
  readonly countPips: (query: Pick<StoreQuery, 'filter' | 'scope'>) => Promise<number>;
  /** The port's `reportPips`. */
  readonly reportPips: (request: StoreReport) => Promise<ReportRow[]>;
}

/**
 * One page row as the port's entry: the record, or, for a row whose record cannot be read, an
 * unreadable entry with the envelope columns `inspect` reads (rare: one more statement).
 */
async function entryOf(
  row: PageRow,
  inspect: (pipId: string) => Promise<PipRows | undefined>,
): Promise<QueryEntry> {
  const position = { key: row.sort_key, pipId: row.pip_id };
  try {
    return { entry: parseStored<PipRecord>(row.record, row.pip_id, 'pipkit_pips'), position };
  } catch (error) {
    const columns = (await inspect(row.pip_id))?.columns;
    if (!columns) throw error;
    const entry: UnreadableListEntry = {
      unreadable: true,
      pipId: row.pip_id,
      columns,
      error: error as Error,
    };
    return { entry, position };
  }
}

/** Code-unit order of strings, as core's reports sort their group keys. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A report's rows from its groups, in core's order (group keys joined, by code units). */
export function reportRows(request: StoreReport, groups: readonly GroupRow[]): ReportRow[] {
  const count = (value: string | null) => Number(value ?? 0);
  const keyed = groups.map((group): [string, ReportRow] => {
    const n = count(group.n);
    switch (request.report.name) {
      case 'openByState':
        return [group.k1, { state: group.k1, count: n }];
      case 'overdueByKind':
        return [group.k1, { kind: group.k1, count: n, oldestSince: group.k2 ?? '' }];
      case 'outcomesByMonth': {
        const [policyId, status, reason] = [group.k2 ?? '', group.k3 ?? '', group.k4 ?? ''];
        const row = { month: group.k1, policyId, status, reason, count: n };
        return [[group.k1, policyId, status, reason].join('\u0000'), row];
      }
      case 'timeToOutcome': {
        const status = group.k2 ?? '';
        const row = {
          policyId: group.k1,
          status,
          count: n,
          meanDays: mean(count(group.sum1), n),
          p50Days: group.p50 ?? 0,
          p90Days: group.p90 ?? 0,
        };
        return [[group.k1, status].join('\u0000'), row];
      }
      case 'extensionsAndPauses': {
        const [extensions, pausedDays] = [count(group.sum1), count(group.sum2)];
        const row = {
          policyId: group.k1,
          plans: n,
          extended: count(group.n1),
          extensions,
          meanExtensions: mean(extensions, n),
          paused: count(group.n2),
          pausedDays,
          meanPausedDays: mean(pausedDays, n),
        };
        return [group.k1, row];
      }
      case 'longPlans':
        return [group.k1, { policyId: group.k1, count: n }];
    }
  });
  // The database sorted with COLLATE "C" (UTF-8 bytes); JavaScript's order is UTF-16 code
  // units, which differs only between astral and U+E000..U+FFFF characters: sort again here.
  return keyed.sort(([a], [b]) => byCodeUnits(a, b)).map(([, row]) => row);
}

/** `queryPips`, `countPips` and `reportPips` on one connection (`inspect` for unreadable rows). */
export function createQueries(
  connection: StoreConnection,
  inspect: (pipId: string) => Promise<PipRows | undefined>,
): Queries {
  const queryPips = async (query: StoreQuery): Promise<QueryEntry[]> => {
    const document = {
      ...filterDocument(query.filter, query.scope),
      sort: query.sort,
      limit: query.limit,
      ...(query.after ? { after_id: query.after.pipId, after_key: query.after.key } : {}),
    };
    const rows = (await connection.call(
      'query_pips',
      [JSON.stringify(document)],
      'querying PIPs',
    )) as PageRow[];
    const entries: QueryEntry[] = [];
    for (const row of rows) entries.push(await entryOf(row, inspect));
    return entries;
  };

  const countPips = async (query: Pick<StoreQuery, 'filter' | 'scope'>): Promise<number> => {
    const rows = (await connection.call(
      'count_pips',
      [JSON.stringify(filterDocument(query.filter, query.scope))],
      'counting PIPs',
    )) as { count: string }[];
    return Number(rows[0]?.count ?? 0);
  };

  const reportPips = async (request: StoreReport): Promise<ReportRow[]> => {
    const { report } = request;
    const document = {
      ...filterDocument(request.filter, request.scope),
      report: report.name,
      final_states: arrayLiteral(FINAL_STATES),
      ...(report.name === 'longPlans' ? { over_days: report.overDays } : {}),
    };
    const groups = (await connection.call(
      'report_pips',
      [JSON.stringify(document)],
      'computing a report',
    )) as GroupRow[];
    return reportRows(request, groups);
  };

  return { queryPips, countPips, reportPips };
}
