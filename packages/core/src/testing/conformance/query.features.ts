import {
  computeReport,
  type NormalizedFilter,
  type PipRecord,
  type QueryRow,
  queryRowOf,
  type ReadScope,
  selectPage,
  type PipStore,
  type StoreQuery,
  type StoreReport,
  type StoreReportSpec,
} from '@pipkit/core/adapter';
import type { ConformanceContext } from './conformanceContext.js';
import { SEEDED_PIPS, seedPlans, seeded } from './querySeed.js';

/** One filter per field, each selecting some of the seeded PIPs but not all. */
const FILTERS: readonly (readonly [string, NormalizedFilter])[] = [
  ['states', { states: ['review', 'draft'] }],
  ['outcomes', { outcomes: ['terminated', 'closed'] }],
  ['outcomeReasons', { outcomeReasons: ['resigned'] }],
  ['employeeIds', { employeeIds: ['emp-1', 'emp-5', 'emp-22'] }],
  ['managerIds', { managerIds: ['mgr-1'] }],
  ['orgUnitIds', { orgUnitIds: ['ou-1', 'ou-2', 'ou-9'] }],
  ['policies (any version)', { policies: [{ id: 'pipkit-other' }, { id: 'unknown' }] }],
  ['policies (one version)', { policies: [{ id: 'pipkit-default', version: 2 }] }],
  ['overdue', { overdue: true }],
  ['not overdue', { overdue: false }],
  [
    'next deadline range',
    { nextDeadline: { from: '2026-05-16T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' } },
  ],
  ['next deadline kinds', { nextDeadline: { kinds: ['watch'] } }],
  [
    'opened range',
    { opened: { from: '2026-03-02T15:05:00.000Z', to: '2026-03-02T15:15:00.000Z' } },
  ],
  ['closed range', { closed: { from: '2026-05-01T00:00:00.000Z' } }],
  ['in its state since', { stateSince: { to: '2026-05-01T00:00:00.000Z' } }],
  ['several at once', { states: ['review'], managerIds: ['mgr-0', 'mgr-2'], overdue: true }],
];

const SCOPES: readonly (readonly [string, ReadScope])[] = [
  ['all', 'all'],
  ['a manager', { managerIds: ['mgr-2'] }],
  ['an employee', { employeeIds: ['emp-7'] }],
  ['employees or managers', { employeeIds: ['emp-0'], managerIds: ['mgr-1'] }],
  ['an org unit', { orgUnitIds: ['ou-3'] }],
  ['an org unit or an employee', { orgUnitIds: ['ou-0'], employeeIds: ['emp-4'] }],
  ['nobody', {}],
];

const REPORTS: readonly StoreReportSpec[] = [
  { name: 'openByState' },
  { name: 'overdueByKind' },
  { name: 'outcomesByMonth' },
  { name: 'timeToOutcome' },
  { name: 'extensionsAndPauses' },
  { name: 'longPlans', overDays: 60 },
];

/** Every query row the store holds, from its own records: the input of the reference. */
async function referenceRows(context: ConformanceContext): Promise<QueryRow[]> {
  const rows: QueryRow[] = [];
  for (let i = 0; i < SEEDED_PIPS; i++) {
    const record = await context.store.load(seeded(i).pipId);
    if (record) rows.push(queryRowOf(record));
  }
  return rows;
}

/** The store's query methods, bound, or an error naming the one it lacks. */
function queriesOf(store: PipStore) {
  if (!store.queryPips || !store.countPips || !store.reportPips) {
    throw new Error('A store with the queries option needs queryPips, countPips and reportPips.');
  }
  const lacking = () => Promise.reject(new Error('The store lost a query method.'));
  // Called on the store, so an adapter written as a class keeps its `this`.
  return {
    queryPips: (query: StoreQuery) => store.queryPips?.(query) ?? lacking(),
    countPips: (query: Pick<StoreQuery, 'filter' | 'scope'>) =>
      store.countPips?.(query) ?? lacking(),
    reportPips: (request: StoreReport) => store.reportPips?.(request) ?? lacking(),
  };
}

