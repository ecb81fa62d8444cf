/**
 * Model-based test of the engine (fast-check `fc.commands` + `fc.asyncModelRun`).
 *
 * Each run opens ONE PIP on a fresh memory store and test clock, then sends 0-25 random commands:
 * every engine command type from a right or a wrong actor, "advance the clock and tick", a
 * dispatch pinned to a stale version, and a repeat of the last keyed request. The model is small
 * (version, finality, last keyed result); after EVERY command the invariants below are checked
 * against the store: refusals write nothing, versions are contiguous, final states absorb, the
 * history replays to the stored snapshot and its hash chain verifies, conflicts and idempotent
 * repeats write nothing, the timer index mirrors the pending deadlines, and `explain` agrees with
 * `dispatch`. To reach deep states in short runs, part of the dispatches pick their type among
 * the commands that move the PIP's current state on (a generator bias; the invariants are the
 * same for every command).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isPipkitError,
  type Actor,
  type Command,
  type CommandType,
  type DocumentRef,
  type Engine,
  IdempotencyKeyReusedError,
  type OutboxMessage,
  PIP_STATES,
  type PipRecord,
  type PipState,
  type PipStore,
  PipkitError,
  type Policy,
  type StoredEvent,
  type TimerRow,
  VersionConflictError,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  durations,
  isFinalState,
  memoryStore,
  replayEvents,
  verifyHistory,
  summarize,
  deadlineStatuses,
} from '../index.js';
import { type TestClock, createTestClock } from '../testing/testClock.js';

// ---------------------------------------------------------------------------------------------
// The system under test: one engine, one store, one test clock, ONE PIP per run.
// ---------------------------------------------------------------------------------------------

const PIP_ID = 'pip-model-1';
const EMPLOYEE: Actor = { id: 'emp-1', role: 'employee' };
const MANAGER: Actor = { id: 'mgr-1', role: 'manager' };
const HR_1: Actor = { id: 'hr-1', role: 'hr' };
const HR_2: Actor = { id: 'hr-2', role: 'hr' };
const LEGAL: Actor = { id: 'legal-1', role: 'legal' };
const SENIOR: Actor = { id: 'sm-1', role: 'seniorManager' };
/** Actors that are wrong for every command on this PIP, or for most of them. */
const WRONG: readonly Actor[] = [
  { id: 'emp-2', role: 'employee' }, // not this plan's employee
  { id: 'mgr-2', role: 'manager' }, // not this plan's manager
  { id: 'emp-1', role: 'hr' }, // the employee, in another role
  { id: 'pipkit:timer', role: 'system' },
  SENIOR,
  LEGAL,
];
const EVERYONE: readonly Actor[] = [EMPLOYEE, MANAGER, HR_1, HR_2, LEGAL, SENIOR, ...WRONG];

/**
 * Policy variants, all derived from the default: early conclusion, two extensions, a watch window,
 * a 30-day plan (so ticks reach its end). With and without approval; the plan starting on
 * acknowledgement (the default) or on issue (plan deadlines then run while the PIP is `opened`).
 */
function modelPolicy(approval: boolean, startsOn: 'issue' | 'acknowledgement'): Policy {
  return definePolicy({
    ...defaultPolicyDocument,
    id: `model-${approval ? 'approval' : 'direct'}-${startsOn === 'issue' ? 'issue' : 'ack'}`,
    version: 1,
    plan: {
      ...defaultPolicyDocument.plan,
      duration: durations.inclusiveDays(30),
      startsOn,
      allowEarlyConclusion: true,
    },
    approval: { required: approval, approverRoles: ['hr'] },
    // Half the policies stop the clock for an investigation hold; all escalate a long one.
    investigation: { stopsClock: approval, due: durations.businessDaysAfter(10) },
    extensions: {
      maxCount: 2,
      unit: 'calendarDays',
      maxEach: 14,
      maxTotal: 28,
      maxPlanLength: durations.inclusiveDays(60),
    },
    watchWindow: durations.daysAfter(21),
  });
}
const POLICIES: readonly Policy[] = [
  modelPolicy(true, 'acknowledgement'),
  modelPolicy(true, 'issue'),
  modelPolicy(false, 'acknowledgement'),
  modelPolicy(false, 'issue'),
];
const REQUIRED = defaultPolicyDocument.requiredDocuments as Partial<
  Record<CommandType, readonly string[]>
