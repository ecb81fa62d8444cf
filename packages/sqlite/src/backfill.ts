/**
 * Migration 3's backfill: the query columns of every PIP written before them, computed by core
 * from each PIP's record and events, inside the migration's transaction.
 */
import { type PipRecord, type PipSummary, queryColumns, summarize } from '@pipkit/core/adapter';
import { columnValues, QUERY_COLUMN_SETS } from './queryColumnsSql.js';
import type { SqliteDatabase, SqliteStatement } from './sqliteDatabase.js';

/** PIPs read and written per batch, so memory stays flat however large the file. */
const BATCH = 500;

/**
 * Fills the query columns of every existing PIP, in batches by id. A record written before
 * summaries gains the summary its log gives (`summarize`), in the record JSON too, so `load`
 * returns it and `engine.verify` compares it; a log that does not replay leaves the
 * summary-derived columns (state since, overdue) NULL and the record as it was; a record that
 * does not parse leaves every column NULL (that PIP alone reads as `STORE_CORRUPT_ROW`).
 */
export function backfillQueryColumns(database: SqliteDatabase): void {
  const page = database.prepare(
    'SELECT pip_id, record FROM pipkit_pips WHERE pip_id > ? ORDER BY pip_id LIMIT ?',
  );
  const events = database.prepare('SELECT event FROM pipkit_events WHERE pip_id = ? ORDER BY seq');
  const update = database.prepare(
    `UPDATE pipkit_pips SET record = ?, ${QUERY_COLUMN_SETS} WHERE pip_id = ?`,
  );
  let after = '';
  for (;;) {
    const rows = page.all(after, BATCH) as { pip_id: string; record: string }[];
    for (const row of rows) backfillRow(row, events, update);
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) return;
    after = last.pip_id;
  }
}

/** Fills one PIP's columns; a record core cannot read is left as it was (its columns NULL). */
function backfillRow(
  row: { pip_id: string; record: string },
  events: SqliteStatement,
  update: SqliteStatement,
): void {
  const record = parseRecord(row.record);
  if (!record) return;
  let values: (string | number | null)[];
  let text = row.record;
  try {
    const summary = record.summary ?? summaryOf(events.all(row.pip_id) as { event: string }[]);
    if (summary && !record.summary) text = JSON.stringify({ ...record, summary });
    const columns = queryColumns({ state: record.state, context: record.context, summary });
    values = columnValues(record.createdAt ?? null, columns);
  } catch {
    return;
  }
  update.run(text, ...values, row.pip_id);
}

/** The record, or undefined when it is not a JSON object with a context. */
function parseRecord(text: string): PipRecord | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    const record = value as Partial<PipRecord> | null;
    return record !== null && typeof record === 'object' && typeof record.context === 'object'
      ? (record as PipRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The summary the log gives, or undefined for a log that does not parse or replay. */
function summaryOf(rows: readonly { event: string }[]): PipSummary | undefined {
  try {
    return summarize(
      rows.map((row) => JSON.parse(row.event) as Parameters<typeof summarize>[0][number]),
    );
  } catch {
    return undefined;
  }
}
