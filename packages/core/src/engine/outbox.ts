import type { StoredEvent } from '../audit/hashChain.js';
import type { Deadline, PipContext, PipEvent } from '../machine/types.js';
import type { MessagePayload, MessageType } from '../messages/catalogue.js';
import { calendarMessagesOf, pendingAfter } from '../messages/calendarMessages.js';
import type { OutboxMessage } from '../store/pipStore.js';

/** A message an event implies: its catalogue type, who it names, and its own fields. */
interface MessageDraft {
  readonly type: MessageType;
  readonly notify: readonly string[];
  readonly fields?: Record<string, unknown>;
}

/** The payload fields every PIP message carries besides its own. */
type CommonFields = 'notify' | 'employeeId' | 'managerId' | 'seq';

/** A draft of type `T`, checked against its payload at compile time. */
function draft<T extends MessageType>(
  type: T,
  notify: readonly string[],
  ...fields: keyof Omit<MessagePayload<T>, CommonFields> extends never
    ? []
    : [Omit<MessagePayload<T>, CommonFields>]
): MessageDraft {
  return fields[0] === undefined ? { type, notify } : { type, notify, fields: { ...fields[0] } };
}

const EVERYONE = ['employee', 'manager', 'hr'] as const;

/** The notifications one event implies (the message catalogue's `pip.*` types). */
function notificationsOf(event: PipEvent): MessageDraft[] {
  switch (event.type) {
    case 'SUBMITTED_FOR_APPROVAL':
      return [draft('pip.approvalRequested', ['hr'])];
    case 'APPROVED':
    case 'ISSUED':
      return [draft('pip.issued', ['employee', 'manager'])];
    case 'REMINDER_SENT': {
      const target = event.target.split(':')[0] ?? event.target;
      const type = `pip.reminder.${target}` as Extract<MessageType, `pip.reminder.${string}`>;
      return [draft(type, event.notify, { deadlineId: event.target })];
    }
    case 'ESCALATED': {
      const type = `pip.escalation.${event.trigger}` as Extract<
        MessageType,
        `pip.escalation.${string}`
      >;
      return [draft(type, event.notify, { occurrence: event.occurrence })];
    }
    case 'AMENDMENT_ISSUED':
      return [draft('pip.amendmentIssued', ['employee', 'manager'])];
    case 'INVESTIGATION_STARTED':
      return [draft('pip.investigationStarted', ['hr'])];
    case 'EXTENDED': {
      const extended = draft('pip.extended', EVERYONE, { endDate: event.plan.endDate });
      // The obligation the extension creates (a union notice): the host delivers it, then
      // records it met with FULFIL_OBLIGATION before its deadline.
      if (!event.obligation) return [extended];
      return [
        extended,
        draft('pip.extensionNotice', event.obligation.recipients, {
          obligationId: event.obligation.id,
          dueDate: event.obligation.date,
          endDate: event.plan.endDate,
        }),
      ];
    }
    case 'NOTICE_EXTENDED':
      return [
        draft('pip.noticeExtended', ['employee', 'hr'], { noticeEndDate: event.noticeEndDate }),
      ];
    case 'RELAPSE_RECORDED':
      return [draft('pip.relapseRecorded', EVERYONE)];
    case 'TERMINATION_PROPOSED':
      return [
        draft('pip.terminationProposed', ['employee', 'hr'], {
          noticeEndDate: event.noticeEndDate,
        }),
      ];
    case 'PURGE_DUE':
      // Retention is over: the host purges (engine.purge) or archives the record. A fire a
      // legal hold kept back tells no one; the deadline returns when the hold is released.
      return event.heldBy
        ? []
        : [draft('pip.purgeDue', ['hr'], { retainUntil: event.retainUntil })];
    case 'PASSED':
      return [draft('pip.passed', EVERYONE)];
    case 'DECIDED':
      return [draft('pip.decided', EVERYONE)];
    case 'CLOSED':
      return [draft('pip.closed', EVERYONE)];
    default:
      return [];
  }
}

/**
 * The side effects of accepted events, as data: notifications for the host to deliver through
 * its own channels, and calendar messages for each check-in or meeting scheduled, moved or
 * cancelled. Each has a type and payload from the message catalogue. Ids are
 * `pipId:version:index`, so a redelivered message is recognisable. `pending` is the deadlines
 * pending before the first event. @internal
 */
export function outboxFor(
  context: PipContext,
  events: readonly StoredEvent[],
  version: number,
  pending: Readonly<Record<string, Deadline>>,
): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  let before = pending;
  for (const stored of events) {
    const { event } = stored;
    const drafts: MessageDraft[] = [
      ...notificationsOf(event),
      ...calendarMessagesOf(context, event, stored.seq, before),
    ];
    for (const entry of drafts) {
      messages.push({
        id: `${context.pipId}:${version}:${messages.length}`,
        pipId: context.pipId,
        type: entry.type,
        payload: {
          notify: entry.notify,
          employeeId: context.employee.id,
          managerId: context.managerId,
          seq: stored.seq,
          ...entry.fields,
        },
        createdAt: event.at,
      });
    }
    before = pendingAfter(before, event.deadlines);
  }
  return messages;
}
