import type { Clock } from '@pipkit/core';

/** A clock tests move by hand: time never passes on its own and nothing sleeps. */
export interface TestClock extends Clock {
  /** Moves to an instant (ISO string or Date). Moving backwards is allowed, for replays. */
  set(instant: string | Date): void;
  /** Moves forward by milliseconds, or by `{ days, hours, minutes }` of absolute time. */
  advance(
    by: number | { readonly days?: number; readonly hours?: number; readonly minutes?: number },
  ): void;
  /** The current instant as a UTC ISO string. */
  iso(): string;
}

/**
 * Creates a {@link TestClock} starting at `start`.
 *
 * @example
 * ```ts
 * const clock = createTestClock('2026-03-02T14:00:00Z');
 * const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy], clock });
 * clock.advance({ days: 14 });
 * await engine.tick();
 * ```
 */
export function createTestClock(start: string | Date): TestClock {
  let current = toMs(start);
  return {
    now: () => new Date(current),
    iso: () => new Date(current).toISOString(),
    set(instant) {
      current = toMs(instant);
    },
    advance(by) {
      const ms =
        typeof by === 'number'
          ? by
          : ((by.days ?? 0) * 24 * 60 + (by.hours ?? 0) * 60 + (by.minutes ?? 0)) * 60_000;
      current += ms;
    },
  };
}

function toMs(instant: string | Date): number {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new TypeError(`"${String(instant)}" is not an instant.`);
  return ms;
}
