/**
 * The Postgres store's refusal log (migration 11): each tenant's chain of refused attempts per
 * PIP. An append reads the chain's head, chains the entry with core's `chainRefusal`, and inserts
 * it with `pipkit_append_refusal`, which writes it only onto that head and only at a free `seq`
 * (the primary key is the real guard). When another engine appended first, the function answers
 * with the new head and the append chains again: the chain never forks and no `seq` repeats,
 * whatever number of engines write at once. Kept by `purge`: it is the security trail.
 * @module
 */
import { StoreError, StoreErrorReasons } from '@pipkit/core';
import {
  chainRefusal,
  type RefusalHead,
  type RefusalLogCapabilities,
  type RefusalRecord,
  type RefusalRow,
  refusalOfRow,
  refusalPageLimit,
  refusalRowOf,
} from '@pipkit/core/adapter';
import type { StoreConnection } from './connection.js';

/**
 * Appends that lose the race this many times in a row give up with a retryable `STORE_BUSY`.
 * Each loss means another append to the same chain succeeded, so only a chain under that many
 * simultaneous writers can exhaust it.
 */
const APPEND_ATTEMPTS = 100;

/** What `pipkit_append_refusal` answers. */
interface AppendAnswer {
  readonly appended: boolean;
  readonly head_seq: number | null;
  readonly head_hash: string | null;
}

/** The store's `appendRefusal` and `readRefusals` over its connection's tenant. */
export function createRefusalLog(connection: StoreConnection): Required<RefusalLogCapabilities> {
  const head = async (pipId: string): Promise<RefusalHead | undefined> => {
    const rows = (await connection.call(
      'refusal_head',
      [pipId],
      'reading the refusal log',
    )) as RefusalHead[];
    return rows[0];
  };

  /** Inserts `record` onto its head; the chain's head now when another append came first. */
  const insert = async (record: RefusalRecord): Promise<RefusalHead | undefined | true> => {
    const row = refusalRowOf(record);
    const [answer] = (await connection.bounded(
      'append_refusal',
      [
        row.pip_id,
        row.seq,
        row.at,
        row.actor_id,
        row.actor_role,
        row.action,
        row.outcome,
        row.codes,
        row.prev_hash,
        row.hash,
      ],
      'recording a refused attempt',
    )) as AppendAnswer[];
    if (answer?.appended) return true;
    return answer?.head_seq == null || answer.head_hash == null
      ? undefined
      : { seq: answer.head_seq, hash: answer.head_hash };
  };

  return {
    async appendRefusal(entry) {
      let last = await head(entry.pipId);
      for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt += 1) {
        const record = chainRefusal(last, entry);
        const outcome = await insert(record);
        if (outcome === true) return record;
        last = outcome;
      }
      throw new StoreError(
        `Postgres store: the refusal log of PIP "${entry.pipId}" kept moving; nothing was written.`,
        { retryable: true, reason: StoreErrorReasons.BUSY },
      );
    },

    async readRefusals(pipId, options = {}) {
      const rows = (await connection.call(
        'read_refusals',
        [pipId, Math.max(0, Math.trunc(options.afterSeq ?? 0)), refusalPageLimit(options)],
        'reading the refusal log',
      )) as RefusalRow[];
      return rows.map(refusalOfRow);
    },
  };
}
