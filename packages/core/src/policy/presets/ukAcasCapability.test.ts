import { describe, expect, it } from 'vitest';
import { computeDueDate, createCalendar, presets } from '../../index.js';
import { presetCalendars } from './holidays.js';
import {
  codes,
  doc,
  employee,
  manager,
  presetHarness,
  refusal,
  senior,
} from './__fixtures__/presetHarness.js';

const acas = presets.ukAcasCapability;

/**
 * Improvement note issued Thu 28 May 2026, 10:00 BST: the 3-month timescale counts the issue day
 * (C1), so it ends Thu 27 Aug. The period is run to its end and the hearing invited Fri 28 Aug,
 * just before the August bank holiday (Mon 31 Aug in England and Wales, not in Scotland).
 */
async function toHearing(calendar?: string, reviewDue = '2026-09-04') {
  const h = presetHarness([acas], {
    start: '2026-05-28T09:00:00Z',
    timeZone: 'Europe/London',
    calendars: { 'GB-SCT': presetCalendars.scotland },
  });
  const pip = await h.open(
    calendar ? { employee: { id: 'emp-1', timeZone: 'Europe/London', calendar } } : {},
  );
  await h.send(pip.pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
  // The impact is serious: straight to a final written warning, whose 3-month review period is
  // the plan's timescale (28 May to 27 Aug).
  await h.send(
    pip.pipId,
    { type: 'ISSUE_STAGE', stage: 'finalWarning', skipReason: 'seriousImpact' },
    manager,
  );
  const issued = await h.load(pip.pipId);
  expect(issued.context.stages?.[0]).toMatchObject({
    stage: 'finalWarning',
    reviewUntil: '2026-08-27',
    liveThrough: '2027-05-27',
    appealUntil: '2026-06-04',
    skipped: ['firstWarning'],
  });
  expect(issued.context.plan).toMatchObject({ startDate: '2026-05-28', endDate: '2026-08-27' });
  expect(issued.context.deadlines['checkIn:1']).toMatchObject({
    date: '2026-06-11',
    scheduledAt: '2026-06-11T09:00:00.000Z',
  });
  h.at('2026-05-29T09:00:00Z');
  await h.send(
    pip.pipId,
    { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
    employee,
  );
  h.at('2026-06-11T09:30:00Z');
  const noNotes = await refusal(
    h.engine.dispatch(
      pip.pipId,
      { type: 'RECORD_CHECK_IN', assessment: 'mixed' },
      { actor: manager },
    ),
  );
  expect(codes(noNotes)).toEqual(['DOCUMENT_MISSING']);
  await h.send(
    pip.pipId,
    { type: 'RECORD_CHECK_IN', assessment: 'mixed', documents: [doc('reviewMeetingNotes')] },
    manager,
  );
  // End of Thu 27 Aug in London (BST) is 22:59:59.999Z.
  h.at('2026-08-27T23:00:00Z');
  expect(await h.tick()).toContain('planEnd:PERIOD_ENDED');
  // The review is due 5 working days after the period: Fri 4 Sep in England, Thu 3 Sep in Scotland.
  expect((await h.load(pip.pipId)).context.deadlines.review?.date).toBe(reviewDue);
  return { h, pipId: pip.pipId };
}

describe('preset ukAcasCapability (Acas Code 2015, ERA 1999 s.10)', () => {
  it('invites to a hearing in writing, gives 5 working days to rearrange for a companion, and 5 to appeal', async () => {
    const { h, pipId } = await toHearing();
    h.at('2026-08-28T09:00:00Z');
    const unwritten = await refusal(
      h.engine.dispatch(pipId, { type: 'PROPOSE_TERMINATION' }, { actor: manager }),
    );
    expect(unwritten.issues.map((issue) => issue.path.join('.'))).toEqual([
      'documents.hearingInvitation',
    ]);
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('hearingInvitation')] },
      manager,
    );
    let pip = await h.load(pipId);
    // 5 days' notice of the hearing (C2), and 5 working days beginning with the first working day
    // after the invitation: Mon 31 Aug is a bank holiday in England, so the window ends Mon 7 Sep.
    expect(pip.context.termination?.noticeEndDate).toBe('2026-09-02');
    expect(pip.context.deadlines.reply).toMatchObject({
      date: '2026-09-07',
      dueAt: '2026-09-07T22:59:59.999Z',
    });

    h.at('2026-09-01T09:00:00Z');
    const tooSoon = await refusal(
      h.engine.dispatch(
        pipId,
        { type: 'DECIDE', decision: 'remove', documents: [doc('decisionLetter')] },
        { actor: senior },
      ),
    );
    expect(codes(tooSoon)).toEqual(['REPLY_WINDOW_OPEN']);
    // The worker proposes another time for the hearing (their companion cannot come).
    await h.send(pipId, { type: 'SUBMIT_REPLY' }, employee);

    h.at('2026-09-10T09:00:00Z');
    await h.send(
      pipId,
      { type: 'DECIDE', decision: 'remove', documents: [doc('decisionLetter')] },
      senior,
    );
    pip = await h.load(pipId);
    expect(pip.state).toBe('terminated');
    // Appeal within 5 working days after Thu 10 Sep: Thu 17 Sep, end of day BST.
    expect(pip.context.outcome).toMatchObject({
      effectiveAt: '2026-09-10T09:00:00.000Z',
      appealUntil: { date: '2026-09-17', dueAt: '2026-09-17T22:59:59.999Z' },
    });
  });

  it('counts the companion window on the Scottish calendar for an employee in Scotland', async () => {
    const { h, pipId } = await toHearing('GB-SCT', '2026-09-03');
    h.at('2026-08-28T09:00:00Z');
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('hearingInvitation')] },
      manager,
    );
    // 31 Aug is a working day in Scotland: Fri 4 Sep.
    expect((await h.load(pipId)).context.deadlines.reply?.date).toBe('2026-09-04');
  });

  it('keeps a passed improvement note current for 6 months counted from its issue day', async () => {
    const { h, pipId } = await toHearing();
    h.at('2026-09-01T09:00:00Z');
    await h.send(pipId, { type: 'PASS' }, manager);
    const pip = await h.load(pipId);
    // Bevan Ashford v Malin: the issue day counts, so 28 May + 6 months ends 27 Nov (GMT by then).
    expect(pip.context.deadlines.watch).toMatchObject({
      date: '2026-11-27',
      dueAt: '2026-11-27T23:59:59.999Z',
    });
  });
});

describe('month ends in the presets (BGB section 188(3) rule)', () => {
  it('ends a timescale that starts on a day the last month lacks on that month last day', () => {
    const calendar = createCalendar({
      ...presetCalendars.englandAndWales,
      timeZone: 'Europe/London',
    });
    const plan = acas.document.plan.duration;
    // 3 months from Mon 30 Nov 2026: there is no 30 February, so the period ends Sun 28 Feb 2027
    // (clamping first and then taking a day off would end it a day early, on 27 Feb).
    expect(computeDueDate('2026-11-30T10:00:00Z', plan, calendar).date).toBe('2027-02-28');
    expect(computeDueDate('2027-01-31T10:00:00Z', plan, calendar).date).toBe('2027-04-30');
    // A start day that exists in the last month: the day before it, as before.
    expect(computeDueDate('2026-05-28T09:00:00Z', plan, calendar).date).toBe('2026-08-27');
    const federalWatch = presets.usFederal432.document.watchWindow;
    if (federalWatch === undefined) throw new Error('the federal preset has a watch window');
    const newYork = createCalendar({ timeZone: 'America/New_York' });
    expect(computeDueDate('2028-02-29T15:00:00Z', federalWatch, newYork).date).toBe('2029-02-28');
  });
});
