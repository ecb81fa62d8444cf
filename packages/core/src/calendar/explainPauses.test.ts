import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  CalendarError,
  createCalendar,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  type Duration,
  durations,
  memoryStore,
  presetCalendars,
} from '../index.js';
import { createTestClock } from '../testing/index.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const planDocument = { kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) };
const DAY = 86_400_000;

function policyWith(duration: Duration) {
  return definePolicy({
    ...defaultPolicyDocument,
    id: `p-${duration.unit.toLowerCase()}`,
    approval: { required: false },
    calendar: {
      ...presetCalendars.usFederal,
      weekend: [...(presetCalendars.usFederal.weekend ?? [6, 7])],
      holidays: [...(presetCalendars.usFederal.holidays ?? [])],
      holidayRules: [...(presetCalendars.usFederal.holidayRules ?? [])],
    },
    plan: { ...defaultPolicyDocument.plan, duration },
    checkIns: { every: { amount: 2, unit: 'weeks' }, at: '09:00', onNonBusinessDay: 'keep' },
    extensions: {
      ...defaultPolicyDocument.extensions,
      maxPlanLength: durations.inclusiveDays(400),
    },
  });
}

/** Runs a plan through the engine: acknowledged at `start`, paused and resumed; its end dates. */
async function pausedPlan(
  duration: Duration,
  zone: string,
  start: string,
  pauses: [number, number][],
) {
  const policy = policyWith(duration);
  const clock = createTestClock(start);
  const engine = createEngine({
    store: memoryStore(),
    policies: [policy],
    clock,
    ids: () => 'pip',
  });
  await engine.open(
    {
      employee: { id: employee.id, timeZone: zone },
      managerId: manager.id,
      policy: { id: policy.id },
      goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
      documents: [planDocument],
    },
    { actor: manager },
  );
  await engine.dispatch('pip', { type: 'ISSUE' }, { actor: manager });
  const acknowledged = await engine.dispatch(
    'pip',
    { type: 'ACKNOWLEDGE', documentSha256: planDocument.sha256 },
    { actor: employee },
  );
  const spans: { from: string; until: string }[] = [];
  let at = Date.parse(start);
  let endDate = acknowledged.pip.context.plan?.endDate;
  for (const [after, length] of pauses) {
    at += after * DAY + 3_600_000;
    clock.set(new Date(at).toISOString());
    await engine.dispatch(
      'pip',
      { type: 'PAUSE', category: 'protectedLeave', hostRef: 'h' },
      { actor: hr },
    );
    const from = clock.iso();
    at += length * DAY;
    clock.set(new Date(at).toISOString());
    const resumed = await engine.dispatch('pip', { type: 'RESUME' }, { actor: hr });
    spans.push({ from, until: clock.iso() });
    endDate = resumed.pip.context.plan?.endDate;
  }
  const calendar = createCalendar({ ...presetCalendars.usFederal, timeZone: zone });
  return { startedAt: acknowledged.pip.context.plan?.startDate, endDate, spans, calendar };
}

describe('calendar.explain with pauses: the end the engine computes when a plan resumes', () => {
  it('lists the paused days as leave and ends where the engine moved the plan (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          durations.inclusiveDays(60),
          durations.businessDaysInclusive(30),
          durations.inclusiveWeeks(8),
          durations.inclusiveMonths(2),
        ),
        fc.constantFrom('America/New_York', 'Europe/London', 'Australia/Sydney'),
        fc.integer({ min: 0, max: 900 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 12 })), {
          minLength: 1,
          maxLength: 2,
        }),
        async (duration, zone, offset, pauses) => {
          const start = new Date(Date.UTC(2025, 0, 2, 15) + offset * DAY).toISOString();
          const run = await pausedPlan(duration, zone, start, pauses);
          const explained = run.calendar.explain(start, duration, { pauses: run.spans });
          expect(run.calendar.localDate(start)).toBe(run.startedAt);
          expect(explained.date).toBe(run.endDate);
          const counted = explained.days.filter((day) => day.counted);
          if (duration.unit !== 'months')
            expect(counted.at(-1)?.ordinal).toBe(
              duration.unit === 'weeks' ? duration.amount * 7 : duration.amount,
            );
          const leave = explained.days.filter((day) => day.note === 'leave').map((day) => day.date);
          const expectedLeave = run.spans.flatMap(({ from, until }) => {
            const days: string[] = [];
            for (
              let day = Date.parse(`${run.calendar.localDate(from)}T00:00:00Z`);
              day < Date.parse(`${run.calendar.localDate(until)}T00:00:00Z`);
              day += DAY
            )
              days.push(new Date(day).toISOString().slice(0, 10));
            return days;
          });
          expect(leave).toEqual(expectedLeave);
          expect(explained.days.at(-1)).toMatchObject({ date: run.endDate, due: true });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses pauses out of order or on a duration that rolls', () => {
    const ny = createCalendar({ timeZone: 'America/New_York' });
    const explain = (duration: Duration, pauses: { from: string; until: string }[]) => () =>
      ny.explain('2026-03-02T15:00:00Z', duration, { pauses });
    expect(
      explain(durations.inclusiveDays(30), [
        { from: '2026-03-10T15:00:00Z', until: '2026-03-05T15:00:00Z' },
      ]),
    ).toThrow(CalendarError);
    expect(
      explain(durations.inclusiveDays(30), [
        { from: '2026-02-20T15:00:00Z', until: '2026-03-05T15:00:00Z' },
      ]),
    ).toThrow(CalendarError);
    expect(
      explain(durations.daysAfterRolling(30), [
        { from: '2026-03-04T15:00:00Z', until: '2026-03-05T15:00:00Z' },
      ]),
    ).toThrow(/never roll/);
  });
});
