/**
 * Idempotency keys as stores record them. A caller's key is scoped to the PIP it names (or to
 * opening), and the engine's own keys (deadline fires) live in a namespace no caller can write:
 * so no caller can pre-empt a deadline's fire by guessing its key, and two PIPs' callers never
 * collide on a key.
 */
import { ValidationError } from '../errors/pipkitError.js';
import type { TimerRow } from '../store/pipStore.js';

/** Prefixes reserved for pipkit's own keys; a caller's key may not start with one. */
const RESERVED_PREFIXES = ['pipkit:', 'timer:'] as const;

/**
 * Refuses a caller's key that looks like one of pipkit's own (`pipkit:...`, `timer:...`) with
 * `INVALID_INPUT` / `RESERVED_IDEMPOTENCY_KEY`. @internal
 */
export function assertCallerKey(key: string): void {
  const reserved = RESERVED_PREFIXES.find((prefix) => key.startsWith(prefix));
  if (reserved === undefined) return;
  const message = `Idempotency keys starting with "${reserved}" are reserved for pipkit's own requests; choose another key.`;
  throw new ValidationError(message, [
    { code: 'RESERVED_IDEMPOTENCY_KEY', path: ['idempotencyKey'], message },
  ]);
}

/** The stored form of a caller's key for a command on `pipId`. @internal */
export function commandKey(pipId: string, key: string): string {
  return `pip:${pipId}:${key}`;
}

/** The stored form of a caller's key for opening a PIP. @internal */
export function openKey(key: string): string {
  return `open:${key}`;
}

/** The sweep's key for firing a timer at its due time: a deadline fires once however often it is swept. @internal */
export function fireKey(timer: Pick<TimerRow, 'timerId' | 'dueAt'>): string {
  return `pipkit:fire:${timer.timerId}@${timer.dueAt}`;
}
