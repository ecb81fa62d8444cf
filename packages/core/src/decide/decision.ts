/**
 * What every decider shares: its input, its result, and the small builders of issues, events and
 * escalations. Deciders are pure: no I/O, no clock but `input.now`.
 */
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { PipState } from '../machine/pipMachine.js';
import type {
  Deadline,
  DeadlineChanges,
  PipContext,
  PipEvent,
  PlanDates,
} from '../machine/types.js';
import type { Actor } from '../model/actor.js';
import type { Command } from '../model/commands.js';
import type { Policy } from '../policy/definePolicy.js';
import type { EscalationTrigger } from '../policy/policySchema.js';
import type { Schedule } from './schedule.js';

/** Everything a decision reads. @internal */
export interface DecisionInput {
  readonly state: PipState;
  readonly context: PipContext;
  readonly policy: Policy;
  readonly schedule: Schedule;
  readonly command: Command;
  readonly actor: Actor;
  readonly now: string;
  /** When the PIP last changed: retroactive facts may not predate it. */
  readonly lastChangedAt: string;
  /**
   * The employee's other plans that reached them (issued), read from the store by the engine when
   * the policy limits plans across time (`plans.maxWithin`) and the command issues this one.
   */
  readonly priorPlans?: readonly PriorPlan[];
}

/** Another plan of the same employee, as the across-plans limit counts it. @internal */
export interface PriorPlan {
  readonly pipId: string;
  /** When it reached the employee (issued or approved), UTC ISO. */
  readonly issuedAt: string;
}

/** The events a command would produce, or every reason it cannot. @internal */
export interface Decision {
  readonly events: PipEvent[];
  readonly issues: PipkitIssue[];
}

/** A decision being built: deciders push events and refusals into it. @internal */
export interface DecisionDraft {
  readonly events: PipEvent[];
  readonly issues: PipkitIssue[];
}

/** One refusal reason. @internal */
export const issue = (
  code: string,
  message: string,
  path: (string | number)[] = [],
): PipkitIssue => ({
  code,
  path,
  message,
});

/** Ids of the deadlines that belong to the running plan period. @internal */
export function planDeadlineIds(context: PipContext): string[] {
  return Object.values(context.deadlines)
    .filter((deadline) => deadline.kind === 'checkIn' || deadline.kind === 'planEnd')
    .map((deadline) => deadline.id);
}

/** Ids of every pending deadline. @internal */
export function allDeadlineIds(context: PipContext): string[] {
  return Object.keys(context.deadlines);
}

/** The escalations the policy raises for the `occurrence`-th time `trigger` happens. @internal */
export function escalations(
  input: DecisionInput,
  trigger: EscalationTrigger,
  occurrence: number,
): PipEvent[] {
  return input.policy.document.escalations
    .filter(
      (rule) =>
        rule.trigger === trigger &&
        (rule.occurrence === undefined || rule.occurrence === occurrence),
    )
    .map((rule) => ({
      type: 'ESCALATED',
      at: input.now,
      actor: input.actor,
      trigger,
      occurrence,
      notify: rule.notify,
    }));
}

/** The fields every event carries: type, time, actor, and its deadline changes. @internal */
export function base<T extends PipEvent['type']>(
  input: DecisionInput,
  type: T,
  deadlines?: DeadlineChanges,
) {
  return { type, at: input.now, actor: input.actor, ...(deadlines ? { deadlines } : {}) } as const;
}

/** The deadlines a started plan period sets: its end and the first check-in. @internal */
export function startPlan(input: DecisionInput, plan: PlanDates): Deadline[] {
  return [input.schedule.planEnd(plan), ...input.schedule.nextCheckIn(input.context, plan, 1)];
}
