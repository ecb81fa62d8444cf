/**
 * The memory store's outbox: frozen messages in commit order, with their delivery state
 * (attempts, backoff, dead letters), as the SQL stores keep them in columns.
 */
import type { DeadLetter, DeliveryFailure } from './outboxDelivery.js';
import { deliveryStateOf } from './outboxDelivery.js';
import type { OutboxMessage, PipStore } from './pipStore.js';

/** One stored message and its delivery state. @internal */
export interface MemoryOutboxEntry {
  /** The message as committed, frozen (a frozen copy when its writer did not freeze it). */
  message: OutboxMessage;
  delivered: boolean;
  /** The store's clock when it was marked delivered. */
  deliveredAt?: string;
  attempts?: number;
  nextAttemptAt?: string;
  lastError?: DeliveryFailure;
  /** When the relay dead-lettered it. */
  deadAt?: string;
  /** The store's clock when a dead letter was discarded. */
  discardedAt?: string;
}

/** The outbox methods of the memory store. @internal */
export type MemoryOutboxMethods = Required<
  Pick<
    PipStore,
    | 'pendingOutbox'
    | 'markOutboxDelivered'
    | 'recordOutboxFailure'
    | 'deadLetterOutbox'
    | 'listDeadLetters'
    | 'retryDeadLetter'
    | 'discardDeadLetter'
  >
> & {
  /** Deletes delivered and discarded messages before the cutoff; returns how many. */
  compact(deliveredBefore: string): number;
};

/** Neither delivered nor dead-lettered: the relay still owes it. */
const isPending = (entry: MemoryOutboxEntry): boolean =>
  !entry.delivered && entry.deadAt === undefined;

/** A dead letter not yet retried or discarded. */
const isDeadLetter = (entry: MemoryOutboxEntry): boolean =>
  !entry.delivered && entry.deadAt !== undefined && entry.discardedAt === undefined;

/** The message with its delivery state, as `pendingOutbox` returns it. */
function readBack(entry: MemoryOutboxEntry): OutboxMessage {
  return entry.attempts ? { ...entry.message, ...deliveryStateOf(entry) } : entry.message;
}

/**
 * The outbox methods over `outbox` (ordered by insertion, which is commit order); `storeNow` is
 * the store's clock for the delivered and discarded marks. @internal
 */
export function memoryOutbox(
  outbox: Map<string, MemoryOutboxEntry>,
  storeNow: () => number,
): MemoryOutboxMethods {
  const stamp = () => new Date(storeNow()).toISOString();
  return {
    pendingOutbox(limit, options = {}) {
      const pending: OutboxMessage[] = [];
      // A PIP whose message waits for a later attempt: that one and its later ones are left out.
      const waiting = new Set<string>();
      for (const entry of outbox.values()) {
        if (pending.length >= limit) break;
        if (!isPending(entry)) continue;
        const message = readBack(entry);
        if (waiting.has(message.pipId)) continue;
        const { now } = options;
        if (now !== undefined && entry.nextAttemptAt !== undefined && entry.nextAttemptAt > now) {
          waiting.add(message.pipId);
          continue;
        }
        pending.push(message);
      }
      return Promise.resolve(pending);
    },
    markOutboxDelivered(ids) {
      for (const id of ids) {
        const entry = outbox.get(id);
        if (entry && !entry.delivered) {
          entry.delivered = true;
          entry.deliveredAt = stamp();
        }
      }
      return Promise.resolve();
    },
    recordOutboxFailure(failure) {
      const entry = outbox.get(failure.id);
      if (!entry || !isPending(entry) || (entry.attempts ?? 0) !== failure.attempts - 1) {
        return Promise.resolve(false);
      }
      entry.attempts = failure.attempts;
      entry.lastError = { ...failure.error };
      if (failure.nextAttemptAt === undefined) delete entry.nextAttemptAt;
      else entry.nextAttemptAt = failure.nextAttemptAt;
      return Promise.resolve(true);
    },
    deadLetterOutbox(id, at) {
      const entry = outbox.get(id);
      if (!entry || !isPending(entry)) return Promise.resolve(false);
      entry.deadAt = at;
      delete entry.nextAttemptAt;
      return Promise.resolve(true);
    },
    listDeadLetters(query) {
      const letters: DeadLetter[] = [];
      for (const [id, entry] of outbox) {
        if (!isDeadLetter(entry)) continue;
        if (query.afterId !== undefined && id <= query.afterId) continue;
        const { message } = entry;
        if (query.pipId !== undefined && message.pipId !== query.pipId) continue;
        letters.push({
          id,
          pipId: message.pipId,
          type: message.type,
          createdAt: message.createdAt,
          attempts: entry.attempts ?? 0,
          ...(entry.lastError ? { lastError: { ...entry.lastError } } : {}),
          deadLetteredAt: entry.deadAt as string,
        });
      }
      letters.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return Promise.resolve(letters.slice(0, Math.max(0, query.limit)));
    },
    retryDeadLetter(id) {
      const entry = outbox.get(id);
      if (!entry || !isDeadLetter(entry)) return Promise.resolve(false);
      delete entry.deadAt;
      delete entry.nextAttemptAt;
      entry.attempts = 0;
      return Promise.resolve(true);
    },
    discardDeadLetter(id) {
      const entry = outbox.get(id);
      if (!entry || !isDeadLetter(entry)) return Promise.resolve(false);
      entry.discardedAt = stamp();
      return Promise.resolve(true);
    },
    compact(deliveredBefore) {
      let deleted = 0;
      for (const [id, entry] of outbox) {
        const settledAt = entry.deliveredAt ?? entry.discardedAt;
        if (settledAt !== undefined && settledAt < deliveredBefore) {
          outbox.delete(id);
          deleted += 1;
        }
      }
      return deleted;
    },
  };
}
