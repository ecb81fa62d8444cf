import { describe, expect, it } from 'vitest';
import { durations } from '../calendar/duration.js';
import { definePolicy } from '../policy/definePolicy.js';
import type { CommandOf } from '../model/commands.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import {
  codes,
  doc,
  hr,
  manager,
  presetHarness,
  refusal,
} from '../policy/presets/__fixtures__/presetHarness.js';

const DENVER = 'America/Denver';
const rating = { kind: 'rating', on: '2026-01-20', value: 'unsatisfactory' } as const;

/**
 * Wyoming ch. 9 s.9-10: the plan is given no later than 15 days after the unsatisfactory rating,
 * and no more than two consecutive plans within a year of that rating.
 */
const wyoming = (anchor: 'trigger' | 'issue') =>
  definePolicy({
    ...defaultPolicyDocument,
    id: `wyoming-${anchor}`,
    approval: { required: false, approverRoles: ['hr'] },
    plans: {
      maxWithin: { count: 2, period: durations.inclusiveMonths(12), anchor },
      trigger: { required: true, issueWithin: durations.daysAfter(15) },
    },
  });

function harness(anchor: 'trigger' | 'issue' = 'trigger') {
  return presetHarness([wyoming(anchor)], { start: '2026-01-27T16:00:00Z', timeZone: DENVER });
}
const issue: CommandOf<'ISSUE'> = { type: 'ISSUE', documents: [doc('planDocument')] };

describe('triggers: the fact a plan starts from', () => {
  it('refuses an open without the trigger the policy needs, or dated after today', async () => {
    const h = harness();
    expect(codes(await refusal(h.open()))).toEqual(['TRIGGER_REQUIRED']);
    const future = await refusal(h.open({ trigger: { kind: 'rating', on: '2026-01-28' } }));
    expect(codes(future)).toEqual(['TRIGGER_IN_FUTURE']);
    expect(future.issues[0]?.path).toEqual(['trigger', 'on']);
  });

  it('sets the deadline to give the plan: 15 days after a rating of Tuesday 20 January is Wednesday 4 February', async () => {
    const h = harness();
    const { pipId } = await h.open({ trigger: rating });
    const pip = await h.load(pipId);
    expect(pip.context.trigger).toEqual(rating);
    expect(pip.context.deadlines.issuance).toEqual({
      id: 'issuance',
      kind: 'issuance',
      date: '2026-02-04',
      dueAt: '2026-02-05T06:59:59.999Z',
    });
    h.at('2026-02-04T23:00:00Z');
    await h.send(pipId, issue, manager);
    const issued = await h.load(pipId);
    expect(issued.context.lateIssuance).toBeUndefined();
    expect(issued.context.deadlines.issuance).toBeUndefined();
    const statuses = await h.engine.deadlines(pipId, { actor: hr });
    expect(statuses.find((d) => d.id === 'issuance')?.status).toBe('met');
  });

  it('records the deadline passing and flags a plan given after it', async () => {
    const h = harness();
    const { pipId } = await h.open({ trigger: rating });
    h.at('2026-02-05T06:59:59.000Z');
    expect(await h.tick()).toEqual([]);
    h.at('2026-02-05T07:00:00Z');
    expect(await h.tick()).toEqual(['issuance:ISSUANCE_OVERDUE']);
    h.at('2026-02-06T16:00:00Z');
    await h.send(pipId, issue, manager);
    expect((await h.load(pipId)).context.lateIssuance).toEqual({ dueDate: '2026-02-04' });
    const statuses = await h.engine.deadlines(pipId, { actor: hr });
    expect(statuses.find((d) => d.id === 'issuance')).toMatchObject({ status: 'met', late: true });
  });
});

describe('plan limits anchored on the trigger (no more than two plans within a year of the rating)', () => {
  /** Two plans given on 3 February and 20 March 2026 after the rating of 20 January 2026. */
  async function twoPlans(anchor: 'trigger' | 'issue') {
    const h = harness(anchor);
    const first = await h.open({ trigger: rating });
    h.at('2026-02-03T16:00:00Z');
    await h.send(first.pipId, issue, manager);
    h.at('2026-03-20T16:00:00Z');
    const second = await h.open({ trigger: rating });
    await h.send(second.pipId, issue, manager);
    return h;
  }

  it('refuses a third plan within the year of the rating, through Tuesday 19 January 2027', async () => {
    const h = await twoPlans('trigger');
    h.at('2027-01-19T16:00:00Z');
    const third = await refusal(h.open({ trigger: rating }));
    expect(codes(third)).toEqual(['PLAN_LIMIT_REACHED']);
    expect(third.issues[0]?.message).toContain('counted from the trigger of 2026-01-20');
  });

  it('allows a plan on Wednesday 20 January 2027, where a window counted from each issue day still refuses it', async () => {
    const anchored = await twoPlans('trigger');
    anchored.at('2027-01-20T16:00:00Z');
    await anchored.open({ trigger: { kind: 'rating', on: '2027-01-15' } });

    const rolling = await twoPlans('issue');
    rolling.at('2027-01-20T16:00:00Z');
    const refused = await refusal(rolling.open({ trigger: { kind: 'rating', on: '2027-01-15' } }));
    expect(codes(refused)).toEqual(['PLAN_LIMIT_REACHED']);
  });
});
