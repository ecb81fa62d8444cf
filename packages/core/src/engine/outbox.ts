import type { StoredEvent } from '../audit/hashChain.js';
import type { PipContext } from '../machine/types.js';
import type { OutboxMessage } from '../store/pipStore.js';

/**
 * The side effects of accepted events, as data: notifications for the host to deliver through its
 * own channels. Ids are `pipId:version:index`, so a redelivered message is recognisable. @internal
 */
export function outboxFor(
  context: PipContext,
  events: readonly StoredEvent[],
  version: number,
): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  for (const stored of events) {
    const { event } = stored;
    const notify = (
      template: string,
      to: readonly string[],
      extra: Record<string, unknown> = {},
    ): void => {
      messages.push({
        id: `${context.pipId}:${version}:${messages.length}`,
        pipId: context.pipId,
        type: 'notification',
        payload: {
          template,
          notify: to,
          employeeId: context.employee.id,
          managerId: context.managerId,
          seq: stored.seq,
          ...extra,
        },
        createdAt: event.at,
      });
    };
    switch (event.type) {
      case 'SUBMITTED_FOR_APPROVAL':
        notify('pip.approvalRequested', ['hr']);
        break;
      case 'APPROVED':
      case 'ISSUED':
        notify('pip.issued', ['employee', 'manager']);
        break;
      case 'REMINDER_SENT':
        notify(`pip.reminder.${event.target.split(':')[0] ?? event.target}`, event.notify, {
          deadlineId: event.target,
        });
        break;
      case 'ESCALATED':
        notify(`pip.escalation.${event.trigger}`, event.notify, { occurrence: event.occurrence });
        break;
      case 'AMENDMENT_ISSUED':
        notify('pip.amendmentIssued', ['employee', 'manager']);
        break;
      case 'INVESTIGATION_STARTED':
        notify('pip.investigationStarted', ['hr']);
        break;
      case 'EXTENDED':
        notify('pip.extended', ['employee', 'manager', 'hr'], { endDate: event.plan.endDate });
        // The obligation the extension creates (a union notice): the host delivers it, then
        // records it met with FULFIL_OBLIGATION before its deadline.
        if (event.obligation) {
          notify('pip.extensionNotice', event.obligation.recipients, {
            obligationId: event.obligation.id,
            dueDate: event.obligation.date,
            endDate: event.plan.endDate,
          });
        }
        break;
      case 'NOTICE_EXTENDED':
        notify('pip.noticeExtended', ['employee', 'hr'], { noticeEndDate: event.noticeEndDate });
        break;
      case 'RELAPSE_RECORDED':
        notify('pip.relapseRecorded', ['employee', 'manager', 'hr']);
        break;
      case 'TERMINATION_PROPOSED':
        notify('pip.terminationProposed', ['employee', 'hr'], {
          noticeEndDate: event.noticeEndDate,
        });
        break;
      case 'PURGE_DUE':
        // Retention is over: the host purges (engine.purge) or archives the record. A fire a
        // legal hold kept back tells no one; the deadline returns when the hold is released.
        if (!event.heldBy) notify('pip.purgeDue', ['hr'], { retainUntil: event.retainUntil });
        break;
      case 'PASSED':
      case 'DECIDED':
      case 'CLOSED':
        notify(`pip.${event.type.toLowerCase()}`, ['employee', 'manager', 'hr']);
        break;
      default:
        break;
    }
  }
  return messages;
}
