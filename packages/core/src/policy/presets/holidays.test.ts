import { describe, expect, it } from 'vitest';
import { type Calendar, createCalendar, presets } from '../../index.js';
import { definePolicy } from '../definePolicy.js';
import { presetCalendars } from './holidays.js';

/** Every day off a calendar has in a year, by its rules and dated entries. */
function daysOff(calendar: Calendar, year: number): string[] {
  const days: string[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    if (calendar.holidayOn(date) !== undefined) days.push(date);
  }
  return days;
}

/**
 * US federal holidays as OPM's federal holiday tables publish them (observed dates, "for most
 * Federal employees"), plus the executive-order closures: 9 Jan 2025 (EO 14133) and 24 and 26
 * Dec 2025 (EO 14371). New Year's Day 2028 (a Saturday) is observed on Friday 31 Dec 2027.
 * Inauguration Day (DC area only) is left out.
 */
const US_FEDERAL: Record<number, string[]> = {
  2025: [
    '01-01',
    '01-09',
    '01-20',
    '02-17',
    '05-26',
    '06-19',
    '07-04',
    '09-01',
    '10-13',
    '11-11',
    '11-27',
    '12-24',
    '12-25',
    '12-26',
  ],
  2026: [
    '01-01',
    '01-19',
    '02-16',
    '05-25',
    '06-19',
    '07-03',
    '09-07',
    '10-12',
    '11-11',
    '11-26',
    '12-25',
  ],
  2027: [
    '01-01',
    '01-18',
    '02-15',
    '05-31',
    '06-18',
    '07-05',
    '09-06',
    '10-11',
    '11-11',
    '11-25',
    '12-24',
    '12-31',
  ],
  2028: ['01-17', '02-21', '05-29', '06-19', '07-04', '09-04', '10-09', '11-10', '11-23', '12-25'],
  2029: [
    '01-01',
    '01-15',
    '02-19',
    '05-28',
    '06-19',
    '07-04',
    '09-03',
    '10-08',
    '11-12',
    '11-22',
    '12-25',
  ],
  2030: [
    '01-01',
    '01-21',
    '02-18',
    '05-27',
    '06-19',
    '07-04',
    '09-02',
    '10-14',
    '11-11',
    '11-28',
    '12-25',
  ],
};

/** England and Wales bank holidays as gov.uk lists them (substitute days included). */
const ENGLAND_AND_WALES: Record<number, string[]> = {
  2025: ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26'],
  2026: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
  2027: ['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28'],
  2028: ['01-03', '04-14', '04-17', '05-01', '05-29', '08-28', '12-25', '12-26'],
  2029: ['01-01', '03-30', '04-02', '05-07', '05-28', '08-27', '12-25', '12-26'],
  2030: ['01-01', '04-19', '04-22', '05-06', '05-27', '08-26', '12-25', '12-26'],
};

/**
 * Scotland bank holidays as gov.uk lists them, with the one-off World Cup bank holiday of Monday
 * 15 June 2026 (royal proclamation, February 2026). St Andrew's Day on a weekend moves to the
 * Monday: 1 Dec 2025, 2 Dec 2030.
 */
const SCOTLAND: Record<number, string[]> = {
  2025: ['01-01', '01-02', '04-18', '05-05', '05-26', '08-04', '12-01', '12-25', '12-26'],
  2026: ['01-01', '01-02', '04-03', '05-04', '05-25', '06-15', '08-03', '11-30', '12-25', '12-28'],
  2027: ['01-01', '01-04', '03-26', '05-03', '05-31', '08-02', '11-30', '12-27', '12-28'],
  2028: ['01-03', '01-04', '04-14', '05-01', '05-29', '08-07', '11-30', '12-25', '12-26'],
  2029: ['01-01', '01-02', '03-30', '05-07', '05-28', '08-06', '11-30', '12-25', '12-26'],
  2030: ['01-01', '01-02', '04-19', '05-06', '05-27', '08-05', '12-02', '12-25', '12-26'],
};

const cases = [
  ['US federal', presetCalendars.usFederal, 'America/New_York', US_FEDERAL],
  ['England and Wales', presetCalendars.englandAndWales, 'Europe/London', ENGLAND_AND_WALES],
  ['Scotland', presetCalendars.scotland, 'Europe/London', SCOTLAND],
] as const;

describe('preset calendars: the official days off of 2025-2030', () => {
  for (const [name, definition, timeZone, expected] of cases) {
    it(`gives the ${name} days off of every year from 2025 to 2030, and no others`, () => {
      const calendar = createCalendar({ ...definition, timeZone });
      for (const [year, dates] of Object.entries(expected)) {
        expect(daysOff(calendar, Number(year))).toEqual(dates.map((date) => `${year}-${date}`));
        for (const date of dates) expect(calendar.isBusinessDay(`${year}-${date}`)).toBe(false);
      }
    });
  }

  it('names each day off with its source, moved ones as observed or substitute days', () => {
    const us = createCalendar({ ...presetCalendars.usFederal, timeZone: 'America/New_York' });
    expect(us.holidayOn('2026-07-03')).toEqual({
      name: 'Independence Day (observed)',
      source: '5 U.S.C. 6103(a); observed per 5 U.S.C. 6103(b) and Executive Order 11582',
    });
    expect(us.holidayOn('2025-12-26')?.source).toBe('Executive Order 14371 of December 18, 2025');
    const scotland = createCalendar({ ...presetCalendars.scotland, timeZone: 'Europe/London' });
    expect(scotland.holidayOn('2030-12-02')).toEqual({
      name: "St Andrew's Day (substitute day)",
      source: "St Andrew's Day Bank Holiday (Scotland) Act 2007",
    });
    expect(scotland.holidayOn('2026-06-15')?.name).toContain('World Cup');
  });

  it('gives the presets that carried the 2026 lists exactly those 2026 days off', () => {
    const year2026 = (policy: (typeof presets)[keyof typeof presets], timeZone: string) =>
      daysOff(createCalendar({ ...policy.document.calendar, timeZone }), 2026);
    expect(year2026(presets.usFederal432, 'America/New_York')).toEqual(
      US_FEDERAL[2026]?.map((date) => `2026-${date}`),
    );
    expect(year2026(presets.unionAgreement, 'America/New_York')).toEqual(
      US_FEDERAL[2026]?.map((date) => `2026-${date}`),
    );
    expect(year2026(presets.ukAcasCapability, 'Europe/London')).toEqual(
      ENGLAND_AND_WALES[2026]?.map((date) => `2026-${date}`),
    );
  });

  it('keeps a policy document with plain holiday dates exactly as it was (no rules injected)', () => {
    const policy = definePolicy({
      ...presets.default.document,
      id: 'plain-dates',
      calendar: { weekend: [6, 7], holidays: ['2026-07-03', '2026-12-25'] },
    });
    expect(policy.document.calendar).toStrictEqual({
      weekend: [6, 7],
      holidays: ['2026-07-03', '2026-12-25'],
    });
    expect('holidayRules' in policy.document.calendar).toBe(false);
  });
});
