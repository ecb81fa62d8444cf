import { describe, expect, it } from 'vitest';
import { presets } from '../presets.js';
import { definePolicy } from '../policy/definePolicy.js';
import { ukAcasCapabilityDocument } from '../policy/presets/ukAcasCapability.js';
import { durations } from '../calendar/duration.js';
import { codes, hr, manager, refusal } from '../policy/presets/__fixtures__/presetHarness.js';
import { issuedInLondon, postpone, scheduleHearing } from './__fixtures__/meetingCommands.js';

/** A UK capability plan issued Monday 11 May 2026 in London; the clock then Tuesday 12 May 10:00 BST. */
const issued = () => issuedInLondon([presets.ukAcasCapability]);

describe('meetings and hearings (Acas Code; ERA 1999 s.10)', () => {
  it('needs 5 days’ notice: invited Tuesday 12 May, a hearing may be held from Monday 18 May', async () => {
    const { h, pipId } = await issued();
    const short = await refusal(
      h.engine.dispatch(pipId, scheduleHearing({ at: '2026-05-15T10:00' }), { actor: manager }),
    );
    expect(codes(short)).toEqual(['MEETING_NOTICE_TOO_SHORT']);
    expect(short.issues[0]?.message).toContain('2026-05-18 or later');
    // The five days of notice are Wed 13 to Sun 17 May: a hearing on their last day would give
    // the employee four clear days, not five (the invitation and hearing days are not counted).
    const lastDayOfNotice = await refusal(
      h.engine.dispatch(pipId, scheduleHearing({ at: '2026-05-17T23:00' }), { actor: manager }),
    );
    expect(codes(lastDayOfNotice)).toEqual(['MEETING_NOTICE_TOO_SHORT']);
    await h.send(
      pipId,
      scheduleHearing({ at: '2026-05-19T10:00', companion: { type: 'tradeUnionOfficial' } }),
      manager,
    );
    const pip = await h.load(pipId);
    expect(pip.context.meetings?.['hearing-1']).toMatchObject({
      kind: 'hearing',
      at: '2026-05-19T09:00:00.000Z',
      local: '2026-05-19T10:00',
      proposedDate: '2026-05-19',
      status: 'scheduled',
      companion: { type: 'tradeUnionOfficial' },
    });
    expect(pip.context.deadlines['meeting:hearing-1']).toEqual({
      id: 'meeting:hearing-1',
      kind: 'meeting',
      date: '2026-05-19',
      dueAt: '2026-05-19T22:59:59.999Z',
      scheduledAt: '2026-05-19T09:00:00.000Z',
    });
  });

  it('counts the companion window from the time the employer last proposed: moved by the employer to Wednesday 20 May, the companion may move it to Thursday 28 May', async () => {
    // s.10(5): five working days beginning with the first working day after the day proposed by
    // the employer. Once the employer itself moves the hearing, that new day is the one it proposed.
    const twoMoves = definePolicy({
      ...ukAcasCapabilityDocument,
      id: 'uk-acas-two-moves',
      meetings: {
        ...ukAcasCapabilityDocument.meetings,
        hearing: {
          minNotice: durations.daysAfter(5),
          companion: true,
          postponement: { within: durations.businessDaysAfter(5), maxCount: 2 },
        },
      },
    });
    const { h, pipId } = await issuedInLondon([twoMoves]);
    await h.send(
      pipId,
      scheduleHearing({ at: '2026-05-19T10:00', companion: { type: 'tradeUnionOfficial' } }),
      manager,
    );
    await h.send(pipId, postpone('2026-05-20T10:00', 'employerUnavailable'), manager);
    expect((await h.load(pipId)).context.meetings?.['hearing-1']).toMatchObject({
      proposedDate: '2026-05-20',
      postponements: 1,
    });
    // Thu 21, Fri 22, (Mon 25 May is a bank holiday) Tue 26, Wed 27, Thu 28.
    const far = await refusal(
      h.engine.dispatch(pipId, postpone('2026-05-29T10:00', 'companionUnavailable'), { actor: hr }),
    );
    expect(codes(far)).toEqual(['MEETING_POSTPONED_TOO_FAR']);
    expect(far.issues[0]?.message).toContain('2026-05-28 at the latest');
    await h.send(pipId, postpone('2026-05-28T10:00', 'companionUnavailable'), hr);
    expect((await h.load(pipId)).context.meetings?.['hearing-1']).toMatchObject({
      at: '2026-05-28T09:00:00.000Z',
      proposedDate: '2026-05-20',
      postponements: 2,
    });
  });

  it('moves a hearing for the companion within 5 working days after the proposed day: Wednesday 27 May, past the Spring bank holiday', async () => {
    const { h, pipId } = await issued();
    await h.send(
      pipId,
      scheduleHearing({
        at: '2026-05-19T10:00',
        companion: { type: 'workplaceColleague', id: 'emp-9' },
      }),
      manager,
    );
    // Wed 20, Thu 21, Fri 22, (Mon 25 May is a bank holiday) Tue 26, Wed 27.
    const far = await refusal(
      h.engine.dispatch(pipId, postpone('2026-05-28T10:00', 'companionUnavailable'), {
        actor: manager,
      }),
    );
    expect(codes(far)).toEqual(['MEETING_POSTPONED_TOO_FAR']);
    expect(far.issues[0]?.message).toContain('2026-05-27 at the latest');
    await h.send(pipId, postpone('2026-05-27T14:00', 'companionUnavailable'), manager);
    let pip = await h.load(pipId);
    expect(pip.context.meetings?.['hearing-1']).toMatchObject({
      at: '2026-05-27T13:00:00.000Z',
      postponements: 1,
      proposedDate: '2026-05-19',
    });
    expect(pip.context.deadlines['meeting:hearing-1']?.date).toBe('2026-05-27');
    const again = await refusal(
      h.engine.dispatch(pipId, postpone('2026-05-26T10:00', 'companionUnavailable'), {
        actor: manager,
      }),
    );
    expect(codes(again)).toEqual(['MEETING_POSTPONEMENT_LIMIT']);

    // It cannot be recorded before it starts; then it is held with the companion.
    h.at('2026-05-27T12:00:00Z');
    const early = await refusal(
      h.engine.dispatch(
        pipId,
        { type: 'RECORD_MEETING', meetingId: 'hearing-1', outcome: 'held' },
        { actor: hr },
      ),
    );
    expect(codes(early)).toEqual(['MEETING_NOT_STARTED']);
    h.at('2026-05-27T14:30:00Z');
    await h.send(
      pipId,
      { type: 'RECORD_MEETING', meetingId: 'hearing-1', outcome: 'held', companionAttended: true },
      hr,
    );
    pip = await h.load(pipId);
    expect(pip.context.meetings?.['hearing-1']).toMatchObject({
      status: 'held',
      companionAttended: true,
    });
    expect(pip.context.deadlines['meeting:hearing-1']).toBeUndefined();
    const statuses = await h.engine.deadlines(pipId, { actor: hr });
    expect(statuses.find((d) => d.id === 'meeting:hearing-1')?.status).toBe('met');
  });

  it('flags a meeting not recorded by the end of its day as overdue, and a late record meets it', async () => {
    const { h, pipId } = await issued();
    await h.send(
      pipId,
      scheduleHearing({ meetingId: 'review-1', kind: 'reviewMeeting', at: '2026-06-02T10:00' }),
      manager,
    );
    // The last instant of Tuesday 2 June in London is 22:59:59.999Z.
    h.at('2026-06-02T22:59:59.000Z');
    expect(await h.tick()).not.toContain('meeting:review-1:MEETING_OVERDUE');
    h.at('2026-06-02T23:00:00.000Z');
    expect(await h.tick()).toContain('meeting:review-1:MEETING_OVERDUE');
    expect((await h.load(pipId)).context.meetings?.['review-1']?.overdue).toBe(true);
    h.at('2026-06-03T08:00:00.000Z');
    await h.send(pipId, { type: 'RECORD_MEETING', meetingId: 'review-1', outcome: 'noShow' }, hr);
    const statuses = await h.engine.deadlines(pipId, { actor: hr });
    expect(statuses.find((d) => d.id === 'meeting:review-1')).toMatchObject({
      status: 'met',
      late: true,
    });
    expect((await h.load(pipId)).context.meetings?.['review-1']?.status).toBe('noShow');
  });

  it('refuses kinds the policy does not name, companions it does not allow, and times that are past or not real', async () => {
    const { h, pipId } = await issued();
    const unknown = await refusal(
      h.engine.dispatch(pipId, scheduleHearing({ kind: 'hearnig', at: '2026-06-01T10:00' }), {
        actor: manager,
      }),
    );
    expect(codes(unknown)).toEqual(['MEETING_KIND_NOT_IN_POLICY']);
    expect(unknown.issues[0]?.message).toContain('reviewMeeting, hearing, appealHearing');
    const companion = await refusal(
      h.engine.dispatch(
        pipId,
        scheduleHearing({
          kind: 'reviewMeeting',
          at: '2026-06-01T10:00',
          companion: { type: 'other' },
        }),
        { actor: manager },
      ),
    );
    expect(codes(companion)).toEqual(['COMPANION_NOT_ALLOWED']);
    const past = await refusal(
      h.engine.dispatch(pipId, scheduleHearing({ kind: 'reviewMeeting', at: '2026-05-12T09:30' }), {
        actor: manager,
      }),
    );
    expect(codes(past)).toEqual(['MEETING_IN_PAST']);
    const unreal = await refusal(
      h.engine.dispatch(pipId, scheduleHearing({ kind: 'reviewMeeting', at: '2026-02-30T10:00' }), {
        actor: manager,
      }),
    );
    expect(codes(unreal)).toEqual(['MEETING_TIME_INVALID']);
    // `__proto__` and friends are not kinds: only the policy's own names are.
    const proto = await refusal(
      h.engine.dispatch(pipId, scheduleHearing({ kind: 'constructor', at: '2026-06-01T10:00' }), {
        actor: manager,
      }),
    );
    expect(codes(proto)).toEqual(['MEETING_KIND_NOT_IN_POLICY']);
    expect((await h.load(pipId)).context.meetings).toBeUndefined();
  });

  it('resolves a local time that happens twice to the earlier instant (London, 25 October 2026, 01:30)', async () => {
    const { h, pipId } = await issued();
    await h.send(
      pipId,
      scheduleHearing({ meetingId: 'late-night', kind: 'reviewMeeting', at: '2026-10-25T01:30' }),
      manager,
    );
    expect((await h.load(pipId)).context.meetings?.['late-night']?.at).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('cancels a meeting, and a cancelled one can be neither moved nor recorded', async () => {
    const { h, pipId } = await issued();
    await h.send(pipId, scheduleHearing({ at: '2026-05-19T10:00' }), manager);
    await h.send(pipId, { type: 'CANCEL_MEETING', meetingId: 'hearing-1' }, hr);
    const pip = await h.load(pipId);
    expect(pip.context.meetings?.['hearing-1']?.status).toBe('cancelled');
    expect(pip.context.deadlines['meeting:hearing-1']).toBeUndefined();
    const moved = await refusal(
      h.engine.dispatch(
        pipId,
        {
          type: 'POSTPONE_MEETING',
          meetingId: 'hearing-1',
          to: '2026-05-20T10:00',
          reason: 'employerUnavailable',
        },
        { actor: manager },
      ),
    );
    expect(codes(moved)).toEqual(['MEETING_NOT_SCHEDULED']);
    const missing = await refusal(
      h.engine.dispatch(pipId, { type: 'CANCEL_MEETING', meetingId: 'nope' }, { actor: hr }),
    );
    expect(codes(missing)).toEqual(['MEETING_NOT_FOUND']);
  });
});
