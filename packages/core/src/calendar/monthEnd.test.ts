import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  PolicyValidationError,
  computeDueDate,
  createCalendar,
  defaultPolicyDocument,
  definePolicy,
  durationSchema,
  durations,
  policyDocumentSchema,
  presets,
} from '../index.js';

const utc = createCalendar({ timeZone: 'UTC' });
const lastDay = (start: string, duration: ReturnType<typeof durations.inclusiveMonths>) =>
  computeDueDate(`${start}T12:00:00Z`, duration, utc).date;

describe('month ends: clamp (the default) and BGB section 188', () => {
  it.each([
    // start, months, clamp, bgb188
    ['2026-01-31', 1, '2026-02-27', '2026-02-28'],
    ['2026-01-30', 1, '2026-02-27', '2026-02-28'],
    ['2026-01-29', 1, '2026-02-27', '2026-02-28'],
    ['2026-01-28', 1, '2026-02-27', '2026-02-27'],
    ['2028-01-31', 1, '2028-02-28', '2028-02-29'],
    ['2028-01-30', 1, '2028-02-28', '2028-02-29'],
    ['2028-01-29', 1, '2028-02-28', '2028-02-28'],
    ['2026-03-31', 1, '2026-04-29', '2026-04-30'],
    ['2026-05-31', 1, '2026-06-29', '2026-06-30'],
    ['2026-01-31', 3, '2026-04-29', '2026-04-30'],
    ['2026-08-31', 6, '2027-02-27', '2027-02-28'],
    ['2027-08-31', 6, '2028-02-28', '2028-02-29'],
    ['2026-12-31', 2, '2027-02-27', '2027-02-28'],
    ['2026-04-30', 1, '2026-05-29', '2026-05-29'],
    ['2026-02-28', 1, '2026-03-27', '2026-03-27'],
    ['2026-02-01', 1, '2026-02-28', '2026-02-28'],
    ['2026-01-15', 12, '2027-01-14', '2027-01-14'],
  ] as const)('%s, %i month(s) inclusive: clamp %s, bgb188 %s', (start, months, clamp, bgb) => {
    expect(lastDay(start, durations.inclusiveMonths(months))).toBe(clamp);
    expect(lastDay(start, durations.inclusiveMonths(months, { monthEnd: 'clamp' }))).toBe(clamp);
    expect(lastDay(start, durations.inclusiveMonths(months, { monthEnd: 'bgb188' }))).toBe(bgb);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2026-01-15', 12, '2027-01-15'],
  ] as const)(
    '%s plus %i month(s), counted from the day after, ends %s under both',
    (s, n, end) => {
      expect(lastDay(s, durations.monthsAfter(n))).toBe(end);
      expect(lastDay(s, durations.monthsAfter(n, { monthEnd: 'bgb188' }))).toBe(end);
    },
  );

  it('matches the closed forms for any start and 1-36 months (luxon counts the month lengths)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1999, 0, 1) / 864e5, max: Date.UTC(2060, 0, 1) / 864e5 }),
        fc.integer({ min: 1, max: 36 }),
        (startDay, months) => {
          const start = DateTime.fromMillis(startDay * 864e5, { zone: 'UTC' });
          const target = start.startOf('month').plus({ months });
          const daysIn = target.daysInMonth as number;
          const dayOf = (day: number) =>
            day === 0
              ? (target.minus({ days: 1 }).toISODate() as string)
              : (target.set({ day }).toISODate() as string);
          // clamp: the corresponding day, clamped, minus one; bgb188: the day before the
          // corresponding day, or the month's last day when the month has no such day.
          const clamp = dayOf(Math.min(start.day, daysIn) - 1);
          const bgb = start.day > daysIn ? dayOf(daysIn) : dayOf(start.day - 1);
          const iso = start.toISODate() as string;
          expect(lastDay(iso, durations.inclusiveMonths(months))).toBe(clamp);
          expect(lastDay(iso, durations.inclusiveMonths(months, { monthEnd: 'bgb188' }))).toBe(bgb);
          expect(lastDay(iso, durations.monthsAfter(months, { monthEnd: 'bgb188' }))).toBe(
            lastDay(iso, durations.monthsAfter(months)),
          );
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('the monthEnd field', () => {
  it('is left out unless chosen, so existing durations and policies parse (and hash) as before', () => {
    expect('monthEnd' in durations.inclusiveMonths(3)).toBe(false);
    expect(durations.inclusiveMonths(3, { monthEnd: 'bgb188' }).monthEnd).toBe('bgb188');
    for (const preset of Object.values(presets)) {
      const parsed = policyDocumentSchema.parse(preset.document);
      // Nothing is added by parsing; the presets name bgb188 where they count months from
      // their start day, and the ambiguous-time option is never injected.
      expect(JSON.stringify(parsed)).not.toMatch(/ambiguousTime|"monthEnd":"clamp"/);
      expect(parsed).toEqual(preset.document);
    }
    const { monthEnd: _named, ...plain } = durations.inclusiveMonths(3, { monthEnd: 'bgb188' });
    expect(durationSchema.parse(plain)).toEqual(plain);
  });

  it('is refused on a duration that is not in months', () => {
    const days = { ...durations.inclusiveDays(30), monthEnd: 'bgb188' };
    const parsed = durationSchema.safeParse(days);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['monthEnd']]);
    const error = (() => {
      try {
        computeDueDate('2026-01-31T12:00:00Z', days as never, utc);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).code).toBe('INVALID_CALENDAR');
    const policy = {
      ...defaultPolicyDocument,
      plan: { ...defaultPolicyDocument.plan, duration: days },
    };
    expect(() => definePolicy(policy as never)).toThrow(PolicyValidationError);
    try {
      definePolicy(policy as never);
    } catch (caught) {
      expect((caught as PolicyValidationError).code).toBe('INVALID_POLICY');
      expect((caught as PolicyValidationError).issues).toContainEqual(
        expect.objectContaining({ path: ['plan', 'duration', 'monthEnd'] }),
      );
    }
  });

  it('can be chosen in a policy document, with the calendar’s ambiguousTime', () => {
    const document = {
      ...defaultPolicyDocument,
      calendar: { weekend: [6, 7], holidays: [], ambiguousTime: 'later' },
      plan: {
        ...defaultPolicyDocument.plan,
        duration: durations.inclusiveMonths(1, { monthEnd: 'bgb188' }),
      },
    };
    const policy = definePolicy(document as never);
    expect(policy.document.plan.duration.monthEnd).toBe('bgb188');
    expect(policy.document.calendar.ambiguousTime).toBe('later');
  });
});
