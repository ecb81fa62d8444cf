import { describe, expect, it } from 'vitest';
import { presets } from '../presets.js';
import { definePolicy } from '../policy/definePolicy.js';
import { ukAcasCapabilityDocument } from '../policy/presets/ukAcasCapability.js';
import { durations } from '../calendar/duration.js';
import {
  codes,
  doc,
  employee,
  hr,
  hr2,
  manager,
  presetHarness,
  refusal,
  senior,
} from '../policy/presets/__fixtures__/presetHarness.js';
import type { Actor, Command, Policy } from '../index.js';

const LONDON = 'Europe/London';

/** A UK capability plan issued in London at `start`. */
async function issued(start: string, policy: Policy = presets.ukAcasCapability) {
  const h = presetHarness([policy], { start, timeZone: LONDON });
  const { pipId } = await h.open();
  await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
  const refused = async (command: Command, actor: Actor) => {
    const before = (await h.engine.history(pipId, { actor: hr })).length;
    const error = await refusal(h.engine.dispatch(pipId, command, { actor }));
    // Nothing is written on a refusal.
    expect((await h.engine.history(pipId, { actor: hr })).length).toBe(before);
    return error;
  };
  return { h, pipId, refused };
}

describe('formal stages (Acas Code paras 18-22)', () => {
  it('keeps a 6-month first warning issued Mon 31 Aug 2026 live through Sun 28 Feb 2027, and refuses the next stage once it has expired', async () => {
    const { h, pipId, refused } = await issued('2026-08-31T09:00:00Z');
    await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'firstWarning' }, manager);
    const pip = await h.load(pipId);
    // 3 months from 31 Aug: there is no 31 Nov, so the review period ends Mon 30 Nov; 6 months: no
    // 31 Feb, so the warning is live through Sun 28 Feb 2027. 5 working days after Mon 31 Aug
    // (a bank holiday; counting starts the day after): Tue 1 to Mon 7 Sep.
    expect(pip.context.stages).toEqual([
      {
        number: 1,
        stage: 'firstWarning',
        issuedOn: '2026-08-31',
        issuedAt: '2026-08-31T09:00:00.000Z',
        issuedBy: 'mgr-1',
        reviewUntil: '2026-11-30',
        liveThrough: '2027-02-28',
        appealUntil: '2026-09-07',
      },
    ]);
    expect(pip.context.deadlines['warning:1']).toEqual({
      id: 'warning:1',
      kind: 'warning',
      date: '2027-02-28',
      dueAt: '2027-02-28T23:59:59.999Z',
    });
    expect(pip.context.deadlines['stageReview:1']?.dueAt).toBe('2026-11-30T23:59:59.999Z');
    expect(pip.context.deadlines['appealWindow:1']?.dueAt).toBe('2026-09-07T22:59:59.999Z');

    const finalWarning: Command = { type: 'ISSUE_STAGE', stage: 'finalWarning' };
    h.at('2026-11-30T12:00:00Z');
    const early = await refused(finalWarning, manager);
    expect(codes(early)).toEqual(['REVIEW_PERIOD_RUNNING']);
    expect(early.issues[0]?.message).toContain('runs through 2026-11-30');
    expect(early.issues[0]?.message).toContain('may start from 2026-12-01');
    h.at('2027-02-28T12:00:00Z');
    expect(await h.engine.explain(pipId, finalWarning, { actor: manager })).toMatchObject({
      accepted: true,
      events: ['STAGE_ISSUED'],
    });
    h.at('2027-03-01T00:00:00Z');
    expect(await h.tick()).toContain('warning:1:WARNING_EXPIRED');
    h.at('2027-03-01T09:00:00Z');
    const expired = await refused(finalWarning, manager);
    expect(codes(expired)).toEqual(['WARNING_EXPIRED']);
    expect(expired.issues[0]?.message).toContain(
      'issued 2026-08-31 was live through 2027-02-28; on 2027-03-01 it has expired',
    );
    // The ladder starts again: a new first warning.
    await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'firstWarning' }, manager);
    expect((await h.load(pipId)).context.stages?.[1]).toMatchObject({
      number: 2,
      issuedOn: '2027-03-01',
      reviewUntil: '2027-05-31',
      liveThrough: '2027-08-31',
    });
  });

  it('issues a final warning the day after the first one’s review period, dated from its own issue day', async () => {
    const { h, pipId } = await issued('2026-08-31T09:00:00Z');
    await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'firstWarning' }, manager);
    h.at('2026-12-01T10:00:00Z');
    await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'finalWarning' }, manager);
    // 1 Dec + 3 months counted from the issue day ends 28 Feb 2027; + 12 months, 30 Nov 2027;
    // 5 working days after Tue 1 Dec end Tue 8 Dec.
    expect((await h.load(pipId)).context.stages?.[1]).toMatchObject({
      number: 2,
      stage: 'finalWarning',
      reviewUntil: '2027-02-28',
      liveThrough: '2027-11-30',
      appealUntil: '2026-12-08',
    });
  });

  it('refuses a stage that skips one without an allowed reason, a stage not in the ladder, and one already reached', async () => {
    const { h, pipId, refused } = await issued('2026-05-28T09:00:00Z');
    const skipped = await refused({ type: 'ISSUE_STAGE', stage: 'finalWarning' }, manager);
    expect(skipped.issues).toEqual([
      {
        code: 'STAGE_SKIPPED',
        path: ['stage'],
        message:
          'The final written warning skips the first written warning (improvement note): it may be skipped only for: seriousImpact (give skipReason).',
      },
    ]);
    const wrongReason = await refused(
      { type: 'ISSUE_STAGE', stage: 'finalWarning', skipReason: 'urgent' },
      manager,
    );
    expect(codes(wrongReason)).toEqual(['STAGE_NOT_SKIPPABLE']);
    expect(codes(await refused({ type: 'ISSUE_STAGE', stage: 'dismissal' }, manager))).toEqual([
      'STAGE_IS_DECISION',
    ]);
    const unknown = await refused({ type: 'ISSUE_STAGE', stage: 'oralWarning' }, manager);
    expect(unknown.issues[0]).toMatchObject({
      code: 'STAGE_NOT_IN_POLICY',
      message:
        'The policy has no stage "oralWarning"; its stages: firstWarning, finalWarning, dismissal.',
    });
    const needless = await refused(
      { type: 'ISSUE_STAGE', stage: 'firstWarning', skipReason: 'seriousImpact' },
      manager,
    );
    expect(codes(needless)).toEqual(['SKIP_REASON_WITHOUT_SKIP']);
    await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'firstWarning' }, manager);
    const again = await refused({ type: 'ISSUE_STAGE', stage: 'firstWarning' }, hr);
    expect(again.issues[0]?.message).toBe(
      'The first written warning (improvement note) issued 2026-05-28 is live through 2026-11-27; the next stage is the final written warning.',
    );
    // The employee does not issue warnings.
    expect(
      codes(await refused({ type: 'ISSUE_STAGE', stage: 'finalWarning' }, employee)),
    ).toContain('ROLE_NOT_ALLOWED');
  });
});

