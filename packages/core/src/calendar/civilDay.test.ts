import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCivilDay, parseCivilDay } from './civilDay.js';

/** The definition: a real Gregorian date (year 100 or later) read through `Date.UTC`. */
function byDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  const real =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day;
  return real ? ms / 86_400_000 : undefined;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('parseCivilDay', () => {
  it('agrees with Date.UTC on every shape of date, real or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          expect(parseCivilDay(text)).toBe(byDate(text));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('round-trips every day it formats', () => {
    fc.assert(
      fc.property(fc.integer({ min: -600_000, max: 2_900_000 }), (day) => {
        expect(parseCivilDay(formatCivilDay(day))).toBe(day);
      }),
    );
  });

  it('refuses what is not a date', () => {
    for (const text of [
      '2026-02-29',
      '2026-13-01',
      '2026-1-01',
      '２０２６-01-01',
      '2026/01/01',
      '0099-01-01',
      ' 2026-01-01',
      '2026-01-1a',
    ]) {
      expect(parseCivilDay(text), text).toBeUndefined();
    }
    expect(parseCivilDay('2024-02-29')).toBe(19_782);
    expect(parseCivilDay('2000-02-29')).toBe(11_016);
    expect(parseCivilDay('1900-02-29')).toBeUndefined();
    expect(parseCivilDay('1969-12-31')).toBe(-1);
  });
});
