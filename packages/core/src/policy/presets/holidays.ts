import type { CalendarDefinition } from '../../calendar/calendar.js';
import type { HolidayDate, HolidayRule } from '../../calendar/holidayRules.js';

/**
 * The presets' working calendars as rules, so they hold for any year (`docs/time.md`, "Holidays
 * in presets"). Rules reproduce the statutory pattern; one-off days a rule cannot produce
 * (proclaimed bank holidays, executive-order closures) are dated entries with a name and source.
 */

/** Frozen all the way down: the lists are shared by every preset that uses them. */
const frozen = <T extends object>(items: readonly T[]): readonly T[] =>
  Object.freeze(items.map((item) => Object.freeze(item)));

const US_6103A = '5 U.S.C. 6103(a)';
const US_OBSERVED = `${US_6103A}; observed per 5 U.S.C. 6103(b) and Executive Order 11582`;

/**
 * US federal legal public holidays (5 U.S.C. 6103(a)), observed as OPM publishes them: a
 * holiday on a Saturday on the Friday before, on a Sunday on the Monday after (6103(b), EO
 * 11582). Inauguration Day (6103(c)) is left out: it is a holiday only in the Washington, DC area.
 */
export const US_FEDERAL_HOLIDAY_RULES: readonly HolidayRule[] = frozen<HolidayRule>([
  {
    name: "New Year's Day",
    kind: 'fixed',
    month: 1,
    day: 1,
    observed: 'nearestWeekday',
    source: US_OBSERVED,
  },
  {
    name: 'Birthday of Martin Luther King, Jr.',
    kind: 'nthWeekday',
    month: 1,
    weekday: 1,
    n: 3,
    source: US_6103A,
  },
  {
    name: "Washington's Birthday",
    kind: 'nthWeekday',
    month: 2,
    weekday: 1,
    n: 3,
    source: US_6103A,
  },
  { name: 'Memorial Day', kind: 'nthWeekday', month: 5, weekday: 1, n: -1, source: US_6103A },
  {
    name: 'Juneteenth National Independence Day',
    kind: 'fixed',
    month: 6,
    day: 19,
    observed: 'nearestWeekday',
    from: 2021,
    source: `${US_OBSERVED}; added by Pub. L. 117-17 (2021)`,
  },
  {
    name: 'Independence Day',
    kind: 'fixed',
    month: 7,
    day: 4,
    observed: 'nearestWeekday',
    source: US_OBSERVED,
  },
  { name: 'Labor Day', kind: 'nthWeekday', month: 9, weekday: 1, n: 1, source: US_6103A },
  { name: 'Columbus Day', kind: 'nthWeekday', month: 10, weekday: 1, n: 2, source: US_6103A },
  {
    name: 'Veterans Day',
    kind: 'fixed',
    month: 11,
    day: 11,
    observed: 'nearestWeekday',
    source: US_OBSERVED,
  },
  { name: 'Thanksgiving Day', kind: 'nthWeekday', month: 11, weekday: 4, n: 4, source: US_6103A },
  {
    name: 'Christmas Day',
    kind: 'fixed',
    month: 12,
    day: 25,
    observed: 'nearestWeekday',
    source: US_OBSERVED,
  },
]);

/**
 * Days the President closed executive agencies by executive order, which the order places within
 * 6103(b) and EO 11582 for pay and leave: agencies are closed, so no business day is counted.
 * Known ones from 2025; add later ones to a policy's `holidays` as they are ordered.
 */
export const US_FEDERAL_CLOSURES: readonly HolidayDate[] = frozen<Exclude<HolidayDate, string>>([
  {
    date: '2025-01-09',
    name: 'National Day of Mourning for President Carter (agencies closed)',
    source: 'Executive Order 14133 of December 30, 2024',
  },
  {
    date: '2025-12-24',
    name: 'Christmas Eve (agencies closed)',
    source: 'Executive Order 14371 of December 18, 2025',
  },
  {
    date: '2025-12-26',
    name: 'Day after Christmas (agencies closed)',
    source: 'Executive Order 14371 of December 18, 2025',
  },
]);

const BFDA = 'Banking and Financial Dealings Act 1971, Sch. 1';
const BFDA_PROCLAIMED = `${BFDA}; by royal proclamation under s.1(3)`;

const ukChristmas = (christmas: string, boxingDay: string): HolidayRule[] => [
  {
    name: 'Christmas Day',
    kind: 'fixed',
    month: 12,
    day: 25,
    observed: 'nextWeekday',
    source: christmas,
  },
  {
    name: 'Boxing Day',
    kind: 'fixed',
    month: 12,
    day: 26,
    observed: 'nextWeekday',
    source: boxingDay,
  },
];
const ukMay = (early: string, spring: string): HolidayRule[] => [
  { name: 'Early May bank holiday', kind: 'nthWeekday', month: 5, weekday: 1, n: 1, source: early },
  { name: 'Spring bank holiday', kind: 'nthWeekday', month: 5, weekday: 1, n: -1, source: spring },
];

