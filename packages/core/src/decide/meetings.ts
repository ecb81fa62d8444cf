/**
 * Meetings and hearings: scheduling one in the employee's zone with the policy's notice, moving it
 * (a companion's unavailability within the window of ERA 1999 s.10(4)-(5)), recording it held or
 * missed, cancelling it, and what its day ending without a record means.
 */
import type { CivilDay } from '../calendar/civilDay.js';
import { formatCivilDay, parseCivilDay } from '../calendar/civilDay.js';
import { type Duration, endOfCivilDay, lastDayOf } from '../calendar/duration.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { Deadline } from '../machine/types.js';
import type { CommandOf } from '../model/commands.js';
import type { Meeting } from '../model/meetings.js';
import { appealHearingIssues } from './appealHearing.js';
import {
  type Decision,
  type DecisionDraft,
  type DecisionInput,
  base,
  escalations,
  issue,
} from './decision.js';

const deadlineId = (meetingId: string) => `meeting:${meetingId}`;

/** A local `YYYY-MM-DDTHH:mm` in the employee's zone: its civil day and UTC instant. */
function resolveLocal(input: DecisionInput, local: string): { day: CivilDay; instant: string } {
  const [date, time] = local.split('T') as [string, string];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const day = parseCivilDay(date);
  if (day === undefined) return { day: Number.NaN, instant: '' };
  return { day, instant: input.schedule.calendar.instantAt(day, hour, minute) };
}

function meetingDeadline(input: DecisionInput, id: string, day: CivilDay, at: string): Deadline {
  return {
    id: deadlineId(id),
    kind: 'meeting',
    date: formatCivilDay(day),
    dueAt: endOfCivilDay(day, input.schedule.calendar),
    scheduledAt: at,
  };
}

/** Refusals for a local time that does not exist as a date, or is not after now. */
function timeIssues(
  input: DecisionInput,
  local: string,
  resolved: { day: CivilDay; instant: string },
  field: string,
): PipkitIssue[] {
  if (Number.isNaN(resolved.day)) {
    return [issue('MEETING_TIME_INVALID', `${local} is not a real date.`, [field])];
  }
  if (Date.parse(resolved.instant) <= Date.parse(input.now)) {
    return [
      issue('MEETING_IN_PAST', `${local} (${resolved.instant}) is not after now (${input.now}).`, [
        field,
      ]),
    ];
  }
  return [];
}

/** The policy's rules for a kind, read as an own property only. */
function kindRule(input: DecisionInput, kind: string) {
  const meetings = input.policy.document.meetings;
  return Object.hasOwn(meetings, kind) ? meetings[kind] : undefined;
}

/** SCHEDULE_MEETING. */
function decideSchedule(
  input: DecisionInput,
  command: CommandOf<'SCHEDULE_MEETING'>,
  draft: DecisionDraft,
): void {
  const { issues, events } = draft;
  const rule = kindRule(input, command.kind);
  if (!rule) {
    const kinds = Object.keys(input.policy.document.meetings);
    issues.push(
      issue(
        'MEETING_KIND_NOT_IN_POLICY',
        `The policy names no meeting kind "${command.kind}"; it has: ${kinds.join(', ') || 'none'}.`,
        ['kind'],
      ),
    );
  }
  if (input.context.meetings && Object.hasOwn(input.context.meetings, command.meetingId)) {
    issues.push(
      issue('MEETING_EXISTS', `Meeting ${command.meetingId} already exists.`, ['meetingId']),
    );
  }
  const resolved = resolveLocal(input, command.at);
  issues.push(...timeIssues(input, command.at, resolved, 'at'));
  if (rule?.minNotice && !Number.isNaN(resolved.day)) {
    // "N days' notice" runs to the end of its last day; the meeting is held no earlier than the
    // day after: neither the invitation day nor the meeting day is a day of notice (clear days,
    // Re Hector Whaling Ltd [1936] Ch 208).
    const earliest =
      lastDayOf(input.schedule.day(input.now), rule.minNotice, input.schedule.calendar) + 1;
    if (resolved.day < earliest) {
      issues.push(
        issue(
          'MEETING_NOTICE_TOO_SHORT',
          `A ${command.kind} needs notice: invited today, it may be held on ${formatCivilDay(earliest)} or later.`,
          ['at'],
        ),
      );
    }
  }
  issues.push(...appealHearingIssues(input, command.kind, resolved.day, 'at'));
  if (command.companion && rule && !rule.companion) {
    issues.push(
      issue('COMPANION_NOT_ALLOWED', `The policy allows no companion at a ${command.kind}.`, [
        'companion',
      ]),
    );
  }
  if (issues.length > 0) return;
  const meeting: Meeting = {
    kind: command.kind,
    at: resolved.instant,
    local: command.at,
    proposedDate: formatCivilDay(resolved.day),
    attendees: command.attendees,
    ...(command.companion ? { companion: command.companion } : {}),
    postponements: 0,
    status: 'scheduled',
  };
  events.push({
    ...base(input, 'MEETING_SCHEDULED', {
      set: [meetingDeadline(input, command.meetingId, resolved.day, resolved.instant)],
    }),
    meetingId: command.meetingId,
    meeting,
  });
}

