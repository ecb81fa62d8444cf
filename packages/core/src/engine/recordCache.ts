import type { PipRecord } from '../store/pipStore.js';

/** The envelopes an engine wrote last. @internal */
export interface RecordCache {
  get(pipId: string): PipRecord | undefined;
  remember(record: PipRecord): void;
  forget(pipId: string): void;
}

/**
 * The envelopes an engine wrote last, newest kept: a bounded map in least-recently-used order.
 * Only the write pipeline reads it, and only as a guess that the store's version guard checks.
 * @internal
 */
export function recordCache(capacity: number): RecordCache {
  const entries = new Map<string, PipRecord>();
  return {
    get(pipId) {
      const record = entries.get(pipId);
      if (record) {
        entries.delete(pipId);
        entries.set(pipId, record);
      }
      return record;
    },
    remember(record) {
      if (capacity <= 0) return;
      entries.delete(record.pipId);
      entries.set(record.pipId, record);
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
    forget(pipId) {
      entries.delete(pipId);
    },
  };
}
