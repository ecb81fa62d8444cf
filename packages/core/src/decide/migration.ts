import type { PipkitIssue } from '../errors/pipkitError.js';
import type { PipState } from '../machine/pipMachine.js';
import type { Deadline, PipContext, PlanDates } from '../machine/types.js';
import type { Policy } from '../policy/definePolicy.js';
import type { Schedule } from './schedule.js';
import { applyEvents, isFinalState, restoreSnapshot } from '../machine/snapshot.js';
import type { PipEvent } from '../machine/types.js';
import type { Actor } from '../model/actor.js';
import { clockIssues, type DecidedPip, type Evaluation } from './decideCommand.js';
import { withReminders } from './reminders.js';

/** One deadline whose date moves when a PIP changes policy version. */
export interface MigrationChange {
  readonly deadlineId: string;
  /** The local date now, or `undefined` when the deadline is new. */
  readonly from: string | undefined;
  /** The local date under the new version. */
  readonly to: string;
}

/** What moving one running PIP to another policy version would do, and what it cannot map. */
export interface MigrationPlanEntry {
  readonly pipId: string;
  readonly state: PipState;
  readonly from: { readonly id: string; readonly version: number };
  readonly to: { readonly id: string; readonly version: number };
  /** True when nothing blocks the move: `engine.migrate` would accept it now. */
  readonly ok: boolean;
  /** Deadlines whose dates the new numbers change. */
  readonly changes: readonly MigrationChange[];
  /** Everything that cannot be mapped, with a stable code each. Empty when `ok`. */
  readonly problems: readonly PipkitIssue[];
}

/** The pure result of mapping one PIP onto a new policy version. @internal */
export interface MigrationMapping {
  readonly problems: PipkitIssue[];
  readonly changes: MigrationChange[];
  readonly plan: PlanDates | undefined;
  readonly set: Deadline[];
  readonly clear: string[];
}

const problem = (code: string, message: string, path: (string | number)[] = []): PipkitIssue => ({
  code,
  path,
  message,
});

/** States in which the plan period's clock is running (its end and check-ins are pending). */
const RUNNING: ReadonlySet<PipState> = new Set<PipState>([
  'opened',
  'active',
  'extended',
  'amending.editing',
  'amending.awaitingAcknowledgement',
]);

/**
 * Maps a running PIP's dates onto another policy version, without writing: recomputes the plan's
 * end (from its start, with the days it was paused and its extensions), its next check-in, and
 * a proposal's reply and decision deadlines under the new numbers, and lists every problem: a
 * deadline already past under the new numbers, extensions over the new limits, a plan beyond the
 * new cap, an approval step the new version no longer has. Pure. @internal
 */
