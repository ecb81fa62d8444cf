import { CalendarError } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import {
  BANK_HOLIDAYS_COUNTED_AS_PUBLIC,
  BUILT_IN_CORRECTIONS,
  type HolidayCalendarOptions,
  type HolidayCorrection,
  holidayCalendar,
} from './index.js';

// Expected days come from the statutes and announcements cited next to them, never from the
// library's output.

const Y2026: HolidayCalendarOptions = { years: { from: 2026, to: 2026 } };

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

describe('default types: public holidays only', () => {
  it('New South Wales: the August Bank Holiday (banks only) is a working day unless bank is asked for', () => {
    // Banks and Bank Holidays Act 1912 (NSW): the first Monday in August, 3 August 2026.
    expect(holidayCalendar('AU-NSW', Y2026).holidays).not.toContain('2026-08-03');
    const banks = holidayCalendar('AU-NSW', { ...Y2026, types: ['public', 'bank'] });
    expect(banks.details).toContainEqual(
      expect.objectContaining({ date: '2026-08-03', type: 'bank' }),
    );
  });

  it('Japan: 2 and 3 January and 31 December (bank closures) are working days by default', () => {
    // 2 January 2026 is a Friday and 31 December 2026 a Thursday: not national holidays (Act on
    // National Holidays, art. 2), only bank closures (Banking Act, art. 15 and its order).
    const japan = holidayCalendar('JP', Y2026);
    expect(japan.holidays).not.toContain('2026-01-02');
    expect(japan.holidays).not.toContain('2026-12-31');
    expect(holidayCalendar('JP', { ...Y2026, types: ['public', 'bank'] }).holidays).toEqual(
      expect.arrayContaining(['2026-01-02', '2026-12-31']),
    );
  });

  it('US: the observed Veterans Day, typed bank in the data, stays a federal day off by default', () => {
    // 5 U.S.C. 6103(b): 11 Nov 2028 is a Saturday (observed Friday 10th), 11 Nov 2029 a Sunday
    // (observed Monday 12th).
    const us = holidayCalendar('US', { years: { from: 2028, to: 2029 } });
    expect(us.holidays).toEqual(expect.arrayContaining(['2028-11-10', '2029-11-12']));
    const observed = us.details.find((day) => day.date === '2029-11-12');
    expect(observed?.type).toBe('public');
    expect(observed?.source).toContain('5 U.S.C. 6103(b)');
    // Without the built-in mapping the data's own type applies.
    const raw = holidayCalendar('US', {
      years: { from: 2029, to: 2029 },
      builtInCorrections: false,
    });
    expect(raw.holidays).not.toContain('2029-11-12');
    expect(BANK_HOLIDAYS_COUNTED_AS_PUBLIC.US).toContain('6103(b)');
  });

  it('UK: every bank holiday of Schedule 1 is a day off by default in all four nations', () => {
    // Banking and Financial Dealings Act 1971 Sch.1 and the standing proclamations, 2027:
    // Good Friday 26 March, Easter Monday 29 March (not Scotland), early May 3 May, spring 31 May,
    // summer 30 August (2 August in Scotland), Christmas and Boxing Day on a weekend -> 27 and 28
    // December; Scotland 1 and 4 January (2 January a Saturday), St Andrew's Day 30 November;
    // Northern Ireland St Patrick's Day 17 March and the Boyne 12 July.
    const common = [
      '2027-01-01',
      '2027-03-26',
      '2027-05-03',
      '2027-05-31',
      '2027-12-27',
      '2027-12-28',
    ];
    const Y2027 = { years: { from: 2027, to: 2027 } };
    for (const region of ['GB-ENG', 'GB-WLS']) {
      expect(holidayCalendar(region, Y2027).holidays).toEqual(
        expect.arrayContaining([...common, '2027-03-29', '2027-08-30']),
      );
    }
    expect(holidayCalendar('GB-NIR', Y2027).holidays).toEqual(
      expect.arrayContaining([...common, '2027-03-17', '2027-03-29', '2027-07-12', '2027-08-30']),
    );
    expect(holidayCalendar('GB-SCT', Y2027).holidays).toEqual(
      expect.arrayContaining([...common, '2027-01-04', '2027-08-02', '2027-11-30']),
    );
    expect(BANK_HOLIDAYS_COUNTED_AS_PUBLIC.GB).toContain('Schedule 1');
  });
});

