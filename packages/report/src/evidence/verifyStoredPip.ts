import {
  type HistoryVerification,
  type PipRecord,
  type StoredEvent,
  replayEvents,
  verifyHistory,
} from '@pipkit/core';

/** One PIP's integrity: its hash chain, and whether replaying its events reproduces the snapshot. */
export interface StoredPipVerification {
  readonly pipId: string;
  readonly events: number;
  readonly chain: HistoryVerification;
  readonly replayMatches: boolean;
  readonly ok: boolean;
}

/** JSON with sorted keys and undefined members dropped, to compare two contexts. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`)
    .join(',')}}`;
}

/**
 * Verifies a stored PIP the way `engine.verify` does (the SHA-256 chain, its head, and the replay
 * of every event through the machine) from a record and its events, read straight from a store or
 * an evidence bundle, so a PIP on a policy the caller does not know still verifies: the events
 * carry everything computed. Never throws for a broken history: it reports it.
 *
 * @example
 * ```ts
 * const record = await store.load(pipId);
 * const result = verifyStoredPip(record, await store.readEvents(pipId));
 * if (!result.ok) console.error(result.chain);
 * ```
 */
export function verifyStoredPip(
  record: PipRecord,
  history: readonly StoredEvent[],
): StoredPipVerification {
  const chain = verifyHistory(history, {
    pipId: record.pipId,
    head: { version: record.version, lastHash: record.lastHash },
  });
  let replayMatches: boolean;
  try {
    const replay = replayEvents(history.map((stored) => stored.event));
    replayMatches =
      replay.state === record.state && stableJson(replay.context) === stableJson(record.context);
  } catch {
    replayMatches = false;
  }
  return {
    pipId: record.pipId,
    events: history.length,
    chain,
    replayMatches,
    ok: chain.ok && replayMatches,
  };
}
