import {
  type DeadLetter,
  type DeadLetterQuery,
  deadLetterOfRow,
  type DeadLetterRow,
  type OutboxFailure,
  type OutboxMessage,
  type OutboxMessageRow,
  outboxMessageOfRow,
  parkedMessage,
  type StoredTimerRow,
  type TimerFault,
  type TimerFaultOutcome,
  type TimerRow,
} from '@pipkit/core/adapter';
import { readOnlyRefusal } from './commitPath.js';
import type { SqliteDatabase } from './sqliteDatabase.js';
import { clampLimit, type Statements, type TimerDbRow } from './statements.js';

/** The timer sweep's and the outbox relay's side of the store, synchronous. */
export interface TimersAndOutbox {
  dueTimers(now: string, limit: number): TimerRow[];
  pendingOutbox(limit: number, now?: string): OutboxMessage[];
  markOutboxDelivered(ids: readonly string[]): void;
  recordOutboxFailure(failure: OutboxFailure): boolean;
  deadLetterOutbox(id: string, at: string): boolean;
  listDeadLetters(query: DeadLetterQuery): DeadLetter[];
  retryDeadLetter(id: string): boolean;
  discardDeadLetter(id: string): boolean;
  compactOutbox(deliveredBefore: string): number;
  recordTimerFault(fault: TimerFault, options: { readonly parkAfter: number }): TimerFaultOutcome;
  resetTimerFaults(pipId: string): string[];
}

/** A timer row as the port returns it. */
function timerRow(row: TimerDbRow): TimerRow {
  return {
    timerId: row.timer_id,
    pipId: row.pip_id,
    deadlineId: row.deadline_id,
    kind: row.kind,
    dueAt: row.due_at,
  };
}

/** A timer row with its fault count and park, as `inspect` returns it. */
export function storedTimer(row: TimerDbRow): StoredTimerRow {
  return {
    ...timerRow(row),
    attempts: row.attempts,
    ...(row.parked_code === null ? {} : { parkedCode: row.parked_code }),
  };
}

/** Builds the timer and outbox operations on one connection; writes refused when read-only. */
export function createTimersAndOutbox(
  database: SqliteDatabase,
  statements: Statements,
  readOnly: boolean,
): TimersAndOutbox {
  const markDelivered = database.transaction((ids: readonly string[]): void => {
    for (const id of ids) statements.markDelivered.run(id);
  });
  // The delete and the remembered cutoff commit together.
  const compact = database.transaction((deliveredBefore: string): number => {
    const { changes } = statements.compactOutbox.run(deliveredBefore);
    const discarded = statements.delivery.compactDiscarded.run(deliveredBefore).changes;
    statements.recordCompaction.run(deliveredBefore);
    return changes + discarded;
  });

  // Counts the fault against the timer as it is now; parks it, with the operators' message, in
  // the same transaction when the count reaches parkAfter.
  const recordFault = database.transaction(
    (fault: TimerFault, parkAfter: number): TimerFaultOutcome => {
      const row = statements.timerById.get(fault.timerId) as TimerDbRow | undefined;
      // Gone, or moved since the sweep read it: the fault is for a fire that is not pending.
      if (!row || row.due_at !== fault.dueAt) return { attempts: 0, parked: false };
      if (row.parked_code !== null) return { attempts: row.attempts, parked: false };
      const attempts = row.attempts + 1;
      const parked = attempts >= parkAfter;
      statements.recordFault.run(attempts, parked ? fault.code : null, fault.timerId);
      if (parked) {
        const message = parkedMessage(timerRow(row), fault, attempts);
        statements.upsertParkedMessage.run(
          message.id,
          message.pipId,
          message.type,
          JSON.stringify(message.payload),
          message.createdAt,
        );
      }
      return { attempts, parked };
    },
  );

  return {
    dueTimers(now, limit) {
      return (statements.dueTimers.all(now, clampLimit(limit)) as TimerDbRow[]).map(timerRow);
    },
    pendingOutbox(limit, now) {
      const { delivery } = statements;
      const rows = (
        now === undefined || !delivery.pendingOutboxAt
          ? delivery.pendingOutbox.all(clampLimit(limit))
          : delivery.pendingOutboxAt.all(now, clampLimit(limit))
      ) as OutboxMessageRow[];
      return rows.map(outboxMessageOfRow);
    },
    ...deliveryWrites(statements, readOnly),
    markOutboxDelivered(ids) {
      if (readOnly) throw readOnlyRefusal();
      if (ids.length > 0) markDelivered.immediate(ids);
    },
    compactOutbox(deliveredBefore) {
      if (readOnly) throw readOnlyRefusal();
      return compact.immediate(deliveredBefore);
    },
    recordTimerFault(fault, options) {
      if (readOnly) throw readOnlyRefusal();
      return recordFault.immediate(fault, options.parkAfter);
    },
    resetTimerFaults(pipId) {
      if (readOnly) throw readOnlyRefusal();
      const rows = statements.resetFaults.all(pipId) as { timer_id: string }[];
      return rows.map((row) => row.timer_id).sort();
    },
  };
}

/** The relay's writes and the dead letters; each write is one statement. */
function deliveryWrites(
  statements: Statements,
  readOnly: boolean,
): Pick<
  TimersAndOutbox,
  | 'recordOutboxFailure'
  | 'deadLetterOutbox'
  | 'listDeadLetters'
  | 'retryDeadLetter'
  | 'discardDeadLetter'
> {
  const { delivery } = statements;
  const write = (run: () => { changes: number }): boolean => {
    if (readOnly) throw readOnlyRefusal();
    return run().changes === 1;
  };
  return {
    recordOutboxFailure: (failure) =>
      write(() =>
        delivery.recordFailure.run(
          failure.attempts,
          failure.nextAttemptAt ?? null,
          failure.error.code,
          failure.error.message,
          failure.error.at,
          failure.id,
          failure.attempts - 1,
        ),
      ),
    deadLetterOutbox: (id, at) => write(() => delivery.deadLetter.run(at, id)),
    retryDeadLetter: (id) => write(() => delivery.retryDeadLetter.run(id)),
    discardDeadLetter: (id) => write(() => delivery.discardDeadLetter.run(id)),
    listDeadLetters(query) {
      if (!delivery.listDeadLetters) return [];
      const pipId = query.pipId ?? null;
      const afterId = query.afterId ?? null;
      const rows = delivery.listDeadLetters.all(
        pipId,
        pipId,
        afterId,
        afterId,
        clampLimit(query.limit),
      ) as DeadLetterRow[];
      return rows.map(deadLetterOfRow);
    },
  };
}
