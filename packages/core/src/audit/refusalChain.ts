/**
 * The refusal chain: every refused attempt on one PIP (an authorizer's `FORBIDDEN`, or a
 * `COMMAND_REFUSED` by the PIP's rules), kept as an append-only, hash-chained log beside its
 * events. It is the security trail of who tried what and was turned away, so it holds only what
 * a reviewer needs and nothing personal beyond the actor's id: the instant, the actor's id and
 * role, the action, the outcome and the issue codes, never a message (messages may quote a
 * person's data; GDPR art. 5(1)(c), data minimisation).
 *
 * Each record's hash is SHA-256 over the canonical JSON (RFC 8785 for these values) of the
 * record and the previous record's hash, as for events, so any edit, deletion in the middle,
 * reordering or renumbering breaks the chain at a named place.
 */
import { z } from 'zod';
import { parseInput } from '../errors/zodIssues.js';
import { hostIdSchema, type Role, roleSchema } from '../model/actor.js';
import { canonicalJson } from './canonicalJson.js';
import { GENESIS_HASH } from './hashChain.js';
import { sha256Hex } from './sha256.js';

/** `FORBIDDEN`: the authorizer said no. `COMMAND_REFUSED`: the PIP's rules did. */
export type RefusalOutcome = 'FORBIDDEN' | 'COMMAND_REFUSED';

/**
 * What an issue code or an action name may look like in the refusal log: a stable identifier
 * (letters, digits, `_ . : -`, at most 100 characters), never free text.
 */
export const REFUSAL_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** At most this many issue codes are kept per refused attempt. */
export const REFUSAL_CODES_MAX = 100;

/** One refused attempt as a store is asked to append it: the facts, not yet in the chain. */
export interface RefusalEntry {
  readonly pipId: string;
  /** When it was refused (the engine's clock), UTC ISO. */
  readonly at: string;
  readonly actor: { readonly id: string; readonly role: Role };
  /** The command, `OPEN`, `READ`, or a record-level capability (`PURGE`, `MIGRATE`, ...). */
  readonly action: string;
  readonly outcome: RefusalOutcome;
  /** The issue codes, in order; never messages. */
  readonly codes: readonly string[];
}

/** One refused attempt as the store keeps it: the entry, its place in the chain, and its link. */
export interface RefusalRecord extends RefusalEntry {
  /** 1-based and contiguous within the PIP's refusal chain. */
  readonly seq: number;
  /** The previous record's `hash`, or the genesis hash (64 zeros) for the first. */
  readonly prevHash: string;
  /**
   * SHA-256 (hex) of the canonical JSON of
   * `{ pipId, seq, at, actor: { id, role }, action, outcome, codes, prevHash }`.
   */
  readonly hash: string;
}

/** The last record of a chain, as a store reads it before appending: its `seq` and `hash`. */
export interface RefusalHead {
  readonly seq: number;
  readonly hash: string;
}

const codeSchema = z.string().regex(REFUSAL_CODE_PATTERN, 'Not a stable code');
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** The schema every store checks an entry with before appending it. */
export const refusalEntrySchema = z
  .object({
    pipId: hostIdSchema,
    at: z.string().regex(ISO_UTC, 'Expected a UTC ISO-8601 instant'),
    actor: z.object({ id: hostIdSchema, role: roleSchema }).strict(),
    action: codeSchema,
    outcome: z.enum(['FORBIDDEN', 'COMMAND_REFUSED']),
    codes: z.array(codeSchema).max(REFUSAL_CODES_MAX),
  })
  .strict();

/** Computes a refusal record's hash from its content and the previous hash. */
export function hashRefusal(record: Omit<RefusalRecord, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      pipId: record.pipId,
      seq: record.seq,
      at: record.at,
      actor: { id: record.actor.id, role: record.actor.role },
      action: record.action,
      outcome: record.outcome,
      codes: record.codes,
      prevHash: record.prevHash,
    }),
  );
}

/**
 * The record that follows `head` (the chain's last record, `undefined` for an empty chain):
 * validated (`INVALID_INPUT` listing every problem), numbered and hashed. Every store calls it
 * inside its append, so no two stores ever chain a refusal differently.
 *
 * @example
 * ```ts
 * const record = chainRefusal(await lastRefusalOf(pipId), entry);
 * insertRow(record); // unique on (pipId, seq): a concurrent append of the same seq fails
 * ```
 */
