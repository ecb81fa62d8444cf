import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type Calendar,
  CalendarError,
  type Duration,
  type Weekday,
  computeDueDate,
  createCalendar,
  durationSchema,
  durations,
} from '../index.js';
import {
  ENGLAND_WALES_2026,
  SCOTLAND_2026,
  US_FEDERAL_2026,
} from './__fixtures__/domainHolidays.js';

const federal = createCalendar({ timeZone: 'America/New_York', holidays: US_FEDERAL_2026 });
const newYork = createCalendar({ timeZone: 'America/New_York' });
const london = createCalendar({ timeZone: 'Europe/London' });
const england = createCalendar({ timeZone: 'Europe/London', holidays: ENGLAND_WALES_2026 });
const scotland = createCalendar({ timeZone: 'Europe/London', holidays: SCOTLAND_2026 });

/** An instant at local noon on `date` in New York or London (noon UTC is the same date in both). */
const noonUtc = (date: string) => `${date}T12:00:00Z`;

/** The end of a local date (23:59:59.999) as a UTC ISO instant, computed with luxon alone. */
function luxonEndOfDay(date: string, zone: string): string {
  return DateTime.fromISO(date, { zone })
    .set({ hour: 23, minute: 59, second: 59, millisecond: 999 })
    .toUTC()
    .toISO() as string;
}

function expectCalendarError(fn: () => unknown, path?: readonly (string | number)[]): void {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(CalendarError);
  expect((error as CalendarError).code).toBe('INVALID_CALENDAR');
  if (path) expect((error as CalendarError).issues[0]?.path).toEqual(path);
}

describe('durationSchema and the named conventions', () => {
  it('spells out every convention of each named duration', () => {
    expect(durations.inclusiveDays(30)).toEqual({
      amount: 30,
      unit: 'calendarDays',
      counting: 'inclusiveStart',
      rollForward: 'none',
      endOfDay: true,
    });
    expect(durations.daysAfter(30)).toMatchObject({ counting: 'dayAfter', rollForward: 'none' });
    expect(durations.daysAfterRolling(30)).toMatchObject({
      unit: 'calendarDays',
      counting: 'dayAfter',
      rollForward: 'nextBusinessDay',
    });
    expect(durations.businessDaysAfter(5)).toMatchObject({
      unit: 'businessDays',
      counting: 'dayAfter',
      rollForward: 'none',
    });
    expect(durations.businessDaysInclusive(5)).toMatchObject({
      unit: 'businessDays',
      counting: 'inclusiveStart',
    });
    expect(durations.inclusiveWeeks(2)).toMatchObject({
      unit: 'weeks',
      counting: 'inclusiveStart',
    });
    expect(durations.inclusiveMonths(12)).toMatchObject({
      unit: 'months',
      counting: 'inclusiveStart',
    });
    expect(durations.monthsAfter(6)).toMatchObject({ unit: 'months', counting: 'dayAfter' });
  });

  it('never rolls a plan length, a notice period or a business-day count', () => {
    for (const make of [
      durations.inclusiveDays,
      durations.daysAfter,
      durations.businessDaysAfter,
      durations.businessDaysInclusive,
      durations.inclusiveWeeks,
      durations.inclusiveMonths,
      durations.monthsAfter,
    ]) {
      expect(make(3).rollForward).toBe('none');
    }
  });

  it('allows a zero-length "within 0 days of" but not a zero-length inclusive period', () => {
    expect(durationSchema.safeParse(durations.daysAfter(0)).success).toBe(true);
    expect(() => durations.inclusiveDays(0)).toThrow();
    const zeroInclusive = durationSchema.safeParse({
      amount: 0,
      unit: 'calendarDays',
      counting: 'inclusiveStart',
      rollForward: 'none',
      endOfDay: true,
    });
    expect(zeroInclusive.success).toBe(false);
    expect(zeroInclusive.error?.issues[0]?.path).toEqual(['amount']);
  });

  it.each([
    ['a negative amount', { amount: -1 }],
    ['a fractional amount', { amount: 29.5 }],
    ['a non-finite amount', { amount: Number.POSITIVE_INFINITY }],
    ['NaN', { amount: Number.NaN }],
    ['an amount given as a string', { amount: '30' }],
    ['an unknown unit', { unit: 'fortnights' }],
    ['an unknown counting convention', { counting: 'exclusive' }],
    ['an unknown roll rule', { rollForward: 'nearestBusinessDay' }],
    ['an end of day other than true', { endOfDay: false }],
    ['an unknown extra field', { calendarId: 'uk' }],
  ])('rejects %s', (_label, change) => {
    const base = {
      amount: 30,
      unit: 'calendarDays',
      counting: 'dayAfter',
      rollForward: 'none',
      endOfDay: true,
    };
    expect(durationSchema.safeParse(base).success).toBe(true);
    expect(durationSchema.safeParse({ ...base, ...change }).success).toBe(false);
  });

  it('rejects a negative or fractional amount in every named helper', () => {
    for (const make of Object.values(durations)) {
      expect(() => make(-1)).toThrow();
      expect(() => make(1.5)).toThrow();
    }
  });
});

