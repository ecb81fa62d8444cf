/**
 * Reports: the counts HR, a regulator or a union asks for, as typed rows. Each report runs over
 * the PIPs a filter selects within the actor's read scope. The functions here are the reference
 * semantics: the memory store runs them, SQL stores compute the same rows with `GROUP BY`.
 */
import { z } from 'zod';
import { FINAL_STATES } from '../machine/pipMachine.js';
import { pipFilterSchema } from './pipFilter.js';
import { inScope, matchesFilter, type QueryRow, type ReadScope } from './storeQuery.js';
import type { NormalizedFilter } from './pipFilter.js';

/** The reports pipkit computes, with their parameters. */
export const reportRequestSchema = z.discriminatedUnion('name', [
  /** Plans not yet final, by state. */
  z.object({ name: z.literal('openByState'), filter: pipFilterSchema.optional() }).strict(),
  /** Plans with something overdue, by the kind of their oldest overdue deadline. */
  z.object({ name: z.literal('overdueByKind'), filter: pipFilterSchema.optional() }).strict(),
  /** Outcomes by month (of the outcome's local date), policy, status and reason. */
  z.object({ name: z.literal('outcomesByMonth'), filter: pipFilterSchema.optional() }).strict(),
  /** Calendar days from issue to outcome, by policy and outcome status: mean, median, 90th percentile. */
  z.object({ name: z.literal('timeToOutcome'), filter: pipFilterSchema.optional() }).strict(),
  /** Extensions and leave pauses per plan, by policy. */
  z.object({ name: z.literal('extensionsAndPauses'), filter: pipFilterSchema.optional() }).strict(),
  /** Plans whose period runs over `overDays` calendar days (for example federal plans over 30), by policy. */
  z
    .object({
      name: z.literal('longPlans'),
      overDays: z.number().int().min(0).max(3650),
      filter: pipFilterSchema.optional(),
    })
    .strict(),
]);

/** A report to run, as given to `engine.report`. */
export type ReportRequest = z.input<typeof reportRequestSchema>;

/** The name of a report. */
export type ReportName = ReportRequest['name'];

/** The report names, in the order the docs list them. */
export const REPORT_NAMES: readonly ReportName[] = [
  'openByState',
  'overdueByKind',
  'outcomesByMonth',
  'timeToOutcome',
  'extensionsAndPauses',
  'longPlans',
];

/** The rows of each report. */
export interface ReportRows {
  openByState: { readonly state: string; readonly count: number };
  overdueByKind: { readonly kind: string; readonly count: number; readonly oldestSince: string };
  outcomesByMonth: {
    readonly month: string;
    readonly policyId: string;
    readonly status: string;
    readonly reason: string;
    readonly count: number;
  };
  timeToOutcome: {
    readonly policyId: string;
    readonly status: string;
    readonly count: number;
    readonly meanDays: number;
    /** Nearest-rank percentiles: the smallest value with at least that share of plans at or below it. */
    readonly p50Days: number;
    readonly p90Days: number;
  };
  extensionsAndPauses: {
    readonly policyId: string;
    readonly plans: number;
    /** Plans extended at least once, and extensions in all. */
    readonly extended: number;
    readonly extensions: number;
    readonly meanExtensions: number;
    /** Plans paused for leave at least once, and paused days in all. */
    readonly paused: number;
    readonly pausedDays: number;
    readonly meanPausedDays: number;
  };
  longPlans: { readonly policyId: string; readonly count: number };
}

/** The rows of report `N`. */
export type ReportRow<N extends ReportName = ReportName> = ReportRows[N];

/** A report's rows with what was asked. */
export interface Report<N extends ReportName = ReportName> {
  readonly name: N;
  readonly rows: readonly ReportRow<N>[];
}

/** A validated report request, for a store's `reportPips`. */
export type StoreReportSpec = z.output<typeof reportRequestSchema>;

/** What a store's `reportPips` receives. */
export interface StoreReport {
  readonly report: StoreReportSpec;
  readonly filter: NormalizedFilter;
  readonly scope: ReadScope;
}