>;

const DOCUMENT_KINDS = [
  'planDocument',
  'checkInNotes',
  'finalReview',
  'proposalNotice',
  'decisionLetter',
  'rebuttal',
] as const;
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const doc = (kind: string): DocumentRef => ({ kind, ref: `dms://${kind}`, sha256: sha(kind) });

interface Real {
  readonly engine: Engine;
  readonly store: PipStore;
  readonly clock: TestClock;
}

/** The model: deliberately small. */
interface Model {
  /** The version the PIP must be at. */
  version: number;
  /** True once the PIP reached a final state: everything after is refused. */
  final: boolean;
  /** The last accepted dispatch that carried an idempotency key, and what it returned. */
  last?: {
    readonly command: Command;
    readonly actor: Actor;
    readonly key: string;
    readonly seqs: readonly number[];
    readonly hashes: readonly string[];
  };
  /** Issues unique idempotency keys within a run. */
  keys: number;
  /** The states this run went through (for the coverage report). */
  readonly visited: Set<PipState>;
}

/** Everything the store holds about the PIP; a refused command must leave all of it unchanged. */
interface Observed {
  readonly record: PipRecord;
  readonly history: StoredEvent[];
  readonly timers: TimerRow[];
  readonly outbox: OutboxMessage[];
}

async function observe(real: Real): Promise<Observed> {
  const record = await real.store.load(PIP_ID);
  if (!record) throw new Error('The PIP vanished from the store.');
  return {
    record,
    history: await real.store.readEvents(PIP_ID),
    timers: await real.store.dueTimers('9999-12-31T23:59:59.999Z', 10_000),
    outbox: await real.store.pendingOutbox(10_000),
  };
}

// ---------------------------------------------------------------------------------------------
// Coverage across all runs.
// ---------------------------------------------------------------------------------------------

const visitedAcrossRuns = new Set<PipState>();
const runsReaching = new Map<PipState, number>();
let runs = 0;
let commandsRun = 0;

// ---------------------------------------------------------------------------------------------
// Invariants.
// ---------------------------------------------------------------------------------------------

/** The JSON form of a value: what a store keeps and returns. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function expectRefusal(error: unknown): asserts error is PipkitError {
  if (!(error instanceof PipkitError)) throw error;
  expect(typeof error.code).toBe('string');
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) expect(typeof issue.code).toBe('string');
}

/** Checked after every command, refused or accepted. */
function checkInvariants(model: Model, after: Observed): void {
  const { record, history } = after;
  expect(record.version).toBe(model.version);
  // Contiguous: the history is seqs 1..version.
  expect(history.map((stored) => stored.seq)).toEqual(
    Array.from({ length: record.version }, (_, index) => index + 1),
  );
  // Replaying the facts reproduces the stored snapshot exactly.
  // The store keeps JSON, so compare the JSON form (a field cleared to undefined is absent).
  const replay = replayEvents(history.map((stored) => stored.event));
  expect(asJson(replay)).toStrictEqual({ state: record.state, context: record.context });
  // The hash chain verifies up to the head the record points at.
  const verification = verifyHistory(history, {
    pipId: PIP_ID,
    head: { version: record.version, lastHash: record.lastHash },
  });
  expect(verification).toMatchObject({ ok: true, count: record.version });
  // The timer index is exactly the pending deadlines of the snapshot.
  const expectedTimers = Object.values(record.context.deadlines)
    .map((deadline) => ({
      timerId: `${PIP_ID}/${deadline.id}`,
      pipId: PIP_ID,
      deadlineId: deadline.id,
      kind: deadline.kind,
      dueAt: deadline.dueAt,
    }))
    .sort((a, b) => (a.timerId < b.timerId ? -1 : 1));
  expect([...after.timers].sort((a, b) => (a.timerId < b.timerId ? -1 : 1))).toEqual(
    expectedTimers,
  );
  // The stored summary is the one the history gives; the deadline statuses agree with it.
  const events = history.map((stored) => stored.event);
  expect(asJson(record.summary)).toStrictEqual(asJson(summarize(events)));
  const statuses = deadlineStatuses(events);
  const pending = statuses.filter((entry) => entry.status === 'pending');
  expect(pending.map((entry) => [entry.id, entry.dueAt]).sort()).toEqual(
    Object.values(record.context.deadlines)
      .map((deadline) => [deadline.id, deadline.dueAt])
      .sort(),
  );
  const overdue = statuses.filter((entry) => entry.status === 'overdue');
  expect(overdue.map((entry) => entry.id).sort()).toEqual(
    (record.summary?.overdue ?? []).map((item) => item.id).sort(),
  );
  // Final states absorb.
  if (model.final) expect(isFinalState(record.state)).toBe(true);
  model.final = isFinalState(record.state);
  model.visited.add(record.state);
}