export function chainRefusal(head: RefusalHead | undefined, entry: RefusalEntry): RefusalRecord {
  const parsed = parseInput(refusalEntrySchema, entry, 'refused attempt');
  const unhashed = {
    pipId: parsed.pipId,
    seq: (head?.seq ?? 0) + 1,
    at: parsed.at,
    actor: { id: parsed.actor.id, role: parsed.actor.role },
    action: parsed.action,
    outcome: parsed.outcome,
    codes: [...parsed.codes],
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: hashRefusal(unhashed) };
}

/** Why a refusal chain failed verification; stable codes a host can `switch` on. */
export type RefusalChainBreak =
  /** A record of another PIP sits in this PIP's chain. */
  | 'REFUSAL_WRONG_PIP'
  /** A `seq` is missing or out of place: a record was deleted from the middle, or renumbered. */
  | 'REFUSAL_SEQUENCE_GAP'
  /** A record does not link to the one before it: records were reordered, or one was removed and the rest renumbered. */
  | 'REFUSAL_BROKEN_LINK'
  /** A record's content no longer matches its hash: it was edited after it was written. */
  | 'REFUSAL_HASH_MISMATCH';

/** The result of {@link verifyRefusalChain}. An empty chain verifies (`count: 0`). */
export type RefusalChainVerification =
  | { readonly ok: true; readonly count: number; readonly lastHash: string }
  | {
      readonly ok: false;
      readonly code: RefusalChainBreak;
      /** The `seq` of the first record that does not verify (or the first missing one). */
      readonly brokenAt: number;
      readonly message: string;
    };

/** The first problem of the record at position `expected` (1-based), if any. */
function recordBreak(
  record: RefusalRecord,
  expected: number,
  pipId: string,
  previous: string,
): Extract<RefusalChainVerification, { ok: false }> | undefined {
  const broken = (code: RefusalChainBreak, message: string) =>
    ({ ok: false, code, brokenAt: expected, message }) as const;
  if (record.pipId !== pipId) {
    return broken('REFUSAL_WRONG_PIP', `Refusal ${expected} belongs to another PIP.`);
  }
  if (record.seq !== expected) {
    return broken('REFUSAL_SEQUENCE_GAP', `Expected refusal ${expected}, found ${record.seq}.`);
  }
  if (record.prevHash !== previous) {
    return broken(
      'REFUSAL_BROKEN_LINK',
      `Refusal ${expected} does not link to refusal ${expected - 1}.`,
    );
  }
  if (hashRefusal(record) !== record.hash) {
    return broken('REFUSAL_HASH_MISMATCH', `Refusal ${expected} was changed after it was written.`);
  }
  return undefined;
}

/**
 * A refusal chain checked one record at a time, in `seq` order, so a long chain is verified page
 * by page without being held in memory. `add` answers the first break (and keeps answering it);
 * `result` is the verification of everything added so far. @internal
 */
export function refusalChainVerifier(pipId: string): {
  add(record: RefusalRecord): RefusalChainVerification | undefined;
  result(): RefusalChainVerification;
} {
  let previous = GENESIS_HASH;
  let count = 0;
  let failure: Extract<RefusalChainVerification, { ok: false }> | undefined;
  return {
    add(record) {
      failure ??= recordBreak(record, count + 1, pipId, previous);
      if (failure) return failure;
      previous = record.hash;
      count += 1;
      return undefined;
    },
    result: () => failure ?? { ok: true, count, lastHash: previous },
  };
}

/**
 * Verifies one PIP's refusal chain, read in `seq` order: contiguous sequence numbers from 1,
 * every `prevHash` linking to the record before, every hash recomputing from content. Names the
 * first broken record. Like the event chain without a signed head, it cannot see the newest
 * records deleted (the chain that remains is whole); a head (`seq` and `hash`) kept outside the
 * store is what reveals that.
 *
 * @example
 * ```ts
 * const result = verifyRefusalChain(records, { pipId });
 * if (!result.ok) console.error(`refusal ${result.brokenAt}: ${result.code}`);
 * ```
 */
export function verifyRefusalChain(
  records: readonly RefusalRecord[],
  options: { readonly pipId?: string } = {},
): RefusalChainVerification {
  const verifier = refusalChainVerifier(options.pipId ?? records[0]?.pipId ?? '');
  for (const record of records) if (verifier.add(record)) break;
  return verifier.result();
}
