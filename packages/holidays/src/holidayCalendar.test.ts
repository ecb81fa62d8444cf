import {
  type Calendar,
  CalendarError,
  computeDueDate,
  createCalendar,
  defaultPolicyDocument,
  definePolicy,
  durations,
} from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HOLIDAY_TYPES,
  type HolidayCalendarOptions,
  holidayCalendar,
  listRegions,
} from './index.js';

// Expected days off come from the published 2026 lists (5 U.S.C. 6103 and OPM's 2026 federal
// holiday list, GOV.UK bank holidays 2026, Wyoming State Personnel Rules ch. 6 §6-4), never from
// the library's output. Calendars are compared as business-day sets: the weekdays of the year
// that are not working days. A holiday on a weekend (Saturday 4 July, Saturday 26 December) may
// be listed on its own date as well as on its observed date; that changes no business day.

/**
 * 5 U.S.C. 6103 and OPM's 2026 federal holiday list: US federal 2026, July 3 being the observed
 * Independence Day.
 */
const US_FEDERAL_2026 = [
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-10-12',
  '2026-11-11',
  '2026-11-26',
  '2026-12-25',
];
/** GOV.UK bank holidays 2026: England & Wales. */
const ENGLAND_WALES_2026 = [
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
];
/**
 * GOV.UK bank holidays 2026: Scotland (no Easter Monday), as listed before the World Cup bank
 * holiday of 15 June 2026 was proclaimed.
 */
const SCOTLAND_2026 = [
  '2026-01-01',
  '2026-01-02',
  '2026-04-03',
  '2026-05-04',
  '2026-05-25',
  '2026-08-03',
  '2026-11-30',
  '2026-12-25',
  '2026-12-28',
];
/**
 * Wyoming State Personnel Rules ch. 6 §6-4 (006-6 Wyo. Code R. §6-4): the state holidays on their
 * 2026 dates: New Year's Day, MLK Jr./Wyoming Equality Day (3rd Monday of January), Presidents'
 * Day (3rd Monday of February), Memorial Day, July 4 (a Saturday), Labor Day, Veterans Day,
 * Thanksgiving, Christmas. No Juneteenth, no Columbus Day.
 */
const WYOMING_2026_WEEKDAYS = [
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-05-25',
  '2026-09-07',
  '2026-11-11',
  '2026-11-26',
  '2026-12-25',
];

const Y2026: HolidayCalendarOptions = { years: { from: 2026, to: 2026 } };

/** Every date of a year as YYYY-MM-DD. */
function datesOf(year: number): string[] {
  const dates: string[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

/** The Monday-to-Friday dates of a year that the calendar does not count as business days. */
function weekdaysOff(calendar: Calendar, year: number): string[] {
  return datesOf(year).filter((date) => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !calendar.isBusinessDay(date);
  });
}

function calendarFor(region: string, timeZone: string, options = Y2026): Calendar {
  return createCalendar({ timeZone, ...holidayCalendar(region, options) });
}

function calendarError(fn: () => unknown): CalendarError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).code).toBe('INVALID_CALENDAR');
    return error as CalendarError;
  }
  throw new Error('expected a CalendarError');
}

