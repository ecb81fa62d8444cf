import type { CommitRequest } from './pipStore.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Checks that a commit is internally consistent before an adapter writes it: at least one event,
 * events of this PIP contiguous from `expectedVersion + 1`, each hash and previous hash a
 * lowercase hex SHA-256, the envelope at the last event's seq and hash. Every adapter calls it first, so a buggy caller can never store a gap. Throws a plain
 * `Error` (a programming error, not a refusal).
 *
 * @example
 * ```ts
 * async commit(request) {
 *   assertCommitShape(request);
 *   // ...one transaction...
 * }
 * ```
 */
export function assertCommitShape(request: CommitRequest): void {
  if (request.events.length === 0) throw new Error('A commit must append at least one event.');
  request.events.forEach((event, index) => {
    if (event.pipId !== request.pipId) throw new Error(`Event ${index} belongs to another PIP.`);
    // Stores may keep a hash as its 32 bytes: only SHA-256 hex round-trips exactly.
    if (!SHA256_HEX.test(event.hash) || !SHA256_HEX.test(event.prevHash)) {
      throw new Error(`Event ${index}'s hash and prevHash must be lowercase hex SHA-256.`);
    }
    if (event.seq !== request.expectedVersion + index + 1) {
      throw new Error(
        `Event ${index} has seq ${event.seq}; expected ${request.expectedVersion + index + 1}.`,
      );
    }
  });
  const last = request.events[request.events.length - 1];
  if (
    request.record.pipId !== request.pipId ||
    request.record.version !== last?.seq ||
    request.record.lastHash !== last.hash
  ) {
    throw new Error('The record must carry the PIP id, and the seq and hash of the last event.');
  }
}
