import federal from '@18f/us-federal-holidays';
import holidayJp from '@holiday-jp/holiday_jp';
import { getHolidays as feiertage } from 'feiertagejs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { holidayCalendar } from './index.js';

// Each region's 2025-2030 weekday days off (Monday to Friday: what changes a deadline) compared
// with a second source. Where an npm package carries the region's holidays offline, that package
// is the second source; where none exists on the registry (the UK nations, Ontario, New South
// Wales, Ireland, New Zealand), the second source is the statute's own rules written out below
// (STATUTE_CALENDARS), independently of date-holidays. Every accepted difference is listed here and in
// docs/holidays.md with its legal reason; any other difference fails.

const FROM = 2025;
const TO = 2030;
const YEARS = Array.from({ length: TO - FROM + 1 }, (_, index) => FROM + index);

function isWeekday(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
}

function inRange(date: string): boolean {
  return date >= `${FROM}-01-01` && date <= `${TO}-12-31`;
}

function ours(region: string): string[] {
  const calendar = holidayCalendar(region, { years: { from: FROM, to: TO } });
  return calendar.holidays.filter(isWeekday);
}

function weekdaySet(dates: readonly string[]): string[] {
  return [...new Set(dates.filter((date) => inRange(date) && isWeekday(date)))].sort();
}

/** The dates only one side has, as the test expects them to be listed. */
function differences(
  mine: readonly string[],
  theirs: readonly string[],
): { onlyPipkit: string[]; onlySecondSource: string[] } {
  const a = new Set(mine);
  const b = new Set(theirs);
  return {
    onlyPipkit: mine.filter((date) => !b.has(date)),
    onlySecondSource: theirs.filter((date) => !a.has(date)),
  };
}

// @socialgouv/jours-feries ships no types: a CommonJS function from a year to { name: Date }.
const joursFeries = createRequire(import.meta.url)('@socialgouv/jours-feries') as (
  year: number,
) => Record<string, Date>;

const iso = (date: Date): string => date.toISOString().slice(0, 10);

describe('against a second npm source, 2025-2030', () => {
  it('US federal: @18f/us-federal-holidays (5 U.S.C. 6103), no differences', () => {
    const theirs = weekdaySet(
      YEARS.flatMap((year) => federal.allForYear(year).map((h) => h.dateString)),
    );
    expect(differences(ours('US'), theirs)).toEqual({ onlyPipkit: [], onlySecondSource: [] });
  });

  it('JP: @holiday-jp/holiday_jp (Act on National Holidays), no differences', () => {
    const theirs = weekdaySet(
      holidayJp
        .between(new Date(`${FROM}-01-01T00:00:00Z`), new Date(`${TO}-12-31T00:00:00Z`))
        .map((holiday) => iso(holiday.date)),
    );
    expect(differences(ours('JP'), theirs)).toEqual({ onlyPipkit: [], onlySecondSource: [] });
  });

  it('DE-BY: feiertagejs, differing only on Assumption Day (15 August)', () => {
    const theirs = weekdaySet(
      YEARS.flatMap((year) => feiertage(year, 'BY').map((holiday) => holiday.dateString)),
    );
    // Bavarian Feiertagsgesetz Art. 1(1) no. 2: Mariä Himmelfahrt is a public holiday only in
    // municipalities with a mainly Catholic population, so it is not a day off for all of
    // Bavaria (2026 and 2027 fall on a weekend).
    expect(differences(ours('DE-BY'), theirs)).toEqual({
      onlyPipkit: [],
      onlySecondSource: ['2025-08-15', '2028-08-15', '2029-08-15', '2030-08-15'],
    });
  });

  it('FR: @socialgouv/jours-feries (Code du travail L3133-1), no differences', () => {
    const theirs = weekdaySet(
      YEARS.flatMap((year) => Object.values(joursFeries(year)).map((date) => iso(date))),
    );
    expect(differences(ours('FR'), theirs)).toEqual({ onlyPipkit: [], onlySecondSource: [] });
  });
});

describe('against the statute rules where no npm source exists, 2025-2030', () => {
  it.each(
    Object.entries(STATUTE_CALENDARS).map(
      ([region, statute]) => [region, statute.law, statute] as const,
    ),
  )('%s: %s', (region, _law, statute) => {
    const theirs = weekdaySet(YEARS.flatMap((year) => statute.days(year)));
    expect(differences(ours(region), theirs)).toEqual(statute.accepted);
  });
});