function expectUnchanged(before: Observed, after: Observed): void {
  expect(after.record).toStrictEqual(before.record);
  expect(after.history).toStrictEqual(before.history);
  expect(after.timers).toStrictEqual(before.timers);
  expect(after.outbox).toStrictEqual(before.outbox);
}

// ---------------------------------------------------------------------------------------------
// Commands.
// ---------------------------------------------------------------------------------------------

/** Who sends a command: "the right actor" (resolved against the PIP when it runs) or a fixed one. */
type ActorChoice = { readonly right: number } | { readonly fixed: Actor };

function rightActors(type: CommandType, record: PipRecord): readonly Actor[] {
  const context = record.context;
  switch (type) {
    case 'APPROVE':
    case 'REJECT':
      return [HR_1, HR_2].filter((actor) => actor.id !== context.submittedBy);
    case 'DECIDE':
      return [HR_1, HR_2, LEGAL].filter((actor) => actor.id !== context.termination?.proposedBy);
    case 'ACKNOWLEDGE':
    case 'SUBMIT_REPLY':
      return [EMPLOYEE];
    case 'ATTACH_DOCUMENT':
      return [EMPLOYEE, MANAGER, HR_1, LEGAL];
    case 'PAUSE':
    case 'RESUME':
    case 'CLOSE':
      return [HR_1, HR_2];
    case 'START_INVESTIGATION':
    case 'CLOSE_INVESTIGATION':
      return [HR_1, LEGAL];
    default:
      return [MANAGER, HR_1, HR_2];
  }
}

function resolveActor(choice: ActorChoice, type: CommandType, record: PipRecord): Actor {
  if ('fixed' in choice) return choice.fixed;
  const candidates = rightActors(type, record);
  return candidates[choice.right % candidates.length] as Actor;
}

const describeActor = (choice: ActorChoice): string =>
  'fixed' in choice ? `${choice.fixed.id}/${choice.fixed.role}` : `right#${choice.right}`;

/** Which command to send: a fixed type, or "a step forward" picked among what the state allows. */
type CommandPick = { readonly type: CommandType } | { readonly forward: number };

/** Payload choices: `variant` indexes fixed payload lists; `docs` says what documents ride along. */
interface Knobs {
  readonly variant: number;
  readonly docs: 'required' | 'none' | readonly string[];
}

/** A command sent by someone, as the random generator produces it; resolved when it runs. */
interface Intent {
  readonly pick: CommandPick;
  readonly actor: ActorChoice;
  readonly knobs: Knobs;
}

const policyOf = (record: PipRecord): Policy =>
  POLICIES.find((policy) => policy.id === record.policyId) as Policy;

/**
 * The command types that can move a PIP on from its state (progress repeated to weigh it more).
 * This is only a bias of the generator: every type is also sent at random, in every state.
 */
