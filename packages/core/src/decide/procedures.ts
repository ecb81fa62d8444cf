/**
 * Procedures without a plan (policy `procedures`): a record opened for misconduct or job
 * abandonment goes from draft straight to the notice of proposed action. Pure.
 */
import { type CivilDay, formatCivilDay } from '../calendar/civilDay.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { CommandOf, OpenPipRequest } from '../model/commands.js';
import type { Policy } from '../policy/definePolicy.js';
import { PROCEDURES } from '../policy/proceduresSchema.js';
import type { CommandSpec } from './commandSpecs.js';
import { type DecisionInput, issue } from './decision.js';

/** Refuses an open for a procedure the policy does not allow. @internal */
export function procedureOpenIssues(policy: Policy, input: OpenPipRequest): PipkitIssue[] {
  const procedure = input.procedure;
  if (procedure === undefined || policy.document.procedures?.[procedure]) return [];
  const allowed = PROCEDURES.filter((name) => policy.document.procedures?.[name]);
  return [
    issue(
      'PROCEDURE_NOT_ALLOWED',
      `Policy ${policy.id}@${policy.version} allows ${allowed.length > 0 ? `only ${allowed.join(', ')}` : 'no procedure'} without a plan, not ${procedure}.`,
      ['procedure'],
    ),
  ];
}

/** Refuses a command that gives a plan to a record opened for a procedure without one. @internal */
export function procedureCommandIssues(input: DecisionInput, spec: CommandSpec): PipkitIssue[] {
  const procedure = input.context.procedure;
  if (procedure === undefined || !spec.givesPlan) return [];
  return [
    issue(
      'PROCEDURE_HAS_NO_PLAN',
      `This record is a ${procedure} procedure without a plan: its next step is PROPOSE_TERMINATION.`,
      ['type'],
    ),
  ];
}

/** The civil day after the `count`-th working day counted from `from` (that day included). */
function dayAfterWorkingDays(input: DecisionInput, from: CivilDay, count: number): CivilDay {
  const calendar = input.schedule.calendar;
  let day = from;
  let counted = calendar.isBusinessCivilDay(day) ? 1 : 0;
  while (counted < count) {
    day += 1;
    if (calendar.isBusinessCivilDay(day)) counted += 1;
  }
  return day + 1;
}

/**
 * Refusals of a notice given from draft, for a procedure without a plan: misconduct needs a
 * closed investigation that found it; job abandonment needs the first day of the absence, and
 * the policy's consecutive working days of absence before today (the earliest day is named).
 * @internal
 */
export function proposalWithoutPlanIssues(
  input: DecisionInput,
  command: CommandOf<'PROPOSE_TERMINATION'>,
): PipkitIssue[] {
  const { context, schedule } = input;
  if (input.state !== 'draft' || context.procedure === undefined) return [];
  if (context.procedure === 'misconduct') {
    if (context.investigation) {
      return [issue('INVESTIGATION_OPEN', 'Close the investigation before the notice.')];
    }
    if ((context.investigationFindings ?? []).includes('misconduct')) return [];
    return [
      issue(
        'INVESTIGATION_REQUIRED',
        'A notice for misconduct needs a closed investigation that found misconduct.',
      ),
    ];
  }
  const rule = input.policy.document.procedures?.jobAbandonment;
  if (command.absentSince === undefined) {
    return [
      issue(
        'ABSENCE_DATE_REQUIRED',
        'A notice for job abandonment gives the first day of the absence (absentSince).',
        ['absentSince'],
      ),
    ];
  }
  const today = schedule.day(input.now);
  const since = schedule.dayOfDate(command.absentSince);
  if (since > today) {
    return [
      issue(
        'ABSENCE_IN_FUTURE',
        `The absence cannot start after today (${formatCivilDay(today)}).`,
        ['absentSince'],
      ),
    ];
  }
  if (!rule) return [];
  const earliest = dayAfterWorkingDays(input, since, rule.afterWorkingDays);
  if (today >= earliest) return [];
  return [
    issue(
      'ABSENCE_TOO_SHORT',
      `Job abandonment needs ${rule.afterWorkingDays} consecutive working days of absence from ${command.absentSince}: the notice may be given from ${formatCivilDay(earliest)}.`,
      ['absentSince'],
    ),
  ];
}
