/**
 * The calendar messages of one event: each check-in or meeting it puts in the calendar, moves or
 * takes away, found by comparing the deadlines pending before the event with its deadline
 * changes. Pure: the event, the deadlines before it and the employee's zone decide them.
 */
import { DateTime } from 'luxon';
import type { Deadline, DeadlineChanges, PipContext, PipEvent } from '../machine/types.js';
import type { CalendarMessageType, MessageOccurrence, MessagePayload } from './catalogue.js';

/** A calendar message before the engine gives it an id and the common fields. @internal */
export type CalendarMessageDraft = {
  [T in CalendarMessageType]: {
    readonly type: T;
    readonly notify: readonly string[];
    readonly fields: Omit<MessagePayload<T>, 'notify' | 'employeeId' | 'managerId' | 'seq'>;
  };
}[CalendarMessageType];

/** Who a calendar message names: the people at a check-in, and HR too at a formal meeting. */
const CHECK_IN_RECIPIENTS = Object.freeze(['employee', 'manager']);
const MEETING_RECIPIENTS = Object.freeze(['employee', 'manager', 'hr']);

const isCalendarKind = (deadline: Deadline) =>
  deadline.kind === 'checkIn' || deadline.kind === 'meeting';

/** The deadlines pending after `changes`, as the machine folds them. @internal */
export function pendingAfter(
  pending: Readonly<Record<string, Deadline>>,
  changes: DeadlineChanges | undefined,
): Readonly<Record<string, Deadline>> {
  if (!changes || ((changes.clear?.length ?? 0) === 0 && (changes.set?.length ?? 0) === 0)) {
    return pending;
  }
  const next: Record<string, Deadline> = { ...pending };
  for (const id of changes.clear ?? []) delete next[id];
  for (const deadline of changes.set ?? []) next[deadline.id] = deadline;
  return next;
}

/**
 * The calendar messages `event` (the PIP's event number `seq`) implies, given the deadlines
 * pending before it: `scheduled` for a check-in or meeting that was not pending, `moved` for
 * one whose time changed, `cancelled` for one cleared without being held (a pause, a close, an
 * outcome, a cancelled meeting). A check-in held or missed, or a meeting recorded or overdue,
 * leaves the calendar as it was. @internal
 */
export function calendarMessagesOf(
  context: PipContext,
  event: PipEvent,
  seq: number,
  pending: Readonly<Record<string, Deadline>>,
): CalendarMessageDraft[] {
  const changes = event.deadlines;
  if (!changes) return [];
  const drafts: CalendarMessageDraft[] = [];
  const set = (changes.set ?? []).filter(isCalendarKind);
  const setIds = new Set(set.map((deadline) => deadline.id));
  for (const id of changes.clear ?? []) {
    const before = pending[id];
    if (!before || !isCalendarKind(before) || setIds.has(id) || occurrenceCompletedBy(event, id))
      continue;
    const occurrence = occurrenceOf(context, event, before);
    drafts.push({
      type: before.kind === 'meeting' ? 'pip.meeting.cancelled' : 'pip.checkIn.cancelled',
      notify: recipientsOf(before),
      fields: { occurrence, sequence: seq, reason: event.type },
    });
  }
  for (const deadline of set) {
    const before = pending[deadline.id];
    const occurrence = occurrenceOf(context, event, deadline);
    const meeting = deadline.kind === 'meeting';
    if (!before) {
      drafts.push({
        type: meeting ? 'pip.meeting.scheduled' : 'pip.checkIn.scheduled',
        notify: recipientsOf(deadline),
        fields: { occurrence, sequence: seq },
      });
    } else if ((before.scheduledAt ?? before.date) !== (deadline.scheduledAt ?? deadline.date)) {
      drafts.push({
        type: meeting ? 'pip.meeting.moved' : 'pip.checkIn.moved',
        notify: recipientsOf(deadline),
        fields: { occurrence, sequence: seq, previous: timeOf(before, occurrence.timeZone) },
      });
    }
  }
  return drafts;
}

/**
 * True when `event` clears deadline `id` because its occurrence happened or its day ended (a
 * check-in held or missed, a meeting recorded or overdue), not because it was moved or cancelled:
 * such a clearing needs no calendar change. Pure.
 *
 * @example
 * ```ts
 * occurrenceCompletedBy({ type: 'CHECK_IN_HELD', number: 2, ... }, 'checkIn:2'); // true
 * ```
 */
export function occurrenceCompletedBy(event: PipEvent, id: string): boolean {
  switch (event.type) {
    case 'CHECK_IN_HELD':
    case 'CHECK_IN_MISSED':
      return id === `checkIn:${event.number}`;
    case 'MEETING_RECORDED':
    case 'MEETING_OVERDUE':
      return id === `meeting:${event.meetingId}`;
    default:
      return false;
  }
}

function recipientsOf(deadline: Deadline): readonly string[] {
  return deadline.kind === 'meeting' ? MEETING_RECIPIENTS : CHECK_IN_RECIPIENTS;
}

/** The date, local time and UTC start of a deadline in the employee's zone. */
function timeOf(
  deadline: Deadline,
  timeZone: string,
): { date: string; time?: string; start?: string } {
  if (deadline.scheduledAt === undefined) return { date: deadline.date };
  const local = DateTime.fromISO(deadline.scheduledAt, { zone: timeZone });
  return {
    date: deadline.date,
    ...(local.isValid ? { time: local.toFormat('HH:mm') } : {}),
    start: deadline.scheduledAt,
  };
}

function occurrenceOf(context: PipContext, event: PipEvent, deadline: Deadline): MessageOccurrence {
  const timeZone = context.employee.timeZone;
  const rest = deadline.id.slice(deadline.id.indexOf(':') + 1);
  const at = timeOf(deadline, timeZone);
  if (deadline.kind === 'checkIn') {
    const number = Number(rest);
    return {
      id: deadline.id,
      ...(Number.isSafeInteger(number) && number > 0 ? { number } : {}),
      ...at,
      timeZone,
    };
  }
  const meetingKind =
    context.meetings?.[rest]?.kind ??
    (event.type === 'MEETING_SCHEDULED' && event.meetingId === rest
      ? event.meeting.kind
      : undefined);
  return {
    id: deadline.id,
    meetingId: rest,
    ...(meetingKind === undefined ? {} : { meetingKind }),
    ...at,
    timeZone,
  };
}