describe('computeDueDate: bad input is refused with INVALID_CALENDAR', () => {
  const raw = (change: Record<string, unknown>) =>
    ({
      amount: 30,
      unit: 'calendarDays',
      counting: 'dayAfter',
      rollForward: 'none',
      endOfDay: true,
      ...change,
    }) as unknown as Duration;

  it.each([
    ['a negative amount', raw({ amount: -3 })],
    ['a fractional amount', raw({ amount: 2.5 })],
    ['an inclusive start with amount 0', raw({ amount: 0, counting: 'inclusiveStart' })],
    ['an unknown unit', raw({ unit: 'years' })],
    ['a missing endOfDay', raw({ endOfDay: undefined })],
  ])('refuses %s', (_label, duration) => {
    expectCalendarError(
      () => computeDueDate(noonUtc('2026-06-01'), duration, newYork),
      ['duration'],
    );
  });

  it('refuses a start that is not an instant', () => {
    expectCalendarError(() => computeDueDate('the first of June', durations.daysAfter(1), london));
    expectCalendarError(() => computeDueDate(new Date(Number.NaN), durations.daysAfter(1), london));
  });

  it('refuses to count business days on a calendar that has none for a decade', () => {
    // Only Sundays work, and every Sunday from 2026 to 2040 is a holiday.
    const sundays: string[] = [];
    for (
      let day = DateTime.fromISO('2026-01-04', { zone: 'utc' });
      day.year <= 2040;
      day = day.plus({ days: 7 })
    ) {
      sundays.push(day.toISODate() as string);
    }
    const noWorkingDays = createCalendar({
      timeZone: 'UTC',
      weekend: [1, 2, 3, 4, 5, 6],
      holidays: sundays,
    });
    expectCalendarError(() =>
      computeDueDate('2026-06-01T12:00:00Z', durations.businessDaysAfter(1), noWorkingDays),
    );
    expectCalendarError(() =>
      computeDueDate('2026-06-01T12:00:00Z', durations.daysAfterRolling(1), noWorkingDays),
    );
  });
});

