import type { Deadline, PipEvent } from '@pipkit/core';
import type { MessageId, MessageValues } from '../messages/catalogue.js';
import { en } from '../messages/en.js';
import { type Messages, messagesFor } from '../messages/messages.js';
import { formatCivilDate, formatInstant } from './dates.js';

/** How {@link describeEvent} words an event. */
export interface DescribeOptions {
  /** `en` (default), `de`, or a tag of their languages. */
  readonly locale?: string;
  /** The IANA zone instants are shown in (a decision's effective time). Default `UTC`. */
  readonly timeZone?: string;
}

/** The `; due: ...` suffix of an event that sets deadlines, or nothing. */
function due(messages: Messages, event: PipEvent): string {
  const set: readonly Deadline[] = event.deadlines?.set ?? [];
  if (set.length === 0) return '';
  const deadlines = messages.list(
    set.map((deadline) =>
      messages.format('event.dueItem', {
        id: deadline.id,
        date: formatCivilDate(messages, deadline.date),
      }),
    ),
  );
  return messages.format('event.due', { deadlines });
}

/** The arguments of an event's message, beyond `due` (which every message may take). */
function values(messages: Messages, event: PipEvent, zone: string): MessageValues {
  const day = (date: string) => formatCivilDate(messages, date);
  switch (event.type) {
    case 'PIP_CREATED':
      return {
        goals: event.goals.length,
        policyId: event.policy.id,
        policyVersion: String(event.policy.version),
      };
    case 'PLAN_UPDATED':
      return { goals: event.goals.length };
    case 'DOCUMENTS_ATTACHED':
      return {
        documents: messages.list(
          event.documents.map((document) =>
            messages.format('event.document', {
              kind: document.kind,
              sha: document.sha256.slice(0, 8),
            }),
          ),
        ),
      };
    case 'APPROVAL_REJECTED':
      return { reasonCode: event.reasonCode };
    case 'ACKNOWLEDGED':
      return {
        plan: event.plan
          ? messages.format('event.planRuns', {
              start: day(event.plan.startDate),
              end: day(event.plan.endDate),
            })
          : '',
      };
    case 'REFUSAL_WITNESSED':
      return { witnessId: event.witnessId };
    case 'CHECK_IN_HELD':
      return { number: event.number, assessment: event.assessment };
    case 'CHECK_IN_MISSED':
      return { number: event.number };
    case 'INVESTIGATION_STARTED':
      return { hostRef: event.hostRef, stoppedClock: String(event.stoppedClock) };
    case 'INVESTIGATION_CLOSED':
      return { finding: event.finding, heldDays: event.heldDays };
    case 'REMINDER_SENT':
      return { notify: messages.list(event.notify), target: event.target };
    case 'ESCALATED':
      return {
        trigger: event.trigger,
        occurrence: event.occurrence,
        notify: messages.list(event.notify),
      };
    case 'PAUSED':
      return { category: event.category, hostRef: event.hostRef };
    case 'RESUMED':
      // Leave that ended before the plan started (awaiting acknowledgement) moves no plan.
      return { pausedDays: event.pausedDays, end: event.plan ? day(event.plan.endDate) : 'none' };
    case 'EXTENDED':
      return {
        duration: messages.format('event.duration', { amount: event.amount, unit: event.unit }),
        reason: event.reason,
        end: day(event.plan.endDate),
      };
    case 'NOTICE_EXTENDED':
      return {
        duration: messages.format('event.duration', {
          amount: event.amount,
          unit: 'calendarDays',
        }),
        reason: event.reason,
        noticeEnd: day(event.noticeEndDate),
      };
    case 'OBLIGATION_FULFILLED':
    case 'OBLIGATION_OVERDUE':
      return { obligationId: event.obligationId };
    case 'MEETING_SCHEDULED':
      return {
        meetingId: event.meetingId,
        kind: event.meeting.kind,
        at: formatInstant(messages, event.meeting.at, zone),
      };
    case 'MEETING_POSTPONED':
      return {
        meetingId: event.meetingId,
        at: formatInstant(messages, event.to, zone),
        reason: event.reason,
      };
    case 'MEETING_RECORDED':
      return { meetingId: event.meetingId, outcome: event.outcome };
    case 'MEETING_CANCELLED':
    case 'MEETING_OVERDUE':
      return { meetingId: event.meetingId };
    case 'LEGAL_HOLD_PLACED':
    case 'LEGAL_HOLD_RELEASED':
      return { matterRef: event.matterRef };
    case 'PURGE_DUE':
      return {
        retainUntil: day(event.retainUntil),
        held: String(event.heldBy !== undefined),
        matters: messages.list(event.heldBy ?? []),
      };
    case 'POLICY_MIGRATED':
      return {
        fromId: event.from.id,
        fromVersion: String(event.from.version),
        toId: event.to.id,
        toVersion: String(event.to.version),
      };
    case 'PERIOD_ENDED':
      return { early: String(event.early) };
    case 'TERMINATION_PROPOSED':
      return { noticeEnd: day(event.noticeEndDate) };
    case 'DECIDED':
      return {
        decision: event.decision,
        effective: event.effectiveAt
          ? messages.format('event.effective', {
              at: formatInstant(messages, event.effectiveAt, zone),
            })
          : '',
      };
    case 'CLOSED':
      return { reason: event.reason };
    default:
      return stageValues(messages, event) ?? deliveryValues(event);
  }
}