describe('built-in corrections', () => {
  it('Scotland: Monday 15 June 2026 is the proclaimed FIFA World Cup bank holiday, with its source', () => {
    const scotland = holidayCalendar('GB-SCT', Y2026);
    expect(scotland.holidays).toContain('2026-06-15');
    const worldCup = scotland.details.filter((day) => day.date === '2026-06-15');
    expect(worldCup.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: 'FIFA World Cup bank holiday', type: 'public' },
    ]);
    expect(worldCup[0]?.source).toMatch(/Banking and Financial Dealings Act 1971.*gov\.scot/);
    // Only Scotland, only 2026, and a range without 2026 is not refused.
    expect(holidayCalendar('GB-ENG', Y2026).holidays).not.toContain('2026-06-15');
    expect(holidayCalendar('GB-SCT', { years: { from: 2027, to: 2027 } }).holidays).not.toContain(
      '2027-06-15',
    );
  });

  it('Ontario: Easter Monday is not an ESA 2000 public holiday, in any year', () => {
    // ESA 2000 s.1(1); Easter Monday 2026 is 6 April, 2027 is 29 March.
    const ontario = holidayCalendar('CA-ON', { years: { from: 2026, to: 2027 } });
    expect(ontario.holidays).not.toContain('2026-04-06');
    expect(ontario.holidays).not.toContain('2027-03-29');
    expect(ontario.holidays).toContain('2026-04-03'); // Good Friday stays
    // A canary: the data still lists it, so the correction still does something.
    const raw = holidayCalendar('CA-ON', { ...Y2026, builtInCorrections: false });
    expect(raw.holidays).toContain('2026-04-06');
  });

  it('New South Wales: Anzac Day on a weekend gives no Monday, but 25 April stays', () => {
    // Public Holidays Act 2010 (NSW) s.4(g): 25 April 2026 is a Saturday, 2027 a Sunday.
    const nsw = holidayCalendar('AU-NSW', { years: { from: 2026, to: 2027 } });
    expect(nsw.holidays).toEqual(expect.arrayContaining(['2026-04-25', '2027-04-25']));
    expect(nsw.holidays).not.toContain('2026-04-27');
    expect(nsw.holidays).not.toContain('2027-04-26');
    const raw = holidayCalendar('AU-NSW', { ...Y2026, builtInCorrections: false });
    expect(raw.holidays).toContain('2026-04-27');
  });

  it('every built-in correction names its source', () => {
    for (const corrections of Object.values(BUILT_IN_CORRECTIONS)) {
      for (const correction of corrections) expect(correction.source.length).toBeGreaterThan(20);
    }
  });
});

