import type { PipEvent } from '../machine/types.js';
import { canonicalJson } from './canonicalJson.js';
import { sha256Hex } from './sha256.js';

/** The `prevHash` of a PIP's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** One event as the store keeps it: the fact, its place in the PIP's log, and its link in the chain. */
export interface StoredEvent {
  readonly pipId: string;
  /** 1-based and contiguous; equals the PIP's version after this event. */
  readonly seq: number;
  readonly event: PipEvent;
  /** The previous event's `hash`, or {@link GENESIS_HASH}. */
  readonly prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of `{ pipId, seq, event, prevHash }`. */
  readonly hash: string;
}

/** Computes an event's hash from its content and the previous hash. */
export function hashEvent(pipId: string, seq: number, event: PipEvent, prevHash: string): string {
  return sha256Hex(canonicalJson({ pipId, seq, event, prevHash }));
}

/** Builds the chained, stored form of new events that follow `prevHash` at `version`. @internal */
export function chainEvents(
  pipId: string,
  version: number,
  prevHash: string,
  events: readonly PipEvent[],
): StoredEvent[] {
  const stored: StoredEvent[] = [];
  let previous = prevHash;
  events.forEach((event, index) => {
    const seq = version + index + 1;
    const hash = hashEvent(pipId, seq, event, previous);
    stored.push({ pipId, seq, event, prevHash: previous, hash });
    previous = hash;
  });
  return stored;
}

/** Why a history failed verification. */
export type HistoryBreak =
  | 'EMPTY'
  | 'WRONG_PIP'
  | 'SEQUENCE_GAP'
  | 'BROKEN_LINK'
  | 'HASH_MISMATCH'
  | 'TRUNCATED'
  | 'HEAD_MISMATCH';

/** The result of {@link verifyHistory}. */
export type HistoryVerification =
  | { readonly ok: true; readonly count: number; readonly lastHash: string }
  | {
      readonly ok: false;
      readonly code: HistoryBreak;
      /** The `seq` of the first event that does not verify (or the first missing one). */
      readonly brokenAt: number;
      readonly message: string;
    };

/**
 * Verifies a PIP's event chain: contiguous sequence numbers from 1, every `prevHash` linking to
 * the previous event, every hash recomputing from content. With `head` (the version and last hash
 * the PIP's snapshot records) it also detects a deleted tail. Names the first broken link.
 *
 * @example
 * ```ts
 * const result = verifyHistory(await engine.history(pipId, { actor }), { head });
 * if (!result.ok) console.error(`broken at event ${result.brokenAt}: ${result.message}`);
 * ```
 */
export function verifyHistory(
  events: readonly StoredEvent[],
  options: {
    readonly pipId?: string;
    readonly head?: { readonly version: number; readonly lastHash: string };
  } = {},
): HistoryVerification {
  if (events.length === 0)
    return { ok: false, code: 'EMPTY', brokenAt: 1, message: 'The history has no events.' };
  const pipId = options.pipId ?? events[0]?.pipId;
  let previous = GENESIS_HASH;
  for (let index = 0; index < events.length; index += 1) {
    const stored = events[index] as StoredEvent;
    const seq = index + 1;
    if (stored.pipId !== pipId) {
      return {
        ok: false,
        code: 'WRONG_PIP',
        brokenAt: seq,
        message: `Event ${seq} belongs to PIP "${stored.pipId}".`,
      };
    }
    if (stored.seq !== seq) {
      return {
        ok: false,
        code: 'SEQUENCE_GAP',
        brokenAt: seq,
        message: `Expected event ${seq}, found ${stored.seq}.`,
      };
    }
    if (stored.prevHash !== previous) {
      return {
        ok: false,
        code: 'BROKEN_LINK',
        brokenAt: seq,
        message: `Event ${seq} does not link to event ${seq - 1}.`,
      };
    }
    if (hashEvent(stored.pipId, stored.seq, stored.event, stored.prevHash) !== stored.hash) {
      return {
        ok: false,
        code: 'HASH_MISMATCH',
        brokenAt: seq,
        message: `Event ${seq} was changed after it was written.`,
      };
    }
    previous = stored.hash;
  }
  const head = options.head;
  if (head) {
    if (head.version > events.length) {
      return {
        ok: false,
        code: 'TRUNCATED',
        brokenAt: events.length + 1,
        message: `The PIP is at version ${head.version} but only ${events.length} events remain.`,
      };
    }
    if (head.version !== events.length || head.lastHash !== previous) {
      return {
        ok: false,
        code: 'HEAD_MISMATCH',
        brokenAt: head.version,
        message: 'The PIP snapshot does not point at the last event of its history.',
      };
    }
  }
  return { ok: true, count: events.length, lastHash: previous };
}
