/**
 * Test helpers that read the IANA tz database through other doors than the code under test (luxon's
 * `IANAZone#offset`): V8's own local time (`Date#getTimezoneOffset` with `process.env.TZ`, which
 * Node re-reads when it is assigned) to find transitions, and `Intl.DateTimeFormat` to read an
 * instant back as a wall clock.
 */

/** One change of a zone's UTC offset: from `at` (epoch ms, first instant of the new offset) on. */
export interface Transition {
  readonly at: number;
  /** Offset before, minutes east of UTC. */
  readonly before: number;
  /** Offset from `at` on, minutes east of UTC. */
  readonly after: number;
}

const MS_PER_DAY = 86_400_000;
/**
 * Scan step. The shortest offset period in 2000-2040 in the tz database is 7 days (Brazil's
 * 2000 DST in America/Boa_Vista, Noronha and Recife; Palestine's predicted October 2040 rules),
 * measured by a 6-hour scan of every zone; a 6-day step sees every change (the 6-hour scan and
 * this one both find 12,445 in Node 20's database).
 */
const SCAN_STEP_MS = 6 * MS_PER_DAY;

/**
 * Runs `fn` with the host zone set to `zone` (Node re-reads `TZ` on assignment), restoring it after.
 */
export function withHostZone<T>(zone: string, fn: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = zone;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

/** The host's offset (set by {@link withHostZone}) at an instant, minutes east of UTC, via V8. */
export const hostOffset = (epochMs: number): number => -new Date(epochMs).getTimezoneOffset() || 0;

/**
 * Every offset change of `zone` between the starts of `fromYear` and `toYear`, found by a scan of
 * V8's local time and bisection to the millisecond. Call inside {@link withHostZone}.
 */
export function hostTransitions(fromYear: number, toYear: number): Transition[] {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear, 0, 1);
  const found: Transition[] = [];
  let previous = hostOffset(start);
  for (let t = start + SCAN_STEP_MS; t <= end; t += SCAN_STEP_MS) {
    const offset = hostOffset(t);
    if (offset === previous) continue;
    let low = t - SCAN_STEP_MS;
    let high = t;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (hostOffset(middle) === previous) low = middle;
      else high = middle;
    }
    found.push({ at: high, before: previous, after: hostOffset(high) });
    previous = offset;
  }
  return found;
}

const FIELDS = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)\.(\d+)$/;

/**
 * Reads an instant as the wall clock of `zone` with `Intl.DateTimeFormat`, as milliseconds on a
 * zoneless clock (`Date.UTC` of the local fields).
 */
export function intlWallClock(zone: string): (epochMs: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    fractionalSecondDigits: 3,
  });
  return (epochMs) => {
    const match = FIELDS.exec(format.format(epochMs));
    if (!match) throw new Error(`Unexpected Intl output for ${zone}: ${format.format(epochMs)}`);
    const [month = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0, ms = 0] = match
      .slice(1)
      .map(Number);
    return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  };
}

/** The civil day (days since 1970-01-01) of a zoneless wall-clock millisecond value. */
export const dayOfWall = (wallMs: number): number => Math.floor(wallMs / MS_PER_DAY);