/** Calendar days from one ISO date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The nearest-rank percentile `p` (0 to 1) of ascending `values`. */
export function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
}

/** A mean rounded to two decimals (every store rounds the same way). */
export function mean(sum: number, count: number): number {
  return count === 0 ? 0 : Math.round((sum / count) * 100) / 100;
}

/** Groups `rows` by `keyOf`, in ascending key order. */
function groups<R>(rows: readonly R[], keyOf: (row: R) => string): [string, R[]][] {
  const map = new Map<string, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = map.get(key);
    if (group) group.push(row);
    else map.set(key, [row]);
  }
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const SEP = '\u0000';
const final: readonly string[] = FINAL_STATES;

/** The report over `rows` (the reference every store's `reportPips` matches, row for row). */
export function computeReport(all: Iterable<QueryRow>, request: StoreReport): ReportRow[] {
  const rows = [...all].filter(
    (row) => inScope(row, request.scope) && matchesFilter(row, request.filter),
  );
  const spec = request.report;
  switch (spec.name) {
    case 'openByState':
      return groups(
        rows.filter((row) => !final.includes(row.state)),
        (row) => row.state,
      ).map(([state, group]) => ({ state, count: group.length }));
    case 'overdueByKind':
      return groups(
        rows.filter((row) => row.overdueKind !== null),
        (row) => row.overdueKind as string,
      ).map(([kind, group]) => ({
        kind,
        count: group.length,
        oldestSince: group.map((row) => row.overdueSince as string).sort()[0] as string,
      }));
    case 'outcomesByMonth':
      return groups(
        rows.filter((row) => row.outcomeOn !== null),
        (row) =>
          [
            (row.outcomeOn as string).slice(0, 7),
            row.policyId,
            row.outcomeStatus,
            row.outcomeReason,
          ].join(SEP),
      ).map(([key, group]) => {
        const [month, policyId, status, reason] = key.split(SEP) as [
          string,
          string,
          string,
          string,
        ];
        return { month, policyId, status, reason, count: group.length };
      });
    case 'timeToOutcome':
      return timeToOutcome(rows);
    case 'extensionsAndPauses':
      return groups(
        rows.filter((row) => row.issuedAt !== null),
        (row) => row.policyId,
      ).map(([policyId, group]) => {
        const extensions = group.reduce((sum, row) => sum + row.extensions, 0);
        const pausedDays = group.reduce((sum, row) => sum + row.pausedDays, 0);
        return {
          policyId,
          plans: group.length,
          extended: group.filter((row) => row.extensions > 0).length,
          extensions,
          meanExtensions: mean(extensions, group.length),
          paused: group.filter((row) => row.pausedDays > 0).length,
          pausedDays,
          meanPausedDays: mean(pausedDays, group.length),
        };
      });
    case 'longPlans':
      return groups(
        rows.filter(
          (row) =>
            row.planStart !== null &&
            row.planEnd !== null &&
            daysBetween(row.planStart, row.planEnd) > spec.overDays,
        ),
        (row) => row.policyId,
      ).map(([policyId, group]) => ({ policyId, count: group.length }));
  }
}

function timeToOutcome(rows: readonly QueryRow[]): ReportRow<'timeToOutcome'>[] {
  return groups(
    rows.filter((row) => row.issuedOn !== null && row.outcomeOn !== null),
    (row) => [row.policyId, row.outcomeStatus].join(SEP),
  ).map(([key, group]) => {
    const [policyId, status] = key.split(SEP) as [string, string];
    const days = group
      .map((row) => daysBetween(row.issuedOn as string, row.outcomeOn as string))
      .sort((a, b) => a - b);
    const sum = days.reduce((total, value) => total + value, 0);
    return {
      policyId,
      status,
      count: days.length,
      meanDays: mean(sum, days.length),
      p50Days: nearestRank(days, 0.5),
      p90Days: nearestRank(days, 0.9),
    };
  });
}
