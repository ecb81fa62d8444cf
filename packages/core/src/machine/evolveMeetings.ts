import type { Meeting } from '../model/meetings.js';
import type { PipContext, PipEvent } from './types.js';

/** The context with meeting `id` replaced by `update` of it (unchanged when there is none). */
function withMeeting(
  next: PipContext,
  id: string,
  update: (meeting: Meeting) => Meeting,
): PipContext {
  const meeting = next.meetings?.[id];
  return meeting ? { ...next, meetings: { ...next.meetings, [id]: update(meeting) } } : next;
}

/** Events of meetings and hearings; `undefined` for any other event. @internal */
export function evolveMeetings(next: PipContext, event: PipEvent): PipContext | undefined {
  switch (event.type) {
    case 'MEETING_SCHEDULED':
      return { ...next, meetings: { ...next.meetings, [event.meetingId]: event.meeting } };
    case 'MEETING_POSTPONED':
      return withMeeting(next, event.meetingId, (meeting) => ({
        ...meeting,
        at: event.to,
        local: event.local,
        ...(event.employerProposedDate === undefined
          ? {}
          : { proposedDate: event.employerProposedDate }),
        postponements: meeting.postponements + 1,
        overdue: false,
      }));
    case 'MEETING_RECORDED':
      return withMeeting(next, event.meetingId, (meeting) => ({
        ...meeting,
        status: event.outcome,
        recordedAt: event.at,
        ...(event.companionAttended === undefined
          ? {}
          : { companionAttended: event.companionAttended }),
      }));
    case 'MEETING_CANCELLED':
      return withMeeting(next, event.meetingId, (meeting) => ({ ...meeting, status: 'cancelled' }));
    case 'MEETING_OVERDUE':
      return withMeeting(next, event.meetingId, (meeting) => ({ ...meeting, overdue: true }));
    default:
      return undefined;
  }
}
