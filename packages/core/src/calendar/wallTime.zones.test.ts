import { describe, expect, it } from 'vitest';
import { type Calendar, createCalendar } from './calendar.js';
import { endOfCivilDay } from './duration.js';
import { type OffsetFunction, resolveWallTime, startOfLocalDay } from './wallTime.js';
import {
  type Transition,
  dayOfWall,
  hostOffset,
  hostTransitions,
  intlWallClock,
  withHostZone,
} from './__fixtures__/zoneTransitions.js';

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;
const LUXON_FROM = Date.UTC(2024, 0, 1);
const LUXON_UNTIL = Date.UTC(2029, 0, 1);

/** What one zone's checks need: its clocks, its calendars, and where to write failures. */
interface ZoneCheck {
  readonly zone: string;
  /** The zone's wall clock at an instant, read by Intl (independent of the resolver). */
  readonly wallOf: (epochMs: number) => number;
  /** V8's offsets for the zone (the host zone is set to it while the zone is checked). */
  readonly offsetAt: OffsetFunction;
  /**
   * Production calendars (luxon offsets), `earlier` and `later`, for the transitions of 2024-2028
   * only: luxon reads offsets through `Intl.formatToParts` (about 9 µs a lookup), which would make
   * this test take ten seconds over the whole range.
   */
  readonly calendars: { readonly earlier: Calendar; readonly later: Calendar } | undefined;
  readonly failures: string[];
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();
const wallIso = (wallMs: number) => iso(wallMs).slice(0, 23);

function fail(check: ZoneCheck, message: string): void {
  if (check.failures.length < 30) check.failures.push(`${check.zone}: ${message}`);
}

/** Every instant near `wallMs` that Intl shows as `wallMs`, given the offsets in force around it. */
function instantsShowing(check: ZoneCheck, wallMs: number, offsets: readonly number[]): number[] {
  const instants = new Set<number>();
  for (const offset of offsets) {
    const candidate = wallMs - offset * MS_PER_MINUTE;
    if (check.wallOf(candidate) === wallMs) instants.add(candidate);
  }
  return [...instants].sort((a, b) => a - b);
}

/** `instantAt` of a production calendar on a zoneless wall-clock value. */
function calendarInstant(calendar: Calendar, wallMs: number): number {
  const day = dayOfWall(wallMs);
  const inDay = wallMs - day * MS_PER_DAY;
  const hour = Math.floor(inDay / 3_600_000);
  const minute = Math.floor(inDay / MS_PER_MINUTE) % 60;
  const second = Math.floor(inDay / 1000) % 60;
  return Date.parse(calendar.instantAt(day, hour, minute, second, inDay % 1000));
}

/**
 * One wall time near a transition: the resolver (on V8's offsets and through the luxon calendars)
 * must give the earliest / latest instant Intl shows as that wall time, or, for a skipped time, the
 * instant Intl shows as the wall time plus the jump. V8's own local-time constructor (ECMA-262
 * picks the earlier instant and moves skipped times forward) must agree with `earlier`.
 */
function checkWallTime(check: ZoneCheck, wallMs: number, transition: Transition): void {
  const { before, after } = transition;
  const showing = instantsShowing(check, wallMs, [before, after]);
  const earlier = resolveWallTime(check.offsetAt, wallMs, 'earlier');
  const later = resolveWallTime(check.offsetAt, wallMs, 'later');
  const fields = new Date(wallMs);
  const v8 = new Date(
    fields.getUTCFullYear(),
    fields.getUTCMonth(),
    fields.getUTCDate(),
    fields.getUTCHours(),
    fields.getUTCMinutes(),
    fields.getUTCSeconds(),
    fields.getUTCMilliseconds(),
  ).getTime();
  const { calendars } = check;
  const results = [
    earlier.epochMs,
    calendars ? calendarInstant(calendars.earlier, wallMs) : earlier.epochMs,
    v8,
    later.epochMs,
    calendars ? calendarInstant(calendars.later, wallMs) : later.epochMs,
  ];
  let expected: number[];
  if (showing.length === 0) {
    const shown = wallMs + (after - before) * MS_PER_MINUTE;
    if (earlier.kind !== 'skipped' || check.wallOf(earlier.epochMs) !== shown)
      fail(check, `${wallIso(wallMs)} is skipped; got ${iso(earlier.epochMs)} (${earlier.kind})`);
    expected = Array<number>(5).fill(earlier.epochMs);
  } else {
    const first = showing[0] as number;
    const last = showing[showing.length - 1] as number;
    const kind = showing.length > 1 ? 'ambiguous' : 'unique';
    if (earlier.kind !== kind) fail(check, `${wallIso(wallMs)} is ${kind}, not ${earlier.kind}`);
    expected = [first, first, first, last, last];
  }
  if (results.some((result, index) => result !== expected[index]))
    fail(
      check,
      `${wallIso(wallMs)}: ${results.map(iso).join(' ')} != ${expected.map(iso).join(' ')}`,
    );
}

/**
 * The start of each local day from `first` to `last` is the first instant Intl shows on it (or, for
 * a day the zone skipped, the first instant of the next), and each day ends one millisecond before
 * the next day's start: Intl shows that end on the day and the millisecond after it on a later day.
 */
function checkDays(check: ZoneCheck, first: number, last: number, transition: Transition): void {
  const { calendars } = check;
  let start = startOfLocalDay(check.offsetAt, first);
  for (let day = first; day <= last; day += 1) {
    const next = startOfLocalDay(check.offsetAt, day + 1);
    const shownBefore = dayOfWall(check.wallOf(start - 1));
    const shown = dayOfWall(check.wallOf(start));
    const skipped = shown > day && next === start;
    if (shownBefore >= day || shown < day || (shown > day && !skipped))
      fail(check, `day ${wallIso(day * MS_PER_DAY)} starts at ${iso(start)}`);
    const midnight = instantsShowing(check, day * MS_PER_DAY, [
      transition.before,
      transition.after,
    ]);
    if (midnight.length > 0 && midnight[0] !== start)
      fail(
        check,
        `midnight of ${wallIso(day * MS_PER_DAY)} first at ${iso(midnight[0] as number)}`,
      );
    if (calendars) {
      if (Date.parse(calendars.earlier.startOfCivilDay(day)) !== start)
        fail(check, `calendar start of ${wallIso(day * MS_PER_DAY)} differs`);
      if (Date.parse(endOfCivilDay(day, calendars.later)) !== next - 1)
        fail(check, `calendar end of ${wallIso(day * MS_PER_DAY)} differs`);
    }
    // The end, next - 1, is the next day's "start - 1", checked (shown before it) on the next turn.
    if (!skipped && dayOfWall(check.wallOf(next - 1)) !== day)
      fail(check, `end of ${wallIso(day * MS_PER_DAY)} at ${iso(next - 1)} is on the wrong day`);
    start = next;
  }
}

/** The wall times and days around one transition. */
function checkTransition(check: ZoneCheck, transition: Transition): void {
  const { at, before, after } = transition;
  const low = at + Math.min(before, after) * MS_PER_MINUTE;
  const high = at + Math.max(before, after) * MS_PER_MINUTE;
  // Inside the fold or gap (first, middle, last millisecond) and the wall times either side.
  for (const wallMs of [low - 1, low, Math.floor((low + high) / 2), high - 1, high])
    checkWallTime(check, wallMs, transition);
  const first = dayOfWall(check.wallOf(at - 1));
  const last = dayOfWall(check.wallOf(at));
  checkDays(check, Math.min(first, last) - 1, Math.max(first, last) + 1, transition);
}

describe('local wall times in every IANA zone, at every offset change from 2000 to 2040', () => {
  it('resolve as the tz database says (Intl, V8 and the luxon calendar agree)', () => {
    const failures: string[] = [];
    let zones = 0;
    let transitions = 0;
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      withHostZone(zone, () => {
        const found = hostTransitions(2000, 2041);
        if (found.length === 0) return;
        zones += 1;
        transitions += found.length;
        const check: ZoneCheck = {
          zone,
          wallOf: intlWallClock(zone),
          offsetAt: hostOffset,
          calendars: undefined,
          failures,
        };
        const calendars = {
          earlier: createCalendar({ timeZone: zone }),
          later: createCalendar({ timeZone: zone, ambiguousTime: 'later' }),
        };
        for (const transition of found) {
          const recent = transition.at >= LUXON_FROM && transition.at < LUXON_UNTIL;
          checkTransition({ ...check, calendars: recent ? calendars : undefined }, transition);
        }
      });
    }
    expect(failures).toEqual([]);
    // Node 20's tz database: about 245 zones and 12,000 changes in the range.
    expect(zones).toBeGreaterThan(200);
    expect(transitions).toBeGreaterThan(10_000);
  }, 30_000);
});
