/**
 * The optional port members of outbox delivery on PostgreSQL: failed attempts, dead letters,
 * retries and discards, each one call of migration 9's functions.
 * @module
 */
import { deadLetterOfRow, type DeadLetterRow, type PipStore } from '@pipkit/core/adapter';
import type { StoreConnection } from './connection.js';
import { clampLimit } from './rows.js';

/** The delivery members of the store on `connection`'s tenant. */
export function deliveryOn(
  connection: StoreConnection,
): Required<
  Pick<
    PipStore,
    | 'recordOutboxFailure'
    | 'deadLetterOutbox'
    | 'listDeadLetters'
    | 'retryDeadLetter'
    | 'discardDeadLetter'
  >
> {
  const { bounded, call } = connection;
  /** One write: true when it changed the message. */
  const changed = async (name: string, args: Parameters<typeof bounded>[1], doing: string) => {
    const rows = (await bounded(name, args, doing)) as { recorded: boolean }[];
    return rows[0]?.recorded === true;
  };
  return {
    recordOutboxFailure: (failure) =>
      changed(
        'record_outbox_failure',
        [
          failure.id,
          failure.attempts,
          failure.error.code,
          failure.error.message,
          failure.error.at,
          failure.nextAttemptAt ?? null,
        ],
        'recording a failed delivery',
      ),
    deadLetterOutbox: (id, at) =>
      changed('dead_letter_outbox', [id, at], 'dead-lettering an outbox message'),
    retryDeadLetter: (id) => changed('retry_dead_letter', [id], 'retrying a dead letter'),
    discardDeadLetter: (id) => changed('discard_dead_letter', [id], 'discarding a dead letter'),
    async listDeadLetters(query) {
      const rows = (await call(
        'dead_letters',
        [query.pipId ?? null, query.afterId ?? null, clampLimit(query.limit)],
        'listing dead letters',
      )) as DeadLetterRow[];
      return rows.map(deadLetterOfRow);
    },
  };
}