export function mapToPolicy(
  state: PipState,
  context: PipContext,
  to: Policy,
  schedule: Schedule,
  now: string,
): MigrationMapping {
  const doc = to.document;
  const problems: PipkitIssue[] = [];
  const changes: MigrationChange[] = [];
  const set: Deadline[] = [];
  const clear: string[] = [];
  const today = schedule.calendar.localDate(now);
  const pending = context.deadlines;
  const note = (deadline: Deadline): void => {
    const before = pending[deadline.id]?.date;
    if (before === deadline.date) return;
    changes.push({ deadlineId: deadline.id, from: before, to: deadline.date });
    set.push(deadline);
    if (deadline.dueAt <= now) {
      problems.push(
        problem(
          'DEADLINE_ALREADY_PAST',
          `Under version ${to.version}, "${deadline.id}" would have been due on ${deadline.date}, before today (${today}).`,
          ['deadlines', deadline.id],
        ),
      );
    }
  };

  if (state === 'pendingApproval' && !doc.approval.required) {
    problems.push(
      problem(
        'APPROVAL_NO_LONGER_USED',
        `Version ${to.version} has no approval step; withdraw the submission or migrate after approval.`,
        ['approval'],
      ),
    );
  }
  if (context.extensions.count > doc.extensions.maxCount) {
    problems.push(
      problem(
        'EXTENSIONS_OVER_LIMIT',
        `The plan was extended ${context.extensions.count} time(s); version ${to.version} allows ${doc.extensions.maxCount}.`,
        ['extensions', 'maxCount'],
      ),
    );
  }
  if (context.extensions.total > doc.extensions.maxTotal && context.extensions.count > 0) {
    problems.push(
      problem(
        'EXTENSIONS_OVER_LIMIT',
        `The plan was extended by ${context.extensions.total} in all; version ${to.version} allows ${doc.extensions.maxTotal} ${doc.extensions.unit}.`,
        ['extensions', 'maxTotal'],
      ),
    );
  }

  let plan: PlanDates | undefined;
  if (context.plan) {
    const fresh = schedule.planFrom(
      schedule.calendar.instantAt(schedule.dayOfDate(context.plan.startDate), 12, 0),
      context.planDuration,
    );
    const shifted = schedule.shiftDate(fresh.endDate, context.pausedDays);
    const endDate =
      context.extensions.total > 0
        ? schedule.extendedEnd({ ...fresh, endDate: shifted }, context.extensions.total)
        : shifted;
    const originalEndDate = schedule.shiftDate(fresh.endDate, context.pausedDays);
    plan = { ...context.plan, endDate, originalEndDate };
    const cap = schedule.planCap(plan);
    if (cap !== undefined && plan.endDate > cap) {
      problems.push(
        problem(
          'PLAN_CAP_EXCEEDED',
          `Under version ${to.version} the plan would end ${plan.endDate}, beyond its cap (${cap}).`,
          ['extensions', 'maxPlanLength'],
        ),
      );
    }
    if (RUNNING.has(state) && 'planEnd' in pending) {
      note(schedule.planEnd(plan));
      const current = Object.values(pending).find((deadline) => deadline.kind === 'checkIn');
      const next = schedule.nextCheckIn(context, plan, context.checkIns.next);
      if (current && !next.some((deadline) => deadline.id === current.id)) clear.push(current.id);
      for (const deadline of next) note(deadline);
    }
  }
  const termination = context.termination;
  if (state === 'terminationProposed' && termination) {
    const proposed = schedule.day(termination.proposedAt);
    if ('reply' in pending) {
      note(schedule.after('reply', 'reply', proposed, doc.termination.replyWindow));
    }
    const notice = schedule.after('notice', 'decision', proposed, doc.termination.noticePeriod);
    if (notice.date !== termination.noticeEndDate) {
      problems.push(
        problem(
          'NOTICE_ALREADY_GIVEN',
          `The notice given ends ${termination.noticeEndDate}; version ${to.version} would end it ${notice.date}. A notice already served is not re-dated.`,
          ['termination', 'noticePeriod'],
        ),
      );
    }
    if ('decision' in pending && !doc.termination.decisionDue) clear.push('decision');
    if ('decision' in pending && doc.termination.decisionDue) {
      note(
        schedule.after(
          'decision',
          'decision',
          schedule.dayOfDate(termination.noticeEndDate),
          doc.termination.decisionDue,
        ),
      );
    }
  }
  return { problems, changes, plan, set, clear };
}

/**
 * The migration decider: moving one running PIP from `from` to `to` (two versions of its policy).
 * Refuses a final PIP, the same version, anything the mapping cannot carry over; otherwise one
 * `POLICY_MIGRATED` event with the re-dated deadlines (and reminders), and the snapshot after it.
 * @internal
 */
export function decideMigration(
  pip: DecidedPip,
  request: {
    readonly from: Policy;
    readonly to: Policy;
    readonly schedule: Schedule;
    readonly actor: Actor;
    readonly now: string;
  },
): Evaluation {
  const { from, to, schedule, actor, now } = request;
  const refuse = (refused: PipkitIssue[]): Evaluation => ({ refused, events: [], next: undefined });
  if (isFinalState(pip.state)) {
    return refuse([problem('PIP_CLOSED', `The PIP is ${pip.state}.`, [])]);
  }
  if (to.version === from.version) {
    return refuse([
      problem('SAME_POLICY_VERSION', `The PIP already runs on version ${to.version}.`, [
        'toVersion',
      ]),
    ]);
  }
  const backwards = clockIssues(pip.updatedAt, now);
  if (backwards.length > 0) return refuse(backwards);
  const mapping = mapToPolicy(pip.state, pip.context, to, schedule, now);
  if (mapping.problems.length > 0) return refuse(mapping.problems);
  const event: PipEvent = {
    type: 'POLICY_MIGRATED',
    at: now,
    actor,
    from: { id: from.id, version: from.version },
    to: { id: to.id, version: to.version },
    ...(mapping.plan && pip.context.plan ? { plan: mapping.plan } : {}),
    ...(mapping.set.length > 0 || mapping.clear.length > 0
      ? { deadlines: { set: mapping.set, clear: mapping.clear } }
      : {}),
  };
  const events = withReminders([event], pip.context, to.document, schedule.calendar, now);
  const next = applyEvents(restoreSnapshot(pip.state, pip.context), events);
  if (!next) {
    return refuse([
      problem('NOT_ALLOWED_IN_STATE', `A PIP in ${pip.state} cannot be migrated.`, []),
    ]);
  }
  return { refused: [], events, next };
}
