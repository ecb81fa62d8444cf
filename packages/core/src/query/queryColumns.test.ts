import { DateTime } from 'luxon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryColumns } from './queryColumns.js';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Kathmandu',
  'America/Havana',
  'UTC',
];

describe('queryColumns local dates', () => {
  it('give the local date luxon gives for any instant, in any zone, across DST and the date line', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2100-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...ZONES),
        (date, zone) => {
          const instant = date.toISOString();
          const columns = queryColumns({
            state: 'active',
            summary: undefined,
            context: {
              employee: { id: 'e', timeZone: zone },
              issuedAt: instant,
              deadlines: {},
              extensions: { count: 0, total: 0 },
              pausedDays: 0,
            } as never,
          });
          expect(columns.issuedOn).toBe(DateTime.fromISO(instant, { zone }).toISODate());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('falls back to the UTC date for a zone the runtime does not know', () => {
    const columns = queryColumns({
      state: 'active',
      context: {
        employee: { id: 'e', timeZone: 'Mars/Olympus_Mons' },
        issuedAt: '2026-03-02T23:30:00.000Z',
        deadlines: {},
        extensions: { count: 0, total: 0 },
        pausedDays: 0,
      } as never,
    });
    expect(columns.issuedOn).toBe('2026-03-02');
  });
});
