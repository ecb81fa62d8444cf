import { describe, expect, it } from 'vitest';
import { durations } from '../calendar/duration.js';
import { PolicyValidationError } from '../errors/pipkitError.js';
import { definePolicy } from '../policy/definePolicy.js';
import type { PolicyDocumentInput } from '../policy/policySchema.js';
import { ukAcasCapabilityDocument } from '../policy/presets/ukAcasCapability.js';
import { codes, hr, manager, refusal } from '../policy/presets/__fixtures__/presetHarness.js';
import { issuedInLondon, postpone, scheduleHearing } from './__fixtures__/meetingCommands.js';

/**
 * A hearing that may be "postponed up to one week, on one occasion only" whatever the reason
 * (University of Exeter, capability procedure), alongside the companion's window of ERA 1999
 * s.10(5). Two moves are allowed here so that both windows can be seen on one hearing.
 */
function oneWeekDocument(
  anyReasonWithin: unknown = durations.daysAfter(7),
  maxCount = 2,
): PolicyDocumentInput {
  return {
    ...ukAcasCapabilityDocument,
    id: 'uk-one-week-postponement',
    meetings: {
      ...ukAcasCapabilityDocument.meetings,
      hearing: {
        minNotice: durations.daysAfter(5),
        companion: true,
        postponement: {
          within: durations.businessDaysAfter(5),
          anyReasonWithin,
          maxCount,
        },
      },
    },
  } as PolicyDocumentInput;
}

/** Plan issued Monday 11 May 2026; hearing proposed on Tuesday 12 May for Tuesday 19 May 10:00. */
async function hearingOn19May(maxCount = 2) {
  const policy = definePolicy(oneWeekDocument(durations.daysAfter(7), maxCount));
  const { h, pipId } = await issuedInLondon([policy]);
  await h.send(
    pipId,
    scheduleHearing({ at: '2026-05-19T10:00', companion: { type: 'tradeUnionOfficial' } }),
    manager,
  );
  return { h, pipId };
}

describe('a postponement window for any reason (postponement.anyReasonWithin)', () => {
  it('bounds an employer move to one week after the proposed day: from Tuesday 19 May, Tuesday 26 May at the latest', async () => {
    const { h, pipId } = await hearingOn19May();
    // daysAfter(7) from Tue 19 May: Wed 20 ... Tue 26 May is the seventh day.
    const late = await refusal(
      h.engine.dispatch(pipId, postpone('2026-05-27T10:00', 'employerUnavailable'), { actor: hr }),
    );
    expect(codes(late)).toEqual(['MEETING_POSTPONED_OUT_OF_WINDOW']);
    expect(late.issues[0]?.message).toContain('2026-05-26 at the latest');
    expect(late.issues[0]?.path).toEqual(['to']);
    const explained = await h.engine.explain(pipId, postpone('2026-05-27T10:00', 'other'), {
      actor: hr,
    });
    expect(explained.accepted).toBe(false);
    expect(explained.issues.map((entry) => entry.code)).toEqual([
      'MEETING_POSTPONED_OUT_OF_WINDOW',
    ]);
    await h.send(pipId, postpone('2026-05-26T16:00', 'employerUnavailable'), hr);
    expect((await h.load(pipId)).context.meetings?.['hearing-1']).toMatchObject({
      proposedDate: '2026-05-26',
      postponements: 1,
    });
  });

  it('holds a companion move to both windows: the s.10(5) window reaches Wednesday 27 May, one week only Tuesday 26 May', async () => {
    const { h, pipId } = await hearingOn19May();
    // s.10(5) from Tue 19 May: Wed 20, Thu 21, Fri 22, (Mon 25 is the Spring bank holiday)
    // Tue 26, Wed 27. One week from Tue 19 May ends Tue 26 May.
    const pastOneWeek = await refusal(
      h.engine.dispatch(pipId, postpone('2026-05-27T10:00', 'companionUnavailable'), { actor: hr }),
    );
    expect(codes(pastOneWeek)).toEqual(['MEETING_POSTPONED_OUT_OF_WINDOW']);
    expect(pastOneWeek.issues[0]?.message).toContain('2026-05-26 at the latest');
    const pastBoth = await h.engine.explain(
      pipId,
      postpone('2026-05-28T10:00', 'companionUnavailable'),
      { actor: hr },
    );
    expect(pastBoth.issues.map((entry) => entry.code)).toEqual([
      'MEETING_POSTPONED_OUT_OF_WINDOW',
      'MEETING_POSTPONED_TOO_FAR',
    ]);
    expect(pastBoth.issues[1]?.message).toContain('2026-05-27 at the latest');
    await h.send(pipId, postpone('2026-05-26T10:00', 'companionUnavailable'), hr);
    expect((await h.load(pipId)).context.deadlines['meeting:hearing-1']?.date).toBe('2026-05-26');
  });

  it('lists both refusals when the one occasion is used and the new day is past the week', async () => {
    const { h, pipId } = await hearingOn19May(1);
    await h.send(pipId, postpone('2026-05-21T10:00', 'other'), hr);
    // A move for another reason is not the employer proposing a new day: the week still counts
    // from Tue 19 May and ends Tue 26 May.
    const explained = await h.engine.explain(pipId, postpone('2026-05-27T10:00', 'other'), {
      actor: hr,
    });
    expect(explained.issues.map((entry) => entry.code)).toEqual([
      'MEETING_POSTPONEMENT_LIMIT',
      'MEETING_POSTPONED_OUT_OF_WINDOW',
    ]);
    expect(explained.issues[1]?.message).toContain('2026-05-26 at the latest');
  });

  it('refuses a zero or negative window at definePolicy, with the policy’s other problems', () => {
    for (const window of [durations.daysAfter(0), { ...durations.daysAfter(7), amount: -7 }]) {
      let caught: unknown;
      try {
        definePolicy({ ...oneWeekDocument(window), version: 0 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PolicyValidationError);
      const paths = (caught as PolicyValidationError).issues.map((entry) => entry.path.join('.'));
      expect(paths).toEqual(
        expect.arrayContaining(['version', 'meetings.hearing.postponement.anyReasonWithin.amount']),
      );
    }
  });
});
