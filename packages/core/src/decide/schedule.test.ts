import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  durations,
  memoryStore,
  type PipRecord,
} from '../index.js';
import { createTestClock } from '../testing/index.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const plan = { kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://n', sha256: 'b'.repeat(64) };
const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Pacific/Chatham',
];

const weekly = definePolicy({
  ...defaultPolicyDocument,
  id: 'weekly',
  approval: { required: false },
  plan: { ...defaultPolicyDocument.plan, duration: durations.inclusiveDays(90) },
  checkIns: { every: { amount: 1, unit: 'weeks' }, at: '09:00', onNonBusinessDay: 'keep' },
  extensions: { ...defaultPolicyDocument.extensions, maxPlanLength: durations.inclusiveDays(200) },
});

/** Opens and starts a weekly plan at `start` (the employee acknowledges at that instant). */
async function startPlan(zone: string, start: string) {
  const clock = createTestClock(start);
  const engine = createEngine({
    store: memoryStore(),
    policies: [weekly],
    clock,
    ids: () => 'pip',
  });
  await engine.open(
    {
      employee: { id: 'emp-1', timeZone: zone },
      managerId: 'mgr-1',
      policy: { id: 'weekly' },
      goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
      documents: [plan, notes],
    },
    { actor: manager },
  );
  await engine.dispatch('pip', { type: 'ISSUE' }, { actor: manager });
  const { pip } = await engine.dispatch(
    'pip',
    { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
    { actor: employee },
  );
  return { engine, clock, pip };
}

const localOf = (instant: string, zone: string) => DateTime.fromISO(instant, { zone });

describe('check-ins at a local wall-clock time', () => {
  it.each([
    // US: EST -> EDT on Sunday 8 March 2026, back on Sunday 1 November 2026.
    [
      'America/New_York',
      '2026-02-24T15:00:00Z',
      ['2026-03-03T14:00:00.000Z', '2026-03-10T13:00:00.000Z'],
    ],
    [
      'America/New_York',
      '2026-10-20T14:00:00Z',
      ['2026-10-27T13:00:00.000Z', '2026-11-03T14:00:00.000Z'],
    ],
    // UK: GMT -> BST on Sunday 29 March 2026, back on Sunday 25 October 2026.
    [
      'Europe/London',
      '2026-03-17T10:00:00Z',
      ['2026-03-24T09:00:00.000Z', '2026-03-31T08:00:00.000Z'],
    ],
    [
      'Europe/London',
      '2026-10-13T10:00:00Z',
      ['2026-10-20T08:00:00.000Z', '2026-10-27T09:00:00.000Z'],
    ],
  ])('keeps 09:00 in %s across the 2026 DST change (start %s)', async (zone, start, expected) => {
    const { engine, clock, pip } = await startPlan(zone, start);
    const scheduled = [pip.context.deadlines['checkIn:1']?.scheduledAt];
    clock.set(scheduled[0] as string);
    const { pip: after } = await engine.dispatch(
      'pip',
      { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
      { actor: manager },
    );
    scheduled.push(after.context.deadlines['checkIn:2']?.scheduledAt);
    expect(scheduled).toEqual(expected);
  });

  it('every check-in of a plan is at 09:00 local, in any zone, before and after a pause (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 4 * 365 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 40 }),
        async (zone, dayOffset, pauseAfterDays, pausedDays) => {
          const start = new Date(Date.UTC(2025, 0, 1, 12) + dayOffset * 86_400_000).toISOString();
          const { engine, clock, pip } = await startPlan(zone, start);
          const seen: PipRecord[] = [pip];
          clock.set(
            new Date(Date.parse(start) + pauseAfterDays * 86_400_000 + 3_600_000).toISOString(),
          );
          // Record the check-ins due before the pause so nothing is overdue when it begins.
          for (let guard = 0; guard < 5; guard += 1) {
            const current = seen.at(-1) as PipRecord;
            const next = Object.values(current.context.deadlines).find(
              (deadline) => deadline.kind === 'checkIn',
            );
            if (!next || next.dueAt > clock.iso()) break;
            seen.push(
              (
                await engine.dispatch(
                  'pip',
                  { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
                  { actor: manager },
                )
              ).pip,
            );
          }
          const before = seen.at(-1) as PipRecord;
          const pausedAt = clock.iso();
          await engine.dispatch(
            'pip',
            { type: 'PAUSE', category: 'protectedLeave', hostRef: 'x' },
            { actor: hr },
          );
          clock.set(new Date(Date.parse(clock.iso()) + pausedDays * 86_400_000).toISOString());
          const resumed = (await engine.dispatch('pip', { type: 'RESUME' }, { actor: hr })).pip;
          seen.push(resumed);
          // A pause of d local days moves the end of a calendar-day plan by exactly d days.
          const shift = DateTime.fromISO(resumed.context.plan?.endDate as string).diff(
            DateTime.fromISO(before.context.plan?.endDate as string),
            'days',
          ).days;
          expect(shift).toBe(resumed.context.pausedDays);
          expect(resumed.context.pausedDays).toBe(
            localOf(clock.iso(), zone)
              .startOf('day')
              .diff(localOf(pausedAt, zone).startOf('day'), 'days').days,
          );
          for (const record of seen) {
            for (const deadline of Object.values(record.context.deadlines)) {
              if (deadline.kind !== 'checkIn') continue;
              const local = localOf(deadline.scheduledAt as string, zone);
              expect(local.toFormat('HH:mm')).toBe('09:00');
              expect(local.toISODate()).toBe(deadline.date);
              // Missed at the end of the same local day.
              expect(localOf(deadline.dueAt, zone).toFormat('yyyy-MM-dd HH:mm:ss.SSS')).toBe(
                `${deadline.date} 23:59:59.999`,
              );
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);
});