describe('the comparison has teeth', () => {
  it('without the built-in corrections, the statute rules catch exactly what they fix', () => {
    const raw = (region: string): string[] =>
      holidayCalendar(region, {
        years: { from: FROM, to: TO },
        builtInCorrections: false,
      }).holidays.filter(isWeekday);
    const statute = (region: string): string[] =>
      weekdaySet(YEARS.flatMap((year) => STATUTE_CALENDARS[region]?.days(year) ?? []));
    // ESA 2000 s.1(1): Easter Monday, every year.
    expect(differences(raw('CA-ON'), statute('CA-ON'))).toEqual({
      onlyPipkit: YEARS.map((year) => easterPlus(year, 1)),
      onlySecondSource: [],
    });
    // Public Holidays Act 2010 (NSW) s.4(g): no Monday after a weekend Anzac Day.
    expect(differences(raw('AU-NSW'), statute('AU-NSW'))).toEqual({
      onlyPipkit: ['2026-04-27', '2027-04-26'],
      onlySecondSource: [],
    });
    // The 2026 proclamation.
    expect(differences(raw('GB-SCT'), statute('GB-SCT'))).toEqual({
      onlyPipkit: [],
      onlySecondSource: ['2026-06-15'],
    });
  });
});

// ---- The statute rules, written from the Acts (not from date-holidays) ----

const DAY_MS = 86_400_000;
const utc = (year: number, month: number, day: number): number => Date.UTC(year, month - 1, day);
const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const weekdayOf = (ms: number): number => new Date(ms).getUTCDay(); // 0 Sunday ... 6 Saturday

/** Gregorian Easter Sunday (the anonymous Gregorian algorithm). */
function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}
const easterPlus = (year: number, days: number): string => dateOf(easter(year) + days * DAY_MS);

/** The n-th Monday of a month (n = -1: the last). */
function monday(year: number, month: number, n: number): string {
  if (n > 0) {
    const first = utc(year, month, 1);
    return dateOf(first + (((8 - weekdayOf(first)) % 7) + (n - 1) * 7) * DAY_MS);
  }
  const last = utc(year, month + 1, 1) - DAY_MS;
  return dateOf(last - ((weekdayOf(last) + 6) % 7) * DAY_MS);
}

/** The Monday before a date (Victoria Day: the Monday before 25 May). */
function mondayBefore(year: number, month: number, day: number): string {
  const target = utc(year, month, day) - DAY_MS;
  return dateOf(target - ((weekdayOf(target) + 6) % 7) * DAY_MS);
}

/**
 * Fixed days that move to the next weekday not already a holiday when they fall on a weekend
 * (the UK's substitute days by proclamation, New Zealand's Mondayisation under the Holidays Act
 * 2003 ss.45-45A). `fixed` is [month, day] pairs in the order they are substituted.
 */
function withSubstitutes(year: number, weekdays: string[], fixed: [number, number][]): string[] {
  const days = new Set(weekdays);
  const moving: number[] = [];
  for (const [month, day] of fixed) {
    const ms = utc(year, month, day);
    if (weekdayOf(ms) === 0 || weekdayOf(ms) === 6) moving.push(ms);
    else days.add(dateOf(ms));
  }
  for (const ms of moving) {
    let next = ms + DAY_MS;
    while (weekdayOf(next) === 0 || weekdayOf(next) === 6 || days.has(dateOf(next))) next += DAY_MS;
    days.add(dateOf(next));
  }
  return [...days];
}

/** Fixed days that are holidays on their date only, with no substitute. */
const fixedOnly = (year: number, fixed: [number, number][]): string[] =>
  fixed.map(([month, day]) => dateOf(utc(year, month, day)));

interface StatuteCalendar {
  readonly law: string;
  readonly days: (year: number) => string[];
  readonly accepted: { onlyPipkit: string[]; onlySecondSource: string[] };
}

const NONE = { onlyPipkit: [], onlySecondSource: [] };

const englandAndWales = (year: number): string[] =>
  withSubstitutes(
    year,
    [
      easterPlus(year, -2),
      easterPlus(year, 1),
      monday(year, 5, 1),
      monday(year, 5, -1),
      monday(year, 8, -1),
    ],
    [
      [1, 1],
      [12, 25],
      [12, 26],
    ],
  );

/** Te Kāhui o Matariki Public Holiday Act 2022, Schedule 1. */
const MATARIKI: Record<number, string> = {
  2025: '2025-06-20',
  2026: '2026-07-10',
  2027: '2027-06-25',
  2028: '2028-07-14',
  2029: '2029-07-06',
  2030: '2030-06-21',
};

