import type { ReportName, ReportRows } from '@pipkit/core/schemas';

/**
 * The columns of each report, in the order CSV files and tables show them: every field of the
 * report's rows (`ReportRows` of `@pipkit/core`), so an empty report still has its header.
 */
export const REPORT_COLUMNS: {
  readonly [N in ReportName]: readonly (keyof ReportRows[N] & string)[];
} = {
  openByState: ['state', 'count'],
  overdueByKind: ['kind', 'count', 'oldestSince'],
  outcomesByMonth: ['month', 'policyId', 'status', 'reason', 'count'],
  timeToOutcome: ['policyId', 'status', 'count', 'meanDays', 'p50Days', 'p90Days'],
  extensionsAndPauses: [
    'policyId',
    'plans',
    'extended',
    'extensions',
    'meanExtensions',
    'paused',
    'pausedDays',
    'meanPausedDays',
  ],
  longPlans: ['policyId', 'count'],
};

/** The columns of a report: its declared ones, or the first row's fields for a name pipkit does not know yet. */
export function columnsOf(name: string, rows: readonly object[]): readonly string[] {
  const known = (REPORT_COLUMNS as Readonly<Record<string, readonly string[]>>)[name];
  return known ?? Object.keys(rows[0] ?? {});
}
