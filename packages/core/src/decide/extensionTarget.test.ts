/**
 * EXTEND to a target date (`until`), through the engine with exact dates. The plan: acknowledged
 * Tuesday 3 March 2026 (America/New_York), 60 inclusive days, ending Friday 1 May; the default
 * policy allows one extension of at most 30 calendar days and caps the plan at 90 days (31 May).
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../model/commands.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { activePlan as activeOn, manager } from './__fixtures__/activePlan.js';

/** A PIP active from 3 March whose extensions count in `unit`, on 20 April. */
async function activePlan(unit: 'calendarDays' | 'businessDays' | 'weeks' = 'calendarDays') {
  const { engine, clock } = await activeOn({
    id: `extend-${unit.toLowerCase()}`,
    extensions: { ...defaultPolicyDocument.extensions, unit },
  });
  clock.set('2026-04-20T15:00:00Z');
  return engine;
}

const extend = (fields: { amount?: number; until?: string }): Command => ({
  type: 'EXTEND',
  reason: 'training delayed',
  ...fields,
});

/** The refusal's issue codes and paths. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return (error as { issues: { code: string; path: unknown[] }[] }).issues.map((entry) => [
      entry.code,
      entry.path,
    ]);
  }
  throw new Error('expected a refusal');
}

describe('EXTEND until a date', () => {
  it('extends a calendar-day plan to the day named, recording the days it adds', async () => {
    const engine = await activePlan();
    const { pip, events } = await engine.dispatch('p', extend({ until: '2026-05-15' }), {
      actor: manager,
    });
    expect(pip.context.plan?.endDate).toBe('2026-05-15');
    expect(pip.context.deadlines.planEnd?.date).toBe('2026-05-15');
    expect(events.map((stored) => stored.event)).toContainEqual(
      expect.objectContaining({ type: 'EXTENDED', amount: 14, unit: 'calendarDays' }),
    );
  });

  it('refuses a day not after the current end, and names until in every limit it breaks', async () => {
    const engine = await activePlan();
    expect(
      await refusal(engine.dispatch('p', extend({ until: '2026-05-01' }), { actor: manager })),
    ).toEqual([['EXTENSION_TARGET_NOT_AFTER_END', ['until']]]);
    // 15 June: 45 days, over the 30 allowed each and in all, and past the 90-day cap of 31 May.
    expect(
      await refusal(engine.dispatch('p', extend({ until: '2026-06-15' }), { actor: manager })),
    ).toEqual([
      ['EXTENSION_TOO_LONG', ['until']],
      ['EXTENSION_TOTAL_EXCEEDED', ['until']],
      ['PLAN_CAP_EXCEEDED', ['until']],
    ]);
  });

  it('needs exactly one of amount and until', async () => {
    const engine = await activePlan();
    for (const fields of [{}, { amount: 14, until: '2026-05-15' }]) {
      expect(await refusal(engine.dispatch('p', extend(fields), { actor: manager }))).toEqual([
        ['EXTENSION_LENGTH_REQUIRED', ['amount']],
      ]);
    }
  });

  it('counts business days for a business-day unit, and refuses a weekend with the nearest day', async () => {
    const engine = await activePlan('businessDays');
    expect(
      await refusal(engine.dispatch('p', extend({ until: '2026-05-09' }), { actor: manager })),
    ).toEqual([['EXTENSION_TARGET_NOT_REACHABLE', ['until']]]);
    const { events } = await engine.dispatch('p', extend({ until: '2026-05-08' }), {
      actor: manager,
    });
    expect(events.map((stored) => stored.event)).toContainEqual(
      expect.objectContaining({ type: 'EXTENDED', amount: 5, unit: 'businessDays' }),
    );
  });

  it('takes only whole weeks for a unit of weeks', async () => {
    const engine = await activePlan('weeks');
    try {
      await engine.dispatch('p', extend({ until: '2026-05-12' }), { actor: manager });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as Error).message).toContain('the nearest is 2026-05-15');
    }
    const { pip } = await engine.dispatch('p', extend({ until: '2026-05-15' }), { actor: manager });
    expect(pip.context.plan?.endDate).toBe('2026-05-15');
  });
});
