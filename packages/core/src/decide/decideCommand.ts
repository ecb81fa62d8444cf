/**
 * The whole decision for one command against one PIP: the state check (the machine's), the clock
 * check, the documents, the command's own decider, reminders, the policy's code rules, and the
 * snapshot the events lead to. Pure: the engine supplies the PIP, the policy, the schedule and
 * `now`, and does the authorization (a port) and the commit.
 */
import { canonicalJson } from '../audit/canonicalJson.js';
import { formatCivilDay } from '../calendar/civilDay.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { PipState } from '../machine/pipMachine.js';
import {
  type PipMachineSnapshot,
  applyEvents,
  initialSnapshot,
  isFinalState,
  restoreSnapshot,
} from '../machine/snapshot.js';
import type { PipContext, PipEvent } from '../machine/types.js';
import type { Actor } from '../model/actor.js';
import type { Command, OpenPipRequest } from '../model/commands.js';
import type { Policy } from '../policy/definePolicy.js';
import { commandSpec } from './commandSpecs.js';
import { type DecisionInput, type PriorPlan, base, issue } from './decision.js';
import { evidenceDateIssues } from './datedFacts.js';
import { eligibilityIssues } from './eligibility.js';
import { procedureCommandIssues, procedureOpenIssues } from './procedures.js';
import { documentIssues, issuanceDeadline, planLimitIssues, triggerRequired } from './planning.js';
import { firesRecordDeadline } from './purge.js';
import { withReminders } from './reminders.js';
import type { Schedule } from './schedule.js';

/** What deciding a command gives: its events and next snapshot, or every reason to refuse. @internal */
export interface Evaluation {
  /** Every reason the command is refused (state, clock, documents, limits, code rules). */
  readonly refused: readonly PipkitIssue[];
  /** The events it produces (when refused: what it would have produced, for explain). */
  readonly events: readonly PipEvent[];
  /** The snapshot after the events; `undefined` when refused. */
  readonly next: PipMachineSnapshot | undefined;
}

/** The PIP as a decision sees it. @internal */
export interface DecidedPip {
  readonly state: PipState;
  readonly context: PipContext;
  /** When it last changed (its last event's time). */
  readonly updatedAt: string;
}

const refusedWith = (refused: PipkitIssue[]): Evaluation => ({
  refused,
  events: [],
  next: undefined,
});

/**
 * Refuses a command stamped before the PIP's last event: after a clock step back, a plan could
 * otherwise start before its issue, or a check-in precede the one it follows. @internal
 */
export function clockIssues(lastChangedAt: string, now: string): PipkitIssue[] {
  // Two instants in the engine's own form order as their text does; anything else is parsed.
  const ordered =
    isUtcMillisInstant(now) && isUtcMillisInstant(lastChangedAt)
      ? now >= lastChangedAt
      : Date.parse(now) >= Date.parse(lastChangedAt);
  if (ordered) return [];
  return [
    issue(
      'CLOCK_WENT_BACKWARDS',
      `The command is stamped ${now}, before the PIP's last recorded change (${lastChangedAt}); check the server clock.`,
      ['now'],
    ),
  ];
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` exactly (`Date#toISOString` for years 0 to 9999). */
function isUtcMillisInstant(text: string): boolean {
  if (text.length !== 24) return false;
  for (let index = 0; index < 24; index += 1) {
    const code = text.charCodeAt(index);
    const expected = INSTANT_SHAPE.charCodeAt(index);
    // '9' in the shape stands for any digit.
    if (expected === 57 ? code < 48 || code > 57 : code !== expected) return false;
  }
  return true;
}
const INSTANT_SHAPE = '9999-99-99T99:99:99.999Z';

/**
 * Decides `command` for a PIP: every refusal, or the events and the snapshot they lead to.
 * @internal
 */
export function decideCommand(
  pip: DecidedPip,
  request: {
    readonly policy: Policy;
    readonly schedule: Schedule;
    readonly command: Command;
    readonly actor: Actor;
    readonly now: string;
    readonly priorPlans?: readonly PriorPlan[] | undefined;
  },
): Evaluation {
  const { command, actor, now, policy, schedule } = request;
  const spec = commandSpec(command.type);
  // Legal holds and the purge are about the record, not the plan: they apply after the outcome too.
  const aboutRecord = spec.recordLevel || firesRecordDeadline(command, pip.context.deadlines);
  if (isFinalState(pip.state) && !aboutRecord) {
    const message = `The PIP is ${pip.state} (${pip.context.outcome?.reason ?? 'final'}); it accepts no more commands.`;
    return refusedWith([issue('PIP_CLOSED', message)]);
  }
  const snapshot = restoreSnapshot(pip.state, pip.context);
  const notInState = () =>
    refusedWith([
      issue(
        'NOT_ALLOWED_IN_STATE',
        `${command.type} is not allowed while the PIP is ${pip.state}.`,
        ['type'],
      ),
    ]);
  const primary = spec.primaryEvent;
  if (primary && !snapshot.can({ type: primary, at: now, actor } as PipEvent)) return notInState();
  const backwards = clockIssues(pip.updatedAt, now);
  if (backwards.length > 0) return refusedWith(backwards);
  const input: DecisionInput = {
    lastChangedAt: pip.updatedAt,
    state: pip.state,
    context: pip.context,
    policy,
    schedule,
    command,
    actor,
    now,
    ...(request.priorPlans ? { priorPlans: request.priorPlans } : {}),
  };
  const attached = command.documents ?? [];
  const draft = {
    issues: [
      ...gateIssues(input),
      ...procedureCommandIssues(input, spec),
      ...documentIssues(input),
      ...evidenceDateIssues(input, attached),
    ],
    events: [] as PipEvent[],
  };
  if (attached.length > 0)
    draft.events.push({ ...base(input, 'DOCUMENTS_ATTACHED'), documents: attached });
  if (pip.context.investigation?.stoppedClock && spec.needsClock) {
    draft.issues.push(
      issue(
        'CLOCK_STOPPED_FOR_INVESTIGATION',
        `${command.type} waits until the investigation hold that stopped the plan's clock is closed.`,
      ),
    );
  }
  spec.decide(input, draft);
  const refused = [...draft.issues, ...ruleIssues(policy, pip, command, actor, now)];
  // Reminders are computed only for a decision that stands: no work after a refusal.
  if (refused.length > 0) return { refused, events: draft.events, next: undefined };
  const events = withReminders(draft.events, pip.context, policy.document, schedule.calendar, now);
  const next = applyEvents(snapshot, events);
  if (!next) return notInState();
  return { refused, events, next };
}

/** The policy's code rules, each issue kept with its own code and path. */
function ruleIssues(
  policy: Policy,
  pip: DecidedPip,
  command: Command,
  actor: Actor,
  now: string,
): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  for (const rule of policy.rules) {
    const found = rule.check({
      command,
      actor,
      state: pip.state,
      context: pip.context,
      policy: policy.document,
      now,
    });
    for (const ruleIssue of found) issues.push({ ...ruleIssue, path: ruleIssue.path ?? [] });
  }
  return issues;
}

