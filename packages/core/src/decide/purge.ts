/**
 * The purge deadline: once a record's retention is over (policy `retention`, recorded as
 * `outcome.retainUntil`), the sweep records `PURGE_DUE` and the host is told to purge it. A legal
 * hold keeps the record: the fire records the holds instead, and releasing the last of them sets
 * the deadline again. Retention schedules and holds follow the UK GDPR's storage limitation
 * principle (Article 5(1)(e): kept no longer than necessary) and the duty to preserve evidence
 * once litigation is reasonably anticipated.
 */
import { formatCivilDay } from '../calendar/civilDay.js';
import { isFinalState } from '../machine/snapshot.js';
import type { Deadline, PipEvent } from '../machine/types.js';
import type { CommandOf } from '../model/commands.js';
import { type DecisionInput, base } from './decision.js';
import type { Schedule } from './schedule.js';

/** The id of a record's purge deadline. @internal */
export const PURGE_DEADLINE_ID = 'purge';

/**
 * The purge deadline of a record kept through `retainUntil`: the first instant of the next day in
 * the employee's zone, the first instant `engine.purge` allows. @internal
 */
export function purgeDeadline(schedule: Schedule, retainUntil: string): Deadline {
  const first = schedule.dayOfDate(retainUntil) + 1;
  return {
    id: PURGE_DEADLINE_ID,
    kind: 'purge',
    date: formatCivilDay(first),
    dueAt: schedule.calendar.startOfCivilDay(first),
  };
}

/** The purge deadline an outcome with `retainUntil` sets (none without retention). @internal */
export function purgeDeadlines(schedule: Schedule, retainUntil: string | undefined): Deadline[] {
  return retainUntil === undefined ? [] : [purgeDeadline(schedule, retainUntil)];
}

/**
 * True when `command` fires a deadline about the record rather than the plan (the purge, and the
 * decision of an appeal lodged after the plan ended, with its reminders): such a fire is accepted
 * in a final state, as legal holds are. @internal
 */
export function firesRecordDeadline(
  command: { readonly type: string; readonly deadlineId?: string },
  deadlines: Readonly<Record<string, Deadline>>,
): boolean {
  return (
    command.type === 'DEADLINE_REACHED' &&
    command.deadlineId !== undefined &&
    (deadlines[command.deadlineId]?.kind === 'purge' ||
      deadlines[command.deadlineId]?.kind === 'appealDecision' ||
      command.deadlineId.startsWith('reminder:appealDecision:'))
  );
}

/** The fire of the purge deadline: `PURGE_DUE`, with the holds that keep the record, if any. @internal */
export function purgeDue(input: DecisionInput, deadline: Deadline): PipEvent {
  const holds = input.context.legalHolds ?? [];
  return {
    ...base(input, 'PURGE_DUE', { clear: [deadline.id] }),
    retainUntil: input.context.outcome?.retainUntil ?? deadline.date,
    ...(holds.length > 0 ? { heldBy: holds } : {}),
  };
}

/**
 * The purge deadline a release sets: on a final record with a retention date, no purge deadline
 * pending and no other hold left. Due when retention ends, or now when that has passed (a fire
 * the hold kept back, or a record that reached its outcome before purge deadlines existed).
 * @internal
 */
export function purgeAfterRelease(
  input: DecisionInput,
  command: CommandOf<'RELEASE_LEGAL_HOLD'>,
): Deadline[] {
  const { context, schedule } = input;
  const retainUntil = context.outcome?.retainUntil;
  const others = (context.legalHolds ?? []).filter((matter) => matter !== command.matterRef);
  if (!isFinalState(input.state) || retainUntil === undefined || others.length > 0) return [];
  if (PURGE_DEADLINE_ID in context.deadlines) return [];
  const due = purgeDeadline(schedule, retainUntil);
  if (Date.parse(due.dueAt) >= Date.parse(input.now)) return [due];
  return [{ ...due, dueAt: input.now, date: formatCivilDay(schedule.day(input.now)) }];
}