describe('appeals against stages (Acas Code paras 26-29)', () => {
  it('takes an appeal within 5 working days, needs its hearing and an independent decider, and an overturned warning no longer counts', async () => {
    const { h, pipId, refused } = await issued('2026-05-28T09:00:00Z');
    await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'firstWarning' }, hr);
    const appeal: Command = { type: 'APPEAL', against: 'firstWarning' };
    // Thu 28 May: Fri 29, Mon 1, Tue 2, Wed 3, Thu 4 Jun.
    h.at('2026-06-05T09:00:00Z');
    const late = await h.engine.explain(pipId, appeal, { actor: employee });
    expect(late.issues).toEqual([
      {
        code: 'APPEAL_OUT_OF_TIME',
        path: ['against'],
        message:
          'An appeal against the first written warning (improvement note) could be lodged from 2026-05-28 to 2026-06-04; today is 2026-06-05.',
      },
    ]);
    h.at('2026-06-04T14:00:00Z');
    expect(codes(await refused(appeal, manager))).toContain('ROLE_NOT_ALLOWED');
    expect(codes(await refused({ type: 'APPEAL', against: 'finalWarning' }, employee))).toEqual([
      'NOTHING_TO_APPEAL',
    ]);
    await h.send(pipId, appeal, employee);
    expect(codes(await refused(appeal, employee))).toEqual(['APPEAL_PENDING']);

    const overturn: Command = { type: 'RECORD_APPEAL_OUTCOME', outcome: 'overturned' };
    const unheard = await refused(overturn, senior);
    expect(codes(unheard)).toEqual(['APPEAL_HEARING_NOT_HELD']);
    // The appeal hearing on 5 days' notice from Thu 4 Jun (Fri 5 to Tue 9 Jun): Wed 10 Jun.
    await h.send(
      pipId,
      {
        type: 'SCHEDULE_MEETING',
        meetingId: 'appeal-1',
        kind: 'appealHearing',
        at: '2026-06-10T10:00',
        attendees: ['senior-1'],
      },
      hr,
    );
    h.at('2026-06-10T12:00:00Z');
    await h.send(pipId, { type: 'RECORD_MEETING', meetingId: 'appeal-1', outcome: 'held' }, hr);
    const involved = await refused(overturn, hr);
    expect(involved.code).toBe('FORBIDDEN');
    expect(codes(involved)).toEqual(['SEPARATION_OF_DUTIES']);
    expect(
      codes(
        await refused(
          { type: 'RECORD_APPEAL_OUTCOME', outcome: 'varied', stage: 'finalWarning' },
          senior,
        ),
      ),
    ).toEqual(['APPEAL_REPLACEMENT_INVALID']);
    expect(
      codes(
        await refused(
          { type: 'RECORD_APPEAL_OUTCOME', outcome: 'upheld', stage: 'firstWarning' },
          senior,
        ),
      ),
    ).toEqual(['APPEAL_REPLACEMENT_NOT_ALLOWED']);
    await h.send(pipId, overturn, senior);

    const pip = await h.load(pipId);
    expect(pip.context.stages?.[0]?.appeal).toBe('overturned');
    expect(pip.context.appeals).toEqual([
      {
        against: 'firstWarning',
        stageNumber: 1,
        lodgedAt: '2026-06-04T14:00:00.000Z',
        lodgedBy: 'emp-1',
        status: 'overturned',
        decidedAt: '2026-06-10T12:00:00.000Z',
        decidedBy: 'senior-1',
      },
    ]);
    expect(
      ['stageReview:1', 'warning:1', 'appealWindow:1'].filter((id) => id in pip.context.deadlines),
    ).toEqual([]);
    const statuses = await h.engine.deadlines(pipId, { actor: hr });
    const status = (id: string) => statuses.find((entry) => entry.id === id)?.status;
    expect([status('appealWindow:1'), status('warning:1'), status('stageReview:1')]).toEqual([
      'met',
      'cancelled',
      'cancelled',
    ]);
    expect(codes(await refused(overturn, senior))).toEqual(['NO_PENDING_APPEAL']);
    expect(codes(await refused({ type: 'ISSUE_STAGE', stage: 'finalWarning' }, manager))).toEqual([
      'STAGE_SKIPPED',
    ]);
  });

  it('varies a final warning to a first warning dated from the original issue day', async () => {
    const { h, pipId } = await issued('2026-05-28T09:00:00Z');
    await h.send(
      pipId,
      { type: 'ISSUE_STAGE', stage: 'finalWarning', skipReason: 'seriousImpact' },
      manager,
    );
    h.at('2026-06-01T09:00:00Z');
    await h.send(pipId, { type: 'APPEAL', against: 'finalWarning' }, employee);
    await h.send(
      pipId,
      {
        type: 'SCHEDULE_MEETING',
        meetingId: 'appeal-1',
        kind: 'appealHearing',
        at: '2026-06-08T10:00',
        attendees: ['senior-1'],
      },
      hr,
    );
    h.at('2026-06-08T11:00:00Z');
    await h.send(pipId, { type: 'RECORD_MEETING', meetingId: 'appeal-1', outcome: 'held' }, hr);
    await h.send(
      pipId,
      { type: 'RECORD_APPEAL_OUTCOME', outcome: 'varied', stage: 'firstWarning' },
      senior,
    );
    const pip = await h.load(pipId);
    expect(pip.context.stages?.map((stage) => [stage.stage, stage.appeal ?? 'stands'])).toEqual([
      ['finalWarning', 'varied'],
      ['firstWarning', 'stands'],
    ]);
    expect(pip.context.stages?.[1]).toEqual({
      number: 2,
      stage: 'firstWarning',
      issuedOn: '2026-05-28',
      issuedAt: '2026-06-08T11:00:00.000Z',
      issuedBy: 'senior-1',
      reviewUntil: '2026-08-27',
      liveThrough: '2026-11-27',
      replaces: 1,
    });
    expect(pip.context.deadlines['warning:2']?.dueAt).toBe('2026-11-27T23:59:59.999Z');
    expect(pip.context.deadlines['warning:1']).toBeUndefined();
    expect(pip.context.appeals?.[0]).toMatchObject({
      status: 'varied',
      replacement: 'firstWarning',
    });
  });

  it('escalates a review period that ends and an appeal not decided in time, when the policy says so', async () => {
    const policy = definePolicy({
      ...ukAcasCapabilityDocument,
      id: 'acas-with-appeal-deadline',
      appeals: {
        ...ukAcasCapabilityDocument.appeals,
        decideWithin: durations.businessDaysAfter(5),
      },
      escalations: [
        { trigger: 'stageReviewDue', notify: ['manager'] },
        { trigger: 'appealOverdue', notify: ['hr'] },
      ],
    });
    const { h, pipId } = await issued('2026-05-28T09:00:00Z', policy);
    await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'firstWarning' }, manager);
    h.at('2026-06-01T09:00:00Z');
    await h.send(pipId, { type: 'APPEAL', against: 'firstWarning' }, employee);
    // 5 working days after Mon 1 Jun: Tue 2 to Mon 8 Jun.
    expect((await h.load(pipId)).context.deadlines.appealDecision).toEqual({
      id: 'appealDecision',
      kind: 'appealDecision',
      date: '2026-06-08',
      dueAt: '2026-06-08T22:59:59.999Z',
    });
    h.at('2026-06-08T23:00:00Z');
    expect(await h.tick()).toContain('appealDecision:APPEAL_OVERDUE+ESCALATED');
    await h.send(
      pipId,
      {
        type: 'SCHEDULE_MEETING',
        meetingId: 'appeal-1',
        kind: 'appealHearing',
        at: '2026-06-15T10:00',
        attendees: ['senior-1'],
      },
      hr,
    );
    h.at('2026-06-15T12:00:00Z');
    await h.send(pipId, { type: 'RECORD_MEETING', meetingId: 'appeal-1', outcome: 'held' }, hr);
    await h.send(pipId, { type: 'RECORD_APPEAL_OUTCOME', outcome: 'upheld' }, hr2);
    const decided = (await h.engine.deadlines(pipId, { actor: hr })).find(
      (entry) => entry.id === 'appealDecision',
    );
    expect(decided).toMatchObject({ status: 'met', late: true });
    // The upheld warning's review period ends Thu 27 Aug (end of day BST).
    h.at('2026-08-27T23:00:00Z');
    expect(await h.tick()).toContain('stageReview:1:STAGE_REVIEW_DUE+ESCALATED');
  });
});

