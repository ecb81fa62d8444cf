import { GENESIS_HASH } from '@pipkit/core';
import {
  type IdempotencyRecord,
  type PipRows,
  type StoredOutboxRow,
  LIST_LIMITS,
  type ListQuery,
  type PipRecord,
  type StoredEvent,
  StoreErrorReasons,
  storeErrorReason,
  type UnreadableListEntry,
  decompressEventJson,
} from '@pipkit/core/adapter';
import type { SqliteDatabase } from './sqliteDatabase.js';
import {
  type EnvelopeDbRow,
  type EventRow,
  type IdempotencyRow,
  type OutboxRow,
  type Statements,
  statementCache,
  clampLimit,
  type TimerDbRow,
} from './statements.js';
import { type QueryColumnsDbRow, storedQueryColumns } from './queryColumnsSql.js';
import { storedTimer } from './timersOutbox.js';
import { corruptRow, parseStored } from './storeErrors.js';

/** The store's reads of envelopes, events and idempotency records, synchronous. */
export interface Reads {
  load(pipId: string): PipRecord | undefined;
  /** Several envelopes: an unreadable row is its own PIP's error, in its slot. */
  loadMany(pipIds: readonly string[]): (PipRecord | Error | undefined)[];
  readEvents(pipId: string, afterSeq: number): StoredEvent[];
  getIdempotency(key: string): IdempotencyRecord | undefined;
  list(query: ListQuery): PipRecord[];
  /** `list`, with each unreadable row as its own entry instead of failing the page. */
  listEntries(query: ListQuery): (PipRecord | UnreadableListEntry)[];
  /** The raw rows of one PIP besides its events, read in one snapshot. */
  inspect(pipId: string): PipRows | undefined;
}