/** The values of formal stages and appeals; `undefined` for any other event. */
function stageValues(messages: Messages, event: PipEvent): MessageValues | undefined {
  const day = (date: string) => formatCivilDate(messages, date);
  switch (event.type) {
    case 'STAGE_ISSUED': {
      const { stage } = event;
      return {
        stage: stage.stage,
        number: String(stage.number),
        skipped: stage.skipped
          ? messages.format('event.stageSkipped', {
              stages: messages.list(stage.skipped),
              reason: stage.skipReason ?? '',
            })
          : '',
        review: stage.reviewUntil
          ? messages.format('event.stageReview', { date: day(stage.reviewUntil) })
          : '',
        live: stage.liveThrough
          ? messages.format('event.stageLive', { date: day(stage.liveThrough) })
          : '',
      };
    }
    case 'STAGE_REVIEW_DUE':
    case 'WARNING_EXPIRED':
    case 'APPEAL_WINDOW_CLOSED':
      return { number: String(event.stageNumber) };
    case 'APPEAL_LODGED':
    case 'APPEAL_OVERDUE':
      return { against: event.against };
    case 'APPEAL_DECIDED':
      return {
        against: event.against,
        outcome: event.outcome,
        replacement: event.replacement?.stage ?? '',
        reinstates: String(event.reinstates === true),
      };
    default:
      return undefined;
  }
}

/** The values of the relay's events about a PIP's messages. */
function deliveryValues(event: PipEvent): MessageValues {
  return event.type === 'MESSAGE_DEAD_LETTERED'
    ? {
        messageId: event.messageId,
        messageType: event.messageType,
        attempts: String(event.attempts),
        code: event.code,
      }
    : {};
}

/** The message id of an event type, or `event.other` for a type the catalogue does not know. */
function messageId(type: string): MessageId {
  const id = `event.${type}`;
  return Object.hasOwn(en, id) ? (id as MessageId) : 'event.other';
}

/**
 * One sentence per accepted event, in HR's words, from the locale's message catalogue: what
 * happened, with the deadlines it set (`; due: ...`). An event type this release does not know
 * reads as its type in words.
 *
 * @example
 * ```ts
 * describeEvent(stored.event); // 'check-in 2 was missed; due: checkIn:3 Tue 14 Apr 2026'
 * describeEvent(stored.event, { locale: 'de' }); // 'Gespräch 2 hat nicht stattgefunden; fällig: checkIn:3 am Di., 14. Apr. 2026'
 * ```
 */
export function describeEvent(event: PipEvent, options: DescribeOptions = {}): string {
  const messages = messagesFor(options.locale ?? 'en');
  return describeWith(messages, event, options.timeZone ?? 'UTC');
}

/** {@link describeEvent} with the messages already resolved (for many events at once). */
export function describeWith(messages: Messages, event: PipEvent, zone: string): string {
  const id = messageId(event.type);
  const type = (event as { type: string }).type.toLowerCase().replaceAll('_', ' ');
  return messages.format(id, {
    ...(id === 'event.other' ? { type } : values(messages, event, zone)),
    due: due(messages, event),
  });
}
