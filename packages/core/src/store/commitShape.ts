import type { CommitRequest } from './pipStore.js';

/**
 * Checks that a commit is internally consistent before an adapter writes it: at least one event,
 * events of this PIP contiguous from `expectedVersion + 1`, the envelope at the last event's seq
 * and hash. Every adapter calls it first, so a buggy caller can never store a gap. Throws a plain
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
