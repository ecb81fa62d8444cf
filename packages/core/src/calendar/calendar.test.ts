import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  type Weekday,
  computeDueDate,
  createCalendar,
  durations,
  isValidTimeZone,
} from '../index.js';
import {
  ENGLAND_WALES_2026,
  SCOTLAND_2026,
  US_FEDERAL_2026,
} from './__fixtures__/domainHolidays.js';

/** Runs `fn` and returns what it threw (fails the test when nothing is thrown). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectCalendarError(fn: () => unknown, path?: readonly (string | number)[]): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(CalendarError);
  const calendarError = error as CalendarError;
  expect(calendarError.code).toBe('INVALID_CALENDAR');
  expect(calendarError.issues[0]?.code).toBe('INVALID_CALENDAR');
  if (path) expect(calendarError.issues[0]?.path).toEqual(path);
}

describe('createCalendar: what a working calendar is made of', () => {
  it('defaults the weekend to Saturday and Sunday and has no holidays unless told', () => {
    const calendar = createCalendar({ timeZone: 'America/New_York' });
    expect(calendar.timeZone).toBe('America/New_York');
    expect(calendar.weekend).toEqual([6, 7]);
    expect(calendar.holidays).toEqual([]);
    // Mon 2026-06-01 .. Sun 2026-06-07
    expect(
      ['01', '02', '03', '04', '05', '06', '07'].map((d) => calendar.isBusinessDay(`2026-06-${d}`)),
    ).toEqual([true, true, true, true, true, false, false]);
  });

  it('keeps holidays sorted and de-duplicated, and returns a frozen calendar', () => {
    const calendar = createCalendar({
      timeZone: 'Europe/London',
      holidays: ['2026-12-28', '2026-04-03', '2026-12-28', '2026-01-01'],
      weekend: [7, 6, 7],
    });
    expect(calendar.holidays).toEqual(['2026-01-01', '2026-04-03', '2026-12-28']);
    expect(calendar.weekend).toEqual([6, 7]);
    expect(Object.isFrozen(calendar)).toBe(true);
    expect(Object.isFrozen(calendar.holidays)).toBe(true);
    expect(Object.isFrozen(calendar.weekend)).toBe(true);
  });

  it('does not see later changes to the spec arrays it was built from', () => {
    const holidays = ['2026-07-03'];
    const weekend: Weekday[] = [6, 7];
    const calendar = createCalendar({ timeZone: 'America/New_York', holidays, weekend });
    holidays.push('2026-07-06');
    weekend.push(1);
    expect(calendar.isBusinessDay('2026-07-06')).toBe(true);
    expect(calendar.isBusinessDay('2026-07-03')).toBe(false);
  });

  it('treats every US federal 2026 holiday as a non-business day, and the days around them as working days', () => {
    const federal = createCalendar({ timeZone: 'America/New_York', holidays: US_FEDERAL_2026 });
    for (const holiday of US_FEDERAL_2026) expect(federal.isBusinessDay(holiday)).toBe(false);
    // Saturday 4 July is the nominal Independence Day; the observed holiday is Friday 3 July.
    expect(federal.isBusinessDay('2026-07-02')).toBe(true);
    expect(federal.isBusinessDay('2026-07-04')).toBe(false); // a Saturday anyway
    expect(federal.isBusinessDay('2026-07-06')).toBe(true);
    // The day after Thanksgiving is not a federal holiday.
    expect(federal.isBusinessDay('2026-11-27')).toBe(true);
  });

  it('distinguishes England & Wales from Scotland over Easter, August and St Andrew’s Day', () => {
    const england = createCalendar({ timeZone: 'Europe/London', holidays: ENGLAND_WALES_2026 });
    const scotland = createCalendar({ timeZone: 'Europe/London', holidays: SCOTLAND_2026 });
    const cases: [date: string, england: boolean, scotland: boolean][] = [
      ['2026-01-02', true, false], // 2 January: Scotland only
      ['2026-04-03', false, false], // Good Friday: both
      ['2026-04-06', false, true], // Easter Monday: England & Wales only
      ['2026-08-03', true, false], // Summer bank holiday, Scotland (first Monday in August)
      ['2026-08-31', false, true], // Summer bank holiday, England & Wales (last Monday in August)
      ['2026-11-30', true, false], // St Andrew's Day (a Monday in 2026)
      ['2026-12-28', false, false], // Boxing Day substitute: both
    ];
    for (const [date, inEngland, inScotland] of cases) {
      expect(england.isBusinessDay(date), `${date} in England & Wales`).toBe(inEngland);
      expect(scotland.isBusinessDay(date), `${date} in Scotland`).toBe(inScotland);
    }
  });

  it('supports a Friday–Saturday weekend, and an empty weekend (every day works)', () => {
    const gulf = createCalendar({ timeZone: 'Asia/Dubai', weekend: [5, 6] });
    // Thu 2026-06-04, Fri 06-05, Sat 06-06, Sun 06-07
    expect(gulf.isBusinessDay('2026-06-04')).toBe(true);
    expect(gulf.isBusinessDay('2026-06-05')).toBe(false);
    expect(gulf.isBusinessDay('2026-06-06')).toBe(false);
    expect(gulf.isBusinessDay('2026-06-07')).toBe(true);
    const always = createCalendar({ timeZone: 'UTC', weekend: [] });
    expect(always.isBusinessDay('2026-06-06')).toBe(true);
    expect(always.isBusinessDay('2026-06-07')).toBe(true);
  });

  it('knows which zone names are real IANA zones', () => {
    expect(isValidTimeZone('Australia/Lord_Howe')).toBe(true);
    expect(isValidTimeZone('Pacific/Chatham')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('gives the same answer when asked again, for thousands of names real and not', () => {
    // Valid names are remembered (a bounded set): a second answer must match Intl's first, and
    // thousands of made-up or case-varied names must neither be taken as real nor stop real ones.
    const real = ['Europe/London', 'europe/london', 'EUROPE/LONDON', 'America/New_York'];
    for (let round = 0; round < 2; round += 1) {
      for (const zone of real) expect(isValidTimeZone(zone)).toBe(true);
      for (let index = 0; index < 3000; index += 1) {
        expect(isValidTimeZone(`Mars/Crater_${index}`)).toBe(false);
      }
    }
    const cases = Array.from({ length: 5000 }, (_, index) =>
      [...'America/Chicago'].map((c, at) => ((index >> at) & 1 ? c.toUpperCase() : c)).join(''),
    );
    for (const zone of cases) expect(isValidTimeZone(zone)).toBe(true);
    expect(isValidTimeZone('Pacific/Chatham')).toBe(true);
    expect(isValidTimeZone('Pacific/Chatam')).toBe(false);
  });
});

describe('createCalendar: bad input is refused with INVALID_CALENDAR', () => {
  it('refuses an unknown time zone', () => {
    expectCalendarError(() => createCalendar({ timeZone: 'Mars/Olympus_Mons' }), ['timeZone']);
    expectCalendarError(() => createCalendar({ timeZone: '' }), ['timeZone']);
  });

  it.each([
    ['2026-02-30', 'a day February does not have'],
    ['2026-13-01', 'month 13'],
    ['2026-2-16', 'missing zero padding'],
    ['20260216', 'no separators'],
    ['2026-02-16T00:00:00Z', 'an instant, not a date'],
    ['', 'an empty string'],
    ['2025-02-29', '29 February of a non-leap year'],
  ])('refuses a malformed holiday %j (%s) and points at its index', (bad) => {
    expectCalendarError(
      () =>
        createCalendar({ timeZone: 'Europe/London', holidays: ['2026-01-01', '2026-04-03', bad] }),
      ['holidays', 2],
    );
  });

  it('accepts 29 February in a leap year as a holiday', () => {
    const calendar = createCalendar({ timeZone: 'UTC', holidays: ['2028-02-29'] });
    expect(calendar.isBusinessDay('2028-02-29')).toBe(false); // a Tuesday
  });

  it('refuses a weekend of all seven days: a calendar needs at least one working weekday', () => {
    expectCalendarError(
      () => createCalendar({ timeZone: 'UTC', weekend: [1, 2, 3, 4, 5, 6, 7] }),
      ['weekend'],
    );
    // Duplicates do not make a full week: six distinct days leave Sunday working.
    const sundaysOnly = createCalendar({ timeZone: 'UTC', weekend: [1, 2, 3, 4, 5, 6, 6] });
    expect(sundaysOnly.isBusinessDay('2026-06-07')).toBe(true);
    expect(sundaysOnly.isBusinessDay('2026-06-08')).toBe(false);
  });

  it.each([[[0]], [[8]], [[6, 1.5]], [[-1]]])('refuses %j as weekend days', (weekend) => {
    expectCalendarError(
      () => createCalendar({ timeZone: 'UTC', weekend: weekend as unknown as Weekday[] }),
      ['weekend'],
    );
  });

  it('refuses a malformed date in isBusinessDay and a malformed instant in localDate', () => {
    const calendar = createCalendar({ timeZone: 'UTC' });
    expectCalendarError(() => calendar.isBusinessDay('2026-06-31'));
    expectCalendarError(() => calendar.isBusinessDay('next Tuesday'));
    expectCalendarError(() => calendar.localDate('not an instant'));
    expectCalendarError(() => calendar.localDate(new Date(Number.NaN)));
  });
});

describe('local dates: days are counted in the employee’s zone, not the server’s or the HR user’s', () => {
  it('gives the same instant different local dates in Asia/Tokyo and America/Los_Angeles', () => {
    const instant = '2026-06-01T02:00:00Z'; // 11:00 Mon 1 June in Tokyo, 19:00 Sun 31 May in LA
    const tokyo = createCalendar({ timeZone: 'Asia/Tokyo' });
    const losAngeles = createCalendar({ timeZone: 'America/Los_Angeles' });
    expect(tokyo.localDate(instant)).toBe('2026-06-01');
    expect(losAngeles.localDate(instant)).toBe('2026-05-31');
    expect(tokyo.localDate(new Date(instant))).toBe('2026-06-01');
    expect(losAngeles.localDate(new Date(instant))).toBe('2026-05-31');
  });

  it('ends a 30-day plan on the employee’s local date: Tokyo employee vs a Los Angeles HR user', () => {
    const start = '2026-06-01T02:00:00Z';
    const plan = durations.inclusiveDays(30);
    // The employee in Tokyo: day 1 is Mon 1 June, day 30 is Tue 30 June, ending 23:59:59.999 JST (+9).
    expect(computeDueDate(start, plan, createCalendar({ timeZone: 'Asia/Tokyo' }))).toEqual({
      date: '2026-06-30',
      dueAt: '2026-06-30T14:59:59.999Z',
    });
    // Had the plan been counted in the HR user's zone (LA, PDT -7), day 1 would be Sun 31 May.
    expect(
      computeDueDate(start, plan, createCalendar({ timeZone: 'America/Los_Angeles' })),
    ).toEqual({ date: '2026-06-29', dueAt: '2026-06-30T06:59:59.999Z' });
  });

  it('reads an instant written with an offset as the same instant', () => {
    const calendar = createCalendar({ timeZone: 'America/New_York' });
    const plan = durations.inclusiveDays(30);
    const utc = computeDueDate('2026-06-01T03:30:00Z', plan, calendar);
    const offset = computeDueDate('2026-06-01T12:30:00+09:00', plan, calendar);
    const date = computeDueDate(new Date('2026-06-01T03:30:00Z'), plan, calendar);
    // 03:30Z is 23:30 EDT on Sun 31 May: that is day 1.
    expect(utc).toEqual({ date: '2026-06-29', dueAt: '2026-06-30T03:59:59.999Z' });
    expect(offset).toEqual(utc);
    expect(date).toEqual(utc);
  });

  it('agrees with luxon on the local date of any instant in 2025-2028, in awkward zones', () => {
    const zones = [
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'Pacific/Chatham',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'America/St_Johns',
    ];
    const calendars = new Map(zones.map((zone) => [zone, createCalendar({ timeZone: zone })]));
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.date({
          min: new Date('2025-01-01T00:00:00Z'),
          max: new Date('2028-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (zone, instant) => {
          const calendar = calendars.get(zone);
          if (!calendar) throw new Error(zone);
          const expected = DateTime.fromMillis(instant.getTime(), { zone }).toISODate();
          expect(calendar.localDate(instant)).toBe(expected);
          expect(calendar.localDate(instant.toISOString())).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with an independent weekday/holiday check for random calendars', () => {
    const dayMs = 86_400_000;
    const base = Date.UTC(2025, 0, 1);
    const dayArb = fc.integer({ min: 0, max: 4 * 366 });
    const isoOf = (offset: number) => new Date(base + offset * dayMs).toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.subarray<Weekday>([1, 2, 3, 4, 5, 6, 7], { maxLength: 6 }),
        fc.uniqueArray(dayArb, { maxLength: 60 }),
        dayArb,
        (weekend, holidayOffsets, probe) => {
          const holidays = holidayOffsets.map(isoOf);
          const calendar = createCalendar({ timeZone: 'Europe/London', weekend, holidays });
          const date = isoOf(probe);
          const jsDay = new Date(base + probe * dayMs).getUTCDay(); // 0 = Sunday
          const isoDay = (jsDay === 0 ? 7 : jsDay) as Weekday;
          const expected = !weekend.includes(isoDay) && !holidays.includes(date);
          expect(calendar.isBusinessDay(date)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('end of day (C4): 23:59:59.999 local on the right date, across DST changes', () => {
  // Expected offsets by reasoning: New York EST -5 / EDT -4, Los Angeles PST -8 / PDT -7,
  // London GMT +0 / BST +1. US clocks change on Sun 8 Mar and Sun 1 Nov 2026; UK clocks on
  // Sun 29 Mar and Sun 25 Oct 2026 (IANA tz database; 15 U.S.C. 260a, Summer Time Order 2002).
  const cases: [zone: string, date: string, dueAt: string, offsetMinutes: number][] = [
    ['America/New_York', '2026-03-07', '2026-03-08T04:59:59.999Z', -300],
    ['America/New_York', '2026-03-08', '2026-03-09T03:59:59.999Z', -240],
    ['America/New_York', '2026-10-31', '2026-11-01T03:59:59.999Z', -240],
    ['America/New_York', '2026-11-01', '2026-11-02T04:59:59.999Z', -300],
    ['America/Los_Angeles', '2026-03-07', '2026-03-08T07:59:59.999Z', -480],
    ['America/Los_Angeles', '2026-03-08', '2026-03-09T06:59:59.999Z', -420],
    ['America/Los_Angeles', '2026-10-31', '2026-11-01T06:59:59.999Z', -420],
    ['America/Los_Angeles', '2026-11-01', '2026-11-02T07:59:59.999Z', -480],
    ['Europe/London', '2026-03-28', '2026-03-28T23:59:59.999Z', 0],
    ['Europe/London', '2026-03-29', '2026-03-29T22:59:59.999Z', 60],
    ['Europe/London', '2026-10-24', '2026-10-24T22:59:59.999Z', 60],
    ['Europe/London', '2026-10-25', '2026-10-25T23:59:59.999Z', 0],
  ];

  it.each(cases)('ends %s day %s at %s (UTC offset %i min)', (zone, date, dueAt, offsetMinutes) => {
    const calendar = createCalendar({ timeZone: zone });
    // A one-day inclusive duration started at noon UTC (the same local date in all three zones).
    const due = computeDueDate(`${date}T12:00:00Z`, durations.inclusiveDays(1), calendar);
    expect(due).toEqual({ date, dueAt });
    const local = DateTime.fromISO(due.dueAt).setZone(zone);
    expect(local.toISODate()).toBe(date);
    expect([local.hour, local.minute, local.second, local.millisecond]).toEqual([23, 59, 59, 999]);
    expect(local.offset).toBe(offsetMinutes);
  });

  it('has a 23-hour day on the US spring-forward date and a 25-hour day on the fall-back date', () => {
    const calendar = createCalendar({ timeZone: 'America/New_York' });
    const endOf = (date: string) =>
      Date.parse(computeDueDate(`${date}T12:00:00Z`, durations.inclusiveDays(1), calendar).dueAt);
    expect(endOf('2026-03-08') - endOf('2026-03-07')).toBe(23 * 3_600_000);
    expect(endOf('2026-11-01') - endOf('2026-10-31')).toBe(25 * 3_600_000);
  });

  it('has a 23-hour day on the UK spring-forward date and a 25-hour day on the fall-back date', () => {
    const calendar = createCalendar({ timeZone: 'Europe/London' });
    const endOf = (date: string) =>
      Date.parse(computeDueDate(`${date}T12:00:00Z`, durations.inclusiveDays(1), calendar).dueAt);
    expect(endOf('2026-03-29') - endOf('2026-03-28')).toBe(23 * 3_600_000);
    expect(endOf('2026-10-25') - endOf('2026-10-24')).toBe(25 * 3_600_000);
  });

  it('keeps a plan that spans the DST change ending at local midnight, not an hour off', () => {
    // 30 days from Fri 20 Feb 2026 (EST) ends Sat 21 Mar 2026, after the US change: EDT.
    const newYork = createCalendar({ timeZone: 'America/New_York' });
    expect(computeDueDate('2026-02-20T15:00:00Z', durations.inclusiveDays(30), newYork)).toEqual({
      date: '2026-03-21',
      dueAt: '2026-03-22T03:59:59.999Z',
    });
    // 30 days from Thu 1 Oct 2026 (BST) ends Fri 30 Oct 2026, after the UK change: GMT.
    const london = createCalendar({ timeZone: 'Europe/London' });
    expect(computeDueDate('2026-10-01T09:00:00Z', durations.inclusiveDays(30), london)).toEqual({
      date: '2026-10-30',
      dueAt: '2026-10-30T23:59:59.999Z',
    });
  });

  it('counts the event’s local date during the repeated hour of a fall-back night', () => {
    const newYork = createCalendar({ timeZone: 'America/New_York' });
    // 05:30Z and 06:30Z on 1 Nov 2026 are both 01:30 local (EDT then EST): Sunday 1 Nov.
    for (const instant of ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z']) {
      expect(newYork.localDate(instant)).toBe('2026-11-01');
      expect(computeDueDate(instant, durations.daysAfter(1), newYork)).toEqual({
        date: '2026-11-02',
        dueAt: '2026-11-03T04:59:59.999Z',
      });
    }
  });

  it('ends the day at the last instant before the next local midnight even when a fall-back at midnight repeats 23:xx (America/Santiago, 4 April 2026)', () => {
    // Chile leaves DST at 24:00 on Sat 4 Apr 2026: clocks go from 00:00 (-03) back to 23:00 (-04),
    // so 23:00-23:59:59.999 on 4 April happens twice. Per convention C1 (docs/time.md) the day ends
    // at 00:00 on the next day, which is 2026-04-05T00:00-04:00 = 04:00Z; the end of 4 April is 1 ms earlier.
    const zone = 'America/Santiago';
    const nextMidnight = DateTime.fromObject({ year: 2026, month: 4, day: 5 }, { zone });
    expect(nextMidnight.toUTC().toISO()).toBe('2026-04-05T04:00:00.000Z'); // the zone data agrees
    // Both 02:30Z and 03:30Z are 23:30 on 4 April in Santiago.
    expect(DateTime.fromISO('2026-04-05T03:30:00Z').setZone(zone).toISODate()).toBe('2026-04-04');
    const calendar = createCalendar({ timeZone: zone });
    const due = computeDueDate('2026-04-04T15:00:00Z', durations.inclusiveDays(1), calendar);
    expect(due.date).toBe('2026-04-04');
    expect(due.dueAt).toBe('2026-04-05T03:59:59.999Z');
  });

  it('ends the day at the last instant before the next local midnight where the fall-back happens at midnight in Beirut (24 October 2026)', () => {
    // Lebanon leaves DST at 00:00 on Sun 25 Oct 2026 (+03 -> +02), repeating 23:xx on Saturday.
    const zone = 'Asia/Beirut';
    const nextMidnight = DateTime.fromObject({ year: 2026, month: 10, day: 25 }, { zone });
    expect(nextMidnight.toUTC().toISO()).toBe('2026-10-24T22:00:00.000Z');
    const calendar = createCalendar({ timeZone: zone });
    const due = computeDueDate('2026-10-24T09:00:00Z', durations.inclusiveDays(1), calendar);
    expect(due).toEqual({ date: '2026-10-24', dueAt: '2026-10-24T21:59:59.999Z' });
  });
});

describe('calendar.explain and zone refusals', () => {
  it('shows the working of a due date on the calendar itself, agreeing with computeDueDate', () => {
    const ny = createCalendar({
      timeZone: 'America/New_York',
      holidays: [
        { date: '2026-07-03', name: 'Independence Day (observed)', source: '5 U.S.C. 6103' },
      ],
    });
    const explained = ny.explain('2026-06-29T14:00:00Z', durations.businessDaysAfter(5));
    expect(
      explained.days.map((day) => `${day.date} ${day.counted ? day.ordinal : day.note}`),
    ).toEqual([
      '2026-06-29 startDay',
      '2026-06-30 1',
      '2026-07-01 2',
      '2026-07-02 3',
      '2026-07-03 holiday',
      '2026-07-04 weekend',
      '2026-07-05 weekend',
      '2026-07-06 4',
      '2026-07-07 5',
    ]);
    expect(explained.days[4]?.holiday).toEqual({
      name: 'Independence Day (observed)',
      source: '5 U.S.C. 6103',
    });
    const { date, dueAt } = computeDueDate(
      '2026-06-29T14:00:00Z',
      durations.businessDaysAfter(5),
      ny,
    );
    expect({ date: explained.date, dueAt: explained.dueAt }).toEqual({ date, dueAt });
  });

  it('refuses an unknown zone with the real names closest to it', () => {
    const refusal = (timeZone: string) => {
      try {
        createCalendar({ timeZone });
      } catch (error) {
        expect(error).toBeInstanceOf(CalendarError);
        return (error as Error).message;
      }
      throw new Error(`"${timeZone}" was accepted`);
    };
    expect(refusal('New York')).toContain('Did you mean "America/New_York"?');
    expect(refusal('Kolkatta')).not.toContain('Did you mean');
    expect(refusal('Mars/Olympus')).toMatch(/lists all \d{3}\.$/);
  });
});