function forwardTypes(record: PipRecord): readonly CommandType[] {
  switch (record.state) {
    case 'draft':
      return policyOf(record).document.approval.required ? ['SUBMIT_FOR_APPROVAL'] : ['ISSUE'];
    case 'pendingApproval':
      return ['APPROVE', 'APPROVE', 'APPROVE', 'REJECT'];
    case 'opened':
      return ['ACKNOWLEDGE', 'ACKNOWLEDGE', 'RECORD_REFUSAL'];
    case 'active':
    case 'extended':
      return record.context.investigation
        ? ['CLOSE_INVESTIGATION', 'RECORD_CHECK_IN', 'CONCLUDE_EARLY']
        : [
            'CONCLUDE_EARLY',
            'CONCLUDE_EARLY',
            'PAUSE',
            'EXTEND',
            'RECORD_CHECK_IN',
            'START_AMENDMENT',
            'START_INVESTIGATION',
          ];
    case 'amending.editing':
      return ['ISSUE_AMENDMENT', 'ISSUE_AMENDMENT', 'CANCEL_AMENDMENT'];
    case 'amending.awaitingAcknowledgement':
      return ['ACKNOWLEDGE', 'RECORD_REFUSAL'];
    case 'paused':
      return ['RESUME'];
    case 'review':
      return ['PROPOSE_TERMINATION', 'PROPOSE_TERMINATION', 'PASS'];
    case 'terminationProposed':
      return ['SUBMIT_REPLY', 'DECIDE', 'DECIDE'];
    default:
      return ['ATTACH_DOCUMENT', 'CLOSE'];
  }
}

const GOAL_SETS = [
  [{ id: 'g1', description: 'Close tickets on time', measure: '90% within SLA' }],
  [
    { id: 'g1', description: 'Close tickets on time', measure: '90% within SLA' },
    { id: 'g2', description: 'Document designs', measure: 'one design doc a month' },
  ],
  [{ id: 'g3', description: 'Be kinder' }], // not measurable: refused by the policy
] as const;
const at = <T>(list: readonly T[], index: number): T => list[index % list.length] as T;

function buildCommand(type: CommandType, { variant, docs }: Knobs): Command {
  const kinds = docs === 'required' ? (REQUIRED[type] ?? []) : docs === 'none' ? [] : docs;
  const documents = kinds.map(doc);
  // ATTACH_DOCUMENT always carries its list, even an empty one (which is refused).
  const attached =
    documents.length > 0 || type === 'ATTACH_DOCUMENT' ? { documents } : ({} as const);
  // Variant 3 acknowledges the amended plan document (the one ISSUE_AMENDMENT attaches).
  const acknowledged =
    variant % 5 === 4
      ? sha('never attached')
      : variant % 5 === 3
        ? sha('planDocument v2')
        : sha('planDocument');
  const payloads: { readonly [T in CommandType]?: Record<string, unknown> } = {
    UPDATE_PLAN: { goals: at(GOAL_SETS, variant) },
    REJECT: { reasonCode: at(['incomplete', 'unclearGoals'], variant) },
    ACKNOWLEDGE: { documentSha256: acknowledged },
    RECORD_REFUSAL: {
      documentSha256: acknowledged,
      witnessId: at(['witness-1', 'witness-1', 'witness-1', 'emp-1', 'hr-1'], variant),
    },
    RECORD_CHECK_IN: { assessment: at(['onTrack', 'mixed', 'offTrack'], variant) },
    PAUSE: {
      category: at(['medicalLeave', 'parentalLeave', 'protectedLeave'], variant),
      hostRef: 'case-1',
    },
    EXTEND: { amount: at([7, 14, 3, 10, 30], variant), reason: 'leave' },
    START_INVESTIGATION: { hostRef: 'inv-1' },
    CLOSE_INVESTIGATION: { finding: at(['noCase', 'misconduct', 'other'], variant) },
    DECIDE: {
      decision: at(['remove', 'remove', 'remove', 'retain', 'demote', 'reassign'], variant),
    },
    CLOSE: {
      reason: at(['withdrawn', 'resigned', 'misconduct', 'transferred', 'policyChanged'], variant),
    },
    // Never produced by the generator; here so the table covers every type.
    DEADLINE_REACHED: { deadlineId: 'planEnd', dueAt: '2026-01-01T00:00:00.000Z' },
  };
  // The payloads match their types by construction; the engine re-validates them anyway.
  const amended =
    type === 'ISSUE_AMENDMENT' && variant % 3 !== 2
      ? {
          documents: [
            ...documents,
            { kind: 'planDocument', ref: 'dms://planDocument/v2', sha256: sha('planDocument v2') },
          ],
        }
      : {};
  return { type, ...(payloads[type] ?? {}), ...attached, ...amended } as Command;
}

