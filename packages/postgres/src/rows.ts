/**
 * The rows the schema's functions return, and how they become the port's values.
 * @module
 */
import { decompressEventJson, type TimerRow } from '@pipkit/core/adapter';
import { corruptRow } from './storeErrors.js';

/** What the store's functions return for a timer. */
export interface TimerDbRow {
  timer_id: string;
  pip_id: string;
  deadline_id: string;
  kind: TimerRow['kind'];
  due_at: string;
}
/**
 * What `pipkit_read_events` returns for an event: its JSON text, or from migration 10 its
 * compressed bytes (`event_deflated`, core's `compressEventJson`) and no text.
 */
export interface EventRow {
  seq: number;
  event: string | null;
  event_deflated?: Buffer | null;
  prev_hash: string;
  hash: string;
}
/** What `pipkit_get_idempotency` returns. */
export interface IdempotencyRow {
  pip_id: string;
  request_hash: string;
  version: number;
  seqs: string;
}

/** A timer row as the port returns it. */
export function toTimer(row: TimerDbRow): TimerRow {
  return {
    timerId: row.timer_id,
    pipId: row.pip_id,
    deadlineId: row.deadline_id,
    kind: row.kind,
    dueAt: row.due_at,
  };
}

/** Orders timers as the sweep does: by due time, then by id. */
export function byDueThenId(a: TimerRow, b: TimerRow): number {
  return a.dueAt === b.dueAt ? compareText(a.timerId, b.timerId) : compareText(a.dueAt, b.dueAt);
}

/** Bytewise order, as `COLLATE "C"` sorts. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A non-negative whole LIMIT; `null` (no limit) for an infinite one. */
export function clampLimit(limit: number, max = Number.POSITIVE_INFINITY): number | null {
  if (Number.isNaN(limit)) return 0;
  const bounded = Math.max(0, Math.min(Math.trunc(limit), max));
  return Number.isFinite(bounded) ? bounded : null;
}

/**
 * The JSON text of an event row: its text as written before migration 10, or its compressed
 * bytes decompressed; bytes that do not decompress (or no body at all) are an unreadable row of
 * `pipId`.
 */
export function eventText(row: EventRow, pipId: string): string {
  if (typeof row.event === 'string') return row.event;
  const text = row.event_deflated ? decompressEventJson(row.event_deflated) : undefined;
  if (text === undefined) throw corruptRow(pipId, 'pipkit_events');
  return text;
}
