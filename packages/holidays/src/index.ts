/**
 * @pipkit/holidays: jurisdiction working calendars for pipkit, from the `date-holidays` data.
 *
 * `holidayCalendar('GB-SCT', { years })` gives the weekend and observed days off a policy's
 * `calendar` needs; `listRegions()` says which codes exist.
 * @packageDocumentation
 */

export { holidayCalendar } from './holidayCalendar.js';
export type { HolidayCalendar } from './holidayCalendar.js';
export { DEFAULT_HOLIDAY_TYPES, HOLIDAY_TYPES } from './holidayOptions.js';
export type { HolidayCalendarOptions, HolidayType } from './holidayOptions.js';
export { listRegions } from './regions.js';
export type { Region } from './regions.js';
