import { IANAZone } from 'luxon';
import { CalendarError } from '../errors/pipkitError.js';
import { type CivilDay, parseCivilDay } from './civilDay.js';

/**
 * Which instant a local wall time that happens twice means (the repeated hour when clocks go back):
 * `earlier` is the first time the clock shows it (before the change, the default), `later` the
 * second. The same rule as `disambiguation: 'earlier' | 'later'` in TC39 Temporal.
 */
export type AmbiguousTime = 'earlier' | 'later';

/**
 * How a local wall time maps to instants in a zone: `unique` (once), `ambiguous` (twice, clocks
 * went back) or `skipped` (never, clocks jumped over it; it resolves to the same distance past the
 * jump).
 */
export type WallTimeKind = 'unique' | 'ambiguous' | 'skipped';

/** A resolved local wall time: the UTC instant (epoch milliseconds) and how it was found. */
export interface ResolvedWallTime {
  /** The instant, in milliseconds since 1970-01-01T00:00:00Z. */
  readonly epochMs: number;
  /** Whether the wall time happened once, twice or not at all in the zone. */
  readonly kind: WallTimeKind;
}

/**
 * A zone's UTC offset, in minutes east of UTC, at an instant (epoch milliseconds): luxon's
 * `IANAZone#offset`, which reads the IANA tz database through `Intl` for that instant only, so the
 * answer never depends on the current date.
 */
export type OffsetFunction = (epochMs: number) => number;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** Offsets lie within UTC-12 and UTC+14, so every instant showing a wall time W lies within a day of W. */
const PROBE_MS = MS_PER_DAY;
/** How many offsets the search may try before it falls back to locating the jump by bisection. */
const MAX_OFFSETS_TRIED = 6;

/** The offset function of an IANA zone (a name or a luxon zone), for {@link resolveWallTime}. */
export function zoneOffsets(zone: string | IANAZone): OffsetFunction {
  const iana = typeof zone === 'string' ? IANAZone.create(zone) : zone;
  if (!iana.isValid) throw new CalendarError(`Unknown time zone "${iana.name}".`, ['timeZone']);
  return (epochMs) => iana.offset(epochMs);
}

/**
 * A local date and time as milliseconds on a clock that has no zone (as if it were UTC), checking
 * every field's range: the input of {@link resolveWallTime}. Throws {@link CalendarError}
 * (`INVALID_CALENDAR`) for an hour outside 0-23, a minute or second outside 0-59 or a millisecond
 * outside 0-999.
 */
export function wallClockMs(
  day: CivilDay,
  hour: number,
  minute: number,
  second = 0,
  millisecond = 0,
): number {
  const fields: [string, number, number][] = [
    ['hour', hour, 23],
    ['minute', minute, 59],
    ['second', second, 59],
    ['millisecond', millisecond, 999],
  ];
  for (const [name, value, max] of fields) {
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw new CalendarError(`A wall time's ${name} must be a whole number from 0 to ${max}.`, [
        name,
      ]);
  }
  return day * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
}

/**
 * Turns a local wall time in a zone into a UTC instant, using only the zone's offset at explicit
 * instants: the same answer on every host, whatever the date or the host's own zone.
 *
 * - A wall time that happens once has one answer.
 * - A wall time that happens twice (clocks go back) takes the `earlier` instant unless told `later`.
 * - A wall time that never happens (clocks jump forward) moves forward by the length of the jump:
 *   New York 02:30 on 8 March 2026 is 03:30 EDT, `2026-03-08T07:30:00Z`.
 *
 * How: every instant t showing wall time W satisfies t = W - offset(t), and offsets lie within a
 * day, so the offsets a day before and a day after W give the candidates; those that read back as
 * W are the answers. When none does, W fell in a jump, and the answer is W minus the offset in
 * force just before the jump (the same rule as TC39 Temporal's `'compatible'` disambiguation and
 * ECMAScript's local-time constructor). Offsets come from the IANA tz database
 * (https://www.iana.org/time-zones) through the host's `Intl`.
 *
 * @param offsetAt - the zone's offset function (see {@link zoneOffsets})
 * @param wallMs - the wall time as milliseconds on a zoneless clock (see {@link wallClockMs})
 * @param ambiguous - which instant a repeated wall time means; defaults to `earlier`
 * @example
 * ```ts
 * const newYork = zoneOffsets('America/New_York');
 * const wall = Date.UTC(2026, 10, 1, 1, 30); // 01:30 on 1 November 2026, when EDT ends
 * resolveWallTime(newYork, wall); // { epochMs: Date.parse('2026-11-01T05:30:00Z'), kind: 'ambiguous' }
 * resolveWallTime(newYork, wall, 'later').epochMs; // Date.parse('2026-11-01T06:30:00Z')
 * ```
 */
