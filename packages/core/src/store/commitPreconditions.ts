import {
  IdempotencyKeyReusedError,
  type PipkitError,
  VersionConflictError,
} from '../errors/pipkitError.js';
import type { CommitRequest, IdempotencyRecord } from './pipStore.js';

/** What a store found when it looked, inside its transaction, at what a commit depends on. */
export interface CommitFacts {
  /** The PIP's stored version; 0 ({@link NO_PIP_YET}) when it does not exist. */
  readonly actualVersion: number;
  /** What is already recorded under the request's idempotency key, if anything. */
  readonly recordedKey?: Pick<IdempotencyRecord, 'key'> | undefined;
}

/**
 * The one rule every store applies before writing a commit, in this order:
 *
 * 1. **The idempotency key.** A key already recorded refuses the commit with
 *    `IDEMPOTENCY_KEY_REUSED`, whatever the version: a retry of a request that already won must
 *    be answered with its first result (the engine reads it back and replays it, or reports a
 *    reuse when the request differs), never with a version conflict that would make the caller
 *    decide a second time.
 * 2. **The version.** The PIP must be at `expectedVersion` (absent for `NO_PIP_YET`), else
 *    `VERSION_CONFLICT` with the version found.
 *
 * Returns the error to throw (or to return in a `commitMany` slot), or `undefined` to write.
 * Stores call it with facts read in the same transaction as the write, so the answer holds when
 * the write happens; the unique keys on `(pip_id, seq)` and on the idempotency key remain the
 * last guard. The conformance suite pins the order on every adapter.
 *
 * @example
 * ```ts
 * const failure = commitPreconditionError(request, {
 *   actualVersion: row?.version ?? 0,
 *   recordedKey: request.idempotency ? keys.get(request.idempotency.key) : undefined,
 * });
 * if (failure) throw failure;
 * ```
 */
export function commitPreconditionError(
  request: Pick<CommitRequest, 'pipId' | 'expectedVersion' | 'idempotency'>,
  facts: CommitFacts,
): PipkitError | undefined {
  if (request.idempotency && facts.recordedKey) {
    return new IdempotencyKeyReusedError(request.idempotency.key);
  }
  if (facts.actualVersion !== request.expectedVersion) {
    return new VersionConflictError(request.pipId, request.expectedVersion, facts.actualVersion);
  }
  return undefined;
}