function resolveIntent(intent: Intent, record: PipRecord): { command: Command; actor: Actor } {
  const type =
    'type' in intent.pick ? intent.pick.type : at(forwardTypes(record), intent.pick.forward);
  return {
    command: buildCommand(type, intent.knobs),
    actor: resolveActor(intent.actor, type, record),
  };
}

const describeSent = (command: Command, actor: Actor): string => {
  const { type, documents, ...rest } = command;
  const docs = documents ? ` docs=[${documents.map((entry) => entry.kind).join(',')}]` : '';
  const args = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${type}${args}${docs} by ${actor.id}/${actor.role}`;
};

const describeIntent = (intent: Intent, sent: string | undefined): string => {
  const pick = 'type' in intent.pick ? intent.pick.type : `forward#${intent.pick.forward}`;
  const docs =
    typeof intent.knobs.docs === 'string' ? intent.knobs.docs : `[${intent.knobs.docs.join(',')}]`;
  const choice = `${pick} variant=${intent.knobs.variant} docs=${docs} by ${describeActor(intent.actor)}`;
  // After a run, say what was actually sent (the pick and the actor resolve against the PIP).
  return sent ? `${choice} => ${sent}` : choice;
};

/** Dispatches a command (explaining it first) and checks what the engine did. */
class DispatchCommand implements fc.AsyncCommand<Model, Real> {
  private sent: string | undefined;
  constructor(
    readonly intent: Intent,
    readonly withKey: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    commandsRun += 1;
    const before = await observe(real);
    const { command, actor } = resolveIntent(this.intent, before.record);
    this.sent = describeSent(command, actor);
    const key = this.withKey ? `key-${(model.keys += 1)}` : undefined;
    // explain needs read permission: a caller who may not read the PIP learns nothing from it,
    // and may not act on it either.
    let explanation: Awaited<ReturnType<Engine['explain']>>;
    try {
      explanation = await real.engine.explain(PIP_ID, command, { actor });
    } catch (denied) {
      expect(isPipkitError(denied, 'FORBIDDEN'), String(denied)).toBe(true);
      await expect(
        real.engine.dispatch(PIP_ID, command, { actor, ...(key ? { idempotencyKey: key } : {}) }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expectUnchanged(before, await observe(real));
      return;
    }
    expect(explanation.state).toBe(before.record.state);
    let error: unknown;
    let result: Awaited<ReturnType<Engine['dispatch']>> | undefined;
    try {
      result = await real.engine.dispatch(PIP_ID, command, {
        actor,
        ...(key ? { idempotencyKey: key } : {}),
      });
    } catch (caught) {
      error = caught;
    }
    const after = await observe(real);
    if (!result) {
      expectRefusal(error);
      // explain said refused too, with reasons.
      expect(explanation.accepted, `explain accepted what dispatch refused: ${error.message}`).toBe(
        false,
      );
      expect(explanation.issues.length).toBeGreaterThan(0);
      // Every reason dispatch gave is one explain listed (explain adds refusals to a forbidden).
      for (const issue of error.issues) expect(explanation.issues).toContainEqual(issue);
      if (model.final) {
        expect(explanation.issues.map((issue) => issue.code)).toContain('PIP_CLOSED');
      }
      expectUnchanged(before, after);
    } else {
      expect(model.final, 'a final PIP accepted a command').toBe(false);
      expect(
        explanation.accepted,
        `explain refused what dispatch accepted: ${JSON.stringify(explanation.issues)}`,
      ).toBe(true);
      expect(result.replayed).toBe(false);
      expect(result.events.length).toBeGreaterThan(0);
      expect(result.events.map((stored) => stored.event.type)).toEqual(explanation.events);
      expect(explanation.nextState).toBe(after.record.state);
      expect(result.events.map((stored) => stored.seq)).toEqual(
        result.events.map((_, index) => model.version + index + 1),
      );
      expect(after.record.version).toBe(model.version + result.events.length);
      expect(asJson(result.pip)).toStrictEqual(after.record);
      // Append-only: the old history is a prefix of the new one.
      expect(after.history.slice(0, before.history.length)).toStrictEqual(before.history);
      expect(after.history.slice(before.history.length)).toStrictEqual(result.events);
      model.version = after.record.version;
      if (key) {
        model.last = {
          command,
          actor,
          key,
          seqs: result.events.map((stored) => stored.seq),
          hashes: result.events.map((stored) => stored.hash),
        };
      }
    }
    checkInvariants(model, after);
  }
  toString(): string {
    return `dispatch(${describeIntent(this.intent, this.sent)}${this.withKey ? '' : ', no key'})`;
  }
}

/** Dispatches with an expectedVersion the PIP is not at: always a conflict, never a write. */
class StaleDispatchCommand implements fc.AsyncCommand<Model, Real> {
  private sent: string | undefined;
  constructor(
    readonly intent: Intent,
    readonly offset: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    commandsRun += 1;
    const before = await observe(real);
    const { command, actor } = resolveIntent(this.intent, before.record);
    this.sent = describeSent(command, actor);
    const stale =
      model.version + this.offset >= 0 ? model.version + this.offset : model.version + 1;
    let error: unknown;
    try {
      await real.engine.dispatch(PIP_ID, command, { actor, expectedVersion: stale });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VersionConflictError);
    expectRefusal(error);
    expect(error.code).toBe('VERSION_CONFLICT');
    const after = await observe(real);
    expectUnchanged(before, after);
    checkInvariants(model, after);
  }
  toString(): string {
    return `staleDispatch(${describeIntent(this.intent, this.sent)}, expectedVersion=version${this.offset > 0 ? '+' : ''}${this.offset})`;
  }
}

/** Sends the last accepted keyed request again: the first result comes back, nothing is written. */
class RepeatCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly changed: boolean) {}
  check(model: Readonly<Model>): boolean {
    return model.last !== undefined;
  }
  async run(model: Model, real: Real): Promise<void> {
    commandsRun += 1;
    const last = model.last;
    if (!last) throw new Error('check() guarantees a previous keyed dispatch');
    const before = await observe(real);
    if (this.changed) {
      // The same key for a different request is refused, whatever the PIP's state.
      let error: unknown;
      try {
        await real.engine.dispatch(
          PIP_ID,
          { type: 'ATTACH_DOCUMENT', documents: [doc('somethingElse')] },
          { actor: last.actor, idempotencyKey: last.key },
        );
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
      expectRefusal(error);
    } else {
      // Same key, same request: the first result, even if the PIP moved on (or is final) since.
      const result = await real.engine.dispatch(PIP_ID, last.command, {
        actor: last.actor,
        idempotencyKey: last.key,
      });
      expect(result.replayed).toBe(true);
      expect(result.events.map((stored) => stored.seq)).toEqual(last.seqs);
      expect(result.events.map((stored) => stored.hash)).toEqual(last.hashes);
      expect(asJson(result.pip)).toStrictEqual(before.record);
    }
    const after = await observe(real);
    expectUnchanged(before, after);
    checkInvariants(model, after);
  }
  toString(): string {
    return this.changed ? 'repeatKeyWithDifferentCommand' : 'repeatLastKeyedDispatch';
  }
}

/** Moves the clock forward and runs the timer sweep. */
class AdvanceAndTickCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly by: { readonly days: number } | { readonly hours: number }) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    commandsRun += 1;
    const before = await observe(real);
    real.clock.advance(this.by);
    const result = await real.engine.tick();
    const after = await observe(real);
    const fired = result.fired.flatMap((entry) => entry.events);
    if (model.final) {
      expect(fired).toEqual([]);
      expectUnchanged(before, after);
    }
    expect(after.record.version).toBe(model.version + fired.length);
    expect(after.history.slice(0, before.history.length)).toStrictEqual(before.history);
    expect(after.history.slice(before.history.length).map((stored) => stored.event.type)).toEqual(
      fired,
    );
    model.version = after.record.version;
    checkInvariants(model, after);
  }
  toString(): string {
    return 'days' in this.by ? `tick(+${this.by.days}d)` : `tick(+${this.by.hours}h)`;
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.
// ---------------------------------------------------------------------------------------------

const actorArbitrary: fc.Arbitrary<ActorChoice> = fc.oneof(
  { weight: 5, arbitrary: fc.nat(5).map((right): ActorChoice => ({ right })) },
  { weight: 1, arbitrary: fc.constantFrom(...EVERYONE).map((fixed): ActorChoice => ({ fixed })) },
);

const knobsArbitrary: fc.Arbitrary<Knobs> = fc.record({
  variant: fc.nat(59),
  docs: fc.oneof(
    { weight: 5, arbitrary: fc.constant('required' as const) },
    { weight: 1, arbitrary: fc.constant('none' as const) },
    { weight: 1, arbitrary: fc.subarray([...DOCUMENT_KINDS]) },
  ),
});

/** How often each command type is picked at random (a "forward" pick comes on top). */
const COMMAND_WEIGHTS: readonly (readonly [CommandType, number])[] = [
  ['UPDATE_PLAN', 1],
  ['ATTACH_DOCUMENT', 2],
  ['SUBMIT_FOR_APPROVAL', 2],
  ['APPROVE', 2],
  ['REJECT', 1],
  ['ISSUE', 2],
  ['ACKNOWLEDGE', 2],
  ['RECORD_REFUSAL', 1],
  ['RECORD_CHECK_IN', 1],
  ['PAUSE', 1],
  ['RESUME', 1],
  ['EXTEND', 1],
  ['CONCLUDE_EARLY', 2],
  ['PASS', 1],
  ['PROPOSE_TERMINATION', 2],
  ['SUBMIT_REPLY', 1],
  ['DECIDE', 2],
  ['CLOSE', 1],
  ['START_AMENDMENT', 1],
  ['ISSUE_AMENDMENT', 1],
  ['CANCEL_AMENDMENT', 1],
  ['START_INVESTIGATION', 1],
  ['CLOSE_INVESTIGATION', 1],
];

const pickArbitrary: fc.Arbitrary<CommandPick> = fc.oneof(
  { weight: 3, arbitrary: fc.nat(59).map((forward): CommandPick => ({ forward })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      ...COMMAND_WEIGHTS.map(([type, weight]) => ({
        weight,
        arbitrary: fc.constant<CommandPick>({ type }),
      })),
    ),
  },
);

const anyIntent: fc.Arbitrary<Intent> = fc.record({
  pick: pickArbitrary,
  actor: actorArbitrary,
  knobs: knobsArbitrary,
});

const commandArbitrary: fc.Arbitrary<fc.AsyncCommand<Model, Real>> = fc.oneof(
  {
    weight: 24,
    arbitrary: fc
      .tuple(anyIntent, fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)))
      .map(([intent, withKey]) => new DispatchCommand(intent, withKey)),
  },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.integer({ min: 1, max: 72 }).map((hours) => ({ hours })),
        fc.integer({ min: 1, max: 20 }).map((days) => ({ days })),
      )
      .map((by) => new AdvanceAndTickCommand(by)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(anyIntent, fc.constantFrom(-3, -2, -1, 1, 2))
      .map(([intent, offset]) => new StaleDispatchCommand(intent, offset)),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof({ weight: 3, arbitrary: fc.constant(false) }, fc.constant(true))
      .map((changed) => new RepeatCommand(changed)),
  },
);