/** The scheduled meeting a command names, or the refusal. */
function scheduled(
  input: DecisionInput,
  meetingId: string,
): { meeting: Meeting } | { refusal: PipkitIssue } {
  const meetings = input.context.meetings ?? {};
  const meeting = Object.hasOwn(meetings, meetingId) ? meetings[meetingId] : undefined;
  if (!meeting) {
    return {
      refusal: issue('MEETING_NOT_FOUND', `No meeting ${meetingId} on this PIP.`, ['meetingId']),
    };
  }
  if (meeting.status !== 'scheduled') {
    return {
      refusal: issue(
        'MEETING_NOT_SCHEDULED',
        `Meeting ${meetingId} is already ${meeting.status}.`,
        ['meetingId'],
      ),
    };
  }
  return { meeting };
}

/**
 * The refusal of a move to `day` past the last day of `within`, counted from the day the employer
 * last proposed (the meeting's `proposedDate`); none for a day that is not a date (refused
 * elsewhere).
 */
function windowIssues(
  meeting: Meeting,
  day: CivilDay,
  within: Duration,
  input: DecisionInput,
  refusal: { readonly code: string; readonly why: string },
): PipkitIssue[] {
  if (Number.isNaN(day)) return [];
  const proposed = parseCivilDay(meeting.proposedDate) as CivilDay;
  const latest = lastDayOf(proposed, within, input.schedule.calendar);
  if (day <= latest) return [];
  return [
    issue(
      refusal.code,
      `${refusal.why} the ${meeting.kind} may move to ${formatCivilDay(latest)} at the latest (counted from ${meeting.proposedDate}, the day the employer proposed).`,
      ['to'],
    ),
  ];
}

/**
 * Refusals for a postponement beyond the policy's count, past its window for any reason or, for a
 * companion, past the ERA 1999 s.10(5) window: a companion's move must satisfy both windows.
 */
function postponementIssues(
  input: DecisionInput,
  command: CommandOf<'POSTPONE_MEETING'>,
  meeting: Meeting,
  day: CivilDay,
): PipkitIssue[] {
  const rule = kindRule(input, meeting.kind)?.postponement;
  const issues: PipkitIssue[] = [];
  if (rule && meeting.postponements >= rule.maxCount) {
    issues.push(
      issue(
        'MEETING_POSTPONEMENT_LIMIT',
        `A ${meeting.kind} may be moved ${rule.maxCount} time(s); this one was moved ${meeting.postponements}.`,
        ['meetingId'],
      ),
    );
  }
  if (rule?.anyReasonWithin) {
    issues.push(
      ...windowIssues(meeting, day, rule.anyReasonWithin, input, {
        code: 'MEETING_POSTPONED_OUT_OF_WINDOW',
        why: 'For any reason',
      }),
    );
  }
  // The statutory right to a move for the companion (s.10(4)-(5)) is not cut short by the
  // procedure's own time to hear an appeal; every other move is held to it.
  if (command.reason !== 'companionUnavailable') {
    return [...issues, ...appealHearingIssues(input, meeting.kind, day, 'to')];
  }
  if (!meeting.companion) {
    issues.push(
      issue('NO_COMPANION', `Meeting ${command.meetingId} has no companion named.`, ['reason']),
    );
  }
  if (rule?.within) {
    issues.push(
      ...windowIssues(meeting, day, rule.within, input, {
        code: 'MEETING_POSTPONED_TOO_FAR',
        why: "For a companion's unavailability",
      }),
    );
  }
  return issues;
}

