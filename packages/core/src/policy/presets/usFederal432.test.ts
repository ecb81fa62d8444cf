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
  senior,
} from './__fixtures__/presetHarness.js';

const federal = presets.usFederal432;
const NY = 'America/New_York';
/** An instance the notices cite: within the year ending on each notice's date (4303(c)(2)(A)). */
const cited = { id: 'late-reports-march', on: '2026-03-20', element: 'Timeliness' };

/** Issued Mon 2 Mar 2026 10:00 EST: the 30-day opportunity period runs 2 Mar to 31 Mar (C1). */
async function issued() {
  const h = presetHarness([federal], { start: '2026-03-02T15:00:00Z', timeZone: NY });
  const pip = await h.open();
  const missing = await refusal(
    h.engine.dispatch(
      pip.pipId,
      { type: 'ISSUE', documents: [doc('planDocument')] },
      { actor: manager },
    ),
  );
  // Santos v. NASA: unacceptable performance before the plan must be documented first.
  expect(codes(missing)).toEqual(['DOCUMENT_MISSING']);
  expect(missing.issues[0]?.path).toEqual(['documents', 'priorUnacceptablePerformance']);
  await h.send(
    pip.pipId,
    { type: 'ISSUE', documents: [doc('planDocument'), doc('priorUnacceptablePerformance')] },
    manager,
  );
  return { h, pipId: pip.pipId };
}

