/**
 * Leave with `leave.checkIns: 'moveInside'`, through the engine with exact dates. The plan (see
 * `__fixtures__/activePlan.ts`): active from Tuesday 3 March 2026 in America/New_York, 60
 * inclusive days to Friday 1 May, check-ins every 2 weeks at 09:00 from the start: 1 on Tuesday
 * 17 March, 2 on 31 March, 3 on 14 April, 4 on 28 April. New York is on EDT (UTC-4) from
 * Sunday 8 March, so 09:00 is 13:00 UTC and a day ends at 03:59:59.999 UTC the next morning.
 */
import { describe, expect, it } from 'vitest';
import { activePlan, hr, manager } from './__fixtures__/activePlan.js';

const notes = { kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };

/** Away from `from` (local morning) until `back`; the PIP after the return. */
async function awayThenBack(from: string, back: string) {
  const setup = await activePlan({ id: 'move-inside', leave: { checkIns: 'moveInside' } });
  const { engine, clock } = setup;
  clock.set(`${from}T14:00:00Z`);
  await engine.dispatch(
    'p',
    { type: 'PAUSE', category: 'medicalLeave', hostRef: 'l-1' },
    { actor: hr },
  );
  clock.set(`${back}T14:00:00Z`);
  const { pip, events } = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
  const resumed = events.find((stored) => stored.event.type === 'RESUMED')?.event;
  return { ...setup, pip, resumed };
}

describe("leave.checkIns: 'moveInside'", () => {
  it('moves a check-in that fell inside the leave to the day of return, and keeps the later ones', async () => {
    // Away Tue 10 to Fri 20 March (10 days): check-in 1 (17 March) fell inside and is held on the
    // day of return; the plan still moves 10 days, to Monday 11 May.
    const { engine, clock, pip, resumed } = await awayThenBack('2026-03-10', '2026-03-20');
    expect(pip.context.plan).toMatchObject({ endDate: '2026-05-11', anchorDate: '2026-03-03' });
    expect(pip.context.deadlines['checkIn:1']).toEqual({
      id: 'checkIn:1',
      kind: 'checkIn',
      date: '2026-03-20',
      dueAt: '2026-03-21T03:59:59.999Z',
      scheduledAt: '2026-03-20T13:00:00.000Z',
    });
    expect(resumed).toMatchObject({ pausedDays: 10 });
    expect(resumed).not.toHaveProperty('checkInsSkipped');
    // Held on the day of return, the next one is the grid's check-in 2 on Tue 31 March.
    clock.set('2026-03-20T15:00:00Z');
    const held = await engine.dispatch(
      'p',
      { type: 'RECORD_CHECK_IN', assessment: 'mixed', documents: [notes] },
      { actor: manager },
    );
    expect(held.pip.context.checkIns).toMatchObject({ held: 1, next: 2 });
    expect(held.pip.context.deadlines['checkIn:2']).toMatchObject({ date: '2026-03-31' });
    expect((await engine.verify('p', { actor: hr })).ok).toBe(true);
  });

  it('folds several check-ins inside the leave into one on the day of return', async () => {
    // Away Tue 10 March to Thu 2 April (23 days): check-ins 1 (17 March) and 2 (31 March) fell
    // inside; one catch-up, numbered 2, on Thu 2 April; check-in 3 keeps Tue 14 April; the
    // plan ends 1 May + 23 days = Sunday 24 May.
    const { engine, clock, pip, resumed } = await awayThenBack('2026-03-10', '2026-04-02');
    expect(pip.context.plan?.endDate).toBe('2026-05-24');
    expect(pip.context.deadlines['checkIn:2']).toMatchObject({
      date: '2026-04-02',
      dueAt: '2026-04-03T03:59:59.999Z',
    });
    expect(resumed).toMatchObject({ pausedDays: 23, checkInsSkipped: 1 });
    // Missed: the sweep records it at the end of 2 April and the grid goes on.
    clock.set('2026-04-03T04:00:00Z');
    const tick = await engine.tick();
    expect(tick.fired.map((fired) => fired.deadlineId)).toEqual(['checkIn:2']);
    const after = await engine.get('p', { actor: hr });
    expect(after.context.checkIns).toMatchObject({ held: 0, missed: 1, next: 3 });
    expect(after.context.deadlines['checkIn:3']).toMatchObject({ date: '2026-04-14' });
  });

  it('holds the catch-up on the next working day after a return on a weekend', async () => {
    // Back on Saturday 21 March: the catch-up for check-in 1 is Monday 23 March.
    const { pip } = await awayThenBack('2026-03-10', '2026-03-21');
    expect(pip.context.deadlines['checkIn:1']).toMatchObject({
      date: '2026-03-23',
      scheduledAt: '2026-03-23T13:00:00.000Z',
    });
    expect(pip.context.plan?.endDate).toBe('2026-05-12');
  });
});
