/**
 * The store port's refusal log: an optional capability, like `loadMany`. A store that has it
 * keeps every refused attempt in a hash-chained log per PIP (per tenant and PIP on a store with
 * tenants), which `engine.refusals` reads and `engine.verify` checks. A store without it (a
 * host's own adapter) keeps working: the engine then only hands refusals to the host's
 * `onRefusal` listener.
 *
 * The log is the security trail, so it outlives the PIP: `purge` leaves it, and it has no
 * reference to the PIP's envelope (a refused `OPEN` names a PIP that never existed).
 */
import { z } from 'zod';
import {
  type RefusalChainVerification,
  type RefusalEntry,
  type RefusalRecord,
  refusalChainVerifier,
} from '../audit/refusalChain.js';
import { StoreError, StoreErrorReasons } from '../errors/pipkitError.js';
import { parseInput } from '../errors/zodIssues.js';
import type { Role } from '../model/actor.js';

/** How many refusals {@link RefusalLogCapabilities.readRefusals} returns: default 100, at most 1000. */
export const REFUSAL_LIMITS = Object.freeze({ default: 100, max: 1000 });

/** Paging of {@link RefusalLogCapabilities.readRefusals}. */
export interface RefusalReadOptions {
  /** Only the refusals after this `seq` (keyset paging; default 0: from the first). */
  readonly afterSeq?: number;
  /** At most this many ({@link REFUSAL_LIMITS}: default 100, capped at 1000). */
  readonly limit?: number;
}

/** The store port's optional refusal log. */
export interface RefusalLogCapabilities {
  /**
   * Optional capability (with `readRefusals`): appends a refused attempt to its PIP's refusal
   * chain in one transaction and returns the stored record. The store reads the chain's last
   * record and chains the entry with `chainRefusal` from `@pipkit/core/adapter` (which validates
   * it: `INVALID_INPUT`, nothing written); a unique key on `(pipId, seq)` (with the tenant) is
   * the guard, so concurrent appends never fork the chain or share a `seq`: the loser reads the
   * new last record and chains again. Writes nothing else: no event, no outbox row.
   */
  appendRefusal?(entry: RefusalEntry): Promise<RefusalRecord>;
  /**
   * Optional capability (with `appendRefusal`): one page of a PIP's refusal chain in `seq`
   * order, after `afterSeq`, at most `limit` ({@link REFUSAL_LIMITS}); empty for a PIP with
   * none. Kept after `purge`.
   */
  readRefusals?(pipId: string, options?: RefusalReadOptions): Promise<RefusalRecord[]>;
}

/** The page size a store uses for `options.limit`: the default, capped; negative means none. */
export function refusalPageLimit(options: RefusalReadOptions = {}): number {
  return Math.max(0, Math.min(options.limit ?? REFUSAL_LIMITS.default, REFUSAL_LIMITS.max));
}

/** One row of a SQL store's refusal table, as both SQL adapters select it. */
export interface RefusalRow {
  readonly pip_id: string;
  readonly seq: number;
  readonly at: string;
  readonly actor_id: string;
  readonly actor_role: string;
  readonly action: string;
  readonly outcome: string;
  /** The codes as the JSON array text the store wrote. */
  readonly codes: string;
  readonly prev_hash: string;
  readonly hash: string;
}

// Read back loosely: a row edited to an unknown role or outcome must still reach verify, whose
// hash check names it; only what cannot be read at all is a corrupt row.
const storedCodesSchema = z.array(z.string());

/**
 * A refusal row as the port's {@link RefusalRecord}. Codes that are not a JSON array of strings
 * are a `STORE_CORRUPT_ROW` naming the PIP and the `seq`; any other edited value is returned as
 * stored, so `engine.verify` reports it as a hash mismatch.
 */
export function refusalOfRow(row: RefusalRow): RefusalRecord {
  let codes: string[];
  try {
    codes = parseInput(storedCodesSchema, JSON.parse(row.codes), 'refusal codes');
  } catch {
    throw new StoreError(
      `The codes of refusal ${row.seq} of PIP "${row.pip_id}" cannot be read back.`,
      { retryable: false, reason: StoreErrorReasons.CORRUPT_ROW },
    );
  }
  return {
    pipId: row.pip_id,
    seq: Number(row.seq),
    at: row.at,
    actor: { id: row.actor_id, role: row.actor_role as Role },
    action: row.action,
    outcome: row.outcome as RefusalRecord['outcome'],
    codes,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A refusal record as the columns of a SQL store's row (codes as JSON array text). */
export function refusalRowOf(record: RefusalRecord): RefusalRow {
  return {
    pip_id: record.pipId,
    seq: record.seq,
    at: record.at,
    actor_id: record.actor.id,
    actor_role: record.actor.role,
    action: record.action,
    outcome: record.outcome,
    codes: JSON.stringify(record.codes),
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/**
 * Verifies one PIP's refusal chain as a store keeps it, reading it a page at a time and checking
 * each record as it comes, so one page is in memory however long the chain (a caller who spammed
 * refusals cannot make a verification hold them all). `undefined` for a store without the
 * refusal log. Stops at the first break, or at a page that does not move past the last `seq`
 * read (a store returning rows out of order). `engine.verify` and `pipkit verify` both use it.
 *
 * @example
 * ```ts
 * const refusals = await verifyStoredRefusals(store, 'pip-1');
 * if (refusals && !refusals.ok) console.error(refusals.code, 'at refusal', refusals.brokenAt);
 * ```
 */
export async function verifyStoredRefusals(
  store: RefusalLogCapabilities,
  pipId: string,
): Promise<RefusalChainVerification | undefined> {
  if (!store.readRefusals) return undefined;
  const verifier = refusalChainVerifier(pipId);
  let afterSeq = 0;
  for (;;) {
    const page = await store.readRefusals(pipId, { afterSeq, limit: REFUSAL_LIMITS.max });
    for (const record of page) if (verifier.add(record)) return verifier.result();
    const last = page.at(-1);
    if (page.length < REFUSAL_LIMITS.max || !last || last.seq <= afterSeq) break;
    afterSeq = last.seq;
  }
  return verifier.result();
}