const STATUTE_CALENDARS: Record<string, StatuteCalendar> = {
  'GB-ENG': {
    law: 'Banking and Financial Dealings Act 1971 Sch.1 para 1 and standing proclamations',
    days: englandAndWales,
    accepted: NONE,
  },
  'GB-WLS': {
    law: 'Banking and Financial Dealings Act 1971 Sch.1 para 1 and standing proclamations',
    days: englandAndWales,
    accepted: NONE,
  },
  'GB-NIR': {
    law: 'Banking and Financial Dealings Act 1971 Sch.1 para 3, Boyne by proclamation',
    days: (year) => [
      ...englandAndWales(year),
      ...withSubstitutes(
        year,
        [],
        [
          [3, 17],
          [7, 12],
        ],
      ),
    ],
    accepted: NONE,
  },
  'GB-SCT': {
    law: 'Banking and Financial Dealings Act 1971 Sch.1 para 2, St Andrew’s Day Bank Holiday (Scotland) Act 2007, proclamations',
    days: (year) => [
      ...withSubstitutes(
        year,
        [easterPlus(year, -2), monday(year, 5, 1), monday(year, 5, -1), monday(year, 8, 1)],
        [
          [1, 1],
          [1, 2],
          [11, 30],
          [12, 25],
          [12, 26],
        ],
      ),
      // Royal Proclamation of 2026 (FIFA World Cup bank holiday).
      ...(year === 2026 ? ['2026-06-15'] : []),
    ],
    accepted: NONE,
  },
  'CA-ON': {
    law: 'Employment Standards Act, 2000 (Ontario) s.1(1) "public holiday"; substitutes per employee (s.29)',
    days: (year) => [
      ...fixedOnly(year, [
        [1, 1],
        [7, 1],
        [12, 25],
        [12, 26],
      ]),
      monday(year, 2, 3),
      easterPlus(year, -2),
      mondayBefore(year, 5, 25),
      monday(year, 9, 1),
      monday(year, 10, 2),
    ],
    accepted: NONE,
  },
  'AU-NSW': {
    law: 'Public Holidays Act 2010 (NSW) s.4',
    days: (year) => {
      const days = [
        ...fixedOnly(year, [
          [1, 1],
          [4, 25],
          [12, 25],
          [12, 26],
        ]),
        easterPlus(year, -2),
        easterPlus(year, 1),
        monday(year, 6, 2),
        monday(year, 10, 1),
      ];
      const weekday = (month: number, day: number): number => weekdayOf(utc(year, month, day));
      const plus = (month: number, day: number, add: number): string =>
        dateOf(utc(year, month, day) + add * DAY_MS);
      if (weekday(1, 1) === 6) days.push(plus(1, 1, 2)); // s.4(a): the following Monday
      if (weekday(1, 1) === 0) days.push(plus(1, 1, 1));
      // s.4(b): Australia Day on a weekend moves to the following Monday.
      days.push(plus(1, 26, weekday(1, 26) === 6 ? 2 : weekday(1, 26) === 0 ? 1 : 0));
      if (weekday(12, 25) === 6) days.push(plus(12, 25, 2)); // s.4(j)
      if (weekday(12, 25) === 0) days.push(plus(12, 25, 2));
      if (weekday(12, 26) === 6) days.push(plus(12, 26, 2)); // s.4(k)
      if (weekday(12, 26) === 0) days.push(plus(12, 26, 2));
      return days;
    },
    accepted: NONE,
  },
  IE: {
    law: 'Organisation of Working Time Act 1997 Sch.2 (as amended for St Brigid’s Day); no substitute days (s.21)',
    days: (year) => {
      const february1 = utc(year, 2, 1);
      return [
        ...fixedOnly(year, [
          [1, 1],
          [3, 17],
          [12, 25],
          [12, 26],
        ]),
        weekdayOf(february1) === 5 ? dateOf(february1) : monday(year, 2, 1),
        easterPlus(year, 1),
        monday(year, 5, 1),
        monday(year, 6, 1),
        monday(year, 8, 1),
        monday(year, 10, -1),
      ];
    },
    accepted: NONE,
  },
  NZ: {
    law: 'Holidays Act 2003 ss.44-45A, Te Kāhui o Matariki Public Holiday Act 2022 (no regional anniversary days)',
    days: (year) =>
      withSubstitutes(
        year,
        [
          easterPlus(year, -2),
          easterPlus(year, 1),
          monday(year, 6, 1),
          monday(year, 10, 4),
          ...(MATARIKI[year] === undefined ? [] : [MATARIKI[year]]),
        ],
        [
          [1, 1],
          [1, 2],
          [2, 6],
          [4, 25],
          [12, 25],
          [12, 26],
        ],
      ),
    accepted: NONE,
  },
};