/**
 * The initial-state case: opening a PIP. Checks the plan length offered and the across-plans
 * limit, and gives the events (`PIP_CREATED`, then any documents) and the first snapshot.
 * @internal
 */
export function decideOpen(request: {
  readonly pipId: string;
  readonly input: OpenPipRequest;
  readonly policy: Policy;
  readonly schedule: Schedule;
  readonly actor: Actor;
  readonly now: string;
  readonly priorPlans?: readonly PriorPlan[] | undefined;
}): Evaluation {
  const { input, policy, actor, now, pipId } = request;
  const refused: PipkitIssue[] = [];
  if (input.planDuration !== undefined) {
    const offered = [
      policy.document.plan.duration,
      ...(policy.document.plan.durationChoices ?? []),
    ];
    const wanted = canonicalJson(input.planDuration);
    if (!offered.some((duration) => canonicalJson(duration) === wanted)) {
      refused.push(
        issue(
          'PLAN_DURATION_NOT_OFFERED',
          'The policy does not offer this plan length; choose plan.duration or one of plan.durationChoices.',
          ['planDuration'],
        ),
      );
    }
  }
  refused.push(
    ...eligibilityIssues(policy, input),
    ...procedureOpenIssues(policy, input),
    ...evidenceDateIssues(request, input.documents ?? []),
    ...triggerIssues(request),
  );
  // Across-plans limit (Wyoming: no third plan within a year).
  if (policy.document.plans.maxWithin && refused.length === 0) {
    refused.push(
      ...planLimitIssues(policy, request.schedule, request.priorPlans ?? [], now, input.trigger),
    );
  }
  if (refused.length > 0) return refusedWith(refused);
  const issuance = issuanceDeadline(policy, request.schedule, input.trigger);
  const created: Extract<PipEvent, { type: 'PIP_CREATED' }> = {
    type: 'PIP_CREATED',
    at: now,
    actor,
    pipId,
    employee: input.employee,
    managerId: input.managerId,
    ...(input.orgUnitId ? { orgUnitId: input.orgUnitId } : {}),
    policy: { id: policy.id, version: policy.version },
    goals: input.goals,
    ...(input.planDuration ? { planDuration: input.planDuration } : {}),
    ...(input.trigger ? { trigger: input.trigger } : {}),
    ...(input.procedure ? { procedure: input.procedure } : {}),
    ...(issuance ? { deadlines: { set: [issuance] } } : {}),
  };
  const events: PipEvent[] = [created];
  if (input.documents?.length)
    events.push({ type: 'DOCUMENTS_ATTACHED', at: now, actor, documents: input.documents });
  const first = initialSnapshot(created);
  const next = events.length > 1 ? applyEvents(first, events.slice(1)) : first;
  if (!next)
    return refusedWith([
      issue('NOT_ALLOWED_IN_STATE', 'A new PIP could not record its documents.'),
    ]);
  return { refused: [], events, next };
}

/** Refusals for an open's trigger: missing where the policy needs one, or dated after today. */
function triggerIssues(request: {
  readonly input: OpenPipRequest;
  readonly policy: Policy;
  readonly schedule: Schedule;
  readonly now: string;
}): PipkitIssue[] {
  const { input, policy, schedule, now } = request;
  const rule = policy.document.plans.trigger;
  if (!input.trigger) {
    return rule?.required ? [triggerRequired('plans.trigger.required')] : [];
  }
  if (schedule.dayOfDate(input.trigger.on) > schedule.day(now)) {
    return [
      issue(
        'TRIGGER_IN_FUTURE',
        `The trigger's date ${input.trigger.on} is after today (${formatCivilDay(schedule.day(now))}) in the employee's zone.`,
        ['trigger', 'on'],
      ),
    ];
  }
  return [];
}

/**
 * The acknowledgement gate (`acknowledgement.gatesEmployee`): before the plan is acknowledged,
 * the employee may only acknowledge it.
 */
function gateIssues(input: DecisionInput): PipkitIssue[] {
  const { command, actor, context, policy } = input;
  if (!policy.document.acknowledgement.gatesEmployee || actor.role !== 'employee') return [];
  if (context.acknowledgement || command.type === 'ACKNOWLEDGE') return [];
  return [
    issue(
      'ACKNOWLEDGEMENT_REQUIRED',
      `The employee acknowledges the plan before sending ${command.type}.`,
      ['type'],
    ),
  ];
}
