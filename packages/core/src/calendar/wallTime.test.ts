import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CalendarError, computeDueDate, createCalendar, durations } from '../index.js';
import { parseCivilDay } from './civilDay.js';
import { endOfCivilDay } from './duration.js';
import {
  resolveLocalTime,
  resolveWallTime,
  startOfLocalDay,
  wallClockMs,
  zoneOffsets,
} from './wallTime.js';
import { intlWallClock, withHostZone } from './__fixtures__/zoneTransitions.js';

const day = (date: string) => parseCivilDay(date) as number;
const at = (zone: string, local: string, ambiguousTime?: 'earlier' | 'later') =>
  resolveLocalTime(local, zone, ambiguousTime ? { ambiguousTime } : {});

describe('resolveLocalTime: one rule for local wall times', () => {
  it('takes the earlier of a repeated time unless told later (New York, 1 November 2026)', () => {
    expect(at('America/New_York', '2026-11-01T01:30')).toEqual({
      instant: '2026-11-01T05:30:00.000Z',
      kind: 'ambiguous',
    });
    expect(at('America/New_York', '2026-11-01T01:30', 'later').instant).toBe(
      '2026-11-01T06:30:00.000Z',
    );
    expect(at('America/New_York', '2026-11-01T00:59:59.999', 'later')).toEqual({
      instant: '2026-11-01T04:59:59.999Z',
      kind: 'unique',
    });
    expect(at('America/New_York', '2026-11-01T02:00')).toEqual({
      instant: '2026-11-01T07:00:00.000Z',
      kind: 'unique',
    });
  });

  it('moves a skipped time forward by the jump (New York 02:30 on 8 March 2026 is 03:30 EDT)', () => {
    for (const option of ['earlier', 'later'] as const) {
      expect(at('America/New_York', '2026-03-08T02:30', option)).toEqual({
        instant: '2026-03-08T07:30:00.000Z',
        kind: 'skipped',
      });
    }
    expect(at('America/New_York', '2026-03-08T03:30').instant).toBe('2026-03-08T07:30:00.000Z');
  });

  it("handles Sydney's April fold and Lord Howe's half-hour changes", () => {
    // Sydney: 03:00 AEDT becomes 02:00 AEST on 5 April 2026.
    expect(at('Australia/Sydney', '2026-04-05T02:30').instant).toBe('2026-04-04T15:30:00.000Z');
    expect(at('Australia/Sydney', '2026-04-05T02:30', 'later').instant).toBe(
      '2026-04-04T16:30:00.000Z',
    );
    expect(at('Australia/Sydney', '2026-10-04T02:30').instant).toBe('2026-10-03T16:30:00.000Z');
    // Lord Howe: 02:00 (+11) becomes 01:30 (+10:30) on 5 April; 02:00 becomes 02:30 on 4 October.
    expect(at('Australia/Lord_Howe', '2026-04-05T01:45').instant).toBe('2026-04-04T14:45:00.000Z');
    expect(at('Australia/Lord_Howe', '2026-04-05T01:45', 'later').instant).toBe(
      '2026-04-04T15:15:00.000Z',
    );
    expect(at('Australia/Lord_Howe', '2026-10-04T02:15')).toEqual({
      instant: '2026-10-03T15:45:00.000Z',
      kind: 'skipped',
    });
  });

  it('refuses malformed input with INVALID_CALENDAR', () => {
    for (const bad of ['2026-02-30T09:00', '2026-03-08 02:30', '2026-03-08T24:00', '2026-03-08']) {
      expect(() => at('America/New_York', bad)).toThrow(CalendarError);
    }
    expect(() => at('Mars/Olympus_Mons', '2026-03-08T09:00')).toThrow(CalendarError);
    expect(() => wallClockMs(day('2026-03-08'), 9, 60)).toThrow(/minute must be/);
    expect(() =>
      resolveLocalTime('2026-03-08T09:00', 'UTC', { ambiguousTime: 'first' as 'earlier' }),
    ).toThrow(/ambiguousTime/);
    expect(() => createCalendar({ timeZone: 'UTC', ambiguousTime: 'last' as 'later' })).toThrow(
      CalendarError,
    );
  });
});

describe('end of day: one millisecond before the next local day begins', () => {
  it('ends Saturday 31 October 2026 in Havana before the first of its two Sunday midnights', () => {
    const havana = createCalendar({ timeZone: 'America/Havana', ambiguousTime: 'later' });
    expect(endOfCivilDay(day('2026-10-31'), havana)).toBe('2026-11-01T03:59:59.999Z');
    expect(havana.startOfCivilDay(day('2026-11-01'))).toBe('2026-11-01T04:00:00.000Z');
    // A repeated midnight itself still follows the option.
    expect(havana.instantAt(day('2026-11-01'), 0, 0)).toBe('2026-11-01T05:00:00.000Z');
  });

  it('ends the last Saturday of October 2026 in the Azores at 23:59:59.999Z', () => {
    const azores = createCalendar({ timeZone: 'Atlantic/Azores' });
    expect(endOfCivilDay(day('2026-10-24'), azores)).toBe('2026-10-24T23:59:59.999Z');
    // Spring: midnight of Sunday 29 March is skipped, so the day starts at 01:00 (+00).
    expect(azores.startOfCivilDay(day('2026-03-29'))).toBe('2026-03-29T01:00:00.000Z');
    expect(endOfCivilDay(day('2026-03-28'), azores)).toBe('2026-03-29T00:59:59.999Z');
  });

  it('starts a skipped day with the next one (Pacific/Apia skipped 30 December 2011)', () => {
    const apia = zoneOffsets('Pacific/Apia');
    expect(startOfLocalDay(apia, day('2011-12-30'))).toBe(Date.parse('2011-12-30T10:00:00Z'));
    expect(startOfLocalDay(apia, day('2011-12-31'))).toBe(Date.parse('2011-12-30T10:00:00Z'));
  });
});