export function resolveWallTime(
  offsetAt: OffsetFunction,
  wallMs: number,
  ambiguous: AmbiguousTime = 'earlier',
): ResolvedWallTime {
  const before = offsetAt(wallMs - PROBE_MS);
  const after = offsetAt(wallMs + PROBE_MS);
  // Each offset tried, and the offset the zone really has at the instant it proposes.
  const tried = new Map<number, number>();
  const queue = [before, after];
  const found: number[] = [];
  for (let index = 0; index < queue.length && tried.size < MAX_OFFSETS_TRIED; index += 1) {
    const offset = queue[index] as number;
    if (tried.has(offset)) continue;
    const candidate = Math.round(wallMs - offset * MS_PER_MINUTE);
    const actual = offsetAt(candidate);
    tried.set(offset, actual);
    // Two transitions close together can hide an offset from both probes: try the one found here.
    if (actual === offset) found.push(candidate);
    else queue.push(actual);
  }
  if (found.length > 0) {
    found.sort((a, b) => a - b);
    const epochMs = (ambiguous === 'later' ? found[found.length - 1] : found[0]) as number;
    return { epochMs, kind: found.length > 1 ? 'ambiguous' : 'unique' };
  }
  // A single forward jump from `before` to `after` between the probes: each candidate reads back
  // with the other offset. Otherwise locate the jump itself.
  const simpleGap = before < after && tried.get(before) === after && tried.get(after) === before;
  const offsetBeforeJump = simpleGap ? before : offsetBeforeJumpOver(offsetAt, wallMs);
  return { epochMs: Math.round(wallMs - offsetBeforeJump * MS_PER_MINUTE), kind: 'skipped' };
}

/**
 * The offset in force just before the clock jumped over `wallMs`: bisects for the last instant
 * whose wall time is still before it. Only reached for unusual transitions (several within two
 * days), so its cost (about 30 offset lookups) does not matter.
 */
function offsetBeforeJumpOver(offsetAt: OffsetFunction, wallMs: number): number {
  const wallAt = (epochMs: number) => epochMs + offsetAt(epochMs) * MS_PER_MINUTE;
  // Two days either side are beyond any offset, so the wall clock there is before / after W.
  let low = wallMs - 2 * MS_PER_DAY;
  let high = wallMs + 2 * MS_PER_DAY;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallAt(middle) < wallMs) low = middle;
    else high = middle;
  }
  return offsetAt(low);
}

/**
 * The first instant of a local civil day: local midnight, the earlier one when midnight happens
 * twice (America/Havana, 1 November 2026), or the end of the jump when clocks skip midnight
 * (America/Santiago in September). Deliberately independent of any `ambiguousTime` option: a day
 * starts when the clock first shows it. For a day a zone skipped entirely (Pacific/Apia,
 * 30 December 2011) it is the first instant of the next day.
 */
export function startOfLocalDay(offsetAt: OffsetFunction, day: CivilDay): number {
  return resolveWallTime(offsetAt, day * MS_PER_DAY, 'earlier').epochMs;
}

/** A local date-time resolved in a zone by {@link resolveLocalTime}. */
export interface LocalTimeResolution {
  /** The UTC instant, in ISO form (`...Z`). */
  readonly instant: string;
  /** Whether the wall time happened once, twice or not at all (then `instant` is past the jump). */
  readonly kind: WallTimeKind;
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * The UTC instant of a local date-time (`YYYY-MM-DDTHH:mm`, optionally `:ss` and `.SSS`, no
 * offset) in an IANA zone, by the rule every pipkit calendar uses (see {@link resolveWallTime}):
 * the same answer on every host and every date. Throws {@link CalendarError}
 * (`INVALID_CALENDAR`) for an unknown zone or a malformed or impossible date-time.
 *
 * @example
 * ```ts
 * resolveLocalTime('2026-11-01T01:30', 'America/New_York');
 * // { instant: '2026-11-01T05:30:00.000Z', kind: 'ambiguous' }
 * resolveLocalTime('2026-11-01T01:30', 'America/New_York', { ambiguousTime: 'later' }).instant;
 * // '2026-11-01T06:30:00.000Z'
 * resolveLocalTime('2026-03-08T02:30', 'America/New_York');
 * // { instant: '2026-03-08T07:30:00.000Z', kind: 'skipped' }
 * ```
 */
export function resolveLocalTime(
  localDateTime: string,
  timeZone: string,
  options: { readonly ambiguousTime?: AmbiguousTime } = {},
): LocalTimeResolution {
  const { ambiguousTime = 'earlier' } = options;
  if (ambiguousTime !== 'earlier' && ambiguousTime !== 'later')
    throw new CalendarError(`ambiguousTime must be "earlier" or "later".`, ['ambiguousTime']);
  const match = LOCAL_DATE_TIME.exec(localDateTime);
  const day = match ? parseCivilDay(match[1] as string) : undefined;
  if (!match || day === undefined)
    throw new CalendarError(`"${localDateTime}" is not a local date-time (YYYY-MM-DDTHH:mm).`);
  const [hour, minute, second, fraction] = match.slice(2).map((part) => part ?? '0');
  const wall = wallClockMs(
    day,
    Number(hour),
    Number(minute),
    Number(second),
    Number((fraction as string).padEnd(3, '0')),
  );
  const resolved = resolveWallTime(zoneOffsets(timeZone), wall, ambiguousTime);
  return { instant: new Date(resolved.epochMs).toISOString(), kind: resolved.kind };
}
