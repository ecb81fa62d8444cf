import { describe, expect, it } from 'vitest';
import { durations } from '../calendar/duration.js';
import { PolicyValidationError } from '../errors/pipkitError.js';
import { definePolicy } from '../policy/definePolicy.js';
import type { PolicyDocumentInput } from '../policy/policySchema.js';
import { ukAcasCapabilityDocument } from '../policy/presets/ukAcasCapability.js';
import {
  codes,
  doc,
  employee,
  hr,
  manager,
  presetHarness,
  refusal,
  senior,
} from '../policy/presets/__fixtures__/presetHarness.js';
import type { CommandOf } from '../model/commands.js';
import { LONDON, postpone } from './__fixtures__/meetingCommands.js';

/** The Acas preset, with an appeal heard "within 5 working days" of the appeal. */
const document = (hearWithin: unknown = durations.businessDaysAfter(5)): PolicyDocumentInput =>
  ({
    ...ukAcasCapabilityDocument,
    id: 'uk-appeal-heard-within-5-working-days',
    appeals: { ...ukAcasCapabilityDocument.appeals, hearWithin },
  }) as PolicyDocumentInput;

const hearing = (at: string): CommandOf<'SCHEDULE_MEETING'> => ({
  type: 'SCHEDULE_MEETING',
  meetingId: 'appeal-1',
  kind: 'appealHearing',
  at,
  attendees: ['senior-1'],
  companion: { type: 'tradeUnionOfficial' },
});

/** A first warning issued Mon 18 May 2026 in London, appealed on Wed 20 May. */
async function appealed() {
  const h = presetHarness([definePolicy(document())], {
    start: '2026-05-18T09:00:00Z',
    timeZone: LONDON,
  });
  const { pipId } = await h.open();
  await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
  await h.send(pipId, { type: 'ISSUE_STAGE', stage: 'firstWarning' }, hr);
  h.at('2026-05-20T09:00:00Z');
  return { h, pipId };
}

describe('the time to hear an appeal (appeals.hearWithin)', () => {
  it('sets the appeal hearing by the fifth working day after the appeal: lodged Wed 20 May, Thu 28 May past the Spring bank holiday', async () => {
    const { h, pipId } = await appealed();
    // Before an appeal is lodged, the hearing of an appeal is not bounded by it.
    const before = await h.engine.explain(pipId, hearing('2026-06-05T10:00'), { actor: hr });
    expect(before.accepted).toBe(true);
    await h.send(pipId, { type: 'APPEAL', against: 'firstWarning' }, employee);
    h.at('2026-05-20T11:00:00Z');
    // Thu 21, Fri 22, (Mon 25 May is a bank holiday) Tue 26, Wed 27, Thu 28 May.
    const late = await refusal(
      h.engine.dispatch(pipId, hearing('2026-05-29T10:00'), { actor: hr }),
    );
    expect(late.issues).toEqual([
      {
        code: 'APPEAL_HEARING_TOO_LATE',
        path: ['at'],
        message:
          'The appeal against the first written warning (improvement note) lodged on 2026-05-20 is heard by 2026-05-28: the appealHearing may be held on that day at the latest.',
      },
    ]);
    await h.send(pipId, hearing('2026-05-28T10:00'), hr);
    expect((await h.load(pipId)).context.meetings?.['appeal-1']).toMatchObject({
      proposedDate: '2026-05-28',
      status: 'scheduled',
    });
  });

  it('refuses to move the hearing past that day, except for the companion (ERA 1999 s.10(4)-(5))', async () => {
    const { h, pipId } = await appealed();
    await h.send(pipId, { type: 'APPEAL', against: 'firstWarning' }, employee);
    await h.send(pipId, hearing('2026-05-28T10:00'), hr);
    h.at('2026-05-21T09:00:00Z');
    const explained = await h.engine.explain(
      pipId,
      postpone('2026-05-29T10:00', 'employerUnavailable', 'appeal-1'),
      {
        actor: hr,
      },
    );
    expect(explained.accepted).toBe(false);
    expect(explained.issues.map((entry) => entry.code)).toEqual(['APPEAL_HEARING_TOO_LATE']);
    expect(explained.issues[0]?.message).toContain('heard by 2026-05-28');
    expect(
      codes(
        await refusal(
          h.engine.dispatch(pipId, postpone('2026-05-29T10:00', 'other', 'appeal-1'), {
            actor: hr,
          }),
        ),
      ),
    ).toEqual(['APPEAL_HEARING_TOO_LATE']);
    // The companion cannot come: s.10(5) from Thu 28 May allows Fri 29 May, the statutory right.
    await h.send(pipId, postpone('2026-05-29T10:00', 'companionUnavailable', 'appeal-1'), hr);
    h.at('2026-05-29T12:00:00Z');
    await h.send(pipId, { type: 'RECORD_MEETING', meetingId: 'appeal-1', outcome: 'held' }, hr);
    await h.send(pipId, { type: 'RECORD_APPEAL_OUTCOME', outcome: 'upheld' }, senior);
    expect((await h.load(pipId)).context.appeals?.[0]?.status).toBe('upheld');
  });

  it('refuses a zero time to hear, and one without the meeting kind appeals are heard at, at definePolicy', () => {
    const problems = (input: PolicyDocumentInput) => {
      try {
        definePolicy(input);
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyValidationError);
        return (error as PolicyValidationError).issues.map((entry) => entry.path.join('.'));
      }
      throw new Error('expected the policy to be refused');
    };
    expect(problems({ ...document(durations.businessDaysAfter(0)), version: 0 })).toEqual(
      expect.arrayContaining(['version', 'appeals.hearWithin.amount']),
    );
    const base = document();
    const { hearing: _unused, ...unheard } = base.appeals as Record<string, unknown>;
    expect(problems({ ...base, appeals: unheard } as PolicyDocumentInput)).toEqual([
      'appeals.hearWithin',
    ]);
  });
});