describe('caller corrections', () => {
  it('adds an employer day and removes a proclaimed one; the caller wins over the built-in', () => {
    const corrections: HolidayCorrection[] = [
      { date: '2026-12-24', action: 'add', name: 'Company shutdown', source: 'Handbook 4.2' },
      { date: '2026-06-15', action: 'remove', name: 'Not given', source: 'Contract clause 9' },
    ];
    const scotland = holidayCalendar('GB-SCT', { ...Y2026, corrections });
    expect(scotland.holidays).toContain('2026-12-24');
    expect(scotland.holidays).not.toContain('2026-06-15');
    expect(scotland.details).toContainEqual({
      date: '2026-12-24',
      name: 'Company shutdown',
      type: 'public',
      source: 'Handbook 4.2',
    });
  });

  it('removes a holiday in every year by name, or only its substitute days', () => {
    const years = { from: 2026, to: 2027 };
    const noBoxing = holidayCalendar('GB-ENG', {
      years,
      corrections: [{ holiday: 'Boxing Day', only: 'substitute', action: 'remove', source: 'x' }],
    });
    // Boxing Day 2026 is a Saturday: its substitute Monday 28 December goes, the Saturday stays.
    expect(noBoxing.holidays).not.toContain('2026-12-28');
    expect(noBoxing.holidays).toContain('2026-12-26');
    const noJuneteenth = holidayCalendar('US', {
      years,
      corrections: [{ holiday: 'juneteenth', action: 'remove', source: 'State rules' }],
    });
    expect(noJuneteenth.holidays.some((date) => date.endsWith('-06-19'))).toBe(false);
  });

  it('refuses a correction outside the years, naming the years', () => {
    const error = calendarError(() =>
      holidayCalendar('GB-SCT', {
        ...Y2026,
        corrections: [{ date: '2027-01-04', action: 'add', name: 'Extra', source: 'x' }],
      }),
    );
    expect(error.issues[0]?.path).toEqual(['corrections', 0, 'date']);
    expect(error.message).toContain('outside years 2026 to 2026');
  });

  it('refuses malformed corrections with the path of the bad field', () => {
    const refuse = (correction: unknown): readonly (string | number)[] | undefined =>
      calendarError(() =>
        holidayCalendar('US', {
          ...Y2026,
          corrections: [correction as HolidayCorrection],
        }),
      ).issues[0]?.path;
    expect(refuse({ date: '2026-02-30', action: 'add', name: 'x', source: 's' })).toEqual([
      'corrections',
      0,
      'date',
    ]);
    expect(refuse({ date: '2026-03-03', action: 'move', name: 'x', source: 's' })).toEqual([
      'corrections',
      0,
      'action',
    ]);
    expect(refuse({ date: '2026-03-03', action: 'add', name: 'x' })).toEqual([
      'corrections',
      0,
      'source',
    ]);
    expect(refuse({ date: '2026-03-03', action: 'add', name: '', source: 's' })).toEqual([
      'corrections',
      0,
      'name',
    ]);
    expect(
      refuse({ date: '2026-03-03', action: 'add', name: 'x', source: 's', type: 'holy' }),
    ).toEqual(['corrections', 0, 'type']);
    expect(refuse({ holiday: 'Christmas Day', action: 'add', source: 's' })).toEqual([
      'corrections',
      0,
      'action',
    ]);
    expect(refuse('2026-03-03')).toEqual(['corrections', 0]);
  });

  it('refuses a date both added and removed, and an unknown holiday name listing known ones', () => {
    calendarError(() =>
      holidayCalendar('US', {
        ...Y2026,
        corrections: [
          { date: '2026-03-03', action: 'add', name: 'x', source: 's' },
          { date: '2026-03-03', action: 'remove', name: 'x', source: 's' },
        ],
      }),
    );
    calendarError(() =>
      holidayCalendar('US', {
        ...Y2026,
        include: ['2026-03-03'],
        corrections: [{ date: '2026-03-03', action: 'remove', name: 'x', source: 's' }],
      }),
    );
    const unknown = calendarError(() =>
      holidayCalendar('US', {
        ...Y2026,
        corrections: [{ holiday: 'Juneteeth', action: 'remove', source: 's' }],
      }),
    );
    expect(unknown.issues[0]?.path).toEqual(['corrections', 0, 'holiday']);
    expect(unknown.message).toContain('Juneteenth');
  });

  it('refuses builtInCorrections that is not a boolean', () => {
    const options = { ...Y2026, builtInCorrections: 'no' } as unknown as HolidayCalendarOptions;
    expect(calendarError(() => holidayCalendar('US', options)).issues[0]?.path).toEqual([
      'builtInCorrections',
    ]);
  });
});

describe('details', () => {
  it('names every day off once per holiday, with the data version as source', () => {
    const england = holidayCalendar('GB-ENG', Y2026);
    expect([...new Set(england.details.map((day) => day.date))]).toEqual(england.holidays);
    expect(england.details.find((day) => day.date === '2026-04-06')).toEqual({
      date: '2026-04-06',
      name: 'Easter Monday',
      type: 'public',
      source: england.source,
    });
    const included = holidayCalendar('US', { ...Y2026, include: ['2026-12-24'] });
    expect(included.details).toContainEqual({
      date: '2026-12-24',
      name: 'Included day',
      type: 'public',
      source: 'options.include',
    });
  });
});
