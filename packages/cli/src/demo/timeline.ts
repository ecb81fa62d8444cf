import type { Deadline, PipEvent, StoredEvent } from '@pipkit/core';
import { DateTime } from 'luxon';

/**
 * Formats an instant in the employee's zone.
 *
 * @example
 * ```ts
 * localTime('2026-03-03T16:00:00Z', 'America/Chicago'); // 'Tue 3 Mar 2026 10:00 CST'
 * ```
 */
export function localTime(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone }).toFormat('ccc d LLL yyyy HH:mm ZZZZ');
}

/**
 * Formats a local date.
 *
 * @example
 * ```ts
 * localDate('2026-05-01'); // 'Fri 1 May 2026'
 * ```
 */
export function localDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).toFormat('ccc d LLL yyyy');
}

function deadlines(event: PipEvent): string {
  const set = event.deadlines?.set ?? [];
  if (set.length === 0) return '';
  return `; due: ${set.map((deadline: Deadline) => `${deadline.id} ${localDate(deadline.date)}`).join(', ')}`;
}

/**
 * One sentence per accepted event, in HR's words.
 *
 * @example
 * ```ts
 * describe(stored.event); // 'check-in 2 was missed; due: checkIn:3 Tue 14 Apr 2026'
 * ```
 */
export function describe(event: PipEvent): string {
  switch (event.type) {
    case 'PIP_CREATED':
      return `opened the plan in draft with ${event.goals.length} goal(s) under ${event.policy.id}@${event.policy.version}`;
    case 'PLAN_UPDATED':
      return `updated the goals (${event.goals.length})`;
    case 'DOCUMENTS_ATTACHED':
      return `attached ${event.documents.map((document) => `${document.kind} (sha256 ${document.sha256.slice(0, 8)}…)`).join(', ')}`;
    case 'SUBMITTED_FOR_APPROVAL':
      return 'submitted the plan to HR for approval';
    case 'APPROVAL_REJECTED':
      return `sent the plan back (${event.reasonCode})`;
    case 'APPROVED':
      return `approved and issued the plan to the employee${deadlines(event)}`;
    case 'ISSUED':
      return `issued the plan to the employee${deadlines(event)}`;
    case 'ACKNOWLEDGED':
      return `acknowledged receipt (not agreement); the plan runs ${event.plan ? `${localDate(event.plan.startDate)} to ${localDate(event.plan.endDate)}` : ''}${deadlines(event)}`;
    case 'REFUSAL_WITNESSED':
      return `recorded a refusal to sign, witnessed by ${event.witnessId}${deadlines(event)}`;
    case 'ACKNOWLEDGEMENT_OVERDUE':
      return 'acknowledgement is overdue';
    case 'CHECK_IN_HELD':
      return `held check-in ${event.number}: ${event.assessment}${deadlines(event)}`;
    case 'CHECK_IN_MISSED':
      return `check-in ${event.number} was missed${deadlines(event)}`;
    case 'AMENDMENT_STARTED':
      return 'started amending the plan (the clock keeps running)';
    case 'AMENDMENT_ISSUED':
      return `issued the amended plan for re-acknowledgement${deadlines(event)}`;
    case 'AMENDMENT_CANCELLED':
      return 'cancelled the amendment';
    case 'INVESTIGATION_STARTED':
      return `opened an investigation hold (host ref ${event.hostRef})${event.stoppedClock ? '; the clock is stopped' : ''}`;
    case 'INVESTIGATION_CLOSED':
      return `closed the investigation: ${event.finding}${event.heldDays ? `; the plan moved ${event.heldDays} day(s)` : ''}`;
    case 'INVESTIGATION_OVERDUE':
      return 'the investigation is overdue';
    case 'REMINDER_SENT':
      return `reminded ${event.notify.join(', ')} of ${event.target}`;
    case 'ESCALATED':
      return `escalated (${event.trigger} #${event.occurrence}) to ${event.notify.join(', ')}`;
    case 'PAUSED':
      return `paused the clock for ${event.category} (host ref ${event.hostRef}); no reason text is stored`;
    case 'RESUMED':
      return `resumed after ${event.pausedDays} day(s); the plan now ends ${localDate(event.plan.endDate)}${deadlines(event)}`;
    case 'EXTENDED':
      return `extended by ${event.amount} ${event.unit} (${event.reason}); the plan now ends ${localDate(event.plan.endDate)}`;
    case 'PERIOD_ENDED':
      return `the improvement period ended${event.early ? ' early' : ''}${deadlines(event)}`;
    case 'REVIEW_OVERDUE':
      return 'the final review is overdue';
    case 'PASSED':
      return `passed the plan${deadlines(event)}`;
    case 'WATCH_ENDED':
      return 'the watch window ended: the plan is complete';
    case 'TERMINATION_PROPOSED':
      return `proposed termination; notice ends ${localDate(event.noticeEndDate)}${deadlines(event)}`;
    case 'REPLY_SUBMITTED':
      return 'submitted a reply to the proposal';
    case 'REPLY_WINDOW_CLOSED':
      return 'the reply window closed';
    case 'DECISION_OVERDUE':
      return 'the decision is overdue';
    case 'DECIDED':
      return `decided: ${event.decision}${event.effectiveAt ? `, effective ${event.effectiveAt}` : ''}`;
    case 'CLOSED':
      return `closed the plan (${event.reason})`;
    case 'NOTICE_EXTENDED':
      return `extended the notice by ${event.amount} day(s) (${event.reason}); notice ends ${localDate(event.noticeEndDate)}${deadlines(event)}`;
    case 'OBLIGATION_FULFILLED':
      return `recorded obligation ${event.obligationId} as met`;
    case 'OBLIGATION_OVERDUE':
      return `obligation ${event.obligationId} is overdue`;
    case 'RELAPSE_RECORDED':
      return `recorded a relapse during the watch window: back to review${deadlines(event)}`;
    default:
      // Event types added to core later read as words until they get their own sentence.
      return `${event.type.toLowerCase().replaceAll('_', ' ')}${deadlines(event)}`;
  }
}

/**
 * Renders a PIP's history as a table of lines: sequence number, when (in `zone`), who (a
 * display name from `names`, or the actor id, and the role), and what happened.
 *
 * @example
 * ```ts
 * const lines = renderTimeline(await store.readEvents(pipId), 'America/Chicago', { 'grace.hopper': 'Grace' });
 * ```
 */
export function renderTimeline(
  events: readonly StoredEvent[],
  zone: string,
  names: Readonly<Record<string, string>>,
): string[] {
  const rows = events.map((stored) => {
    const who = names[stored.event.actor.id] ?? stored.event.actor.id;
    return [
      String(stored.seq).padStart(3),
      localTime(stored.event.at, zone).padEnd(28),
      `${who} (${stored.event.actor.role})`.padEnd(24),
      describe(stored.event),
    ].join('  ');
  });
  return [`  #  ${'when (employee time)'.padEnd(28)}  ${'who'.padEnd(24)}  what`, ...rows];
}
