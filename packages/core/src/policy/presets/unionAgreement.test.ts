import { describe, expect, it } from 'vitest';
import { presets } from '../../index.js';
import {
  codes,
  doc,
  employee,
  hr,
  manager,
  presetHarness,
  type PresetHarness,
  refusal,
  senior,
} from './__fixtures__/presetHarness.js';

const union = presets.unionAgreement;
const NY = 'America/New_York';

/** Letter of requirements issued Mon 2 Mar 2026 10:00 EST (90 calendar days: to Sat 30 May), signed, two feedback sessions held. */
async function running() {
  const h = presetHarness([union], { start: '2026-03-02T15:00:00Z', timeZone: NY });
  const { pipId } = await h.open();
  await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
  const pip = await h.load(pipId);
  expect(pip.context.plan).toMatchObject({ startDate: '2026-03-02', endDate: '2026-05-30' });
  expect(pip.context.deadlines['checkIn:1']?.date).toBe('2026-04-01');
  // The agreement wants a signed acknowledgement of receipt: a witnessed refusal is not enough.
  const refused = await refusal(
    h.engine.dispatch(
      pipId,
      { type: 'RECORD_REFUSAL', documentSha256: doc('planDocument').sha256, witnessId: 'w-1' },
      { actor: manager },
    ),
  );
  expect(codes(refused)).toEqual(['ACKNOWLEDGEMENT_REQUIRED']);
  h.at('2026-03-03T15:00:00Z');
  await h.send(
    pipId,
    { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
    employee,
  );
  for (const day of ['2026-04-01', '2026-05-01']) await holdFeedback(h, pipId, day);
  return { h, pipId };
}

async function holdFeedback(h: PresetHarness, pipId: string, day: string) {
  h.at(`${day}T15:00:00Z`);
  await h.send(
    pipId,
    { type: 'RECORD_CHECK_IN', assessment: 'mixed', documents: [doc('feedbackNotes')] },
    manager,
  );
}

describe('preset unionAgreement (US public-sector CBA)', () => {
  it('tells the union of each extension within 5 business days, escalates a late notice, and caps the plan at 12 months', async () => {
    const { h, pipId } = await running();
    // Wed 20 May: extended by 30 days. The union must hear of it within 5 business days:
    // Memorial Day (25 May) does not count, so by the end of Thu 28 May.
    h.at('2026-05-20T14:00:00Z');
    await h.send(pipId, { type: 'EXTEND', amount: 30, reason: 'leave' }, manager);
    let pip = await h.load(pipId);
    expect(pip.context.plan?.endDate).toBe('2026-06-29');
    expect(pip.context.obligations).toEqual({
      extensionNotice1: { recipients: ['union'], date: '2026-05-28', status: 'pending' },
    });
    expect(pip.context.deadlines['obligation:extensionNotice1']?.dueAt).toBe(
      '2026-05-29T03:59:59.999Z',
    );
    const outbox = await h.store.pendingOutbox(100);
    expect(outbox.map((message) => message.type)).toContain('pip.extensionNotice');
    expect(outbox.find((message) => message.type === 'pip.extensionNotice')?.payload).toMatchObject(
      { notify: ['union'], obligationId: 'extensionNotice1', dueDate: '2026-05-28' },
    );

    // Nobody recorded it: at the end of 28 May the sweep escalates to HR and the union.
    h.at('2026-05-29T04:00:00Z');
    expect(await h.tick()).toEqual(['obligation:extensionNotice1:OBLIGATION_OVERDUE+ESCALATED']);
    const history = await h.engine.history(pipId, { actor: hr });
    expect(history.at(-1)?.event).toMatchObject({
      type: 'ESCALATED',
      trigger: 'obligationOverdue',
      notify: ['hr', 'union'],
    });
    // Met late, it is still recorded, once.
    await h.send(pipId, { type: 'FULFIL_OBLIGATION', obligationId: 'extensionNotice1' }, hr);
    pip = await h.load(pipId);
    expect(pip.context.obligations?.extensionNotice1).toMatchObject({
      status: 'met',
      metAt: '2026-05-29T04:00:00.000Z',
    });
    await holdFeedback(h, pipId, '2026-05-29');
    const twice = await refusal(
      h.engine.dispatch(
        pipId,
        { type: 'FULFIL_OBLIGATION', obligationId: 'extensionNotice1' },
        { actor: hr },
      ),
    );
    expect(codes(twice)).toEqual(['OBLIGATION_ALREADY_MET']);

    // A second extension on Sat 20 Jun, the union told on Tue 23 Jun: nothing is escalated.
    h.at('2026-06-20T14:00:00Z');
    await h.send(pipId, { type: 'EXTEND', amount: 30, reason: 'leave' }, manager);
    expect((await h.load(pipId)).context.obligations?.extensionNotice2?.date).toBe('2026-06-26');
    h.at('2026-06-23T14:00:00Z');
    await h.send(pipId, { type: 'FULFIL_OBLIGATION', obligationId: 'extensionNotice2' }, hr);
    h.at('2026-06-27T14:00:00Z');
    expect(await h.tick()).toEqual([]);

    // A third, long extension to Mon 25 Jan 2027; a fourth would break the count and the
    // 12-month cap from 2 Mar 2026 (Mon 1 Mar 2027), both listed.
    await h.send(pipId, { type: 'EXTEND', amount: 180, reason: 'leave' }, manager);
    expect((await h.load(pipId)).context.plan?.endDate).toBe('2027-01-25');
    const fourth = await h.engine.explain(
      pipId,
      { type: 'EXTEND', amount: 40, reason: 'leave' },
      { actor: manager },
    );
    expect(fourth.issues.map((issue) => issue.code)).toEqual([
      'EXTENSION_LIMIT_REACHED',
      'PLAN_CAP_EXCEEDED',
    ]);
    expect((await h.engine.verify(pipId, { actor: hr })).ok).toBe(true);
  });

  it('gives 30 days notice and 10 to reply, needs the supervisor’s concurrence, and leaves 30 days to invoke arbitration', async () => {
    const { h, pipId } = await running();
    // The third session falls on Sun 31 May, so it is due the working day before (never later).
    expect((await h.load(pipId)).context.deadlines['checkIn:3']?.date).toBe('2026-05-29');
    await holdFeedback(h, pipId, '2026-05-29');
    h.at('2026-05-31T04:00:00Z');
    expect(await h.tick()).toEqual(['planEnd:PERIOD_ENDED']);
    expect((await h.load(pipId)).context.deadlines.review?.date).toBe('2026-06-12');
    h.at('2026-06-03T14:00:00Z');
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('finalAppraisal'), doc('proposalNotice')] },
      manager,
    );
    let pip = await h.load(pipId);
    // The notice ends Fri 3 Jul (a federal holiday; a notice never rolls), the reply window Sat 13 Jun.
    expect(pip.context.termination?.noticeEndDate).toBe('2026-07-03');
    expect(pip.context.deadlines.reply?.date).toBe('2026-06-13');
    expect(pip.context.deadlines.decision?.date).toBe('2026-08-02');
    h.at('2026-07-09T14:00:00Z');
    await h.tick();
    const unconcurred = await refusal(
      h.engine.dispatch(
        pipId,
        { type: 'DECIDE', decision: 'remove', documents: [doc('decisionLetter')] },
        { actor: senior },
      ),
    );
    expect(unconcurred.issues.map((issue) => issue.path.join('.'))).toEqual([
      'documents.higherLevelConcurrence',
    ]);
    await h.send(
      pipId,
      {
        type: 'DECIDE',
        decision: 'remove',
        documents: [doc('decisionLetter'), doc('higherLevelConcurrence')],
      },
      senior,
    );
    pip = await h.load(pipId);
    // Arbitration within 30 days of the effective date (Thu 9 Jul): Sat 8 Aug, with no roll-forward.
    expect(pip.context.outcome?.appealUntil).toEqual({
      date: '2026-08-08',
      dueAt: '2026-08-09T03:59:59.999Z',
    });
  });
});
