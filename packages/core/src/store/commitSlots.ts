/**
 * How many commits an engine runs at once on one store: the sweep's batches a round and group
 * commit's groups in flight, read from the store's `concurrentCommits` hint.
 * @module
 */
import type { PipStore } from './pipStore.js';

/**
 * The most commits an engine runs at once on one store, whatever its `concurrentCommits` says: an
 * adapter that lets its host choose the hint bounds it by this (Postgres's `concurrentCommits`).
 */
export const MAX_COMMIT_SLOTS = 64;

/**
 * How many `commitMany` calls an engine runs at once on `store`: its `concurrentCommits` when
 * that is a finite number from 1 (rounded down, at most {@link MAX_COMMIT_SLOTS}), else 1. A
 * store's hint that is `NaN`, infinite, zero or negative never stalls or unbounds the sweep or
 * group commit. @internal
 */
export function commitSlots(store: Pick<PipStore, 'concurrentCommits'>): number {
  const hint = store.concurrentCommits;
  if (typeof hint !== 'number' || !Number.isFinite(hint) || hint < 1) return 1;
  return Math.min(MAX_COMMIT_SLOTS, Math.floor(hint));
}