describe('C1: a duration of N days counts the start day as day 1', () => {
  it('ends a 30-day plan starting 1 June 2026 at 23:59:59.999 on 30 June, New York time (EDT, -4)', () => {
    expect(computeDueDate(noonUtc('2026-06-01'), durations.inclusiveDays(30), newYork)).toEqual({
      date: '2026-06-30',
      dueAt: '2026-07-01T03:59:59.999Z',
    });
  });

  it('ends a 30-day plan starting 1 June 2026 at 23:59:59.999 on 30 June, London time (BST, +1)', () => {
    expect(computeDueDate(noonUtc('2026-06-01'), durations.inclusiveDays(30), london)).toEqual({
      date: '2026-06-30',
      dueAt: '2026-06-30T22:59:59.999Z',
    });
  });

  it.each([
    // start, days, last day
    ['2026-06-01', 1, '2026-06-01'], // a one-day plan ends the day it starts
    ['2026-03-02', 60, '2026-04-30'], // the default policy's 60-day plan
    ['2026-01-01', 365, '2026-12-31'],
    ['2028-02-01', 29, '2028-02-29'], // leap year
    ['2026-12-15', 30, '2027-01-13'], // across a year end
  ])('ends a plan starting %s lasting %i days on %s', (start, days, last) => {
    expect(computeDueDate(noonUtc(start), durations.inclusiveDays(days), newYork)).toEqual({
      date: last,
      dueAt: luxonEndOfDay(last, 'America/New_York'),
    });
  });

  it('does not roll a plan end that lands on a weekend or a holiday', () => {
    // 30 days from Fri 5 June 2026 is Sat 4 July; from Thu 4 June it is the observed holiday Fri 3 July.
    expect(computeDueDate(noonUtc('2026-06-05'), durations.inclusiveDays(30), federal).date).toBe(
      '2026-07-04',
    );
    expect(computeDueDate(noonUtc('2026-06-04'), durations.inclusiveDays(30), federal).date).toBe(
      '2026-07-03',
    );
  });

  it('ends two inclusive weeks from a Monday on the second Sunday', () => {
    expect(computeDueDate(noonUtc('2026-06-01'), durations.inclusiveWeeks(2), newYork).date).toBe(
      '2026-06-14',
    );
  });
});

describe('C2: "within N days of an event" starts counting the day after', () => {
  it('makes "within 30 days of 1 June 2026" end on 1 July 2026', () => {
    expect(computeDueDate(noonUtc('2026-06-01'), durations.daysAfter(30), newYork)).toEqual({
      date: '2026-07-01',
      dueAt: '2026-07-02T03:59:59.999Z',
    });
    expect(computeDueDate(noonUtc('2026-06-01'), durations.daysAfter(30), london)).toEqual({
      date: '2026-07-01',
      dueAt: '2026-07-01T22:59:59.999Z',
    });
  });

  it('counts from the local date of the event, not the UTC date', () => {
    // 03:30Z on 5 June is 23:30 EDT on Thu 4 June: day 1 is 5 June, day 30 is 4 July.
    expect(computeDueDate('2026-06-05T03:30:00Z', durations.daysAfter(30), newYork).date).toBe(
      '2026-07-04',
    );
  });

  it.each([
    // event, days, last day, why it does not move
    ['2026-06-04', 30, '2026-07-04', 'a Saturday'],
    ['2026-06-05', 30, '2026-07-05', 'a Sunday'],
    ['2026-06-03', 30, '2026-07-03', 'the observed Independence Day holiday'],
    ['2026-12-11', 14, '2026-12-25', 'Christmas Day'],
    ['2026-04-25', 30, '2026-05-25', 'Memorial Day'],
  ])(
    'does not roll a notice period from %s of %i days ending %s (%s)',
    (event, days, last, _why) => {
      expect(computeDueDate(noonUtc(event), durations.daysAfter(days), federal)).toEqual({
        date: last,
        dueAt: luxonEndOfDay(last, 'America/New_York'),
      });
    },
  );

  it('makes 12 months after 15 January 2026 end on 15 January 2027', () => {
    expect(computeDueDate(noonUtc('2026-01-15'), durations.monthsAfter(12), newYork).date).toBe(
      '2027-01-15',
    );
  });

  it('makes 2 weeks after a Monday end on the Monday two weeks later', () => {
    const twoWeeksAfter: Duration = { ...durations.daysAfter(2), unit: 'weeks' };
    expect(computeDueDate(noonUtc('2026-06-01'), twoWeeksAfter, newYork).date).toBe('2026-06-15');
  });
});