describe('preset usFederal432 (5 USC 4303, 5 CFR 432, 5 CFR 1201)', () => {
  it('runs the opportunity period, a 30-day notice extended twice, a concurred decision and a rolled MSPB window', async () => {
    const { h, pipId } = await issued();
    let pip = await h.load(pipId);
    expect(pip.context.plan).toMatchObject({ startDate: '2026-03-02', endDate: '2026-03-31' });
    expect(pip.context.deadlines.planEnd?.dueAt).toBe('2026-04-01T03:59:59.999Z');
    expect(pip.context.deadlines['checkIn:1']).toMatchObject({
      date: '2026-03-16',
      scheduledAt: '2026-03-16T14:00:00.000Z',
    });

    // Acknowledging receipt does not restart the period, which began when the notice was issued.
    h.at('2026-03-03T15:00:00Z');
    await h.send(
      pipId,
      { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
      employee,
    );
    expect((await h.load(pipId)).context.plan?.startDate).toBe('2026-03-02');
    h.at('2026-03-16T15:00:00Z');
    await h.send(pipId, { type: 'RECORD_CHECK_IN', assessment: 'offTrack' }, manager);
    expect((await h.load(pipId)).context.deadlines['checkIn:2']?.date).toBe('2026-03-30');
    h.at('2026-03-30T15:00:00Z');
    await h.send(pipId, { type: 'RECORD_CHECK_IN', assessment: 'offTrack' }, manager);
    // No early conclusion: the employee gets the whole period (432.105(a)(1)).
    const early = await refusal(
      h.engine.dispatch(pipId, { type: 'CONCLUDE_EARLY' }, { actor: manager }),
    );
    expect(codes(early)).toEqual(['EARLY_CONCLUSION_NOT_ALLOWED']);

    h.at('2026-04-01T04:00:00Z');
    expect(await h.tick()).toEqual(['planEnd:PERIOD_ENDED']);
    expect((await h.load(pipId)).context.deadlines.review?.date).toBe('2026-04-14');

    // Wed 8 Apr: 30 days' advance notice (C2): it ends Fri 8 May; removal no earlier than 9 May.
    h.at('2026-04-08T14:00:00Z');
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('proposalNotice')], instances: [cited] },
      manager,
    );
    pip = await h.load(pipId);
    expect(pip.context.termination?.noticeEndDate).toBe('2026-05-08');
    expect(pip.context.deadlines.decision?.date).toBe('2026-06-07');

    // The agency may extend by 30 days at its discretion, then only for a listed reason.
    await h.send(pipId, { type: 'EXTEND_NOTICE', amount: 30, reason: 'agencyDiscretion' }, hr);
    pip = await h.load(pipId);
    expect(pip.context.termination?.noticeEndDate).toBe('2026-06-07');
    expect(pip.context.deadlines.decision?.date).toBe('2026-07-07');
    const unlisted = await refusal(
      h.engine.dispatch(
        pipId,
        { type: 'EXTEND_NOTICE', amount: 10, reason: 'workload' },
        { actor: hr },
      ),
    );
    expect(codes(unlisted)).toEqual(['NOTICE_EXTENSION_REASON_REQUIRED']);
    await h.send(
      pipId,
      { type: 'EXTEND_NOTICE', amount: 10, reason: 'reasonableAccommodation' },
      hr,
    );
    pip = await h.load(pipId);
    expect(pip.context.termination?.noticeEndDate).toBe('2026-06-17');
    expect(pip.context.deadlines.decision).toMatchObject({
      date: '2026-07-17',
      dueAt: '2026-07-18T03:59:59.999Z',
    });
    expect(pip.context.noticeExtensions).toEqual({ count: 2, total: 40 });

    h.at('2026-05-20T14:00:00Z');
    await h.send(pipId, { type: 'SUBMIT_REPLY' }, employee);

    // Thu 25 Jun: HR may not decide, and nobody may decide without a higher-level concurrence.
    h.at('2026-06-25T14:00:00Z');
    const decide = {
      type: 'DECIDE' as const,
      decision: 'remove' as const,
      instancesRelied: [cited.id],
      documents: [doc('decisionLetter')],
    };
    const byHr = await refusal(h.engine.dispatch(pipId, decide, { actor: hr }));
    expect(byHr.code).toBe('FORBIDDEN');
    expect(codes(byHr)).toEqual(['ROLE_NOT_ALLOWED']);
    const unconcurred = await refusal(h.engine.dispatch(pipId, decide, { actor: senior }));
    expect(codes(unconcurred)).toEqual(['DOCUMENT_MISSING']);
    expect(unconcurred.issues[0]?.path).toEqual(['documents', 'higherLevelConcurrence']);
    await h.send(
      pipId,
      { ...decide, documents: [doc('decisionLetter'), doc('higherLevelConcurrence')] },
      senior,
    );
    pip = await h.load(pipId);
    expect(pip.state).toBe('terminated');
    // MSPB: 30 days after the later of decision and effective date is Sat 25 Jul; it rolls to
    // Mon 27 Jul (5 CFR 1201.23). A removal has no purge date.
    expect(pip.context.outcome).toMatchObject({
      reason: 'removed',
      effectiveAt: '2026-06-25T14:00:00.000Z',
      appealUntil: { date: '2026-07-27', dueAt: '2026-07-28T03:59:59.999Z' },
    });
    expect(pip.context.outcome?.purgeOn).toBeUndefined();
    expect((await h.engine.verify(pipId, { actor: hr })).ok).toBe(true);
  });

  it('purges the notations 1 year after the advance notice when the employee is retained (4303(d))', async () => {
    const { h, pipId } = await issued();
    h.at('2026-04-01T04:00:00Z');
    await h.tick();
    h.at('2026-04-08T14:00:00Z');
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('proposalNotice')], instances: [cited] },
      manager,
    );
    h.at('2026-05-09T14:00:00Z');
    expect(await h.tick()).toEqual(['reply:REPLY_WINDOW_CLOSED']);
    await h.send(
      pipId,
      {
        type: 'DECIDE',
        decision: 'retain',
        documents: [doc('decisionLetter'), doc('higherLevelConcurrence')],
      },
      senior,
    );
    const pip = await h.load(pipId);
    expect(pip.context.outcome).toMatchObject({ reason: 'retained', purgeOn: '2027-04-08' });
    expect(pip.context.outcome?.appealUntil).toBeUndefined();
  });

  it('makes a demotion decided during the notice, like a removal, take effect the day after it ends (4303(b)(1)(A))', async () => {
    const { h, pipId } = await issued();
    h.at('2026-04-01T04:00:00Z');
    await h.tick();
    // Notice served Wed 8 Apr: 30 days from the day after (C2) end Fri 8 May.
    h.at('2026-04-08T14:00:00Z');
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('proposalNotice')], instances: [cited] },
      manager,
    );
    h.at('2026-04-14T14:00:00Z');
    await h.send(pipId, { type: 'SUBMIT_REPLY', documents: [doc('reply')] }, employee);
    h.at('2026-04-15T14:00:00Z');
    await h.send(
      pipId,
      {
        type: 'DECIDE',
        decision: 'demote',
        instancesRelied: [cited.id],
        documents: [doc('decisionLetter'), doc('higherLevelConcurrence')],
      },
      senior,
    );
    const pip = await h.load(pipId);
    // Effective Sat 9 May (the day after the notice ends), not on the decision day; the MSPB's
    // 30 days run from then (C4): Mon 8 Jun.
    expect(pip.context.outcome).toMatchObject({
      effectiveAt: '2026-05-09T04:00:00.000Z',
      appealUntil: { date: '2026-06-08' },
    });
  });

  it('acts on a relapse within 1 year of the start of the opportunity period without a new plan, and not after', async () => {
    const { h, pipId } = await issued();
    h.at('2026-04-01T04:00:00Z');
    await h.tick();
    h.at('2026-04-02T14:00:00Z');
    await h.send(pipId, { type: 'PASS' }, manager);
    let pip = await h.load(pipId);
    // 432.105(a)(2): the year runs from the first day of the opportunity period, 2 Mar 2026.
    expect(pip.state).toBe('passed.watching');
    expect(pip.context.deadlines.watch).toMatchObject({
      date: '2027-03-01',
      dueAt: '2027-03-02T04:59:59.999Z',
    });
    h.at('2026-10-01T14:00:00Z');
    const noEvidence = await refusal(
      h.engine.dispatch(pipId, { type: 'RECORD_RELAPSE' }, { actor: manager }),
    );
    expect(codes(noEvidence)).toEqual(['DOCUMENT_MISSING']);
    expect(
      await h.send(pipId, { type: 'RECORD_RELAPSE', documents: [doc('relapseEvidence')] }, manager),
    ).toEqual(['DOCUMENTS_ATTACHED', 'RELAPSE_RECORDED']);
    pip = await h.load(pipId);
    expect(pip.state).toBe('review');
    expect(pip.context.outcome).toBeUndefined();
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('proposalNotice')], instances: [cited] },
      manager,
    );
    expect((await h.load(pipId)).context.termination?.noticeEndDate).toBe('2026-10-31');

    // A second plan that passed: after the year, a relapse needs a new opportunity period.
    const second = await h.open();
    await h.send(
      second.pipId,
      { type: 'ISSUE', documents: [doc('planDocument'), doc('priorUnacceptablePerformance')] },
      manager,
    );
    h.at('2026-11-01T05:00:00Z');
    await h.tick();
    await h.send(second.pipId, { type: 'PASS' }, manager);
    expect((await h.load(second.pipId)).context.deadlines.watch?.date).toBe('2027-09-30');
    h.at('2027-10-01T14:00:00Z');
    await h.tick();
    const late = await refusal(
      h.engine.dispatch(
        second.pipId,
        { type: 'RECORD_RELAPSE', documents: [doc('relapseEvidence')] },
        { actor: manager },
      ),
    );
    expect(codes(late)).toEqual(['PIP_CLOSED']);
  });
});
