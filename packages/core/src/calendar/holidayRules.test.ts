import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarError, createCalendar } from '../index.js';
import { formatCivilDay, isoWeekday } from './civilDay.js';
import { easterSunday, expandHolidayRules, type HolidayRule } from './holidayRules.js';

/** Rule days of one year, as sorted `YYYY-MM-DD` → name. */
function expand(rules: readonly HolidayRule[], year: number): Record<string, string | undefined> {
  const days = [...expandHolidayRules(rules, year)].sort(([a], [b]) => a - b);
  return Object.fromEntries(days.map(([day, info]) => [formatCivilDay(day), info.name]));
}

describe('easterSunday: the anonymous Gregorian algorithm', () => {
  it('gives the published Western Easter dates', () => {
    // Western Easter Sunday, from the published tables.
    const published: Record<number, string> = {
      1961: '04-02',
      2000: '04-23',
      2008: '03-23',
      2011: '04-24',
      2019: '04-21',
      2025: '04-20',
      2026: '04-05',
      2027: '03-28',
      2028: '04-16',
      2029: '04-01',
      2030: '04-21',
      2031: '04-13',
      2032: '03-28',
      2033: '04-17',
      2034: '04-09',
      2035: '03-25',
      2038: '04-25',
      2285: '03-22',
    };
    for (const [year, date] of Object.entries(published)) {
      const [month, day] = easterSunday(Number(year));
      expect(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`).toBe(date);
    }
  });

  it('is always a Sunday between 22 March and 25 April', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
        const [month, day] = easterSunday(year);
        const civil = Date.UTC(year, month - 1, day) / 86_400_000;
        expect(isoWeekday(civil)).toBe(7);
        expect(month * 100 + day).toBeGreaterThanOrEqual(322);
        expect(month * 100 + day).toBeLessThanOrEqual(425);
      }),
    );
  });
});

describe('holiday rules: what each kind means', () => {
  it('moves a US holiday on a Saturday to the Friday before, across New Year, and Sunday to Monday', () => {
    const rules: HolidayRule[] = [
      { name: "New Year's Day", kind: 'fixed', month: 1, day: 1, observed: 'nearestWeekday' },
      { name: 'Independence Day', kind: 'fixed', month: 7, day: 4, observed: 'nearestWeekday' },
    ];
    // 1 Jan 2028 is a Saturday: observed Friday 31 Dec 2027. 4 Jul 2027 is a Sunday.
    expect(expand(rules, 2027)).toEqual({
      '2027-01-01': "New Year's Day",
      '2027-07-05': 'Independence Day (observed)',
      '2027-12-31': "New Year's Day (observed)",
    });
    expect(expand(rules, 2028)).toEqual({ '2028-07-04': 'Independence Day' });
  });

  it('chains UK substitute days: Christmas and Boxing Day on a weekend become 27 and 28 December', () => {
    const rules: HolidayRule[] = [
      { name: 'Christmas Day', kind: 'fixed', month: 12, day: 25, observed: 'nextWeekday' },
      { name: 'Boxing Day', kind: 'fixed', month: 12, day: 26, observed: 'nextWeekday' },
    ];
    // 2027: Sat 25, Sun 26. 2022: Sun 25, Mon 26 (Boxing Day keeps its own date). 2026: Fri 25, Sat 26.
    expect(expand(rules, 2027)).toEqual({
      '2027-12-27': 'Christmas Day (substitute day)',
      '2027-12-28': 'Boxing Day (substitute day)',
    });
    expect(expand(rules, 2022)).toEqual({
      '2022-12-26': 'Boxing Day',
      '2022-12-27': 'Christmas Day (substitute day)',
    });
    expect(expand(rules, 2026)).toEqual({
      '2026-12-25': 'Christmas Day',
      '2026-12-28': 'Boxing Day (substitute day)',
    });
  });

  it('keeps a weekend date where it is with observed none, and skips years outside from..until', () => {
    const rules: HolidayRule[] = [
      {
        name: 'Juneteenth',
        kind: 'fixed',
        month: 6,
        day: 19,
        observed: 'nearestWeekday',
        from: 2021,
      },
      { name: 'Old day', kind: 'fixed', month: 3, day: 7, until: 2026 },
    ];
    expect(expand(rules, 2020)).toEqual({ '2020-03-07': 'Old day' });
    // 19 June 2021 was a Saturday: observed Friday 18 June. 7 March 2021 a Sunday, kept.
    expect(expand(rules, 2021)).toEqual({
      '2021-03-07': 'Old day',
      '2021-06-18': 'Juneteenth (observed)',
    });
    expect(expand(rules, 2027)).toEqual({ '2027-06-18': 'Juneteenth (observed)' });
  });

  it('has 29 February only in leap years and a 5th weekday only in months that have one', () => {
    const rules: HolidayRule[] = [
      { name: 'Leap day', kind: 'fixed', month: 2, day: 29 },
      { name: 'Fifth Friday of March', kind: 'nthWeekday', month: 3, weekday: 5, n: 5 },
    ];
    // March 2028 has five Fridays (3 .. 31); March 2027 has four.
    expect(expand(rules, 2028)).toEqual({
      '2028-02-29': 'Leap day',
      '2028-03-31': 'Fifth Friday of March',
    });
    expect(expand(rules, 2027)).toEqual({});
  });

  it('puts an n-th weekday on that weekday, in that month, in the right week', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(1, 2, 3, 4, 5, -1),
        (year, month, weekday, n) => {
          const rule = { name: 'x', kind: 'nthWeekday', month, weekday, n } as HolidayRule;
          const days = [...expandHolidayRules([rule], year).keys()];
          if (n === 5 && days.length === 0) return;
          expect(days).toHaveLength(1);
          const date = new Date((days[0] as number) * 86_400_000);
          expect(isoWeekday(days[0] as number)).toBe(weekday);
          expect(date.getUTCMonth() + 1).toBe(month);
          expect(date.getUTCFullYear()).toBe(year);
          const dayOfMonth = date.getUTCDate();
          if (n === -1)
            expect(dayOfMonth + 7).toBeGreaterThan(new Date(Date.UTC(year, month, 0)).getUTCDate());
          else expect(Math.ceil(dayOfMonth / 7)).toBe(n);
        },
      ),
    );
  });

  it('never observes a fixed holiday on a Saturday or Sunday, and moves it at most three days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.constantFrom('nearestWeekday' as const, 'nextWeekday' as const),
        (year, month, day, observed) => {
          const rules: HolidayRule[] = [
            { name: 'a', kind: 'fixed', month, day, observed },
            { name: 'b', kind: 'fixed', month, day: day + 1, observed },
          ];
          for (const [civil] of expandHolidayRules(rules, year)) {
            expect(isoWeekday(civil)).toBeLessThan(6);
            // Measured from the nearest year's date: a 1 January on a Saturday is observed on the
            // Friday before, 31 December of the year before (5 U.S.C. 6103(b); OPM's federal
            // holidays), so expanding a year can give a day from next year's holiday.
            const moved = [year - 1, year, year + 1].map((y) =>
              Math.abs(civil - Date.UTC(y, month - 1, day) / 86_400_000),
            );
            expect(Math.min(...moved)).toBeLessThanOrEqual(4);
          }
        },
      ),
      // 1 January 2005 is a Saturday: 2004's days include Friday 31 December, 365 days on.
      { examples: [[2004, 1, 1, 'nearestWeekday']] },
    );
  });
});

describe('createCalendar with holiday rules', () => {
  const us = createCalendar({
    timeZone: 'America/New_York',
    holidayRules: [
      {
        name: 'Christmas Day',
        kind: 'fixed',
        month: 12,
        day: 25,
        observed: 'nearestWeekday',
        source: '5 U.S.C. 6103',
      },
      { name: 'Good Friday', kind: 'easter', offset: -2 },
    ],
    holidays: ['2026-07-03', { date: '2025-01-09', name: 'Day of Mourning', source: 'EO 14133' }],
  });

  it('knows any year, and names each day off with its source', () => {
    expect(us.isBusinessDay('2027-12-24')).toBe(false);
    // 25 Dec 2399 is a Saturday: the Friday before is off, the Monday after is not.
    expect(us.isBusinessDay('2399-12-27')).toBe(true);
    expect(us.isBusinessDay('2399-12-24')).toBe(false);
    expect(us.isBusinessDay('1999-04-02')).toBe(false);
    expect(us.holidayOn('2027-12-24')).toEqual({
      name: 'Christmas Day (observed)',
      source: '5 U.S.C. 6103',
    });
    expect(us.holidayOn('2025-01-09')).toEqual({ name: 'Day of Mourning', source: 'EO 14133' });
    expect(us.holidayOn('2026-07-03')).toEqual({ name: undefined, source: undefined });
    expect(us.holidayOn('2027-12-25')).toBeUndefined();
  });

  it('lists only the dated holidays in holidays, as plain dates', () => {
    expect(us.holidays).toEqual(['2025-01-09', '2026-07-03']);
    expect(us.holidayRules).toHaveLength(2);
    expect(Object.isFrozen(us.holidayRules)).toBe(true);
  });

  it('answers the same whatever order the years are asked in, however far apart', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1600, max: 2800 }), { maxLength: 30 }), (years) => {
        const fresh = createCalendar({ timeZone: 'UTC', holidayRules: us.holidayRules });
        for (const year of years) {
          const expected = expandHolidayRules(us.holidayRules, year);
          for (const first of [Date.UTC(year, 2, 18), Date.UTC(year, 11, 20)]) {
            for (let day = first / 86_400_000; day < first / 86_400_000 + 45; day += 1) {
              if (new Date(day * 86_400_000).getUTCFullYear() !== year) continue;
              expect(fresh.holidayOn(formatCivilDay(day))).toEqual(expected.get(day));
            }
          }
        }
      }),
    );
  });

  it('refuses a malformed rule or dated holiday with a typed error and its path', () => {
    const bad = (spec: Parameters<typeof createCalendar>[0]) => () => createCalendar(spec);
    const cases: [Parameters<typeof createCalendar>[0], (string | number)[]][] = [
      [
        { timeZone: 'UTC', holidayRules: [{ name: 'x', kind: 'fixed', month: 2, day: 30 }] },
        ['holidayRules', 0, 'day'],
      ],
      [
        {
          timeZone: 'UTC',
          holidayRules: [{ name: 'x', kind: 'easter', offset: 0, from: 2030, until: 2020 }],
        },
        ['holidayRules', 0, 'from'],
      ],
      [
        {
          timeZone: 'UTC',
          holidayRules: [{ name: 'x', kind: 'nthWeekday', month: 1, weekday: 1, n: 6 as 5 }],
        },
        ['holidayRules', 0, 'n'],
      ],
      [{ timeZone: 'UTC', holidays: [{ date: '2026-02-30' }] }, ['holidays', 0]],
      [{ timeZone: 'UTC', holidays: [{ date: '2026-02-03', note: 1 } as never] }, ['holidays', 0]],
    ];
    for (const [spec, path] of cases) {
      const error = (() => {
        try {
          bad(spec)();
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CalendarError);
      expect((error as CalendarError).issues[0]?.path).toEqual(path);
    }
  });
});