/**
 * England and Wales bank holidays (Banking and Financial Dealings Act 1971, Sch. 1 para. 1, with
 * New Year's Day and Early May appointed every year by royal proclamation under s.1(3)), Christmas
 * Day and Good Friday (common-law holidays), with substitute days when one falls on a weekend,
 * as gov.uk lists them.
 */
export const ENGLAND_AND_WALES_HOLIDAY_RULES: readonly HolidayRule[] = frozen<HolidayRule>([
  {
    name: "New Year's Day",
    kind: 'fixed',
    month: 1,
    day: 1,
    observed: 'nextWeekday',
    source: BFDA_PROCLAIMED,
  },
  { name: 'Good Friday', kind: 'easter', offset: -2, source: 'Common-law holiday' },
  { name: 'Easter Monday', kind: 'easter', offset: 1, source: BFDA },
  ...ukMay(BFDA_PROCLAIMED, BFDA),
  { name: 'Summer bank holiday', kind: 'nthWeekday', month: 8, weekday: 1, n: -1, source: BFDA },
  ...ukChristmas('Common-law holiday', BFDA),
]);

/**
 * Scotland bank holidays (Banking and Financial Dealings Act 1971, Sch. 1 para. 2, with Spring and
 * Boxing Day by royal proclamation, and the St Andrew's Day Bank Holiday (Scotland) Act 2007,
 * which moves it to the Monday after when it falls on a weekend): 2 January and St Andrew's Day,
 * Summer on the first Monday of August, no Easter Monday.
 */
export const SCOTLAND_HOLIDAY_RULES: readonly HolidayRule[] = frozen<HolidayRule>([
  {
    name: "New Year's Day",
    kind: 'fixed',
    month: 1,
    day: 1,
    observed: 'nextWeekday',
    source: BFDA,
  },
  { name: '2nd January', kind: 'fixed', month: 1, day: 2, observed: 'nextWeekday', source: BFDA },
  { name: 'Good Friday', kind: 'easter', offset: -2, source: BFDA },
  ...ukMay(BFDA, BFDA_PROCLAIMED),
  { name: 'Summer bank holiday', kind: 'nthWeekday', month: 8, weekday: 1, n: 1, source: BFDA },
  {
    name: "St Andrew's Day",
    kind: 'fixed',
    month: 11,
    day: 30,
    observed: 'nextWeekday',
    source: "St Andrew's Day Bank Holiday (Scotland) Act 2007",
  },
  ...ukChristmas(BFDA, BFDA_PROCLAIMED),
]);

/** One-off Scottish bank holidays appointed by royal proclamation. */
export const SCOTLAND_ONE_OFF_HOLIDAYS: readonly HolidayDate[] = frozen<
  Exclude<HolidayDate, string>
>([
  {
    date: '2026-06-15',
    name: "Bank holiday for Scotland's first World Cup match since 1998",
    source:
      'Royal proclamation (February 2026) under the Banking and Financial Dealings Act 1971, s.1(3)',
  },
]);

/** A frozen calendar definition (typed, so its weekend is a list of weekdays). */
const definition = (calendar: CalendarDefinition): CalendarDefinition => Object.freeze(calendar);

/**
 * The presets' calendars by jurisdiction, as calendar definitions an engine's `calendars` option
 * takes (with an employee's `calendar` id) or a policy's `calendar` field holds.
 *
 * @example
 * ```ts
 * const engine = createEngine({
 *   store,
 *   policies: [presets.ukAcasCapability],
 *   calendars: { 'GB-SCT': presetCalendars.scotland },
 * });
 * ```
 */
export const presetCalendars = Object.freeze({
  /** US federal holidays, observed, with the executive-order closures since 2025. */
  usFederal: definition({
    weekend: [6, 7],
    holidays: US_FEDERAL_CLOSURES,
    holidayRules: US_FEDERAL_HOLIDAY_RULES,
  }),
  /** England and Wales bank holidays. */
  englandAndWales: definition({
    weekend: [6, 7],
    holidays: [],
    holidayRules: ENGLAND_AND_WALES_HOLIDAY_RULES,
  }),
  /** Scotland bank holidays, with the one-off ones proclaimed since 2026. */
  scotland: definition({
    weekend: [6, 7],
    holidays: SCOTLAND_ONE_OFF_HOLIDAYS,
    holidayRules: SCOTLAND_HOLIDAY_RULES,
  }),
} satisfies Record<string, CalendarDefinition>);
