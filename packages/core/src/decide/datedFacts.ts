/**
 * Dated facts: the dates the law counts from, carried by commands and checked against the policy.
 * The instances a notice of proposed action cites (5 U.S.C. 4303(b)(1)(A)) and its look-back
 * window (5 U.S.C. 4303(c)(2)(A)), the decision's effective date and the instances it relies on
 * (5 U.S.C. 4303(b)(1)(A) and (D)), the day the employee received the decision (5 CFR
 * 1201.22(b)), and the evidence dates of documents.
 */
import {
  type CivilDay,
  addCivilMonths,
  formatCivilDay,
  parseCivilDay,
} from '../calendar/civilDay.js';
import { lastDayOf } from '../calendar/duration.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { CitedInstance, CommandOf, DocumentRef } from '../model/commands.js';
import type { PolicyDocument } from '../policy/policySchema.js';
import { type DecisionInput, issue } from './decision.js';

/** The longest an effective date may lie after the earliest, when the policy does not say. */
const EFFECTIVE_WITHIN_DAYS = 3660;

const civil = (date: string): CivilDay => parseCivilDay(date) as CivilDay;

/**
 * The latest a receipt may lie after the decision day. A decision served by mail is presumed
 * received 5 days after it was mailed (5 CFR 1201.22(b)(3)); a month covers slow post abroad.
 */
const RECEIPT_WITHIN_DAYS = 30;

/**
 * The start of the day the employee received the decision (`receivedOn`, a local date), checked
 * to lie from the decision day to {@link RECEIPT_WITHIN_DAYS} after it: the MSPB appeal window
 * runs from the later of the effective date and the receipt (5 CFR 1201.22(b)(1)). Without a
 * receipt, none: the decision is taken as received the day it is made. @internal
 */
export function receiptInstant(
  input: DecisionInput,
  receivedOn: string | undefined,
): { readonly receivedAt?: string; readonly issues: PipkitIssue[] } {
  if (receivedOn === undefined) return { issues: [] };
  const { schedule } = input;
  const decisionDay = schedule.day(input.now);
  const latest = decisionDay + RECEIPT_WITHIN_DAYS;
  const day = civil(receivedOn);
  if (day < decisionDay || day > latest) {
    const allowed = `from ${formatCivilDay(decisionDay)} to ${formatCivilDay(latest)}`;
    return {
      issues: [
        issue(
          'RECEIPT_DATE_OUT_OF_RANGE',
          `The decision cannot have been received on ${receivedOn}: allowed ${allowed}.`,
          ['receivedOn'],
        ),
      ],
    };
  }
  return { receivedAt: schedule.calendar.startOfCivilDay(day), issues: [] };
}

/**
 * The first day of the look-back window that ends on `noticeDay` (inclusive): for 12 months
 * ending on 15 June 2026, 16 June 2025.
 */
function lookBackStart(
  noticeDay: CivilDay,
  lookBack: { readonly amount: number; readonly unit: 'calendarDays' | 'months' },
): CivilDay {
  return lookBack.unit === 'months'
    ? addCivilMonths(noticeDay, -lookBack.amount) + 1
    : noticeDay - lookBack.amount + 1;
}

/**
 * Refusals for the instances a `PROPOSE_TERMINATION` cites: none when the policy requires them,
 * an id cited twice, or a date outside the look-back window ending on the day of the notice (or,
 * without a window, after it). Each issue's path names the instance. @internal
 */
export function citedInstanceIssues(
  input: DecisionInput,
  instances: readonly CitedInstance[],
): PipkitIssue[] {
  const rule = input.policy.document.termination.citedInstances;
  const issues: PipkitIssue[] = [];
  if (rule?.required && instances.length === 0) {
    issues.push(
      issue(
        'INSTANCES_REQUIRED',
        'This policy requires the notice to cite the instances of unacceptable performance it relies on, each with its date.',
        ['instances'],
      ),
    );
  }
  const noticeDay = input.schedule.day(input.now);
  const first = rule?.lookBack ? lookBackStart(noticeDay, rule.lookBack) : undefined;
  const range =
    first === undefined
      ? `on or before ${formatCivilDay(noticeDay)} (the day of the notice)`
      : `from ${formatCivilDay(first)} to ${formatCivilDay(noticeDay)} (the look-back window ending on the day of the notice)`;
  const seen = new Set<string>();
  instances.forEach((instance, index) => {
    if (seen.has(instance.id)) {
      issues.push(
        issue('DUPLICATE_INSTANCE', `Instance ${instance.id} is cited twice.`, [
          'instances',
          index,
          'id',
        ]),
      );
    }
    seen.add(instance.id);
    const day = civil(instance.on);
    if (day > noticeDay || (first !== undefined && day < first)) {
      issues.push(
        issue(
          'INSTANCE_DATE_OUT_OF_RANGE',
          `Instance ${instance.id} on ${instance.on} cannot be cited: instances must fall ${range}.`,
          ['instances', index, 'on'],
        ),
      );
    }
  });
  return issues;
}