/** Pages through a query with the store, `limit` at a time, and returns the ids in order. */
async function pageThrough(
  context: ConformanceContext,
  query: Omit<StoreQuery, 'after'>,
): Promise<string[]> {
  const { queryPips } = queriesOf(context.store);
  const ids: string[] = [];
  let after: StoreQuery['after'];
  for (let page = 0; page <= SEEDED_PIPS; page++) {
    const entries = await queryPips({ ...query, ...(after ? { after } : {}) });
    ids.push(...entries.map(({ entry }) => (entry as PipRecord).pipId));
    if (entries.length < query.limit) return ids;
    after = entries[entries.length - 1]?.position;
  }
  throw new Error('The store kept returning pages.');
}

/** The reference's ids for a query, paged the same way (all at once is the same list). */
function expectedIds(rows: readonly QueryRow[], query: Omit<StoreQuery, 'after'>): string[] {
  return selectPage(rows, { ...query, limit: rows.length }).map((row) => row.pipId);
}

/**
 * Registers "queries" when `options.queries` is set: `queryPips`, `countPips` and `reportPips`
 * give exactly what the reference semantics give over the store's own records, for every
 * filter, scope, order and report, paging by three.
 */
export function registerQueryFeatures(context: ConformanceContext): void {
  if (!context.options.queries) return;
  const { describe, it, expect } = context.test;

  describe('queries', () => {
    it('filters, scopes, orders and pages exactly as the reference does', async () => {
      await seedPlans(context.store);
      const rows = await referenceRows(context);
      expect(rows).toHaveLength(SEEDED_PIPS);
      for (const [what, filter] of FILTERS) {
        const selected = expectedIds(rows, { filter, scope: 'all', sort: 'pipId', limit: 1 });
        // Each filter must select some PIPs but not all, or a store ignoring it would pass.
        expect({ what, some: selected.length > 0, notAll: selected.length < SEEDED_PIPS }).toEqual({
          what,
          some: true,
          notAll: true,
        });
        for (const sort of ['pipId', 'nextDeadline', 'lastChange'] as const) {
          const query = { filter, scope: 'all' as const, sort, limit: 3 };
          expect({ what, sort, ids: await pageThrough(context, query) }).toEqual({
            what,
            sort,
            ids: expectedIds(rows, query),
          });
        }
      }
      for (const [what, scope] of SCOPES) {
        for (const sort of ['pipId', 'nextDeadline', 'lastChange'] as const) {
          const query = { filter: {}, scope, sort, limit: 3 };
          expect({ what, sort, ids: await pageThrough(context, query) }).toEqual({
            what,
            sort,
            ids: expectedIds(rows, query),
          });
        }
      }
    });

    it('counts exactly what the filters and scope select', async () => {
      await seedPlans(context.store);
      const rows = await referenceRows(context);
      const { countPips } = queriesOf(context.store);
      for (const [what, filter] of [['no filter', {}] as const, ...FILTERS]) {
        for (const [who, scope] of SCOPES) {
          const expected = expectedIds(rows, { filter, scope, sort: 'pipId', limit: 1 }).length;
          const counted = await countPips({ filter, scope });
          expect({ what, who, count: counted }).toEqual({ what, who, count: expected });
        }
      }
    });

    it('reports exactly the rows the reference gives, row for row', async () => {
      await seedPlans(context.store);
      const rows = await referenceRows(context);
      const { reportPips } = queriesOf(context.store);
      const filters: readonly NormalizedFilter[] = [{}, { managerIds: ['mgr-0', 'mgr-1'] }];
      for (const report of REPORTS) {
        for (const filter of filters) {
          for (const [, scope] of SCOPES.slice(0, 2)) {
            const request = { report, filter, scope };
            expect({
              report: report.name,
              rows: await reportPips(request),
            }).toEqual({
              report: report.name,
              rows: computeReport(rows, request),
            });
          }
        }
      }
      // Every report has rows on the seed, so a store returning none would fail.
      for (const report of REPORTS) {
        const reference = computeReport(rows, { report, filter: {}, scope: 'all' });
        expect({ report: report.name, empty: reference.length === 0 }).toEqual({
          report: report.name,
          empty: false,
        });
      }
    });

    it('returns a page without rows for a position after the last', async () => {
      await seedPlans(context.store);
      const entries = await queriesOf(context.store).queryPips({
        filter: {},
        scope: 'all',
        sort: 'pipId',
        limit: 10,
        after: { key: null, pipId: seeded(SEEDED_PIPS - 1).pipId },
      });
      expect(entries).toEqual([]);
    });
  });
}
