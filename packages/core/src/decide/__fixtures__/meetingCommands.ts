/**
 * The meeting commands and the London plan the meeting tests share: a UK plan issued Monday 11
 * May 2026, with the clock left on Tuesday 12 May 10:00 BST, the day the hearing is proposed.
 */
import type { CommandOf } from '../../model/commands.js';
import type { Policy } from '../../policy/definePolicy.js';
import { doc, manager, presetHarness } from '../../policy/presets/__fixtures__/presetHarness.js';

export const LONDON = 'Europe/London';

/** `SCHEDULE_MEETING` of hearing `hearing-1` with the manager and HR, with `extra` on top. */
export const scheduleHearing = (
  extra: Partial<CommandOf<'SCHEDULE_MEETING'>> & { at: string },
): CommandOf<'SCHEDULE_MEETING'> => ({
  type: 'SCHEDULE_MEETING',
  meetingId: 'hearing-1',
  kind: 'hearing',
  attendees: ['mgr-1', 'hr-1'],
  ...extra,
});

/** `POSTPONE_MEETING` of meeting `meetingId` (default `hearing-1`) to `to`, for `reason`. */
export const postpone = (
  to: string,
  reason: CommandOf<'POSTPONE_MEETING'>['reason'],
  meetingId = 'hearing-1',
): CommandOf<'POSTPONE_MEETING'> => ({ type: 'POSTPONE_MEETING', meetingId, to, reason });

/** A plan on the first of `policies` issued Monday 11 May 2026 in London; clock Tue 12 May 10:00 BST. */
export async function issuedInLondon(policies: readonly Policy[]) {
  const h = presetHarness(policies, { start: '2026-05-11T09:00:00Z', timeZone: LONDON });
  const { pipId } = await h.open();
  await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
  h.at('2026-05-12T09:00:00Z');
  return { h, pipId };
}
