import { HOLIDAYS_2026 } from '../../policy/presets/holidays.js';

/**
 * Observed holidays from domain.md section 4 (C5), shared by the calendar tests and the bench.
 * The 2026 lists are the ones the presets carry (one copy); 2027 is test data only. Excluded
 * from the published package.
 */
export const US_FEDERAL_2026: readonly string[] = HOLIDAYS_2026.usFederal;

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

export const ENGLAND_WALES_2026: readonly string[] = HOLIDAYS_2026.englandAndWales;

export const SCOTLAND_2026: readonly string[] = HOLIDAYS_2026.scotland;