describe('holidayCalendar: jurisdictions with published 2026 holiday lists', () => {
  it('US federal 2026: the business days are the weekdays minus exactly the eleven federal holidays', () => {
    expect(weekdaysOff(calendarFor('US', 'America/New_York'), 2026)).toEqual(US_FEDERAL_2026);
  });

  it('US federal 2026: Independence Day on a Saturday is observed on Friday 3 July', () => {
    const us = holidayCalendar('US', Y2026);
    expect(us.holidays).toContain('2026-07-03');
    expect(calendarFor('US', 'America/New_York').isBusinessDay('2026-07-03')).toBe(false);
  });

  it('England & Wales 2026: Good Friday, Easter Monday and the August bank holiday are off, Boxing Day moves to Monday 28 December', () => {
    expect(weekdaysOff(calendarFor('GB-ENG', 'Europe/London'), 2026)).toEqual(ENGLAND_WALES_2026);
    expect(weekdaysOff(calendarFor('GB-WLS', 'Europe/London'), 2026)).toEqual(ENGLAND_WALES_2026);
  });

  it('Scotland 2026: 2 January, 3 August and St Andrew’s Day are off, Easter Monday is a working day', () => {
    const scotland = calendarFor('GB-SCT', 'Europe/London');
    // SCOTLAND_2026 is the GOV.UK list from before the Royal Proclamation of Monday 15 June 2026
    // (the FIFA World Cup bank holiday, announced by the Scottish Government on 5 February 2026),
    // a built-in correction.
    expect(weekdaysOff(scotland, 2026)).toEqual([...SCOTLAND_2026, '2026-06-15'].sort());
    expect(
      weekdaysOff(
        calendarFor('GB-SCT', 'Europe/London', { ...Y2026, builtInCorrections: false }),
        2026,
      ),
    ).toEqual(SCOTLAND_2026);
    expect(scotland.isBusinessDay('2026-04-06')).toBe(true);
  });

  it('ERA 1999 s.10: five working days after Thu 2 Apr 2026 end Mon 13 Apr in England and Fri 10 Apr in Scotland', () => {
    const england = createCalendar({
      timeZone: 'Europe/London',
      ...holidayCalendar('GB-ENG', { years: { from: 2026, to: 2026 } }),
    });
    const scotland = createCalendar({
      timeZone: 'Europe/London',
      ...holidayCalendar('GB-SCT', { years: { from: 2026, to: 2026 } }),
    });
    const fiveWorkingDays = durations.businessDaysAfter(5);
    expect(computeDueDate('2026-04-02T10:00:00Z', fiveWorkingDays, england)).toEqual({
      date: '2026-04-13',
      dueAt: '2026-04-13T22:59:59.999Z',
    });
    expect(computeDueDate('2026-04-02T10:00:00Z', fiveWorkingDays, scotland)).toEqual({
      date: '2026-04-10',
      dueAt: '2026-04-10T22:59:59.999Z',
    });
  });

  it('Wyoming 2026, with Juneteenth and Columbus Day excluded by name, has the state personnel rules’ holidays', () => {
    const wyoming = calendarFor('US-WY', 'America/Denver', {
      ...Y2026,
      exclude: ['Juneteenth', 'Columbus Day'],
    });
    // The personnel rules (ch. 6 §6-4) list "July 4" but not how Wyoming observes it on a Saturday;
    // the data follows the federal rule (Friday 3 July). That one day is left out of the
    // comparison and reported.
    const off = weekdaysOff(wyoming, 2026).filter((date) => date !== '2026-07-03');
    expect(off).toEqual(WYOMING_2026_WEEKDAYS);
    expect(wyoming.isBusinessDay('2026-06-19')).toBe(true);
    expect(wyoming.isBusinessDay('2026-10-12')).toBe(true);
  });

  it('Wyoming without corrections still gets the federal Juneteenth and Columbus Day (a data gap the README documents)', () => {
    // A canary: when date-holidays models Wyoming's own list, this fails and the README's
    // advice to exclude both can go.
    const wyoming = holidayCalendar('US-WY', Y2026);
    expect(wyoming.holidays).toContain('2026-06-19');
    expect(wyoming.holidays).toContain('2026-10-12');
  });
});

