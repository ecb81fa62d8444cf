import { CalendarError } from '@pipkit/core';

// date-holidays' `date`: the holiday's local start, with an offset when it begins the evening
// before (days that follow the Islamic calendar): "2026-03-20 00:00:00 -0600".
const LOCAL_START = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})(?::\d{2})?(?: [+-]\d{4})?$/;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The local days a holiday takes off entirely. `date` is its local start; start and end give its
 * length. A holiday that starts during a day leaves that day a working day; a multi-day holiday
 * gives every whole day it covers. One hour of slack absorbs a daylight-saving change.
 */
export function wholeDaysOff(holiday: { date: string; start: Date; end: Date }): string[] {
  const match = LOCAL_START.exec(holiday.date);
  if (!match) {
    throw new CalendarError(
      `date-holidays returned a holiday date in an unexpected format ("${holiday.date}"). Pin date-holidays to a version this package supports and report it.`,
    );
  }
  const [, startDay = '', hours = '0', minutes = '0'] = match;
  const startMinutes = Number(hours) * 60 + Number(minutes);
  let covered = (holiday.end.getTime() - holiday.start.getTime()) / HOUR_MS;
  let first = Date.parse(`${startDay}T00:00:00Z`);
  if (startMinutes > 0) {
    covered -= (24 * 60 - startMinutes) / 60;
    first += DAY_MS;
  }
  const wholeDays = Math.floor((covered + 1) / 24);
  const days: string[] = [];
  for (let index = 0; index < wholeDays; index += 1) {
    days.push(new Date(first + index * DAY_MS).toISOString().slice(0, 10));
  }
  return days;
}
