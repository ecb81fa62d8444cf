/**
 * Leave rules (policy `leave`), through the engine with exact dates. The plan: issued Monday
 * 2 March 2026, acknowledged Tuesday 3 March (America/New_York), 60 inclusive days, so it ends
 * Friday 1 May; check-ins every 2 weeks from the start at 09:00 (check-in 1 on Tuesday 17 March,
 * 2 on 31 March). A leave's length is its calendar days from the first day away to the day of
 * return, not counted (leave from 4 March, back 12 March: 8 days).
 */
import { describe, expect, it } from 'vitest';
import type { PolicyDocumentInput } from '../policy/policySchema.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { definePolicy } from '../policy/definePolicy.js';
import { activePlan as activeOn, hr, manager } from './__fixtures__/activePlan.js';

/** A PIP active from 3 March on the default policy with `leave`. */
const activePlan = (leave: PolicyDocumentInput['leave']) =>
  activeOn({ id: 'leave-test', ...(leave ? { leave } : {}) });

/** Takes leave from `from` (local morning) and returns on `back`; the PIP's dates after it. */
async function leave(
  setup: Awaited<ReturnType<typeof activePlan>>,
  from: string,
  back: string,
  category: 'medicalLeave' | 'parentalLeave' = 'medicalLeave',
) {
  const { engine, clock } = setup;
  clock.set(`${from}T14:00:00Z`);
  await engine.tick();
  await engine.dispatch('p', { type: 'PAUSE', category, hostRef: 'leave-1' }, { actor: hr });
  clock.set(`${back}T14:00:00Z`);
  const { pip, events } = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
  const deadlines = pip.context.deadlines;
  return {
    end: pip.context.plan?.endDate,
    planEnd: deadlines.planEnd?.date,
    checkIn: Object.values(deadlines).find((deadline) => deadline.kind === 'checkIn'),
    pausedDays: pip.context.pausedDays,
    resumed: events.find((stored) => stored.event.type === 'RESUMED')?.event,
  };
}

describe('policy leave rules', () => {
  it('by default any leave extends the plan day for day and moves the check-ins with it', async () => {
    const after = await leave(await activePlan(undefined), '2026-03-04', '2026-03-07');
    expect(after).toMatchObject({ end: '2026-05-04', planEnd: '2026-05-04', pausedDays: 3 });
    expect(after.checkIn).toMatchObject({ id: 'checkIn:1', date: '2026-03-20' });
  });

  it('a leave of 5 days or fewer leaves every date where it was (union clause: "more than 5 days")', async () => {
    const after = await leave(
      await activePlan({ extendsAfterDays: 5 }),
      '2026-03-04',
      '2026-03-09',
    );
    expect(after).toMatchObject({ end: '2026-05-01', planEnd: '2026-05-01', pausedDays: 0 });
    expect(after.checkIn).toMatchObject({ id: 'checkIn:1', date: '2026-03-17' });
    expect(after.resumed).toMatchObject({ pausedDays: 0, leaveDays: 5 });
  });

  it('a leave of more than 5 days extends the plan by all of it, day for day', async () => {
    const after = await leave(
      await activePlan({ extendsAfterDays: 5 }),
      '2026-03-04',
      '2026-03-10',
    );
    // 6 days away: 1 May + 6 = Thursday 7 May; the grid moves too (check-in 1: 17 + 6 = 23 March,
    // a Monday).
    expect(after).toMatchObject({ end: '2026-05-07', planEnd: '2026-05-07', pausedDays: 6 });
    expect(after.checkIn).toMatchObject({ id: 'checkIn:1', date: '2026-03-23' });
  });

  it('only the categories the policy names extend the plan', async () => {
    const rule = { extendingCategories: ['medicalLeave' as const] };
    const parental = await leave(
      await activePlan(rule),
      '2026-03-04',
      '2026-03-12',
      'parentalLeave',
    );
    expect(parental).toMatchObject({ end: '2026-05-01', pausedDays: 0 });
    const medical = await leave(await activePlan(rule), '2026-03-04', '2026-03-12', 'medicalLeave');
    expect(medical).toMatchObject({ end: '2026-05-09', pausedDays: 8 });
  });

  it("keeps the original check-in dates with checkIns: 'keep', skipping those inside the leave", async () => {
    // Away 10 to 20 March: check-in 1 (17 March) fell inside and is skipped; check-in 2 keeps its
    // date, 31 March; the plan still ends 10 days later, on Monday 11 May.
    const kept = await leave(await activePlan({ checkIns: 'keep' }), '2026-03-10', '2026-03-20');
    expect(kept).toMatchObject({ end: '2026-05-11', pausedDays: 10 });
    expect(kept.checkIn).toMatchObject({ id: 'checkIn:2', date: '2026-03-31' });
    expect(kept.resumed).toMatchObject({ checkInsSkipped: 1 });
    // With the default 'shift' the same leave moves check-in 1 to 27 March.
    const shifted = await leave(await activePlan(undefined), '2026-03-10', '2026-03-20');
    expect(shifted.checkIn).toMatchObject({ id: 'checkIn:1', date: '2026-03-27' });
  });

  it('holds the check-in after a kept-grid leave as the one it is, not a skipped one', async () => {
    const setup = await activePlan({ checkIns: 'keep' });
    await leave(setup, '2026-03-10', '2026-03-20');
    setup.clock.set('2026-03-31T14:00:00Z');
    const notes = { kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };
    const { pip } = await setup.engine.dispatch(
      'p',
      { type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [notes] },
      { actor: manager },
    );
    expect(pip.context.checkIns).toMatchObject({ held: 1, next: 3 });
    expect(pip.context.deadlines['checkIn:3']).toMatchObject({ date: '2026-04-14' });
    expect(pip.context.deadlines['checkIn:2']).toBeUndefined();
    const verification = await setup.engine.verify('p', { actor: hr });
    expect(verification).toMatchObject({ ok: true, replayMatches: true });
  });

  it('a leave across the plan end that does not extend it ends the plan on its day', async () => {
    const setup = await activePlan({ extendsAfterDays: 30 });
    const after = await leave(setup, '2026-04-27', '2026-05-06');
    expect(after).toMatchObject({ end: '2026-05-01', pausedDays: 0 });
    setup.clock.set('2026-05-06T15:00:00Z');
    await setup.engine.tick();
    expect((await setup.engine.get('p', { actor: hr })).state).toBe('review');
  });

  it('refuses a leave rule outside its bounds at definePolicy, naming the field', () => {
    expect(() =>
      definePolicy({ ...defaultPolicyDocument, leave: { extendsAfterDays: -1 } }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
    expect(() =>
      definePolicy({
        ...defaultPolicyDocument,
        leave: { extendingCategories: ['holiday'] } as never,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
  });
});
