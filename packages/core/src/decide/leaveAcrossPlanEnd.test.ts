/**
 * Leave across the plan's end, through the engine with dates worked by hand (America/New_York,
 * default policy: the plan runs Tuesday 3 March to Friday 1 May 2026, check-ins every 2 weeks
 * from the start, review due 5 business days after the plan's last day). A leave that extends
 * the plan moves its end by the whole leave, and the review deadline follows the moved end.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyDocumentInput } from '../policy/policySchema.js';
import { activePlan, hr } from './__fixtures__/activePlan.js';

const pause = () => ({
  type: 'PAUSE' as const,
  category: 'medicalLeave' as const,
  hostRef: 'leave-1',
});

describe('leave across the plan end', () => {
  /** The active plan (3 March to Friday 1 May) with check-ins 1 to 3 missed by Monday 27 April. */
  async function nearTheEnd(leave: PolicyDocumentInput['leave']) {
    const setup = await activePlan({ id: 'leave-across-end', ...(leave ? { leave } : {}) });
    setup.clock.set('2026-04-27T14:00:00Z');
    await setup.engine.tick();
    return setup;
  }

  it('leave of more than the threshold across the end moves the end, and the review follows it', async () => {
    const { engine, clock } = await nearTheEnd({ extendsAfterDays: 5 });
    await engine.dispatch('p', pause(), { actor: hr });
    // Back Monday 11 May, after the original end: 14 days away, so the plan ends Friday 15 May
    // and check-in 4 (Tuesday 28 April, inside the leave) moves to Tuesday 12 May.
    clock.set('2026-05-11T14:00:00Z');
    const resumed = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
    expect(resumed.pip.state).toBe('active');
    expect(resumed.pip.context.plan?.endDate).toBe('2026-05-15');
    expect(resumed.pip.context.deadlines.planEnd?.date).toBe('2026-05-15');
    expect(resumed.pip.context.deadlines['checkIn:4']?.date).toBe('2026-05-12');
    // The period ends at the end of 15 May; the review is due 5 business days later, Fri 22 May.
    clock.set('2026-05-16T05:00:00Z');
    await engine.tick();
    const ended = await engine.get('p', { actor: hr });
    expect(ended.state).toBe('review');
    expect(ended.context.deadlines.review?.date).toBe('2026-05-22');
  });

  it('leave under the threshold across the end moves nothing: the period ended on its day and the review counts from it', async () => {
    const { engine, clock } = await nearTheEnd({ extendsAfterDays: 5 });
    clock.set('2026-04-29T14:00:00Z');
    await engine.tick();
    await engine.dispatch('p', pause(), { actor: hr });
    // Back Monday 4 May: 5 days away (29 April to 3 May), not more than 5; the end stays Friday
    // 1 May, already past, so the next sweep ends the period as of that day and the review is due
    // 5 business days after it, Friday 8 May.
    clock.set('2026-05-04T14:00:00Z');
    const resumed = await engine.dispatch('p', { type: 'RESUME' }, { actor: hr });
    expect(resumed.pip.context.plan?.endDate).toBe('2026-05-01');
    expect(resumed.pip.context.deadlines.planEnd?.date).toBe('2026-05-01');
    await engine.tick();
    const ended = await engine.get('p', { actor: hr });
    expect(ended.state).toBe('review');
    expect(ended.context.deadlines.review?.date).toBe('2026-05-08');
  });
});