describe('holidayCalendar: options', () => {
  it('excluding a holiday by name removes its substitute day too; excluding a date removes that day only', () => {
    const byName = holidayCalendar('US', { ...Y2026, exclude: ['independence day'] });
    expect(byName.holidays).not.toContain('2026-07-03');
    expect(byName.holidays).not.toContain('2026-07-04');
    const byDate = holidayCalendar('US', { ...Y2026, exclude: ['2026-07-03'] });
    expect(byDate.holidays).not.toContain('2026-07-03');
    expect(byDate.holidays).toContain('2026-12-25');
    // A date that is not a holiday is ignored, so a correction survives a data fix.
    expect(holidayCalendar('US', { ...Y2026, exclude: ['2026-03-03'] }).holidays).toEqual(
      holidayCalendar('US', Y2026).holidays,
    );
  });

  it('include adds days off such as a governor-declared day, kept sorted', () => {
    const us = holidayCalendar('US', { ...Y2026, include: ['2026-12-24'] });
    expect(us.holidays).toContain('2026-12-24');
    expect(us.holidays).toEqual([...us.holidays].sort());
  });

  it('refuses an unknown holiday name in exclude and lists the region’s names', () => {
    const error = calendarError(() =>
      holidayCalendar('US-WY', { ...Y2026, exclude: ['Juneteeth'] }),
    );
    expect(error.issues[0]?.path).toEqual(['exclude', 0]);
    expect(error.message).toContain('Juneteenth');
  });

  it('refuses corrections that are not real dates, fall outside the years, or contradict each other', () => {
    expect(
      calendarError(() => holidayCalendar('US', { ...Y2026, include: ['2026-02-30'] })).issues[0]
        ?.path,
    ).toEqual(['include', 0]);
    expect(
      calendarError(() => holidayCalendar('US', { ...Y2026, include: ['2027-01-04'] })).message,
    ).toContain('outside years 2026 to 2026');
    expect(
      calendarError(() => holidayCalendar('US', { ...Y2026, exclude: ['2025-12-25'] })).message,
    ).toContain('outside years');
    calendarError(() =>
      holidayCalendar('US', { ...Y2026, include: ['2026-12-24'], exclude: ['2026-12-24'] }),
    );
  });

  it('counts only public holidays by default; other kinds are added only when asked', () => {
    expect(DEFAULT_HOLIDAY_TYPES).toEqual(['public']);
    const everyone = holidayCalendar('US', Y2026);
    expect(holidayCalendar('US', { ...Y2026, types: ['public'] })).toEqual(everyone);
    const withObservances = holidayCalendar('US', {
      ...Y2026,
      types: ['public', 'bank', 'optional', 'observance'],
    });
    expect(withObservances.holidays.length).toBeGreaterThan(everyone.holidays.length);
    expect(withObservances.holidays).toEqual(expect.arrayContaining([...everyone.holidays]));
  });

  it('counts only whole days: a holiday that starts in the afternoon leaves a working day', () => {
    // Austria's Christmas Eve and New Year's Eve are bank holidays from 14:00 only.
    const austria = holidayCalendar('AT', Y2026);
    expect(austria.holidays).toContain('2026-12-25');
    expect(austria.holidays).not.toContain('2026-12-24');
    expect(austria.holidays).not.toContain('2026-12-31');
  });

  it('uses Saturday and Sunday as the weekend unless the data records another or the option says so', () => {
    expect(holidayCalendar('US', Y2026).weekend).toEqual([6, 7]);
    expect(holidayCalendar('GB-SCT', Y2026).weekend).toEqual([6, 7]);
    expect(holidayCalendar('BD', Y2026).weekend).toEqual([5, 6]);
    expect(holidayCalendar('SA', { ...Y2026, weekend: [6, 5] }).weekend).toEqual([5, 6]);
    expect(
      calendarError(() => holidayCalendar('US', { ...Y2026, weekend: [1, 2, 3, 4, 5, 6, 7] }))
        .issues[0]?.path,
    ).toEqual(['weekend']);
  });
});

describe('holidayCalendar: shape', () => {
  it('covers every year of a multi-year range, sorted, without duplicates, and nothing outside it', () => {
    const england = holidayCalendar('GB-ENG', { years: { from: 2026, to: 2028 } });
    const { holidays } = england;
    expect(holidays).toEqual([...new Set(holidays)].sort());
    expect(holidays.every((date) => date >= '2026-01-01' && date <= '2028-12-31')).toBe(true);
    expect(holidays).toEqual(expect.arrayContaining(['2026-12-25', '2027-12-25', '2028-12-25']));
    expect(holidays.filter((date) => date.startsWith('2026'))).toEqual(
      holidayCalendar('GB-ENG', Y2026).holidays,
    );
  });

  it('puts a substitute day that crosses New Year into the year it falls in', () => {
    // 1 January 2028 is a Saturday: federal employees have Friday 31 December 2027 off.
    expect(holidayCalendar('US', { years: { from: 2027, to: 2027 } }).holidays).toContain(
      '2027-12-31',
    );
    expect(
      holidayCalendar('US', { years: { from: 2028, to: 2028 } }).holidays.every((date) =>
        date.startsWith('2028'),
      ),
    ).toBe(true);
  });

  it('returns JSON-safe data with the region as id and the data source with its version', () => {
    const scotland = holidayCalendar('gb-sct', Y2026);
    expect(scotland.id).toBe('GB-SCT');
    expect(scotland.source).toMatch(/^date-holidays 3\.\d+\.\d+$/);
    expect(JSON.parse(JSON.stringify(scotland))).toEqual(scotland);
  });

  it('returns new arrays on every call, so changing one calendar never changes another', () => {
    const first = holidayCalendar('GB-SCT', Y2026);
    first.holidays.push('2026-03-03');
    first.weekend.push(5);
    expect(holidayCalendar('GB-SCT', Y2026).holidays).not.toContain('2026-03-03');
    expect(holidayCalendar('GB-SCT', Y2026).weekend).toEqual([6, 7]);
  });

  it('fits a policy’s calendar field once id, source and details are set aside', () => {
    const { id, source, details, ...calendar } = holidayCalendar('GB-SCT', Y2026);
    expect(details.map((detail) => detail.date)).toEqual(expect.arrayContaining(calendar.holidays));
    const policy = definePolicy({
      ...defaultPolicyDocument,
      id: 'acme-scotland',
      description: `Working days: ${id}, from ${source}.`,
      calendar,
    });
    expect(policy.document.calendar.holidays).toEqual(expect.arrayContaining(SCOTLAND_2026));
  });
});