describe('the decision stage: dismissal follows a live final warning', () => {
  it('refuses a dismissal without a final warning whose review is over, takes an appeal against it after the plan has ended, and an overturned dismissal reinstates', async () => {
    const { h, pipId, refused } = await issued('2026-05-28T09:00:00Z');
    h.at('2026-05-29T09:00:00Z');
    await h.send(
      pipId,
      { type: 'ACKNOWLEDGE', documentSha256: doc('planDocument').sha256 },
      employee,
    );
    h.at('2026-08-28T09:00:00Z');
    await h.tick();
    await h.send(
      pipId,
      { type: 'PROPOSE_TERMINATION', documents: [doc('hearingInvitation')] },
      manager,
    );
    h.at('2026-09-10T09:00:00Z');
    expect(await h.tick()).toContain('reply:REPLY_WINDOW_CLOSED');
    const dismiss: Command = {
      type: 'DECIDE',
      decision: 'remove',
      documents: [doc('decisionLetter')],
    };
    const unwarned = await refused(dismiss, senior);
    expect(unwarned.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['STAGE_SKIPPED', ['decision']],
      ['STAGE_SKIPPED', ['decision']],
    ]);
    expect(unwarned.issues[1]?.message).toBe(
      'The dismissal skips the final written warning: it may not be skipped.',
    );
    await h.send(
      pipId,
      { type: 'ISSUE_STAGE', stage: 'finalWarning', skipReason: 'seriousImpact' },
      manager,
    );
    const tooSoon = await refused(dismiss, senior);
    expect(tooSoon.issues[0]?.message).toBe(
      'The review period of the final written warning runs through 2026-12-09: the dismissal may start from 2026-12-10.',
    );
    h.at('2026-12-10T10:00:00Z');
    await h.send(pipId, dismiss, senior);
    expect((await h.load(pipId)).context.outcome?.appealUntil?.date).toBe('2026-12-17');
    // 5 working days after Thu 10 Dec: Fri 11, Mon 14 to Thu 17 Dec.
    const appeal: Command = { type: 'APPEAL', against: 'dismissal' };
    h.at('2026-12-18T10:00:00Z');
    expect((await h.engine.explain(pipId, appeal, { actor: employee })).issues[0]?.message).toBe(
      'An appeal against the dismissal could be lodged from 2026-12-10 to 2026-12-17; today is 2026-12-18.',
    );
    h.at('2026-12-17T10:00:00Z');
    // The ended record takes the appeal letter with the appeal.
    await h.send(pipId, { ...appeal, documents: [doc('appealLetter')] }, employee);
    expect((await h.load(pipId)).context.documents.at(-1)?.kind).toBe('appealLetter');
    h.at('2026-12-22T10:00:00Z');
    const decider = await refused({ type: 'RECORD_APPEAL_OUTCOME', outcome: 'overturned' }, senior);
    expect(decider.issues.map((issue) => issue.code)).toEqual(['SEPARATION_OF_DUTIES']);
    await h.send(pipId, { type: 'RECORD_APPEAL_OUTCOME', outcome: 'overturned' }, hr);
    // Overturned on appeal, the dismissal no longer stands: the employee is reinstated (Acas Code
    // paras 26-29), and the record says which decision was overturned, by whom and when.
    const pip = await h.load(pipId);
    expect(pip.state).toBe('reinstated');
    expect(pip.context.outcome).toMatchObject({
      status: 'reinstated',
      reason: 'removed',
      overturned: { at: '2026-12-22T10:00:00.000Z', by: 'hr-1' },
    });
    const history = await h.engine.history(pipId, { actor: hr });
    expect(history.at(-1)?.event).toMatchObject({
      type: 'APPEAL_DECIDED',
      against: 'dismissal',
      outcome: 'overturned',
      reinstates: true,
    });
    expect(await h.engine.verify(pipId, { actor: hr })).toMatchObject({ ok: true });
    const reinstated = await h.engine.query({ outcomes: ['reinstated'] }, { actor: hr });
    expect(reinstated.pips.map((entry) => [entry.pipId, entry.state])).toEqual([
      [pipId, 'reinstated'],
    ]);
    expect((await h.engine.query({ outcomes: ['terminated'] }, { actor: hr })).pips).toEqual([]);
    // Nothing moves after it: the reinstated record takes no more commands.
    const after = await h.engine.explain(
      pipId,
      { type: 'APPEAL', against: 'dismissal' },
      {
        actor: employee,
      },
    );
    expect(after.accepted).toBe(false);
    expect(pip.context.appeals).toEqual([
      {
        against: 'dismissal',
        lodgedAt: '2026-12-17T10:00:00.000Z',
        lodgedBy: 'emp-1',
        status: 'overturned',
        decidedAt: '2026-12-22T10:00:00.000Z',
        decidedBy: 'hr-1',
      },
    ]);
  });
});

describe('stages and appeals that contradict each other', () => {
  it('refuses the policy at definePolicy, listing every problem', () => {
    const attempt = () =>
      definePolicy({
        ...ukAcasCapabilityDocument,
        id: 'contradictory-ladder',
        stages: [
          { id: 'dismissal', label: 'dismissal', decisions: ['remove'] },
          {
            id: 'firstWarning',
            label: 'first warning',
            reviewPeriod: durations.inclusiveMonths(6),
            warningLife: durations.inclusiveMonths(3),
          },
          { id: 'firstWarning', label: 'again', skippableFor: ['seriousImpact'] },
        ],
        appeals: {
          window: durations.businessDaysAfter(10),
          against: ['oralWarning'],
          hearing: 'panelHearing',
        },
      });
    expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
    const caught = (() => {
      try {
        attempt();
      } catch (error) {
        return error as { issues: { path: (string | number)[] }[] };
      }
      return undefined;
    })();
    expect(caught?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'stages.0.decisions',
      'stages.1.warningLife',
      'stages.2.id',
      'stages.2.skippableFor',
      'appeals.against.0',
      'appeals.hearing',
    ]);
  });
});