describe('C3: an MSPB filing deadline (5 CFR 1201.23) rolls a weekend or federal holiday to the next workday', () => {
  const mspb = durations.daysAfterRolling(30);

  it.each([
    // event, unrolled day 30, rolled last day, why
    ['2026-06-01', '2026-07-01', '2026-07-01', 'a Wednesday: nothing to roll'],
    ['2026-06-04', '2026-07-04', '2026-07-06', 'a Saturday, then Sunday: Monday'],
    ['2026-06-05', '2026-07-05', '2026-07-06', 'a Sunday: Monday'],
    ['2026-06-03', '2026-07-03', '2026-07-06', 'the observed holiday Fri 3 July, then a weekend'],
    ['2026-07-16', '2026-08-15', '2026-08-17', 'a plain Saturday'],
    ['2026-04-25', '2026-05-25', '2026-05-26', 'Memorial Day'],
    ['2026-08-08', '2026-09-07', '2026-09-08', 'Labor Day'],
    ['2026-09-12', '2026-10-12', '2026-10-13', 'Columbus Day'],
    ['2026-10-12', '2026-11-11', '2026-11-12', 'Veterans Day (a Wednesday)'],
    ['2026-10-27', '2026-11-26', '2026-11-27', 'Thanksgiving; the Friday after is a workday'],
    ['2026-05-20', '2026-06-19', '2026-06-22', 'Juneteenth (a Friday), then a weekend'],
    ['2026-11-25', '2026-12-25', '2026-12-28', 'Christmas (a Friday), then a weekend'],
    ['2025-12-18', '2026-01-17', '2026-01-20', 'Saturday, Sunday, then MLK Day'],
    ['2026-01-15', '2026-02-14', '2026-02-17', "Saturday, Sunday, then Presidents' Day"],
  ])('files an appeal of an event on %s (day 30 is %s) by %s: %s', (event, unrolled, rolled) => {
    expect(computeDueDate(noonUtc(event), durations.daysAfter(30), federal).date).toBe(unrolled);
    expect(computeDueDate(noonUtc(event), mspb, federal)).toEqual({
      date: rolled,
      dueAt: luxonEndOfDay(rolled, 'America/New_York'),
    });
  });

  it('rolls a weekend MSPB deadline forward to Monday', () => {
    expect(computeDueDate(noonUtc('2026-07-16'), mspb, federal)).toEqual({
      date: '2026-08-17',
      dueAt: '2026-08-18T03:59:59.999Z',
    });
  });

  it('only rolls over holidays that the calendar knows about', () => {
    // Without the federal holiday list, 3 July 2026 is an ordinary Friday.
    expect(computeDueDate(noonUtc('2026-06-03'), mspb, newYork).date).toBe('2026-07-03');
  });

  it.each([
    // event, unrolled day 30, last day rolled back, why
    ['2026-06-04', '2026-07-04', '2026-07-02', 'Saturday, then the observed holiday Fri 3 July'],
    ['2026-06-05', '2026-07-05', '2026-07-02', 'Sunday, Saturday, then the observed holiday'],
    ['2025-12-18', '2026-01-17', '2026-01-16', 'a Saturday: the Friday before'],
    ['2026-04-25', '2026-05-25', '2026-05-22', 'Memorial Day, back over the weekend'],
    ['2026-11-25', '2026-12-25', '2026-12-24', 'Christmas: Christmas Eve'],
    ['2026-06-01', '2026-07-01', '2026-07-01', 'a Wednesday: nothing to roll'],
  ])(
    'rolls an employer obligation from %s (day 30 is %s) back to %s: %s',
    (event, _unrolled, rolledBack) => {
      const mustBeDoneEarlier: Duration = {
        ...durations.daysAfter(30),
        rollForward: 'previousBusinessDay',
      };
      expect(computeDueDate(noonUtc(event), mustBeDoneEarlier, federal)).toEqual({
        date: rolledBack,
        dueAt: luxonEndOfDay(rolledBack, 'America/New_York'),
      });
    },
  );
});