/** POSTPONE_MEETING. */
function decidePostpone(
  input: DecisionInput,
  command: CommandOf<'POSTPONE_MEETING'>,
  draft: DecisionDraft,
): void {
  const found = scheduled(input, command.meetingId);
  if ('refusal' in found) {
    draft.issues.push(found.refusal);
    return;
  }
  const resolved = resolveLocal(input, command.to);
  draft.issues.push(
    ...timeIssues(input, command.to, resolved, 'to'),
    ...postponementIssues(input, command, found.meeting, resolved.day),
  );
  if (draft.issues.length > 0) return;
  const id = deadlineId(command.meetingId);
  draft.events.push({
    ...base(input, 'MEETING_POSTPONED', {
      clear: id in input.context.deadlines ? [id] : [],
      set: [meetingDeadline(input, command.meetingId, resolved.day, resolved.instant)],
    }),
    meetingId: command.meetingId,
    to: resolved.instant,
    local: command.to,
    reason: command.reason,
    // The employer's own move proposes a new time: ERA 1999 s.10(5) then counts from it.
    ...(command.reason === 'employerUnavailable'
      ? { employerProposedDate: formatCivilDay(resolved.day) }
      : {}),
  });
}

/** RECORD_MEETING and CANCEL_MEETING: the meeting's end, clearing its deadline. */
function decideClosing(
  input: DecisionInput,
  command: CommandOf<'RECORD_MEETING'> | CommandOf<'CANCEL_MEETING'>,
  draft: DecisionDraft,
): void {
  const found = scheduled(input, command.meetingId);
  if ('refusal' in found) {
    draft.issues.push(found.refusal);
    return;
  }
  const id = deadlineId(command.meetingId);
  const clear = { clear: id in input.context.deadlines ? [id] : [] };
  if (command.type === 'CANCEL_MEETING') {
    draft.events.push({ ...base(input, 'MEETING_CANCELLED', clear), meetingId: command.meetingId });
    return;
  }
  if (Date.parse(input.now) < Date.parse(found.meeting.at)) {
    draft.issues.push(
      issue(
        'MEETING_NOT_STARTED',
        `Meeting ${command.meetingId} starts at ${found.meeting.at}; record it after it.`,
        ['meetingId'],
      ),
    );
  }
  if (command.companionAttended !== undefined && !found.meeting.companion) {
    draft.issues.push(
      issue('NO_COMPANION', `Meeting ${command.meetingId} has no companion named.`, [
        'companionAttended',
      ]),
    );
  }
  draft.events.push({
    ...base(input, 'MEETING_RECORDED', clear),
    meetingId: command.meetingId,
    outcome: command.outcome,
    ...(command.companionAttended === undefined
      ? {}
      : { companionAttended: command.companionAttended }),
  });
}

/** A meeting's day ended without a record: flagged overdue, and the policy escalates. @internal */
export function meetingOverdue(input: DecisionInput, deadline: Deadline): Decision {
  const meetingId = deadline.id.slice('meeting:'.length);
  const overdue = Object.values(input.context.meetings ?? {}).filter((m) => m.overdue).length;
  return {
    events: [
      { ...base(input, 'MEETING_OVERDUE', { clear: [deadline.id] }), meetingId },
      ...escalations(input, 'meetingOverdue', overdue + 1),
    ],
    issues: [],
  };
}

/** Meetings and hearings. Adds its events and refusals to `draft`. */
export function decideMeetings(input: DecisionInput, draft: DecisionDraft): void {
  switch (input.command.type) {
    case 'SCHEDULE_MEETING':
      return decideSchedule(input, input.command, draft);
    case 'POSTPONE_MEETING':
      return decidePostpone(input, input.command, draft);
    case 'RECORD_MEETING':
    case 'CANCEL_MEETING':
      return decideClosing(input, input.command, draft);
    default:
      return;
  }
}