/** The same wall times and due dates, computed afresh (new calendars, no memo carried over). */
function computeAll(): string[] {
  const results: string[] = [];
  for (const ambiguousTime of ['earlier', 'later'] as const) {
    for (const [zone, local] of [
      ['America/New_York', '2026-11-01T01:30'],
      ['America/New_York', '2026-03-08T02:30'],
      ['Australia/Sydney', '2026-04-05T02:30'],
      ['America/Santiago', '2026-04-04T23:30'],
      ['Pacific/Chatham', '2026-04-05T03:15'],
      ['Australia/Lord_Howe', '2026-04-05T01:45'],
      ['Europe/London', '2026-10-25T01:30'],
    ] as const) {
      results.push(resolveLocalTime(local, zone, { ambiguousTime }).instant);
      const calendar = createCalendar({ timeZone: zone, ambiguousTime });
      const [date, time] = local.split('T') as [string, string];
      const [hour, minute] = time.split(':').map(Number) as [number, number];
      results.push(calendar.instantAt(day(date), hour, minute));
      results.push(computeDueDate(`${date}T12:00:00Z`, durations.inclusiveDays(1), calendar).dueAt);
    }
    const havana = createCalendar({ timeZone: 'America/Havana', ambiguousTime });
    results.push(computeDueDate('2026-10-02T15:00:00Z', durations.inclusiveDays(30), havana).dueAt);
  }
  return results;
}

describe('determinism: the same answers whatever the date and the host zone', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the same instants in every season and under every host TZ', () => {
    const seasons = ['2026-01-15', '2026-04-15', '2026-07-15', '2026-10-15'];
    const hosts = [
      'UTC',
      'America/New_York',
      'Australia/Sydney',
      'Asia/Kolkata',
      'Pacific/Chatham',
    ];
    vi.useFakeTimers({ toFake: ['Date'] });
    const runs = seasons.flatMap((season) =>
      hosts.map((host) => {
        vi.setSystemTime(new Date(`${season}T12:00:00Z`));
        return withHostZone(host, computeAll);
      }),
    );
    expect(runs).toHaveLength(20);
    for (const run of runs) expect(run).toEqual(runs[0]);
    expect(runs[0]?.slice(0, 3)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T04:59:59.999Z',
    ]);
    // Havana: a 30-day plan from 2 October ends with Saturday 31 October.
    expect(runs[0]?.[21]).toBe('2026-11-01T03:59:59.999Z');
  });
});

describe('property: any instant, read as a local wall time, resolves back around it', () => {
  const zones = [
    'America/New_York',
    'Europe/London',
    'Australia/Lord_Howe',
    'America/Havana',
    'America/Santiago',
    'Pacific/Chatham',
    'Asia/Tehran',
    'Africa/Casablanca',
  ];
  const clocks = new Map(zones.map((zone) => [zone, intlWallClock(zone)]));
  it('earlier <= instant <= later, both showing the same wall time (Intl)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2045, 0, 1) }),
        (zone, instant) => {
          const wallOf = clocks.get(zone) as (epochMs: number) => number;
          const offsets = zoneOffsets(zone);
          const wall = wallOf(instant);
          const earlier = resolveWallTime(offsets, wall, 'earlier');
          const later = resolveWallTime(offsets, wall, 'later');
          expect(earlier.epochMs).toBeLessThanOrEqual(instant);
          expect(later.epochMs).toBeGreaterThanOrEqual(instant);
          expect(wallOf(earlier.epochMs)).toBe(wall);
          expect(wallOf(later.epochMs)).toBe(wall);
          expect(earlier.kind).toBe(earlier.epochMs === later.epochMs ? 'unique' : 'ambiguous');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('docs/time.md', () => {
  it('prints the local wall time examples as computed', () => {
    const doc = readFileSync(new URL('../../../../docs/time.md', import.meta.url), 'utf8');
    for (const local of ['2026-11-01T01:30', '2026-03-08T02:30']) {
      const { instant, kind } = at('America/New_York', local);
      expect(doc).toContain(
        `resolveLocalTime('${local}', 'America/New_York');\n// { instant: '${instant}', kind: '${kind}' }`,
      );
    }
    const havana = createCalendar({ timeZone: 'America/Havana' });
    const azores = createCalendar({ timeZone: 'Atlantic/Azores' });
    for (const printed of [
      endOfCivilDay(day('2026-10-31'), havana),
      endOfCivilDay(day('2026-10-24'), azores),
      azores.startOfCivilDay(day('2026-03-29')),
      endOfCivilDay(day('2026-03-28'), azores),
      at('America/New_York', '2026-11-01T01:30', 'later').instant.slice(11, 16),
    ])
      expect(doc).toContain(printed);
  });
});