describe('C5: ERA 1999 s.10, five working days beginning with the first working day after the proposal', () => {
  const fiveWorkingDays = durations.businessDaysAfter(5);

  it.each([
    // proposal, England & Wales last day, Scotland last day, why they differ (or not)
    ['2026-04-02', '2026-04-13', '2026-04-10', 'Thu before Easter: Easter Monday is English only'],
    ['2026-04-03', '2026-04-13', '2026-04-10', 'proposed on Good Friday'],
    ['2026-04-04', '2026-04-13', '2026-04-10', 'proposed on Easter Saturday'],
    ['2025-12-31', '2026-01-08', '2026-01-09', '2 January is a Scottish holiday'],
    ['2026-07-31', '2026-08-07', '2026-08-10', 'Scotland’s summer holiday is 3 August'],
    ['2026-08-28', '2026-09-07', '2026-09-04', 'England’s summer holiday is 31 August'],
    ['2026-11-27', '2026-12-04', '2026-12-07', 'St Andrew’s Day, 30 November, is Scottish'],
    ['2026-05-01', '2026-05-11', '2026-05-11', 'Early May bank holiday in both'],
    ['2026-05-22', '2026-06-01', '2026-06-01', 'Spring bank holiday in both'],
    ['2026-12-22', '2026-12-31', '2026-12-31', 'Christmas and the Boxing Day substitute in both'],
    ['2026-06-01', '2026-06-08', '2026-06-08', 'an ordinary Monday'],
  ])(
    'lets a worker told on %s propose a time up to %s in England & Wales and %s in Scotland (%s)',
    (proposal, englandLast, scotlandLast) => {
      expect(computeDueDate(noonUtc(proposal), fiveWorkingDays, england)).toEqual({
        date: englandLast,
        dueAt: luxonEndOfDay(englandLast, 'Europe/London'),
      });
      expect(computeDueDate(noonUtc(proposal), fiveWorkingDays, scotland)).toEqual({
        date: scotlandLast,
        dueAt: luxonEndOfDay(scotlandLast, 'Europe/London'),
      });
    },
  );

  it('ends the English window over Easter at 23:59:59.999 BST on Mon 13 April 2026', () => {
    expect(computeDueDate(noonUtc('2026-04-02'), fiveWorkingDays, england).dueAt).toBe(
      '2026-04-13T22:59:59.999Z',
    );
  });

  it('counts the start day as day 1 only when it is a working day (inclusive business days)', () => {
    // Mon 1 June 2026 is a working day: 5 working days inclusive end Fri 5 June.
    expect(
      computeDueDate(noonUtc('2026-06-01'), durations.businessDaysInclusive(5), england).date,
    ).toBe('2026-06-05');
    // Good Friday is not: the five days are 7-10 and 13 April in England.
    expect(
      computeDueDate(noonUtc('2026-04-03'), durations.businessDaysInclusive(5), england).date,
    ).toBe('2026-04-13');
  });

  it('makes the default policy’s five-business-day acknowledgement window from Mon 2 March end Mon 9 March', () => {
    expect(computeDueDate(noonUtc('2026-03-02'), durations.businessDaysAfter(5), newYork)).toEqual({
      date: '2026-03-09',
      dueAt: '2026-03-10T03:59:59.999Z',
    });
  });

  it('counts working days on a Sunday-to-Thursday week', () => {
    const sundayToThursday = createCalendar({ timeZone: 'Asia/Jerusalem', weekend: [5, 6] });
    // Thu 4 June 2026: Sun 7, Mon 8, Tue 9, Wed 10, Thu 11.
    expect(
      computeDueDate('2026-06-04T09:00:00Z', durations.businessDaysAfter(5), sundayToThursday).date,
    ).toBe('2026-06-11');
  });
});

