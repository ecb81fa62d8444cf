import type { HolidayCorrection } from './corrections.js';

/**
 * The corrections pipkit applies to the `date-holidays` data unless a caller passes
 * `builtInCorrections: false`, by region code (a country's entry applies to its subdivisions
 * too). Each one cites the public source that makes it right; `docs/holidays.md` lists them.
 * Dated corrections outside the requested years are left out (they belong to other years),
 * unlike a caller's own, which are refused.
 *
 * @example
 * ```ts
 * BUILT_IN_CORRECTIONS['GB-SCT'];
 * // [{ date: '2026-06-15', action: 'add', name: 'FIFA World Cup bank holiday', ... }]
 * ```
 */
export const BUILT_IN_CORRECTIONS: Readonly<Record<string, readonly HolidayCorrection[]>> =
  Object.freeze({
    'GB-SCT': Object.freeze([
      Object.freeze({
        date: '2026-06-15',
        action: 'add',
        name: 'FIFA World Cup bank holiday',
        type: 'public',
        // Proclaimed under the Banking and Financial Dealings Act 1971 s.1(3), the power for
        // Scotland being devolved by the Scotland Act 1998.
        source:
          'Royal Proclamation under the Banking and Financial Dealings Act 1971 s.1(3); Scottish Government news release "World Cup bank holiday confirmed", 5 February 2026 (gov.scot)',
      }),
    ]),
    'CA-ON': Object.freeze([
      Object.freeze({
        holiday: 'Easter Monday',
        action: 'remove',
        // ESA 2000 s.1(1) "public holiday": New Year's Day, Family Day, Good Friday, Victoria
        // Day, Canada Day, Labour Day, Thanksgiving Day, Christmas Day, Boxing Day.
        source:
          'Employment Standards Act, 2000 (Ontario), s.1(1) "public holiday": Easter Monday is not one',
      }),
    ]),
    'AU-NSW': Object.freeze([
      Object.freeze({
        holiday: 'Anzac Day',
        only: 'substitute',
        action: 'remove',
        // s.4(g) gives 25 April and no other day; s.4(a), (b), (j) and (k) are the only rules
        // with an additional or moved day.
        source:
          'Public Holidays Act 2010 (NSW), s.4(g): Anzac Day is 25 April, with no substitute day when it falls on a weekend',
      }),
    ]),
  } satisfies Record<string, readonly HolidayCorrection[]>);

/**
 * Countries where date-holidays types some days off for everyone as `bank`, which pipkit counts
 * as public holidays (with built-in corrections on), with the legal reason. Other countries'
 * bank holidays stay opt-in through `types`.
 *
 * @example
 * ```ts
 * BANK_HOLIDAYS_COUNTED_AS_PUBLIC.US; // '5 U.S.C. 6103(b): ...'
 * ```
 */
export const BANK_HOLIDAYS_COUNTED_AS_PUBLIC: Readonly<Record<string, string>> = Object.freeze({
  // The UK's days off for everyone are its bank holidays: Schedule 1 of the Act lists them per
  // nation (England and Wales, Scotland, Northern Ireland) and s.1 lets further days be proclaimed.
  // date-holidays 3.37 types them `public`; this keeps them if a release retypes them `bank`.
  GB: 'Banking and Financial Dealings Act 1971, s.1 and Schedule 1: UK bank holidays are the public days off',
  // date-holidays types the observed Veterans Day (a Friday or Monday) `bank`; for federal
  // employees it is the holiday itself.
  US: '5 U.S.C. 6103(b): a federal holiday on a Saturday is observed on the Friday before, on a Sunday on the Monday after',
});

/** @internal The built-in corrections of a region: its country's, then its own. */
export function builtInCorrectionsFor(region: {
  id: string;
  country: string;
}): readonly HolidayCorrection[] {
  const own = region.id === region.country ? [] : (BUILT_IN_CORRECTIONS[region.id] ?? []);
  return [...(BUILT_IN_CORRECTIONS[region.country] ?? []), ...own];
}
