import {
  type IdempotencyRecord,
  LIST_LIMITS,
  type ListQuery,
  type PipRecord,
  type StoredEvent,
} from '@pipkit/core';
import type { SqliteDatabase } from './sqliteDatabase.js';
import {
  type EventRow,
  type IdempotencyRow,
  type Statements,
  statementCache,
} from './statements.js';
import { parseStored } from './storeErrors.js';

/** The store's reads of envelopes, events and idempotency records, synchronous. */
export interface Reads {
  load(pipId: string): PipRecord | undefined;
  readEvents(pipId: string, afterSeq: number): StoredEvent[];
  getIdempotency(key: string): IdempotencyRecord | undefined;
  list(query: ListQuery): PipRecord[];
}

/** Builds the reads on one connection. */
export function createReads(database: SqliteDatabase, statements: Statements): Reads {
  const prepared = statementCache(database);
  return {
    load(pipId) {
      const row = statements.loadPip.get(pipId) as { record: string } | undefined;
      return row ? parseStored<PipRecord>(row.record, { pipId, table: 'pipkit_pips' }) : undefined;
    },
    readEvents(pipId, afterSeq) {
      return (statements.readEvents.all(pipId, afterSeq) as EventRow[]).map((row): StoredEvent => ({
        pipId: row.pip_id,
        seq: row.seq,
        event: parseStored<StoredEvent['event']>(row.event, {
          pipId,
          table: 'pipkit_events',
        }),
        prevHash: row.prev_hash,
        hash: row.hash,
      }));
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
      return (statement.all(parameters) as { pip_id: string; record: string }[]).map((row) =>
        parseStored<PipRecord>(row.record, { pipId: row.pip_id, table: 'pipkit_pips' }),
      );
    },
  };
}

/** A non-negative whole LIMIT; SQLite reads a negative LIMIT as "no limit", the port does not. */
export function clampLimit(limit: number, max = Number.POSITIVE_INFINITY): number {
  if (Number.isNaN(limit)) return 0;
  const bounded = Math.max(0, Math.min(Math.trunc(limit), max));
  return Number.isFinite(bounded) ? bounded : -1;
}