/**
 * Refusals for the instances a decision relies on: each must be one the notice cited, and a
 * removal or demotion under a policy that requires cited instances must name at least one.
 * @internal
 */
export function reliedInstanceIssues(
  input: DecisionInput,
  command: CommandOf<'DECIDE'>,
  adverse: boolean,
): PipkitIssue[] {
  const cited = new Set((input.context.termination?.instances ?? []).map((cite) => cite.id));
  const relied = command.instancesRelied ?? [];
  const issues: PipkitIssue[] = [];
  if (
    adverse &&
    input.policy.document.termination.citedInstances?.required &&
    relied.length === 0
  ) {
    issues.push(
      issue(
        'INSTANCES_RELIED_REQUIRED',
        `A ${command.decision} decision must name the cited instances it relies on.`,
        ['instancesRelied'],
      ),
    );
  }
  relied.forEach((id, index) => {
    if (!cited.has(id)) {
      issues.push(
        issue(
          'UNKNOWN_INSTANCE',
          `The notice of proposed action did not cite an instance ${id}; a decision may rely only on cited instances (${[...cited].join(', ') || 'none was cited'}).`,
          ['instancesRelied', index],
        ),
      );
    }
  });
  return issues;
}

/**
 * When a decision takes effect. `earliest` is the first instant it may (for a removal or demotion
 * the day after the notice, never before the decision). A requested `effectiveDate` takes effect
 * at the later of its first instant and `earliest`, and is refused when its day is before
 * `earliest`'s, or more than the policy's `termination.effectiveWithin` (3,660 days when unset)
 * after it. @internal
 */
export function effectiveInstant(
  input: DecisionInput,
  effectiveDate: string | undefined,
  earliest: string,
): { readonly effectiveAt: string; readonly issues: PipkitIssue[] } {
  if (effectiveDate === undefined) return { effectiveAt: earliest, issues: [] };
  const { schedule } = input;
  const earliestDay = schedule.day(earliest);
  const latestDay = latestEffectiveDay(input.policy.document, earliestDay, input);
  const day = civil(effectiveDate);
  const allowed = `from ${formatCivilDay(earliestDay)} to ${formatCivilDay(latestDay)}`;
  if (day < earliestDay || day > latestDay) {
    const code = day < earliestDay ? 'EFFECTIVE_DATE_TOO_EARLY' : 'EFFECTIVE_DATE_TOO_LATE';
    return {
      effectiveAt: earliest,
      issues: [
        issue(code, `The decision cannot take effect on ${effectiveDate}: allowed ${allowed}.`, [
          'effectiveDate',
        ]),
      ],
    };
  }
  const start = schedule.calendar.startOfCivilDay(day);
  return { effectiveAt: Date.parse(start) > Date.parse(earliest) ? start : earliest, issues: [] };
}

function latestEffectiveDay(
  document: PolicyDocument,
  earliestDay: CivilDay,
  input: DecisionInput,
): CivilDay {
  const within = document.termination.effectiveWithin;
  return within
    ? lastDayOf(earliestDay, within, input.schedule.calendar)
    : earliestDay + EFFECTIVE_WITHIN_DAYS;
}

/**
 * Refusals for documents whose evidence date is after the day they are attached (in the
 * employee's zone): evidence cannot speak to a day that has not happened. @internal
 */
export function evidenceDateIssues(
  input: Pick<DecisionInput, 'schedule' | 'now'>,
  documents: readonly DocumentRef[],
): PipkitIssue[] {
  // Most commands carry no evidence date: no calendar work for them on the dispatch path.
  if (!documents.some((document) => document.evidenceDate !== undefined)) return [];
  const today = input.schedule.day(input.now);
  const issues: PipkitIssue[] = [];
  documents.forEach((document, index) => {
    if (document.evidenceDate !== undefined && civil(document.evidenceDate) > today) {
      issues.push(
        issue(
          'EVIDENCE_DATE_IN_FUTURE',
          `A ${document.kind} cannot carry an evidence date (${document.evidenceDate}) after the day it is attached (${formatCivilDay(today)}).`,
          ['documents', index, 'evidenceDate'],
        ),
      );
    }
  });
  return issues;
}
