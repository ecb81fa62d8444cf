import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  computeDueDate,
  createCalendar,
  type Duration,
  durations,
  explainDueDate,
  presetCalendars,
} from '../index.js';

const newYork = createCalendar({ ...presetCalendars.usFederal, timeZone: 'America/New_York' });

describe('explainDueDate: a due date with its working shown', () => {
  it('skips the start day, the observed Independence Day and the weekend in a business-day count', () => {
    const explained = explainDueDate(
      '2026-07-01T14:00:00Z',
      durations.businessDaysAfter(2),
      newYork,
    );
    expect(explained).toMatchObject({
      date: '2026-07-06',
      dueAt: '2026-07-07T03:59:59.999Z',
      startDate: '2026-07-01',
      timeZone: 'America/New_York',
    });
    expect(explained.days).toEqual([
      { date: '2026-07-01', weekday: 3, counted: false, note: 'startDay' },
      { date: '2026-07-02', weekday: 4, counted: true, ordinal: 1 },
      {
        date: '2026-07-03',
        weekday: 5,
        counted: false,
        note: 'holiday',
        holiday: {
          name: 'Independence Day (observed)',
          source: '5 U.S.C. 6103(a); observed per 5 U.S.C. 6103(b) and Executive Order 11582',
        },
      },
      { date: '2026-07-04', weekday: 6, counted: false, note: 'weekend' },
      { date: '2026-07-05', weekday: 7, counted: false, note: 'weekend' },
      { date: '2026-07-06', weekday: 1, counted: true, ordinal: 2, due: true },
    ]);
  });

  it('counts every calendar day and shows a roll past the weekend and holiday to the next business day', () => {
    const explained = explainDueDate(
      '2026-08-04T15:00:00Z',
      durations.daysAfterRolling(30),
      newYork,
    );
    // 30 days after Tue 4 Aug 2026 is Thu 3 Sep: no roll.
    expect(explained.date).toBe('2026-09-03');
    const rolled = explainDueDate('2026-08-06T15:00:00Z', durations.daysAfterRolling(30), newYork);
    // Sat 5 Sep, Sun 6 Sep, Labor Day Mon 7 Sep: due Tue 8 Sep.
    expect(rolled.date).toBe('2026-09-08');
    expect(rolled.days.slice(-4)).toEqual([
      { date: '2026-09-05', weekday: 6, counted: true, ordinal: 30, note: 'rolledFrom' },
      { date: '2026-09-06', weekday: 7, counted: false, note: 'rolledPast' },
      {
        date: '2026-09-07',
        weekday: 1,
        counted: false,
        note: 'rolledPast',
        holiday: { name: 'Labor Day', source: '5 U.S.C. 6103(a)' },
      },
      { date: '2026-09-08', weekday: 2, counted: false, note: 'rolledTo', due: true },
    ]);
  });

  it('refuses to list more than ten years of days', () => {
    const long: Duration = { ...durations.businessDaysAfter(3000) };
    expect(() => explainDueDate('2026-01-05T12:00:00Z', long, newYork)).toThrow(CalendarError);
  });

  it('agrees exactly with computeDueDate, and counts exactly the amount, for any start, duration and calendar', () => {
    const durationArb = fc.record({
      amount: fc.integer({ min: 0, max: 400 }),
      unit: fc.constantFrom('calendarDays', 'businessDays', 'weeks', 'months'),
      counting: fc.constantFrom('inclusiveStart', 'dayAfter'),
      rollForward: fc.constantFrom('none', 'nextBusinessDay', 'previousBusinessDay'),
      endOfDay: fc.constant(true),
    }) as fc.Arbitrary<Duration>;
    const calendars = [
      newYork,
      createCalendar({ ...presetCalendars.scotland, timeZone: 'Europe/London' }),
      createCalendar({ ...presetCalendars.englandAndWales, timeZone: 'Pacific/Auckland' }),
      createCalendar({ timeZone: 'Asia/Riyadh', weekend: [5, 6], holidays: ['2026-03-20'] }),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2034, 0, 1) }),
        durationArb
          // 120 months is about ten years: within what one explanation lists.
          .map((d) => (d.unit === 'months' ? { ...d, amount: d.amount % 121 } : d))
          .filter((d) => !(d.counting === 'inclusiveStart' && d.amount === 0)),
        fc.constantFrom(...calendars),
        (ms, duration, calendar) => {
          const start = new Date(ms).toISOString();
          const explained = explainDueDate(start, duration, calendar);
          expect({ date: explained.date, dueAt: explained.dueAt }).toEqual(
            computeDueDate(start, duration, calendar),
          );
          const due = explained.days.filter((day) => day.due);
          expect(due.map((day) => day.date)).toEqual([explained.date]);
          const counted = explained.days.filter((day) => day.counted);
          counted.forEach((day, index) => expect(day.ordinal).toBe(index + 1));
          if (duration.unit === 'calendarDays' || duration.unit === 'businessDays')
            expect(counted).toHaveLength(duration.amount);
          if (duration.unit === 'businessDays')
            for (const day of counted) expect(calendar.isBusinessDay(day.date)).toBe(true);
          const dates = explained.days.map((day) => day.date);
          expect([...dates].sort()).toEqual(dates);
        },
      ),
      { numRuns: 150 },
    );
  }, 30_000);
});