interface Setup {
  readonly start: Date;
  readonly timeZone: string;
  readonly policyId: string;
  readonly openDocuments: readonly DocumentRef[];
}

const setupArbitrary: fc.Arbitrary<Setup> = fc.record({
  start: fc.date({
    min: new Date('2025-01-01T00:00:00Z'),
    max: new Date('2027-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  timeZone: fc.constantFrom(
    'America/Chicago',
    'Europe/Berlin',
    'Asia/Kolkata',
    'Pacific/Auckland',
    'UTC',
  ),
  policyId: fc.constantFrom(...POLICIES.map((policy) => policy.id)),
  openDocuments: fc.oneof(
    { weight: 3, arbitrary: fc.constant([]) },
    fc.subarray([...DOCUMENT_KINDS], { minLength: 1 }).map((kinds) => kinds.map(doc)),
  ),
});

async function openPip(setup: Setup): Promise<{ model: Model; real: Real }> {
  const clock = createTestClock(setup.start);
  const store = memoryStore();
  let counter = 0;
  const engine = createEngine({
    store,
    policies: POLICIES,
    clock,
    ids: () => `generated-${(counter += 1)}`,
  });
  const opened = await engine.open(
    {
      pipId: PIP_ID,
      employee: { id: EMPLOYEE.id, timeZone: setup.timeZone },
      managerId: MANAGER.id,
      policy: { id: setup.policyId },
      goals: [{ id: 'g1', description: 'Close tickets on time', measure: '90% within SLA' }],
      ...(setup.openDocuments.length > 0 ? { documents: [...setup.openDocuments] } : {}),
    },
    { actor: HR_1 },
  );
  expect(opened.pip.state).toBe('draft');
  const model: Model = { version: opened.pip.version, final: false, keys: 0, visited: new Set() };
  const real: Real = { engine, store, clock };
  checkInvariants(model, await observe(real));
  return { model, real };
}

// ---------------------------------------------------------------------------------------------
// The property.
// ---------------------------------------------------------------------------------------------

/** States the random runs must reach, across all runs. */
const MUST_REACH: readonly PipState[] = [
  'draft',
  'pendingApproval',
  'opened',
  'active',
  'paused',
  'extended',
  'amending.editing',
  'amending.awaitingAcknowledgement',
  'review',
  'passed.watching',
  'terminationProposed',
  'terminated',
  'closed',
];

const NUM_RUNS = 1000;

describe('engine model', () => {
  afterAll(() => {
    if (process.env.PIPKIT_MODEL_STATS) {
      const stats = PIP_STATES.map((state) => `${state}=${runsReaching.get(state) ?? 0}`);
      console.info(`runs=${runs} commands=${commandsRun} runsReaching: ${stats.join(' ')}`);
    }
  });

  it('keeps every invariant under random commands, actors, clocks and retries', async () => {
    await fc.assert(
      fc.asyncProperty(
        setupArbitrary,
        fc.commands([commandArbitrary], { maxCommands: 25, size: 'max' }),
        async (setup, commands) => {
          let visited: Set<PipState> | undefined;
          await fc.asyncModelRun(async () => {
            const started = await openPip(setup);
            visited = started.model.visited;
            return started;
          }, commands);
          runs += 1;
          for (const state of visited ?? []) {
            visitedAcrossRuns.add(state);
            runsReaching.set(state, (runsReaching.get(state) ?? 0) + 1);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
    expect(runs).toBeGreaterThanOrEqual(NUM_RUNS);
  }, 300_000);

  it('reached every lifecycle state that matters across the random runs', () => {
    const missing = MUST_REACH.filter((state) => !visitedAcrossRuns.has(state));
    expect(missing).toEqual([]);
  });
});
