import { createCalendar, presetCalendars } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
// The root has no dependency on @pipkit/holidays; read its source (date-holidays resolves from there).
import { holidayCalendar } from '../packages/holidays/src/index.js';

const YEARS = { from: 2025, to: 2035 } as const;

/** Every day off a preset calendar has in 2025-2035 (rules and dated entries). */
function presetDays(definition: (typeof presetCalendars)[keyof typeof presetCalendars]): string[] {
  const calendar = createCalendar({ ...definition, timeZone: 'UTC' });
  const days: string[] = [];
  for (let ms = Date.UTC(YEARS.from, 0, 1); ms < Date.UTC(YEARS.to + 1, 0, 1); ms += 86_400_000) {
    const date = new Date(ms).toISOString().slice(0, 10);
    if (calendar.holidayOn(date) !== undefined) days.push(date);
  }
  return days;
}

const isWeekday = (date: string) => ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/**
 * Weekdays in one list and not the other. date-holidays also lists a holiday's own date when it
 * falls on a weekend (Saturday 4 July 2026 beside the observed Friday 3 July); a weekend is no
 * working day either way, so only weekdays are compared.
 */
function differences(ours: readonly string[], theirs: readonly string[]) {
  return {
    onlyInPreset: ours.filter((day) => isWeekday(day) && !theirs.includes(day)),
    onlyInDateHolidays: theirs.filter((day) => isWeekday(day) && !ours.includes(day)),
  };
}

/**
 * The presets' holiday rules against a second, independent source: the date-holidays data behind
 * @pipkit/holidays, with explicit types (public and bank: observed US federal days and UK bank
 * holidays) and without pipkit's built-in corrections, so both sides are their own. Every
 * difference is listed here, with why it is accepted.
 */
describe('preset holiday rules agree with date-holidays for 2025-2035', () => {
  const types = ['public', 'bank'] as const;

  it('US federal: the same observed days, except the executive-order closures', () => {
    const theirs = holidayCalendar('US', {
      years: YEARS,
      types: [...types],
      builtInCorrections: false,
    });
    expect(differences(presetDays(presetCalendars.usFederal), theirs.holidays)).toEqual({
      // Closures by executive order (EO 14133, EO 14371): not in date-holidays' data.
      onlyInPreset: ['2025-01-09', '2025-12-24', '2025-12-26'],
      onlyInDateHolidays: [],
    });
  });

  it('England and Wales: the same bank holidays', () => {
    const theirs = holidayCalendar('GB-ENG', {
      years: YEARS,
      types: [...types],
      builtInCorrections: false,
    });
    expect(differences(presetDays(presetCalendars.englandAndWales), theirs.holidays)).toEqual({
      onlyInPreset: [],
      onlyInDateHolidays: [],
    });
  });

  it('Scotland: the same bank holidays, except the one-off proclaimed in 2026', () => {
    const theirs = holidayCalendar('GB-SCT', {
      years: YEARS,
      types: [...types],
      builtInCorrections: false,
    });
    expect(differences(presetDays(presetCalendars.scotland), theirs.holidays)).toEqual({
      // The World Cup bank holiday (royal proclamation, February 2026): pipkit's built-in
      // corrections add it to date-holidays' data; they are off here.
      onlyInPreset: ['2026-06-15'],
      onlyInDateHolidays: [],
    });
  });
});
