/**
 * `queryPips` and `countPips` on SQLite: one page in keyset order, on the indexes of schema 3,
 * with the semantics of core's `selectPage` and `countMatching`.
 */
import {
  type EnvelopeColumns,
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

/**
 * The columns a page reads: the record and the sort keys. The envelope columns of a record that
 * cannot be read come from `inspect`, for that row only (rare), as `listEntries` reads them, so a
 * page reads no more than a host's own query would.
 */
const PAGE_COLUMNS = 'pip_id, record, next_due_at, updated_at';

interface PageRow {
  pip_id: string;
  record: string;
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
  envelopeOf: (pipId: string) => EnvelopeColumns | undefined,
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

  // nextDeadline puts the PIPs with no deadline last. Over every plan: one statement (one snapshot) of two
  // branches, each walking an index in its own order and stopping at the limit: the dated PIPs
  // by (next_due_at, pip_id), the undated ones by id; the outer sort orders at most two pages.
  const nextDeadlineRows = (query: StoreQuery, limit: number): PageRow[] => {
    const { after } = query;
    if (narrowed(query)) return narrowNextDeadlineRows(query, limit);
    const branches: { sql: string; parameters: unknown[] }[] = [];
    const branch = (conditions: readonly Condition[], order: string) => {
      const where = whereOf(query.filter, query.scope, conditions);
      if (!where) return;
      branches.push({
        sql: `SELECT * FROM (SELECT ${PAGE_COLUMNS} FROM pipkit_pips WHERE ${where.sql}
                ORDER BY ${order} LIMIT ?)`,
        parameters: [...where.parameters, limit],
      });
    };
    if (after?.key !== null) {
      branch(
        [
          { sql: 'next_due_at IS NOT NULL', parameters: [] },
          ...(after
            ? [{ sql: '(next_due_at, pip_id) > (?, ?)', parameters: [after.key, after.pipId] }]
            : []),
        ],
        'next_due_at, pip_id',
      );
    }
    // A next-deadline filter never matches a PIP without one.
    if (!query.filter.nextDeadline) {
      branch(
        [
          { sql: 'next_due_at IS NULL', parameters: [] },
          ...(after?.key === null ? [{ sql: 'pip_id > ?', parameters: [after.pipId] }] : []),
        ],
        'pip_id',
      );
    }
    if (branches.length === 0 || limit <= 0) return [];
    const union = branches.map((part) => part.sql).join(' UNION ALL ');
    return prepared(
      `SELECT * FROM (${union}) ORDER BY next_due_at IS NULL, next_due_at, pip_id LIMIT ?`,
    ).all(...branches.flatMap((part) => part.parameters), limit) as PageRow[];
  };

  // A query narrowed to some people's plans reads few rows: one statement, one index probe (a
  // manager's overdue queue reads exactly its rows), and a sort of what it found.
  const narrowNextDeadlineRows = (query: StoreQuery, limit: number): PageRow[] => {
    const { after } = query;
    const keyset: Condition[] = !after
      ? []
      : after.key === null
        ? [{ sql: 'next_due_at IS NULL AND pip_id > ?', parameters: [after.pipId] }]
        : [
            {
              sql: '(next_due_at IS NULL OR next_due_at > ? OR (next_due_at = ? AND pip_id > ?))',
              parameters: [after.key, after.key, after.pipId],
            },
          ];
    return page(keyset, query, 'next_due_at IS NULL, next_due_at, pip_id', limit);
  };

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
      const entries: QueryEntry[] = [];
      for (const row of rows) {
        const entry = entryOf(row, envelopeOf);
        if (entry) entries.push({ entry, position: positionOf(row, query.sort) });
      }
      return entries;
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

/** True when the scope or the filters name people or units: the query reads only their plans. */
function narrowed(query: StoreQuery): boolean {
  return (
    query.scope !== 'all' ||
    query.filter.managerIds !== undefined ||
    query.filter.employeeIds !== undefined ||
    query.filter.orgUnitIds !== undefined
  );
}

/** Where a row sits in the query's order (the key core's `positionOf` gives). */
function positionOf(row: PageRow, sort: StoreQuery['sort']): QueryPosition {
  const key =
    sort === 'nextDeadline' ? row.next_due_at : sort === 'lastChange' ? row.updated_at : null;
  return { key, pipId: row.pip_id };
}

/**
 * The record, or, when it cannot be read, an entry with its envelope columns and the error;
 * `undefined` when the row has gone since the page was read.
 */
function entryOf(
  row: PageRow,
  envelopeOf: (pipId: string) => EnvelopeColumns | undefined,
): PipRecord | UnreadableListEntry | undefined {
  try {
    return parseStored<PipRecord>(row.record, { pipId: row.pip_id, table: 'pipkit_pips' });
  } catch (error) {
    if (storeErrorReason(error) !== StoreErrorReasons.CORRUPT_ROW) throw error;
    // Read apart: a row another process deleted in between is simply no longer on the page.
    const columns = envelopeOf(row.pip_id);
    return columns && { unreadable: true, pipId: row.pip_id, columns, error: error as Error };
  }
}