describe('holidayCalendar: refusals', () => {
  it('refuses an unknown country instead of returning an empty calendar', () => {
    const error = calendarError(() => holidayCalendar('XX', Y2026));
    expect(error.issues[0]?.path).toEqual(['region']);
    expect(error.message).toContain('listRegions()');
  });

  it('refuses an unknown subdivision and names valid ones', () => {
    expect(calendarError(() => holidayCalendar('GB-XYZ', Y2026)).message).toContain('"GB-ENG"');
    expect(calendarError(() => holidayCalendar('US-ZZ', Y2026)).message).toContain(
      "listRegions('US')",
    );
    expect(calendarError(() => holidayCalendar('IS-1', Y2026)).message).toContain('use "IS"');
  });

  it.each(['', 'USA', 'US.WY', 'US-', 'DE-BY-A', 'england'])(
    'refuses %j, which is not a COUNTRY or COUNTRY-SUBDIVISION code',
    (region) => {
      expect(calendarError(() => holidayCalendar(region, Y2026)).issues[0]?.path).toEqual([
        'region',
      ]);
    },
  );

  it.each([
    ['reversed', { from: 2027, to: 2026 }, ['years']],
    ['fractional', { from: 2026.5, to: 2027 }, ['years', 'from']],
    ['before 1970', { from: 1969, to: 2026 }, ['years', 'from']],
    ['after 2200', { from: 2026, to: 2201 }, ['years', 'to']],
    ['longer than 50 years', { from: 2000, to: 2050 }, ['years']],
    ['not numbers', { from: '2026', to: 2026 }, ['years', 'from']],
  ])('refuses a year range that is %s', (_label, years, path) => {
    const options = { years } as unknown as HolidayCalendarOptions;
    expect(calendarError(() => holidayCalendar('US', options)).issues[0]?.path).toEqual(path);
  });

  it('accepts a range of exactly 50 years', () => {
    const england = holidayCalendar('GB-ENG', { years: { from: 2000, to: 2049 } });
    expect(england.holidays).toEqual(expect.arrayContaining(['2000-12-25', '2049-12-25']));
  });

  it('refuses an unknown or empty list of holiday types', () => {
    const unknown = {
      ...Y2026,
      types: ['public', 'religious'],
    } as unknown as HolidayCalendarOptions;
    const error = calendarError(() => holidayCalendar('US', unknown));
    expect(error.issues[0]?.path).toEqual(['types', 1]);
    expect(error.message).toContain("'observance'");
    calendarError(() => holidayCalendar('US', { ...Y2026, types: [] }));
  });
});

describe('listRegions', () => {
  it('lists the countries as codes holidayCalendar accepts', () => {
    const countries = listRegions();
    expect(countries).toEqual(
      expect.arrayContaining([
        { code: 'GB', name: 'United Kingdom' },
        expect.objectContaining({ code: 'US' }),
        expect.objectContaining({ code: 'DE' }),
      ]),
    );
    expect(countries.map((region) => region.code)).toEqual(
      countries.map((region) => region.code).sort(),
    );
  });

  it('lists the subdivisions of a country: England and Scotland for GB', () => {
    expect(listRegions('GB')).toEqual(
      expect.arrayContaining([
        { code: 'GB-ENG', name: 'England' },
        { code: 'GB-SCT', name: 'Scotland' },
      ]),
    );
    for (const { code } of listRegions('GB')) expect(holidayCalendar(code, Y2026).id).toBe(code);
  });

  it('lists no subdivisions for a country without them and refuses an unknown country', () => {
    expect(listRegions('IS')).toEqual([]);
    calendarError(() => listRegions('XX'));
  });
});
