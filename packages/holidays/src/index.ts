/**
 * @pipkit/holidays: jurisdiction working calendars for pipkit, from the `date-holidays` data.
 *
 * `holidayCalendar('GB-SCT', { years })` gives the weekend and observed days off a policy's
 * `calendar` needs, each day with its name, type and source; corrections carry proclaimed,
 * employer and removed days as data with their sources; `listRegions()` says which codes exist.
 * @packageDocumentation
 */

export { BANK_HOLIDAYS_COUNTED_AS_PUBLIC, BUILT_IN_CORRECTIONS } from './builtInCorrections.js';
export type { HolidayDetail } from './collectDays.js';
export type { DatedCorrection, HolidayCorrection, RuleCorrection } from './corrections.js';
export { holidayCalendar } from './holidayCalendar.js';
export type { HolidayCalendar } from './holidayCalendar.js';
export { DEFAULT_HOLIDAY_TYPES, HOLIDAY_TYPES } from './holidayOptions.js';
export type { HolidayCalendarOptions, HolidayType } from './holidayOptions.js';
export { listRegions } from './regions.js';
export type { Region } from './regions.js';
