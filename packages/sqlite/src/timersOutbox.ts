import type { OutboxMessage, TimerRow } from '@pipkit/core';
import { clampLimit } from './reads.js';
import type { SqliteDatabase } from './sqliteDatabase.js';
import type { OutboxRow, Statements, TimerDbRow } from './statements.js';
import { parseStored } from './storeErrors.js';

/** The timer sweep's and the outbox relay's side of the store, synchronous. */
export interface TimersAndOutbox {
  dueTimers(now: string, limit: number): TimerRow[];
  pendingOutbox(limit: number): OutboxMessage[];
  markOutboxDelivered(ids: readonly string[]): void;
}

/** Builds the timer and outbox operations on one connection. */
export function createTimersAndOutbox(
  database: SqliteDatabase,
  statements: Statements,
): TimersAndOutbox {
  const markDelivered = database.transaction((ids: readonly string[]): void => {
    for (const id of ids) statements.markDelivered.run(id);
  });
  return {
    dueTimers(now, limit) {
      return (statements.dueTimers.all(now, clampLimit(limit)) as TimerDbRow[]).map(
        (row): TimerRow => ({
          timerId: row.timer_id,
          pipId: row.pip_id,
          deadlineId: row.deadline_id,
          kind: row.kind,
          dueAt: row.due_at,
        }),
      );
    },
    pendingOutbox(limit) {
      return (statements.pendingOutbox.all(clampLimit(limit)) as OutboxRow[]).map(
        (row): OutboxMessage => ({
          id: row.id,
          pipId: row.pip_id,
          type: row.type,
          payload: parseStored<OutboxMessage['payload']>(row.payload, {
            pipId: row.pip_id,
            table: 'pipkit_outbox',
          }),
          createdAt: row.created_at,
        }),
      );
    },
    markOutboxDelivered(ids) {
      if (ids.length > 0) markDelivered.immediate(ids);
    },
  };
}