/** Builds the reads on one connection. */
export function createReads(database: SqliteDatabase, statements: Statements): Reads {
  const prepared = statementCache(database);
  // One read transaction: the envelope, timers and outbox rows come from one snapshot.
  const inspect = database.transaction((pipId: string): PipRows | undefined => {
    const row = statements.inspectPip.get(pipId) as
      (EnvelopeDbRow & Partial<QueryColumnsDbRow> & { has_query_columns?: number }) | undefined;
    if (!row) return undefined;
    return {
      // As the columns hold them (not from the record JSON): verify compares the two. A
      // column migration 2 could not fill from an unreadable record reads as empty.
      columns: {
        employeeId: row.employee_id,
        managerId: row.manager_id,
        policyId: row.policy_id ?? '',
        policyVersion: row.policy_version ?? 0,
        state: row.state,
        version: row.version,
      },
      timers: (statements.inspectTimers.all(pipId) as TimerDbRow[]).map(storedTimer),
      outbox: (statements.inspectOutbox.all(pipId) as (OutboxRow & { delivered: number })[]).map(
        (message): StoredOutboxRow => ({
          id: message.id,
          pipId: message.pip_id,
          type: message.type,
          payload: parseStored(message.payload, { pipId, table: 'pipkit_outbox' }),
          createdAt: message.created_at,
          delivered: message.delivered === 1,
        }),
      ),
      // As stored, not recomputed (schema 3; an older read-only file has none to compare).
      ...(row.has_query_columns === 1
        ? { queryColumns: storedQueryColumns(row as QueryColumnsDbRow) }
        : {}),
      ...compactedBefore(statements),
    };
  });
  // One read transaction for the whole batch: in WAL mode each statement outside a transaction
  // opens and closes its own (https://www.sqlite.org/wal.html#concurrency), and the rows of one
  // snapshot are what a caller of loadMany expects anyway.
  const loadMany = database.transaction((pipIds: readonly string[]) =>
    pipIds.map((pipId) => {
      const row = statements.loadPip.get(pipId) as { record: string } | undefined;
      try {
        return row
          ? parseStored<PipRecord>(row.record, { pipId, table: 'pipkit_pips' })
          : undefined;
      } catch (error) {
        if (storeErrorReason(error) === StoreErrorReasons.CORRUPT_ROW) return error as Error;
        throw error;
      }
    }),
  );
  return {
    inspect: (pipId) => inspect(pipId),
    load(pipId) {
      const row = statements.loadPip.get(pipId) as { record: string } | undefined;
      return row ? parseStored<PipRecord>(row.record, { pipId, table: 'pipkit_pips' }) : undefined;
    },
    loadMany: (pipIds) => loadMany(pipIds),
    readEvents(pipId, afterSeq) {
      const events: StoredEvent[] = [];
      // The hash of the row before: the previous hash every event stored without one links to.
      let previous: string | undefined;
      for (const row of statements.readEvents.all(pipId, afterSeq) as EventRow[]) {
        const hash = hashText(row.hash);
        if (row.seq > afterSeq) {
          events.push({
            pipId: row.pip_id,
            seq: row.seq,
            event: parseStored<StoredEvent['event']>(eventText(row.event, pipId), {
              pipId,
              table: 'pipkit_events',
            }),
            prevHash: row.prev_hash ?? previous ?? GENESIS_HASH,
            hash,
          });
        }
        previous = hash;
      }
      return events;
    },
    getIdempotency(key) {
      const row = statements.getIdempotency.get(key) as IdempotencyRow | undefined;
      return row
        ? {
            key: row.key,
            pipId: row.pip_id,
            requestHash: row.request_hash,
            version: row.version,
            seqs: parseStored<number[]>(
              row.seqs,
              { pipId: row.pip_id, table: 'pipkit_idempotency' },
              'array',
            ),
          }
        : undefined;
    },
    list(query) {
      return listRows(query).map((row) =>
        parseStored<PipRecord>(row.record, { pipId: row.pip_id, table: 'pipkit_pips' }),
      );
    },
    listEntries(query) {
      return listRows(query).map((row): PipRecord | UnreadableListEntry => {
        try {
          return parseStored<PipRecord>(row.record, { pipId: row.pip_id, table: 'pipkit_pips' });
        } catch (error) {
          if (storeErrorReason(error) !== StoreErrorReasons.CORRUPT_ROW) throw error;
          const columns = inspect(row.pip_id)?.columns;
          if (!columns) throw error;
          return { unreadable: true, pipId: row.pip_id, columns, error: error as Error };
        }
      });
    },
  };

  /** The page's rows, raw: `list` parses them all, `listEntries` one by one. */
  function listRows(query: ListQuery): { pip_id: string; record: string }[] {
    const conditions: string[] = [];
    const parameters: Record<string, unknown> = {
      limit: clampLimit(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max),
    };
    if (query.state !== undefined) {
      conditions.push('state = @state');
      parameters.state = query.state;
    }
    if (query.employeeId !== undefined) {
      conditions.push('employee_id = @employeeId');
      parameters.employeeId = query.employeeId;
    }
    if (query.managerId !== undefined) {
      conditions.push('manager_id = @managerId');
      parameters.managerId = query.managerId;
    }
    if (query.afterPipId !== undefined) {
      conditions.push('pip_id > @afterPipId');
      parameters.afterPipId = query.afterPipId;
    }
    // One statement per filter combination (at most 16), prepared on first use.
    const shape = conditions.join(' AND ');
    const statement = prepared(
      `SELECT pip_id, record FROM pipkit_pips ${shape ? `WHERE ${shape}` : ''} ORDER BY pip_id LIMIT @limit`,
    );
    return statement.all(parameters) as { pip_id: string; record: string }[];
  }
}

/**
 * An event's JSON text: schema 6 stores it compressed (a BLOB), earlier schemas as text. Bytes
 * that do not decompress are an unreadable row of this PIP.
 */
function eventText(stored: string | Buffer, pipId: string): string {
  if (typeof stored === 'string') return stored;
  const text = decompressEventJson(stored);
  if (text === undefined) throw corruptRow(pipId, 'pipkit_events');
  return text;
}

/** A stored hash as the port's hex text: schema 4 stores its bytes, earlier schemas the text. */
function hashText(stored: string | Buffer): string {
  return typeof stored === 'string' ? stored : stored.toString('hex');
}

/** The outbox compaction's latest cutoff, when one ran (schema 4). */
function compactedBefore(statements: Statements): { outboxCompactedBefore?: string } {
  const row = statements.outboxCompactedBefore.get() as
    { delivered_before: string | null } | undefined;
  return row?.delivered_before ? { outboxCompactedBefore: row.delivered_before } : {};
}
