import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockIssues } from './decideCommand.js';

const instant = fc.date({
  min: new Date('0002-01-01T00:00:00.000Z'),
  max: new Date('9998-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

/** The same instant written with an offset, as a host may send it. */
const withOffset = (date: Date, minutes: number): string => {
  const shifted = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 23);
  const sign = minutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  return `${shifted}${sign}${hours}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
};

describe('clockIssues', () => {
  it('refuses exactly the commands stamped before the last change, in any ISO form', () => {
    fc.assert(
      fc.property(
        instant,
        instant,
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        (last, now, offset, offsetForm) => {
          const lastText = last.toISOString();
          const nowText = offsetForm ? withOffset(now, offset) : now.toISOString();
          const refused = clockIssues(lastText, nowText).map((issue) => issue.code);
          expect(refused).toEqual(now.getTime() < last.getTime() ? ['CLOCK_WENT_BACKWARDS'] : []);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('accepts the same instant and refuses one millisecond earlier', () => {
    expect(clockIssues('2026-03-02T15:00:00.000Z', '2026-03-02T15:00:00.000Z')).toEqual([]);
    expect(clockIssues('2026-03-02T15:00:00.000Z', '2026-03-02T14:59:59.999Z')).toHaveLength(1);
    expect(clockIssues('2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000+01:00')).toEqual([]);
    expect(clockIssues('2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000+02:00')).toHaveLength(
      1,
    );
  });
});
