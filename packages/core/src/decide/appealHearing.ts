/**
 * The time to hear an appeal: a procedure that hears an appeal "within 5 working days" of it, or
 * "within two weeks" (`appeals.hearWithin`), counted from the day the appeal was lodged, as
 * `appeals.decideWithin` is. The hearing of the pending appeal may not be set after its last day.
 */
import type { CivilDay } from '../calendar/civilDay.js';
import { formatCivilDay } from '../calendar/civilDay.js';
import { lastDayOf } from '../calendar/duration.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import { type DecisionInput, issue } from './decision.js';
import { ladderOf } from './stages.js';

/**
 * The refusal for a hearing of the pending appeal set after the last day the policy allows, or
 * none: the meeting is not of the appeal hearing's kind, no appeal is pending, the policy sets no
 * `appeals.hearWithin`, or the day is on or before its last day. @internal
 */
export function appealHearingIssues(
  input: DecisionInput,
  kind: string,
  day: CivilDay,
  field: string,
): PipkitIssue[] {
  const appeals = input.policy.document.appeals;
  if (!appeals?.hearWithin || appeals.hearing !== kind || Number.isNaN(day)) return [];
  const pending = (input.context.appeals ?? []).find((appeal) => appeal.status === 'pending');
  if (!pending) return [];
  const lodged = input.schedule.day(pending.lodgedAt);
  const latest = lastDayOf(lodged, appeals.hearWithin, input.schedule.calendar);
  if (day <= latest) return [];
  const against = ladderOf(input).find((stage) => stage.id === pending.against);
  return [
    issue(
      'APPEAL_HEARING_TOO_LATE',
      `The appeal against the ${against?.label ?? pending.against} lodged on ${formatCivilDay(lodged)} is heard by ${formatCivilDay(latest)}: the ${kind} may be held on that day at the latest.`,
      [field],
    ),
  ];
}
