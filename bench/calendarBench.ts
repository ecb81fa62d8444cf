import { computeDueDate, createCalendar, durations, presetCalendars } from '@pipkit/core';
import { DateTime } from 'luxon';
import {
  US_FEDERAL_2026,
  US_FEDERAL_2027,
} from '../packages/core/src/calendar/__fixtures__/domainHolidays.js';
import { type BenchResult, compare } from './harness.js';

const ZONE = 'America/New_York';
// US federal holidays 2026-2027 (observed): 5 U.S.C. 6103 and OPM's federal holiday lists.
const HOLIDAYS = [...US_FEDERAL_2026, ...US_FEDERAL_2027];

/** The obvious implementation: step one zoned luxon day at a time, checking each. */
function naiveBusinessDaysAfter(
  start: string,
  amount: number,
  holidays: ReadonlySet<string>,
): string {
  let day = DateTime.fromISO(start, { zone: ZONE }).startOf('day');
  let counted = 0;
  while (counted < amount) {
    day = day.plus({ days: 1 });
    if (day.weekday <= 5 && !holidays.has(day.toISODate() as string)) counted += 1;
  }
  return day.endOf('day').toUTC().toISO() as string;
}

/**
 * Business-day deadlines (10, 30, 60 business days with US federal holidays, in New York) against
 * the naive luxon loop, on the same 500 start instants spread over 2026; the results must be
 * identical or the bench fails.
 */
export async function calendarBenches(): Promise<BenchResult[]> {
  const dated = createCalendar({ timeZone: ZONE, holidays: HOLIDAYS });
  // The usFederal432 preset's calendar: the same days off by rule (expanded lazily per year).
  const rules = createCalendar({ ...presetCalendars.usFederal, timeZone: ZONE });
  const holidaySet = new Set(HOLIDAYS);
  const starts = Array.from({ length: 500 }, (_, index) =>
    new Date(Date.UTC(2026, 0, 1, 14) + index * 17 * 3_600_000).toISOString(),
  );
  const results: BenchResult[] = [];
  for (const [amount, calendar, label] of [
    [10, dated, 'holidays'],
    [30, dated, 'holidays'],
    [60, dated, 'holidays'],
    [30, rules, 'holiday rules'],
  ] as const) {
    const duration = durations.businessDaysAfter(amount);
    for (const start of starts) {
      const ours = computeDueDate(start, duration, calendar).dueAt;
      const naive = naiveBusinessDaysAfter(start, amount, holidaySet);
      if (ours !== naive)
        throw new Error(`${amount} business days after ${start}: ${ours} != naive ${naive}`);
    }
    let cursor = 0;
    let naiveCursor = 0;
    results.push(
      await compare(
        `computeDueDate ${amount} business days (${label}, ${ZONE})`,
        () => {
          for (let index = 0; index < 20; index += 1)
            computeDueDate(starts[cursor++ % starts.length] as string, duration, calendar);
          return 20;
        },
        `naive luxon day-by-day loop`,
        () => {
          naiveBusinessDaysAfter(
            starts[naiveCursor++ % starts.length] as string,
            amount,
            holidaySet,
          );
          return 1;
        },
        { rounds: 5, roundMs: 200 },
      ),
    );
  }
  return results;
}
