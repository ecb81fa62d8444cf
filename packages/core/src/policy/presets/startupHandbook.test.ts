import { describe, expect, it } from 'vitest';
import { durations, presets } from '../../index.js';
import {
  codes,
  doc,
  employee,
  hr,
  hr2,
  manager,
  presetHarness,
  refusal,
} from './__fixtures__/presetHarness.js';

const handbook = presets.startupHandbook;
const LA = 'America/Los_Angeles';

/** Opened Mon 2 Mar 2026 09:00 PST, approved by TMR (HR), signed Tue 3 Mar: the plan starts then. */
async function signed(planDuration?: ReturnType<typeof durations.inclusiveDays>) {
  const h = presetHarness([handbook], { start: '2026-03-02T17:00:00Z', timeZone: LA });
  const { pipId } = await h.open(planDuration ? { planDuration } : {});
  const direct = await refusal(h.engine.dispatch(pipId, { type: 'ISSUE' }, { actor: manager }));
  expect(codes(direct)).toContain('APPROVAL_REQUIRED');
  await h.send(pipId, { type: 'SUBMIT_FOR_APPROVAL', documents: [doc('planDocument')] }, manager);
  await h.send(pipId, { type: 'APPROVE' }, hr);
  expect((await h.load(pipId)).context.deadlines.acknowledgement?.date).toBe('2026-03-04');
  h.at('2026-03-03T17:00:00Z');
  await h.send(
    pipId,
    { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
    employee,
  );
  return { h, pipId };
}

describe('preset startupHandbook (GitLab model)', () => {
  it('runs weekly checks, passes with a completion letter, and acts on a relapse in the 6-month watch window', async () => {
    const { h, pipId } = await signed();
    let pip = await h.load(pipId);
    expect(pip.context.plan).toMatchObject({ startDate: '2026-03-03', endDate: '2026-04-01' });
    // Weekly, at 09:00 local: 16:00Z once daylight saving time began on 8 March.
    expect(pip.context.deadlines['checkIn:1']).toMatchObject({
      date: '2026-03-10',
      scheduledAt: '2026-03-10T16:00:00.000Z',
    });
    for (const day of ['2026-03-10', '2026-03-17', '2026-03-24', '2026-03-31']) {
      h.at(`${day}T17:00:00Z`);
      await h.send(pipId, { type: 'RECORD_CHECK_IN', assessment: 'onTrack' }, manager);
    }
    h.at('2026-04-02T07:00:00Z');
    expect(await h.tick()).toEqual(['planEnd:PERIOD_ENDED']);

    h.at('2026-04-03T17:00:00Z');
    const noLetter = await refusal(h.engine.dispatch(pipId, { type: 'PASS' }, { actor: manager }));
    expect(codes(noLetter)).toEqual(['DOCUMENT_MISSING']);
    await h.send(pipId, { type: 'PASS', documents: [doc('completionLetter')] }, manager);
    pip = await h.load(pipId);
    // 6 months after the pass (Fri 3 Apr): Sat 3 Oct, end of day PDT.
    expect(pip.context.deadlines.watch).toMatchObject({
      date: '2026-10-03',
      dueAt: '2026-10-04T06:59:59.999Z',
    });

    // Relapse on Mon 10 Aug: action follows without a second plan; an email notice is enough.
    h.at('2026-08-10T17:00:00Z');
    await h.send(pipId, { type: 'RECORD_RELAPSE', documents: [doc('relapseNotice')] }, manager);
    pip = await h.load(pipId);
    expect(pip.state).toBe('review');
    expect(pip.context.relapses).toEqual([{ at: '2026-08-10T17:00:00.000Z', by: 'mgr-1' }]);
    expect(pip.context.deadlines.review?.date).toBe('2026-08-17');

    h.at('2026-08-11T16:00:00Z');
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('separationNotice')] },
      manager,
    );
    pip = await h.load(pipId);
    expect(pip.context.termination?.noticeEndDate).toBe('2026-08-11');
    expect(pip.context.deadlines.reply?.dueAt).toBe('2026-08-13T06:59:59.999Z');
    h.at('2026-08-13T16:00:00Z');
    expect(await h.tick()).toEqual(['reply:REPLY_WINDOW_CLOSED']);
    await h.send(pipId, { type: 'DECIDE', decision: 'remove' }, hr2);
    expect((await h.load(pipId)).context.outcome).toMatchObject({
      reason: 'removed',
      effectiveAt: '2026-08-13T16:00:00.000Z',
    });
  });

  it('offers 2, 3 or 4 weeks or 30, 60 or 90 days, extends once at the manager’s discretion, and may end early', async () => {
    const h = presetHarness([handbook], { start: '2026-03-02T17:00:00Z', timeZone: LA });
    const notOffered = await refusal(h.open({ planDuration: durations.inclusiveDays(45) }));
    expect(codes(notOffered)).toEqual(['PLAN_DURATION_NOT_OFFERED']);
    expect(await h.store.list()).toEqual([]);

    // GitLab's own plans are typically 2-4 weeks: signed Tue 3 Mar, 4 weeks end Mon 30 Mar (C1).
    const { h: h4w, pipId: fourWeeks } = await signed(durations.inclusiveWeeks(4));
    const fourWeekPlan = await h4w.load(fourWeeks);
    expect(fourWeekPlan.context.plan).toMatchObject({
      startDate: '2026-03-03',
      endDate: '2026-03-30',
    });
    expect(fourWeekPlan.context.deadlines.planEnd?.dueAt).toBe('2026-03-31T06:59:59.999Z');
    const { h: h2w, pipId: twoWeeks } = await signed(durations.inclusiveWeeks(2));
    expect((await h2w.load(twoWeeks)).context.plan?.endDate).toBe('2026-03-16');
    const twentyEightDays = await refusal(h.open({ planDuration: durations.inclusiveDays(28) }));
    expect(codes(twentyEightDays)).toEqual(['PLAN_DURATION_NOT_OFFERED']);

    const { h: h60, pipId } = await signed(durations.inclusiveDays(60));
    expect((await h60.load(pipId)).context.plan?.endDate).toBe('2026-05-01');
    h60.at('2026-04-28T17:00:00Z');
    await h60.send(pipId, { type: 'EXTEND', amount: 14, reason: 'improving' }, manager);
    expect((await h60.load(pipId)).context.plan?.endDate).toBe('2026-05-15');
    const again = await refusal(
      h60.engine.dispatch(
        pipId,
        { type: 'EXTEND', amount: 7, reason: 'improving' },
        { actor: manager },
      ),
    );
    expect(codes(again)).toEqual(['EXTENSION_LIMIT_REACHED']);

    // Investigation leave aims at 5 business days: Mon 4 May + 5 is Mon 11 May, then escalated.
    h60.at('2026-05-04T17:00:00Z');
    await h60.send(pipId, { type: 'START_INVESTIGATION', hostRef: 'case-7' }, hr);
    h60.at('2026-05-12T07:00:00Z');
    expect(await h60.tick()).toContain('investigation:INVESTIGATION_OVERDUE+ESCALATED');
    await h60.send(pipId, { type: 'CLOSE_INVESTIGATION', finding: 'noCase' }, hr);
    await h60.send(pipId, { type: 'CONCLUDE_EARLY' }, manager);
    expect((await h60.load(pipId)).state).toBe('review');
  });
});
