/**
 * Turns a decision into the one transaction a store writes: chained events, the new envelope,
 * the timer index changes, the outbox rows and the idempotency record.
 */
import { canonicalJson } from '../audit/canonicalJson.js';
import { sha256Hex } from '../audit/sha256.js';
import { deepFreeze } from '../model/immutable.js';
import { type StoredEvent, chainEvents, GENESIS_HASH } from '../audit/hashChain.js';
import { type PipMachineSnapshot, flattenState, recordContext } from '../machine/snapshot.js';
import type { Deadline, PipEvent } from '../machine/types.js';
import {
  type CommitRequest,
  NO_PIP_YET,
  type PipRecord,
  type TimerRow,
} from '../store/pipStore.js';
import { isSummary, type PipSummary, summaryAfter } from '../status/summary.js';
import { outboxFor } from './outbox.js';

/**
 * The parts of an envelope a commit keeps: who, which policy, since when. An existing record
 * serves as its own identity (the commit overwrites every member this type omits). @internal
 */
export type PipIdentity = Omit<
  PipRecord,
  'state' | 'context' | 'version' | 'lastHash' | 'updatedAt' | 'summary'
>;

/** SHA-256 of the canonical request, so a key reused for another request is recognised. @internal */
export function requestHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** The timer rows a change of pending deadlines implies. @internal */
export function timerChanges(
  pipId: string,
  before: Readonly<Record<string, Deadline>>,
  after: Readonly<Record<string, Deadline>>,
): { set: TimerRow[]; clear: string[] } {
  const set: TimerRow[] = [];
  const clear: string[] = [];
  for (const id of Object.keys(before)) if (!Object.hasOwn(after, id)) clear.push(`${pipId}/${id}`);
  for (const [id, deadline] of Object.entries(after)) {
    if (!Object.hasOwn(before, id) || before[id]?.dueAt !== deadline.dueAt) {
      set.push({
        timerId: `${pipId}/${id}`,
        pipId,
        deadlineId: id,
        kind: deadline.kind,
        dueAt: deadline.dueAt,
      });
    }
  }
  return { set, clear };
}

/**
 * The commit that writes `events` (leading to `next`) after `record` (none: a new PIP), whose
 * summary is `summary` (the record's own, or for a record written before summaries, the one its
 * log gives). @internal
 */
export function buildCommit(
  record: PipRecord | undefined,
  identity: PipIdentity,
  events: readonly PipEvent[],
  next: PipMachineSnapshot,
  now: string,
  idempotency?: { readonly key: string; readonly requestHash: string },
  summary: PipSummary | undefined = isSummary(record?.summary) ? record?.summary : undefined,
): CommitRequest {
  const version = record?.version ?? NO_PIP_YET;
  const stored = chainEvents(identity.pipId, version, record?.lastHash ?? GENESIS_HASH, events);
  const last = stored[stored.length - 1] as StoredEvent;
  const context = recordContext(next);
  const state = flattenState(next.value);
  // A record written before summaries and given none: the best its envelope says.
  const previous = record
    ? {
        summary: summary ?? { overdue: [], stateSince: record.updatedAt },
        state: record.state,
        deadlines: record.context.deadlines,
      }
    : undefined;
  const newRecord: PipRecord = {
    ...identity,
    state,
    context,
    version: last.seq,
    lastHash: last.hash,
    updatedAt: now,
    summary: summaryAfter(previous, events, { state, context }),
  };
  // Frozen whole: the engine hands this record and these events to the caller and keeps the
  // record to decide the next command on, so an edit to what a caller got back must not reach
  // the next decision (or be written by it).
  deepFreeze(newRecord);
  deepFreeze(stored);
  return {
    pipId: identity.pipId,
    expectedVersion: version,
    record: newRecord,
    events: stored,
    timers: timerChanges(identity.pipId, record?.context.deadlines ?? {}, context.deadlines),
    // Frozen too: a store may keep them as they are (the memory store does) and hand them out.
    outbox: deepFreeze(outboxFor(context, stored, last.seq, record?.context.deadlines ?? {})),
    ...(idempotency
      ? {
          idempotency: deepFreeze({
            ...idempotency,
            pipId: identity.pipId,
            version: last.seq,
            seqs: stored.map((event) => event.seq),
          }),
        }
      : {}),
  };
}