describe('months: calendar months the way people count them', () => {
  it.each([
    // start, months, counting, last day
    ['2026-01-31', 1, 'dayAfter', '2026-02-28'], // 31 Jan + 1 month is the last day of February
    ['2028-01-31', 1, 'dayAfter', '2028-02-29'], // ... in a leap year, 29 February
    ['2026-03-31', 1, 'dayAfter', '2026-04-30'],
    ['2026-08-31', 6, 'dayAfter', '2027-02-28'], // the default 6-month watch window
    ['2026-01-15', 12, 'inclusiveStart', '2027-01-14'], // a 12-month warning from 15 Jan 2026
    ['2026-01-15', 1, 'inclusiveStart', '2026-02-14'],
    ['2026-01-15', 12, 'dayAfter', '2027-01-15'],
    ['2026-11-30', 3, 'dayAfter', '2027-02-28'],
  ] as const)('%s plus %i month(s), counted %s, ends %s', (start, months, counting, last) => {
    const duration =
      counting === 'dayAfter' ? durations.monthsAfter(months) : durations.inclusiveMonths(months);
    expect(computeDueDate(noonUtc(start), duration, london)).toEqual({
      date: last,
      dueAt: luxonEndOfDay(last, 'Europe/London'),
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const PROPERTY_ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/Los_Angeles',
  'Asia/Tokyo',
] as const;

const DAY_MS = 86_400_000;

interface CalendarCase {
  readonly zone: string;
  readonly weekend: readonly Weekday[];
  readonly holidays: ReadonlySet<string>;
  readonly calendar: Calendar;
}

/**
 * A pool of calendars, built once (building one validates its zone through Intl, which is slow):
 * every property zone with a plain Saturday-Sunday week, with the real 2026 lists, and with
 * random weekends and random holidays spread over 2025-2029 (from a fixed seed, so a failure
 * replays exactly).
 */
const CALENDAR_POOL: readonly CalendarCase[] = (() => {
  const specs: { weekend: Weekday[]; holidays: readonly string[] }[] = [
    { weekend: [6, 7], holidays: [] },
    { weekend: [6, 7], holidays: US_FEDERAL_2026 },
    { weekend: [6, 7], holidays: ENGLAND_WALES_2026 },
    { weekend: [6, 7], holidays: SCOTLAND_2026 },
    { weekend: [5, 6], holidays: [] },
    { weekend: [], holidays: [] },
    { weekend: [1, 2, 3, 4, 5, 6], holidays: [] },
  ];
  const randomSpecs = fc.sample(
    fc.record({
      weekend: fc.subarray<Weekday>([1, 2, 3, 4, 5, 6, 7], { maxLength: 6 }),
      holidays: fc.uniqueArray(
        fc
          .integer({ min: 0, max: 5 * 366 })
          .map((offset) =>
            new Date(Date.UTC(2025, 0, 1) + offset * DAY_MS).toISOString().slice(0, 10),
          ),
        { maxLength: 120 },
      ),
    }),
    { numRuns: 8, seed: 20260601 },
  );
  return PROPERTY_ZONES.flatMap((zone) =>
    [...specs, ...randomSpecs].map(({ weekend, holidays }) => ({
      zone,
      weekend,
      holidays: new Set(holidays),
      calendar: createCalendar({ timeZone: zone, weekend, holidays }),
    })),
  );
})();

const calendarArb = fc.constantFrom(...CALENDAR_POOL);

/** A start instant in 2025-2028, as a Date or an ISO string. */
const startArb = fc
  .tuple(
    fc.date({
      min: new Date('2025-01-01T00:00:00Z'),
      max: new Date('2028-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    }),
    fc.boolean(),
  )
  .map(([date, asString]) => (asString ? date.toISOString() : date));

const unitArb = fc.constantFrom<Duration['unit']>(
  'calendarDays',
  'businessDays',
  'weeks',
  'months',
);
const countingArb = fc.constantFrom<Duration['counting']>('inclusiveStart', 'dayAfter');
const rollArb = fc.constantFrom<Duration['rollForward']>(
  'none',
  'nextBusinessDay',
  'previousBusinessDay',
);

/** A sensible amount for a unit (kept small enough for a fast suite). */
const amountFor = (unit: Duration['unit']) =>
  fc.integer({
    min: 1,
    max: unit === 'months' ? 24 : unit === 'weeks' ? 60 : unit === 'businessDays' ? 150 : 400,
  });

/** Independent oracle: the local date of an instant, via luxon. */
const localDateOf = (start: string | Date, zone: string): string =>
  (typeof start === 'string'
    ? DateTime.fromISO(start, { zone })
    : DateTime.fromJSDate(start, { zone })
  ).toISODate() as string;

/** Independent oracle: is a YYYY-MM-DD a business day, from plain Date arithmetic. */
function oracleIsBusinessDay(date: string, c: CalendarCase): boolean {
  const jsDay = new Date(`${date}T00:00:00Z`).getUTCDay();
  const isoDay = (jsDay === 0 ? 7 : jsDay) as Weekday;
  return !c.weekend.includes(isoDay) && !c.holidays.has(date);
}

const plusDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

const RUNS = { numRuns: 2000 } as const;

describe('properties over many calendars, zones and starts (2025-2028)', () => {
  it('has a calendar pool with every property zone and several weekend shapes', () => {
    expect(new Set(CALENDAR_POOL.map((c) => c.zone))).toEqual(new Set(PROPERTY_ZONES));
    expect(CALENDAR_POOL.length).toBe(PROPERTY_ZONES.length * 15);
  });

  it('never lands N ≥ 1 business days on a non-business day, and counts exactly N business days', () => {
    fc.assert(
      fc.property(
        calendarArb,
        startArb,
        fc.integer({ min: 1, max: 150 }),
        countingArb,
        (c, start, amount, counting) => {
          const duration: Duration = {
            amount,
            unit: 'businessDays',
            counting,
            rollForward: 'none',
            endOfDay: true,
          };
          const { date } = computeDueDate(start, duration, c.calendar);
          expect(c.calendar.isBusinessDay(date)).toBe(true);
          expect(oracleIsBusinessDay(date, c)).toBe(true);
          // Walk the days the duration covers and count business days independently.
          const startDate = localDateOf(start, c.zone);
          let day = counting === 'inclusiveStart' ? startDate : plusDays(startDate, 1);
          let counted = 0;
          for (; day <= date; day = plusDays(day, 1)) if (oracleIsBusinessDay(day, c)) counted++;
          expect(counted).toBe(amount);
        },
      ),
      RUNS,
    );
  });

  it('makes N+1 inclusive business days equal N business days after when the start day works, N+1 when it does not', () => {
    fc.assert(
      fc.property(calendarArb, startArb, fc.integer({ min: 1, max: 100 }), (c, start, amount) => {
        const startWorks = oracleIsBusinessDay(localDateOf(start, c.zone), c);
        const inclusive = computeDueDate(
          start,
          durations.businessDaysInclusive(amount + 1),
          c.calendar,
        );
        const after = computeDueDate(
          start,
          durations.businessDaysAfter(startWorks ? amount : amount + 1),
          c.calendar,
        );
        expect(inclusive).toEqual(after);
      }),
      RUNS,
    );
  });

  it('is monotonic in the amount: more days never end earlier (strictly later unless rolled)', () => {
    fc.assert(
      fc.property(
        calendarArb,
        startArb,
        unitArb.chain((unit) =>
          fc.record({
            unit: fc.constant(unit),
            small: amountFor(unit),
            extra: fc.integer({ min: 1, max: 60 }),
          }),
        ),
        countingArb,
        rollArb,
        (c, start, { unit, small, extra }, counting, rollForward) => {
          const large = small + extra;
          const make = (amount: number): Duration => ({
            amount,
            unit,
            counting,
            rollForward,
            endOfDay: true,
          });
          const first = computeDueDate(start, make(small), c.calendar);
          const second = computeDueDate(start, make(large), c.calendar);
          if (rollForward === 'none') {
            expect(first.date < second.date).toBe(true);
            expect(Date.parse(first.dueAt)).toBeLessThan(Date.parse(second.dueAt));
          } else {
            expect(first.date <= second.date).toBe(true);
            expect(Date.parse(first.dueAt)).toBeLessThanOrEqual(Date.parse(second.dueAt));
          }
        },
      ),
      RUNS,
    );
  });

  it('always ends at 23:59:59.999 local in the calendar’s zone, and the date is the local date of dueAt', () => {
    fc.assert(
      fc.property(
        calendarArb,
        startArb,
        unitArb.chain((unit) => fc.tuple(fc.constant(unit), amountFor(unit))),
        countingArb,
        rollArb,
        (c, start, [unit, amount], counting, rollForward) => {
          const due = computeDueDate(
            start,
            { amount, unit, counting, rollForward, endOfDay: true },
            c.calendar,
          );
          expect(due.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
          const local = DateTime.fromISO(due.dueAt).setZone(c.zone);
          expect([local.hour, local.minute, local.second, local.millisecond]).toEqual([
            23, 59, 59, 999,
          ]);
          expect(local.toISODate()).toBe(due.date);
          // Nothing ends before it starts, unless the rule itself moves the end earlier.
          if (rollForward !== 'previousBusinessDay') {
            expect(Date.parse(due.dueAt)).toBeGreaterThan(new Date(start).getTime());
          }
        },
      ),
      RUNS,
    );
  });

  it('makes "N days after" end exactly one local day after "N days including the start", on start+N', () => {
    fc.assert(
      fc.property(
        calendarArb,
        startArb,
        fc
          .constantFrom<Duration['unit']>('calendarDays', 'weeks', 'months')
          .chain((unit) => fc.tuple(fc.constant(unit), amountFor(unit))),
        (c, start, [unit, amount]) => {
          const make = (counting: Duration['counting']): Duration => ({
            amount,
            unit,
            counting,
            rollForward: 'none',
            endOfDay: true,
          });
          const inclusive = computeDueDate(start, make('inclusiveStart'), c.calendar);
          const after = computeDueDate(start, make('dayAfter'), c.calendar);
          expect(plusDays(inclusive.date, 1)).toBe(after.date);
          // One local day later, whatever DST did in between (23, 24 or 25 hours).
          const nextLocalDay = DateTime.fromISO(inclusive.dueAt).setZone(c.zone).plus({ days: 1 });
          expect(nextLocalDay.toMillis()).toBe(Date.parse(after.dueAt));
          // C1 ends on day start+N-1 and C2 on start+N, counted from the local start date.
          if (unit !== 'months') {
            const days = unit === 'weeks' ? amount * 7 : amount;
            expect(after.date).toBe(plusDays(localDateOf(start, c.zone), days));
          }
        },
      ),
      RUNS,
    );
  });

  it('rolls to the nearest business day in the rule’s direction and never further', () => {
    fc.assert(
      fc.property(
        calendarArb,
        startArb,
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom<Duration['rollForward']>('nextBusinessDay', 'previousBusinessDay'),
        (c, start, amount, rollForward) => {
          const plain = computeDueDate(start, durations.daysAfter(amount), c.calendar);
          const rolled = computeDueDate(
            start,
            { ...durations.daysAfter(amount), rollForward },
            c.calendar,
          );
          expect(oracleIsBusinessDay(rolled.date, c)).toBe(true);
          if (oracleIsBusinessDay(plain.date, c)) {
            expect(rolled).toEqual(plain);
            return;
          }
          const step = rollForward === 'nextBusinessDay' ? 1 : -1;
          expect(Math.sign(Date.parse(rolled.dueAt) - Date.parse(plain.dueAt))).toBe(step);
          // Every day skipped was a non-business day.
          for (let day = plain.date; day !== rolled.date; day = plusDays(day, step)) {
            expect(oracleIsBusinessDay(day, c)).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });
});
