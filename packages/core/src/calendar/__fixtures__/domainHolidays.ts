/**
 * Observed 2026 holidays from the published lists (5 U.S.C. 6103 and OPM's 2026 federal holiday
 * list; GOV.UK bank holidays 2026), shared by the calendar tests and the bench:
 * literal lists, so the presets' holiday rules are checked against them. Excluded from the
 * published package.
 */

/** US federal (5 USC 6103), observed dates: Independence Day is observed on Friday 3 July. */
export const US_FEDERAL_2026: readonly string[] = [
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-10-12',
  '2026-11-11',
  '2026-11-26',
  '2026-12-25',
];

/** US federal 2027, observed (New Year's Day 2028 is observed on Friday 31 December 2027). */
export const US_FEDERAL_2027 = [
  '2027-01-01',
  '2027-01-18',
  '2027-02-15',
  '2027-05-31',
  '2027-06-18',
  '2027-07-05',
  '2027-09-06',
  '2027-10-11',
  '2027-11-11',
  '2027-11-25',
  '2027-12-24',
];

/** England and Wales bank holidays (Good Friday, Easter Monday, ..., Boxing Day observed 28 Dec). */
export const ENGLAND_WALES_2026: readonly string[] = [
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
];

/**
 * Scotland bank holidays: 2 January and St Andrew's Day, no Easter Monday (GOV.UK's 2026 list for
 * Scotland before the one-off World Cup bank holiday of 15 June 2026 was proclaimed).
 */
export const SCOTLAND_2026: readonly string[] = [
  '2026-01-01',
  '2026-01-02',
  '2026-04-03',
  '2026-05-04',
  '2026-05-25',
  '2026-08-03',
  '2026-11-30',
  '2026-12-25',
  '2026-12-28',
];
