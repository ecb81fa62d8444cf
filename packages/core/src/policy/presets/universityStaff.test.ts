import { describe, expect, it } from 'vitest';
import { presets } from '../../index.js';
import {
  codes,
  doc,
  employee,
  hr,
  manager,
  presetHarness,
  refusal,
} from './__fixtures__/presetHarness.js';

const university = presets.universityStaff;

describe('preset universityStaff (University of Louisville model)', () => {
  it('runs a 90-day plan with 30-day evaluations, a witnessed refusal, a 15-day rebuttal and an early pass', async () => {
    // Memorandum issued Mon 2 Mar 2026, 10:00 in Louisville (EST).
    const h = presetHarness([university], {
      start: '2026-03-02T15:00:00Z',
      timeZone: 'America/Kentucky/Louisville',
    });
    const { pipId } = await h.open();
    await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
    let pip = await h.load(pipId);
    // At most 90 calendar days, the first day counted: 2 Mar to Sat 30 May.
    expect(pip.context.plan).toMatchObject({ startDate: '2026-03-02', endDate: '2026-05-30' });
    expect(pip.context.deadlines.planEnd?.dueAt).toBe('2026-05-31T03:59:59.999Z');
    // Evaluations at least every 30 calendar days: Wed 1 Apr at 10:00 EDT (after the DST change).
    expect(pip.context.deadlines['checkIn:1']).toMatchObject({
      date: '2026-04-01',
      scheduledAt: '2026-04-01T14:00:00.000Z',
    });

    // The employee will not sign: the refusal is noted, and witnessed by someone independent.
    const refusalCommand = {
      type: 'RECORD_REFUSAL',
      documentSha256: doc('planDocument').sha256,
    } as const;
    const selfWitnessed = await refusal(
      h.engine.dispatch(pipId, { ...refusalCommand, witnessId: 'mgr-1' }, { actor: manager }),
    );
    expect(codes(selfWitnessed)).toEqual(['WITNESS_NOT_INDEPENDENT']);
    await h.send(pipId, { ...refusalCommand, witnessId: 'witness-1' }, manager);
    pip = await h.load(pipId);
    expect(pip.context.acknowledgement).toMatchObject({
      kind: 'refusalWitnessed',
      witnessId: 'witness-1',
    });

    // A written statement of disagreement within 15 calendar days (C2): by the end of Tue 17 Mar.
    h.at('2026-03-18T03:00:00Z'); // 23:00 on 17 Mar, Louisville (EDT)
    await h.send(pipId, { type: 'ATTACH_DOCUMENT', documents: [doc('rebuttal')] }, employee);
    h.at('2026-03-18T04:00:00Z'); // 00:00 on 18 Mar: one day late
    const late = { type: 'ATTACH_DOCUMENT' as const, documents: [doc('rebuttal', 2)] };
    const explained = await h.engine.explain(pipId, late, { actor: employee });
    expect(explained.accepted).toBe(false);
    expect(explained.issues.map((issue) => issue.code)).toEqual(['REBUTTAL_WINDOW_CLOSED']);
    const lateRefusal = await refusal(h.engine.dispatch(pipId, late, { actor: employee }));
    expect(codes(lateRefusal)).toEqual(['REBUTTAL_WINDOW_CLOSED']);

    // The first evaluation is missed: HR hears of it at the end of that day.
    h.at('2026-04-02T04:00:00Z');
    expect(await h.tick()).toEqual(['checkIn:1:CHECK_IN_MISSED+ESCALATED']);
    expect((await h.load(pipId)).context.deadlines['checkIn:2']?.date).toBe('2026-05-01');
    h.at('2026-05-01T14:30:00Z');
    await h.send(
      pipId,
      { type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [doc('evaluation')] },
      manager,
    );

    // Nothing beyond 90 days: every limit an extension would break is listed at once.
    const extension = await h.engine.explain(
      pipId,
      { type: 'EXTEND', amount: 10, reason: 'moreTime' },
      { actor: manager },
    );
    expect(extension.issues.map((issue) => issue.code)).toEqual([
      'EXTENSION_LIMIT_REACHED',
      'EXTENSION_TOO_LONG',
      'EXTENSION_TOTAL_EXCEEDED',
      'PLAN_CAP_EXCEEDED',
    ]);

    // Expectations met before day 90: the plan may end early (Tue 5 May), review within 5 business days.
    h.at('2026-05-05T14:00:00Z');
    await h.send(pipId, { type: 'CONCLUDE_EARLY' }, manager);
    expect((await h.load(pipId)).context.deadlines.review).toMatchObject({
      date: '2026-05-12',
      dueAt: '2026-05-13T03:59:59.999Z',
    });
    const unreviewed = await refusal(h.engine.dispatch(pipId, { type: 'PASS' }, { actor: hr }));
    expect(codes(unreviewed)).toEqual(['DOCUMENT_MISSING']);
    await h.send(pipId, { type: 'PASS', documents: [doc('finalReview')] }, hr);
    expect((await h.load(pipId)).state).toBe('passed.completed');
  });
});
