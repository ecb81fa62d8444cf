/**
 * `queryPips` and `countPips` on SQLite: one page in keyset order, on the indexes of schema 3,
 * with the semantics of core's `selectPage` and `countMatching`.
 */
import {
  type PipRecord,
  type QueryEntry,
  type QueryPosition,
  type StoreQuery,
  StoreErrorReasons,
  storeErrorReason,
  type UnreadableListEntry,
} from '@pipkit/core/adapter';
import { type Condition, whereOf } from './querySql.js';
import type { SqliteDatabase, SqliteStatement } from './sqliteDatabase.js';
import { clampLimit } from './statements.js';
import { parseStored } from './storeErrors.js';

/** A page can hold at most this many PIPs (the port's limit). */
const MAX_PAGE = 1000;

/** The columns a page reads: the record, the envelope for an unreadable one, and the sort keys. */
const PAGE_COLUMNS = `pip_id, record, employee_id, manager_id, policy_id, policy_version, state,
  version, next_due_at, updated_at`;

interface PageRow {
  pip_id: string;
  record: string;
  employee_id: string;
  manager_id: string;
  policy_id: string | null;
  policy_version: number | null;
  state: string;
  version: number;
  next_due_at: string | null;
  updated_at: string;
}

/** The store's queries, synchronous: the caller turns throws into rejections. */
export interface Queries {
  queryPips(query: StoreQuery): QueryEntry[];
  countPips(query: Pick<StoreQuery, 'filter' | 'scope'>): number;
}

/** Builds the queries on one connection; `prepared` caches one statement per query shape. */
export function createQueries(
  database: SqliteDatabase,
  prepared: (sql: string) => SqliteStatement,
): Queries {
  const page = (
    conditions: readonly Condition[],
    query: StoreQuery,
    order: string,
    limit: number,
  ) => {
    const where = whereOf(query.filter, query.scope, conditions);
    if (!where || limit <= 0) return [];
    return prepared(
      `SELECT ${PAGE_COLUMNS} FROM pipkit_pips WHERE ${where.sql} ORDER BY ${order} LIMIT ?`,
    ).all(...where.parameters, limit) as PageRow[];
  };

  // nextDeadline puts the PIPs with no deadline last: read the dated ones in (next_due_at,
  // pip_id) order, then, if the page has room, the undated ones by id. Each part walks an index
  // in order and stops at the limit; both read one snapshot.
  const nextDeadlineRows = database.transaction((query: StoreQuery, limit: number): PageRow[] => {
    const { after } = query;
    const dated =
      after && after.key === null
        ? []
        : page(
            [
              { sql: 'next_due_at IS NOT NULL', parameters: [] },
              ...(after
                ? [{ sql: '(next_due_at, pip_id) > (?, ?)', parameters: [after.key, after.pipId] }]
                : []),
            ],
            query,
            'next_due_at, pip_id',
            limit,
          );
    // A next-deadline filter never matches a PIP without one.
    if (dated.length >= limit || query.filter.nextDeadline) return dated;
    const undated = page(
      [
        { sql: 'next_due_at IS NULL', parameters: [] },
        ...(after?.key === null ? [{ sql: 'pip_id > ?', parameters: [after.pipId] }] : []),
      ],
      query,
      'pip_id',
      limit - dated.length,
    );
    return [...dated, ...undated];
  });

  const rowsOf = (query: StoreQuery, limit: number): PageRow[] => {
    const { after } = query;
    switch (query.sort) {
      case 'pipId':
        return page(
          after ? [{ sql: 'pip_id > ?', parameters: [after.pipId] }] : [],
          query,
          'pip_id',
          limit,
        );
      case 'lastChange':
        return page(
          after
            ? [{ sql: '(updated_at, pip_id) < (?, ?)', parameters: [after.key ?? '', after.pipId] }]
            : [],
          query,
          'updated_at DESC, pip_id DESC',
          limit,
        );
      case 'nextDeadline':
        return nextDeadlineRows(query, limit);
    }
  };

  return {
    queryPips(query) {
      const rows = rowsOf(query, clampLimit(query.limit, MAX_PAGE));
      return rows.map((row) => ({ entry: entryOf(row), position: positionOf(row, query.sort) }));
    },
    countPips(query) {
      const where = whereOf(query.filter, query.scope);
      if (!where) return 0;
      const row = prepared(`SELECT count(*) AS n FROM pipkit_pips WHERE ${where.sql}`).get(
        ...where.parameters,
      ) as { n: number };
      return row.n;
    },
  };
}

/** Where a row sits in the query's order (the key core's `positionOf` gives). */
function positionOf(row: PageRow, sort: StoreQuery['sort']): QueryPosition {
  const key =
    sort === 'nextDeadline' ? row.next_due_at : sort === 'lastChange' ? row.updated_at : null;
  return { key, pipId: row.pip_id };
}

/** The record, or, when it cannot be read, an entry with its envelope columns and the error. */
function entryOf(row: PageRow): PipRecord | UnreadableListEntry {
  try {
    return parseStored<PipRecord>(row.record, { pipId: row.pip_id, table: 'pipkit_pips' });
  } catch (error) {
    if (storeErrorReason(error) !== StoreErrorReasons.CORRUPT_ROW) throw error;
    return {
      unreadable: true,
      pipId: row.pip_id,
      columns: {
        employeeId: row.employee_id,
        managerId: row.manager_id,
        policyId: row.policy_id ?? '',
        policyVersion: row.policy_version ?? 0,
        state: row.state,
        version: row.version,
      },
      error: error as Error,
    };
  }
}
