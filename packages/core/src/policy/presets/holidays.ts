/**
 * Observed 2026 holidays from `domain.md` section 4 (C5), which the presets carry as their
 * default working calendars. They cover 2026 only: register a calendar per jurisdiction and year
 * with the engine (`calendars` option, for example from `@pipkit/holidays`) for other years.
 * @internal
 */
export const HOLIDAYS_2026 = {
  /** US federal (5 USC 6103), observed dates: Independence Day is observed on Friday 3 July. */
  usFederal: [
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
  ],
  /** England and Wales bank holidays (Good Friday, Easter Monday, ..., Boxing Day observed 28 Dec). */
  englandAndWales: [
    '2026-01-01',
    '2026-04-03',
    '2026-04-06',
    '2026-05-04',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28',
  ],
  /** Scotland bank holidays: 2 January and St Andrew's Day, no Easter Monday. */
  scotland: [
    '2026-01-01',
    '2026-01-02',
    '2026-04-03',
    '2026-05-04',
    '2026-05-25',
    '2026-08-03',
    '2026-11-30',
    '2026-12-25',
    '2026-12-28',
  ],
} as const;
