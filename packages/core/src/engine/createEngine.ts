import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../audit/canonicalJson.js';
import {
  type HistoryVerification,
  type StoredEvent,
  chainEvents,
  verifyHistory,
} from '../audit/hashChain.js';
import { type Calendar, type CalendarDefinition, createCalendar } from '../calendar/calendar.js';
import {
  CalendarError,
  CommandRefusedError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  PipAlreadyExistsError,
  PipNotFoundError,
  type PipkitIssue,
  PolicyNotFoundError,
  StoreError,
  ValidationError,
  VersionConflictError,
} from '../errors/pipkitError.js';
import { type CivilDay, parseCivilDay } from '../calendar/civilDay.js';
import { fromZodIssues } from '../errors/zodIssues.js';
import { MACHINE_VERSION, type PipState } from '../machine/pipMachine.js';
import {
  type PipMachineSnapshot,
  applyEvents,
  flattenState,
  initialSnapshot,
  isFinalState,
  replayEvents,
  restoreSnapshot,
} from '../machine/snapshot.js';
import type { Deadline, PipEmployee, PipEvent, PipEventType } from '../machine/types.js';
import {
  type AuthorizationRequest,
  type Authorizer,
  defaultAuthorizer,
} from '../policy/authorize.js';
import type { Policy } from '../policy/definePolicy.js';
import { type Actor, actorSchema, hostIdSchema } from '../policy/roles.js';
import type {
  CommitRequest,
  IdempotencyRecord,
  ListQuery,
  OutboxMessage,
  PipRecord,
  PipStore,
  TimerRow,
} from '../store/pipStore.js';
import { LIST_LIMITS, NO_PIP_YET } from '../store/pipStore.js';
import {
  type Command,
  type CommandType,
  type OpenPipInput,
  commandSchema,
  openPipSchema,
} from './commands.js';
import { PLAN_LIMIT_COMMANDS, type PriorPlan, decide, planLimitIssues } from './decide.js';
import { type MigrationPlanEntry, mapToPolicy } from './migration.js';
import { withReminders } from './reminders.js';
import { outboxFor } from './outbox.js';
import { Schedule } from './schedule.js';

/** The engine's source of "now". Inject a test clock to run time forward without sleeping. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** How to build an engine. */
export interface EngineOptions {
  /** Where PIPs live: `memoryStore()`, `@pipkit/sqlite` or `@pipkit/postgres`. */
  readonly store: PipStore;
  /** Every policy version PIPs may run on. A PIP stays on the version it opened under. */
  readonly policies: readonly Policy[];
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** Generates PIP ids when `open` is not given one. Defaults to `crypto.randomUUID`. */
  readonly ids?: () => string;
  /** Authorization port; defaults to {@link defaultAuthorizer}. Deny by returning issues. */
  readonly authorize?: Authorizer;
  /**
   * Working calendars by id (for example from `@pipkit/holidays`), chosen per employee at open
   * with `employee.calendar`. A PIP without one uses its policy's calendar.
   */
  readonly calendars?: Readonly<Record<string, CalendarDefinition>>;
  /**
   * How many PIP envelopes `dispatch` keeps from its own commits (default 1000; 0 turns it off).
   * A command on a remembered PIP is decided without reading it first, and its commit still
   * names the version it decided from, so the store refuses it if another engine has moved the
   * PIP on: the engine then reads the PIP and decides again. A refusal decided from a remembered
   * envelope is always re-checked against the store before it is reported. Reads (`get`,
   * `explain`, `history`, `list`) always go to the store.
   */
  readonly recordCache?: number;
}

/** Options of {@link Engine.dispatch}. */
export interface DispatchOptions {
  /** Who is acting, and in which role. */
  readonly actor: Actor;
  /** Refuse with `VERSION_CONFLICT` unless the PIP is still at this version (what the caller read). */
  readonly expectedVersion?: number;
  /** A repeated key returns the first result instead of acting twice. */
  readonly idempotencyKey?: string;
  /**
   * Re-decide up to this many times when another writer wins the race (default 0). Only used
   * without `expectedVersion`: a command pinned to a version is never silently re-evaluated.
   */
  readonly retries?: number;
}

/** What an accepted command returns. */
export interface DispatchResult {
  /** The PIP after the command (for a replayed idempotent request: as it is now). */
  readonly pip: PipRecord;
  /** The events the command appended. */
  readonly events: readonly StoredEvent[];
  /** True when an idempotency key matched an earlier request and nothing new was written. */
  readonly replayed: boolean;
}

/** What {@link Engine.explain} says about a command, without writing anything. */
export interface Explanation {
  /** True when `dispatch` would accept the command now. */
  readonly accepted: boolean;
  readonly state: PipState;
  /** The state the PIP would move to, when accepted. */
  readonly nextState?: PipState;
  /** The events it would append, when accepted. */
  readonly events: readonly PipEventType[];
  /** Every reason it would be refused: authorization, state, documents, limits and code rules. */
  readonly issues: readonly PipkitIssue[];
}

/** One fired deadline in a {@link TickResult}. */
export interface FiredDeadline {
  readonly timerId: string;
  readonly pipId: string;
  readonly deadlineId: string;
  readonly kind: TimerRow['kind'];
  readonly dueAt: string;
  readonly events: readonly PipEventType[];
}

/** What one timer sweep did. */
export interface TickResult {
  readonly now: string;
  readonly fired: readonly FiredDeadline[];
  /** Timers found but not fired (moved, met or cancelled meanwhile), with the reason. */
  readonly skipped: readonly { readonly timerId: string; readonly code: string }[];
}

/** Integrity of one PIP: the hash chain and the replay of its events. */
export interface PipVerification {
  readonly pipId: string;
  readonly chain: HistoryVerification;
  /** True when replaying the events through the machine reproduces the stored snapshot exactly. */
  readonly replayMatches: boolean;
  readonly ok: boolean;
}

/** The pipkit engine: commands in; events, snapshot, timers and outbox out, atomically. */
export interface Engine {
  /** Creates a PIP in `draft`, pinned to a policy version. */
  open(
    input: OpenPipInput,
    options: { readonly actor: Actor; readonly idempotencyKey?: string },
  ): Promise<DispatchResult>;
  /** Sends a command. Throws a typed {@link PipkitError} when refused; nothing is written then. */
  dispatch(pipId: string, command: Command, options: DispatchOptions): Promise<DispatchResult>;
  /** Says whether a command would be accepted and lists every reason it would not. Writes nothing. */
  explain(pipId: string, command: Command, actor: Actor): Promise<Explanation>;
  /** The PIP's current record. */
  get(pipId: string, options: { readonly actor: Actor }): Promise<PipRecord>;
  /** The PIP's events, oldest first. */
  history(pipId: string, options: { readonly actor: Actor }): Promise<StoredEvent[]>;
  /** PIPs the actor may read, matching the query, ordered by id. */
  list(query: ListQuery, options: { readonly actor: Actor }): Promise<PipRecord[]>;
  /** Verifies the hash chain and that replaying the events reproduces the snapshot. */
  verify(pipId: string, options: { readonly actor: Actor }): Promise<PipVerification>;
  /**
   * Delivers pending outbox messages (notifications) through `handler`, oldest first, and marks
   * each delivered once its handler returns. At least once: a crash after delivery and before the
   * mark redelivers the same message with the same id, so handlers deduplicate by `message.id`.
   * A PIP's later messages wait while an earlier one of the same PIP fails, so order is kept.
   * With a store that leases the outbox (Postgres), relays in several processes split the PIPs
   * between them and never deliver one PIP's messages concurrently.
   */
  /**
   * Deletes a PIP's whole record (events, envelope, timers, outbox rows, idempotency keys) once
   * its outcome's retention date (`retainUntil`, from the policy's `retention`) has passed in the
   * employee's zone and no legal hold is in force. Refused with `COMMAND_REFUSED` otherwise,
   * listing every reason (`PIP_NOT_FINAL`, `NO_RETENTION_PERIOD`, `RETENTION_NOT_OVER`,
   * `LEGAL_HOLD`); HR and legal may purge (`PURGE` for a custom authorizer). The store deletes
   * only at the version read, so a hold placed meanwhile wins (`VERSION_CONFLICT`). Returns a
   * receipt to keep as the record of destruction. Needs a store with `purge`.
   */
  purge(pipId: string, options: { readonly actor: Actor }): Promise<PurgeReceipt>;
  relay(
    handler: (message: OutboxMessage) => void | Promise<void>,
    options?: {
      /** Messages per round (default 100); with a leasing store, PIPs per round. */
      readonly limit?: number;
      /** With a store that leases the outbox: how long this relay holds a claimed PIP (default 60 s). */
      readonly leaseMs?: number;
    },
  ): Promise<RelayResult>;
  /** Fires every deadline due at `now` (default: the clock), each exactly once in effect. */
  /**
   * Dry run: what moving every running PIP on `policyId@fromVersion` to `toVersion` would change,
   * and, per PIP, what cannot be mapped (deadlines already past under the new numbers, extensions
   * over the new limits, a plan beyond the new cap). Writes nothing. HR, legal and system only.
   */
  planMigration(
    input: {
      readonly policyId: string;
      readonly fromVersion: number;
      readonly toVersion: number;
    },
    options: { readonly actor: Actor },
  ): Promise<MigrationPlanEntry[]>;
  /**
   * Moves one running PIP to another version of its policy, recording a hash-chained
   * `POLICY_MIGRATED` event with the re-dated deadlines. Refused (`COMMAND_REFUSED`, with the
   * dry run's problems as issues) when anything cannot be mapped. HR and system only.
   */
  migrate(
    pipId: string,
    input: { readonly toVersion: number },
    options: { readonly actor: Actor; readonly expectedVersion?: number },
  ): Promise<DispatchResult>;
  tick(
    now?: Date | string,
    options?: {
      /** Timers per batch (default 500). */
      readonly limit?: number;
      /** With a store that leases timers: how long this sweeper holds a claimed timer (default 60 s). */
      readonly leaseMs?: number;
    },
  ): Promise<TickResult>;
}

/** What {@link Engine.purge} deleted: enough to prove later that a record existed and was destroyed. */
export interface PurgeReceipt {
  readonly pipId: string;
  readonly employeeId: string;
  readonly policy: { readonly id: string; readonly version: number };
  /** The state the record ended in. */
  readonly state: PipState;
  /** Events deleted, and the hash of the last one: the head of the chain that was destroyed. */
  readonly version: number;
  readonly lastHash: string;
  /** The retention date that had passed. */
  readonly retainUntil: string;
  readonly purgedAt: string;
  readonly purgedBy: Actor;
}

/** What one outbox relay round did. */
export interface RelayResult {
  /** Ids delivered and marked, in delivery order. */
  readonly delivered: readonly string[];
  /** Messages whose handler threw; they stay pending and are offered again next round. */
  readonly failed: readonly { readonly id: string; readonly error: unknown }[];
}

/** Moving PIPs between policy versions is for HR and the system (and legal, for the dry run). */
function requireMigrator(actor: Actor, writing = false): void {
  const allowed: readonly string[] = writing ? ['hr', 'system'] : ['hr', 'legal', 'system'];
  if (!allowed.includes(actor.role)) {
    throw new ForbiddenError(`Role "${actor.role}" may not migrate PIPs.`, [
      {
        code: 'ROLE_NOT_ALLOWED',
        path: ['actor'],
        message: `Role "${actor.role}" may not migrate PIPs; allowed: ${allowed.join(', ')}.`,
      },
    ]);
  }
}

/** The actor the timer sweep acts as. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ id: 'pipkit:timer', role: 'system' });

const dispatchOptionsSchema = z
  .object({
    actor: actorSchema,
    expectedVersion: z.number().int().nonnegative().optional(),
    idempotencyKey: hostIdSchema.optional(),
    retries: z.number().int().min(0).max(10).optional(),
  })
  .strict();

const readOptionsSchema = z.object({ actor: actorSchema }).strict();

/** The event that carries each command's state check (the first thing the machine must accept). */
const PRIMARY_EVENT: Readonly<Record<CommandType, PipEventType | undefined>> = {
  UPDATE_PLAN: 'PLAN_UPDATED',
  ATTACH_DOCUMENT: 'DOCUMENTS_ATTACHED',
  SUBMIT_FOR_APPROVAL: 'SUBMITTED_FOR_APPROVAL',
  APPROVE: 'APPROVED',
  REJECT: 'APPROVAL_REJECTED',
  ISSUE: 'ISSUED',
  ACKNOWLEDGE: 'ACKNOWLEDGED',
  RECORD_REFUSAL: 'REFUSAL_WITNESSED',
  RECORD_CHECK_IN: 'CHECK_IN_HELD',
  PAUSE: 'PAUSED',
  RESUME: 'RESUMED',
  START_AMENDMENT: 'AMENDMENT_STARTED',
  ISSUE_AMENDMENT: 'AMENDMENT_ISSUED',
  CANCEL_AMENDMENT: 'AMENDMENT_CANCELLED',
  START_INVESTIGATION: 'INVESTIGATION_STARTED',
  CLOSE_INVESTIGATION: 'INVESTIGATION_CLOSED',
  EXTEND: 'EXTENDED',
  CONCLUDE_EARLY: 'PERIOD_ENDED',
  PASS: 'PASSED',
  PROPOSE_TERMINATION: 'TERMINATION_PROPOSED',
  SUBMIT_REPLY: 'REPLY_SUBMITTED',
  DECIDE: 'DECIDED',
  CLOSE: 'CLOSED',
  EXTEND_NOTICE: 'NOTICE_EXTENDED',
  FULFIL_OBLIGATION: 'OBLIGATION_FULFILLED',
  RECORD_RELAPSE: 'RELAPSE_RECORDED',
  // About the record, not the plan: no state check (see RECORD_COMMANDS).
  PLACE_LEGAL_HOLD: undefined,
  RELEASE_LEGAL_HOLD: undefined,
  // Deadlines are checked against the PIP's own pending deadlines instead.
  DEADLINE_REACHED: undefined,
};

interface Evaluation {
  readonly forbidden: readonly PipkitIssue[];
  readonly refused: readonly PipkitIssue[];
  readonly events: readonly PipEvent[];
  readonly next: PipMachineSnapshot | undefined;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = fromZodIssues(parsed.error.issues);
  throw new ValidationError(
    `Invalid ${what}: ${issues.map((entry) => `${entry.path.join('.') || '(root)'}: ${entry.message}`).join('; ')}`,
    issues,
  );
}

function toIso(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError('Invalid instant.', [
      { code: 'INVALID_INSTANT', path: ['now'], message: `"${String(value)}" is not an instant.` },
    ]);
  }
  return date.toISOString();
}

function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function timerChanges(
  pipId: string,
  before: Readonly<Record<string, Deadline>>,
  after: Readonly<Record<string, Deadline>>,
) {
  const set: TimerRow[] = [];
  const clear: string[] = [];
  for (const id in before) if (!(id in after)) clear.push(`${pipId}/${id}`);
  for (const id in after) {
    const deadline = after[id] as Deadline;
    if (before[id]?.dueAt !== deadline.dueAt) {
      set.push({
        timerId: `${pipId}/${id}`,
        pipId,
        deadlineId: id,
        kind: deadline.kind,
        dueAt: deadline.dueAt,
      });
    }
  }
  return { set, clear };
}

/**
 * Builds an engine. Stateless between calls: every command loads the PIP's envelope, decides,
 * and commits one transaction; nothing is kept alive, so any number of engines may share a store.
 *
 * @example
 * ```ts
 * import { createEngine, defaultPolicy, memoryStore } from '@pipkit/core';
 *
 * const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });
 * const hr = { id: 'hr-7', role: 'hr' } as const;
 * const { pip } = await engine.open(
 *   {
 *     employee: { id: 'emp-42', timeZone: 'America/Chicago' },
 *     managerId: 'mgr-9',
 *     policy: { id: 'pipkit-default' },
 *     goals: [{ id: 'g1', description: 'Close tickets on time', measure: '90% within SLA' }],
 *   },
 *   { actor: hr },
 * );
 * await engine.dispatch(pip.pipId, { type: 'SUBMIT_FOR_APPROVAL', documents: [planDoc] }, { actor: hr });
 * ```
 */
export function createEngine(options: EngineOptions): Engine {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const newId = options.ids ?? randomUUID;
  const records = recentRecords(options.recordCache ?? 1000);
  const authorize = options.authorize ?? defaultAuthorizer;
  const byVersion = new Map<string, Policy>();
  const latest = new Map<string, Policy>();
  for (const policy of options.policies) {
    const key = `${policy.id}@${policy.version}`;
    if (byVersion.has(key)) throw new Error(`Policy ${key} is registered twice.`);
    byVersion.set(key, policy);
    const current = latest.get(policy.id);
    if (!current || current.version < policy.version) latest.set(policy.id, policy);
  }
  const schedules = new Map<string, Schedule>();
  // Names this engine instance when it leases timers from a shared store.
  const sweeper = `pipkit-engine:${randomUUID()}`;

  const policyOf = (id: string, version?: number): Policy => {
    const policy = version === undefined ? latest.get(id) : byVersion.get(`${id}@${version}`);
    if (!policy) throw new PolicyNotFoundError(id, version);
    return policy;
  };

  const calendars = options.calendars ?? {};

  const scheduleFor = (policy: Policy, employee: PipEmployee): Schedule => {
    const { timeZone, calendar: calendarId } = employee;
    const key = `${policy.id}@${policy.version}|${timeZone}|${calendarId ?? ''}`;
    let schedule = schedules.get(key);
    if (!schedule) {
      const definition =
        calendarId === undefined ? policy.document.calendar : calendars[calendarId];
      if (!definition) {
        throw new CalendarError(
          `No calendar "${calendarId}" is registered with the engine; pass it in the calendars option.`,
          ['employee', 'calendar'],
        );
      }
      const calendar: Calendar = createCalendar({ ...definition, timeZone });
      schedule = new Schedule(policy.document, calendar);
      schedules.set(key, schedule);
    }
    return schedule;
  };

  /** What the authorizer sees of a PIP for an action (commands add the command). */
  const authorizationOf = (
    record: PipRecord,
    actor: Actor,
    action: AuthorizationRequest['action'],
    command?: Command,
  ): AuthorizationRequest => ({
    actor,
    action,
    ...(command ? { command } : {}),
    pip: {
      pipId: record.pipId,
      employeeId: record.employeeId,
      managerId: record.managerId,
      context: record.context,
    },
    policy: policyOf(record.policyId, record.policyVersion).document,
  });

  const authorizeRead = (record: PipRecord, actor: Actor): PipkitIssue[] => [
    ...authorize(authorizationOf(record, actor, 'READ')),
  ];

  const loadReadable = async (pipId: string, actor: Actor): Promise<PipRecord> => {
    const record = await store.load(pipId);
    if (!record) throw new PipNotFoundError(pipId);
    const denied = authorizeRead(record, actor);
    if (denied.length > 0)
      throw new ForbiddenError(`Actor "${actor.id}" may not read PIP "${pipId}".`, denied);
    return record;
  };

  /**
   * The employee's other plans that reached them, for the across-plans limit. Pages through
   * `store.list({ employeeId })`: the port has no narrower query (yet).
   */
  const priorPlansOf = async (employeeId: string, exceptPipId: string): Promise<PriorPlan[]> => {
    const plans: PriorPlan[] = [];
    let afterPipId: string | undefined;
    for (;;) {
      const page = await store.list({
        employeeId,
        limit: LIST_LIMITS.max,
        ...(afterPipId === undefined ? {} : { afterPipId }),
      });
      for (const other of page) {
        const issuedAt = other.context.issuedAt;
        if (other.pipId === exceptPipId || issuedAt === undefined) continue;
        if (other.context.outcome?.reason === 'withdrawn') continue;
        plans.push({ pipId: other.pipId, issuedAt });
      }
      if (page.length < LIST_LIMITS.max) return plans;
      afterPipId = page[page.length - 1]?.pipId;
    }
  };

  /** Prior plans, read only when this command gives a plan under a policy that limits them. */
  const priorPlansFor = async (
    record: PipRecord,
    command: Command,
  ): Promise<PriorPlan[] | undefined> => {
    if (!PLAN_LIMIT_COMMANDS.has(command.type)) return undefined;
    const policy = byVersion.get(`${record.policyId}@${record.policyVersion}`);
    if (!policy?.document.plans.maxWithin) return undefined;
    return priorPlansOf(record.employeeId, record.pipId);
  };

  const evaluate = (
    record: PipRecord,
    command: Command,
    actor: Actor,
    now: string,
    priorPlans?: readonly PriorPlan[],
  ): Evaluation => {
    const policy = policyOf(record.policyId, record.policyVersion);
    const request = authorizationOf(record, actor, command.type, command);
    const forbidden = authorize(request);
    // Legal holds are about the record, not the plan: they apply after the outcome too.
    if (isFinalState(record.state) && !RECORD_COMMANDS.has(command.type)) {
      const message = `The PIP is ${record.state} (${record.context.outcome?.reason ?? 'final'}); it accepts no more commands.`;
      return {
        forbidden,
        refused: [{ code: 'PIP_CLOSED', path: [], message }],
        events: [],
        next: undefined,
      };
    }
    const snapshot = restoreSnapshot(record.state, record.context);
    const primary = PRIMARY_EVENT[command.type];
    if (primary && !snapshot.can({ type: primary, at: now, actor } as PipEvent)) {
      const message = `${command.type} is not allowed while the PIP is ${record.state}.`;
      return {
        forbidden,
        refused: [{ code: 'NOT_ALLOWED_IN_STATE', path: ['type'], message }],
        events: [],
        next: undefined,
      };
    }
    const schedule = scheduleFor(policy, record.context.employee);
    const decisionInput = {
      lastChangedAt: record.updatedAt,
      state: record.state,
      context: record.context,
      policy,
      schedule,
      command,
      actor,
      now,
      ...(priorPlans ? { priorPlans } : {}),
    };
    const decided = decide(decisionInput);
    const decision = {
      issues: decided.issues,
      events: withReminders(
        decided.events,
        record.context,
        policy.document,
        schedule.calendar,
        now,
      ),
    };
    const refused = [...decision.issues];
    for (const rule of policy.rules) {
      for (const ruleIssue of rule.check({
        command,
        actor,
        state: record.state,
        context: record.context,
        policy: policy.document,
        now,
      })) {
        refused.push({ ...ruleIssue, code: ruleIssue.code, path: ruleIssue.path ?? [] });
      }
    }
    if (refused.length > 0 || forbidden.length > 0)
      return { forbidden, refused, events: decision.events, next: undefined };
    const next = applyEvents(snapshot, decision.events);
    if (!next) {
      const message = `${command.type} is not allowed while the PIP is ${record.state}.`;
      return {
        forbidden,
        refused: [{ code: 'NOT_ALLOWED_IN_STATE', path: ['type'], message }],
        events: [],
        next: undefined,
      };
    }
    return { forbidden, refused, events: decision.events, next };
  };

  const buildCommit = (
    record: PipRecord | undefined,
    base: Omit<PipRecord, 'state' | 'context' | 'version' | 'lastHash' | 'updatedAt'>,
    events: readonly PipEvent[],
    next: PipMachineSnapshot,
    now: string,
    idempotency?: { key: string; requestHash: string },
  ): CommitRequest => {
    const version = record?.version ?? NO_PIP_YET;
    const stored = chainEvents(base.pipId, version, record?.lastHash ?? '0'.repeat(64), events);
    const last = stored[stored.length - 1] as StoredEvent;
    const context = next.context;
    const newRecord: PipRecord = {
      ...base,
      state: flattenState(next.value),
      context,
      version: last.seq,
      lastHash: last.hash,
      updatedAt: now,
    };
    return {
      pipId: base.pipId,
      expectedVersion: version,
      record: newRecord,
      events: stored,
      timers: timerChanges(base.pipId, record?.context.deadlines ?? {}, context.deadlines),
      outbox: outboxFor(context, stored, last.seq),
      ...(idempotency
        ? {
            idempotency: {
              ...idempotency,
              pipId: base.pipId,
              version: last.seq,
              seqs: stored.map((event) => event.seq),
            },
          }
        : {}),
    };
  };

  const replayed = async (prior: IdempotencyRecord, hash: string): Promise<DispatchResult> => {
    if (prior.requestHash !== hash) throw new IdempotencyKeyReusedError(prior.key);
    const pip = await store.load(prior.pipId);
    if (!pip) throw new PipNotFoundError(prior.pipId);
    const first = prior.seqs[0] ?? prior.version;
    const events = (await store.readEvents(prior.pipId, { afterSeq: first - 1 })).filter((event) =>
      prior.seqs.includes(event.seq),
    );
    return { pip, events, replayed: true };
  };

  /**
   * Decides a command against a PIP's envelope: the evaluation, and the commit that would write
   * it (none when the command is forbidden or refused). Pure but for the prior-plans lookup.
   */
  const decideCommit = async (
    record: PipRecord,
    command: Command,
    actor: Actor,
    now: string,
    idempotency?: { key: string; requestHash: string },
  ) => {
    const evaluation = evaluate(record, command, actor, now, await priorPlansFor(record, command));
    if (evaluation.forbidden.length > 0 || !evaluation.next) {
      return { evaluation, commit: undefined };
    }
    const commit = buildCommit(
      record,
      identityOf(record),
      evaluation.events,
      evaluation.next,
      now,
      idempotency,
    );
    return { evaluation, commit };
  };

  const dispatchAt = async (
    pipId: string,
    rawCommand: Command,
    rawOptions: DispatchOptions,
    nowOverride?: string,
  ): Promise<DispatchResult> => {
    const options = parseOrThrow(dispatchOptionsSchema, rawOptions, 'dispatch options');
    const command = parseOrThrow(commandSchema, rawCommand, 'command');
    const { actor } = options;
    const hash = options.idempotencyKey ? requestHash({ pipId, command, actor }) : '';
    if (options.idempotencyKey) {
      const prior = await store.getIdempotency(options.idempotencyKey);
      if (prior) return replayed(prior, hash);
    }
    const attempts = options.expectedVersion === undefined ? (options.retries ?? 0) + 1 : 1;
    let trustCache = true;
    for (let attempt = 1; ; attempt += 1) {
      // A remembered envelope saves a read; anything it makes us refuse is re-checked fresh.
      const cached = trustCache ? records.get(pipId) : undefined;
      const fromCache =
        cached !== undefined &&
        (options.expectedVersion === undefined || cached.version === options.expectedVersion);
      const record = fromCache ? cached : await store.load(pipId);
      const recheck = () => {
        records.forget(pipId);
        trustCache = false;
        attempt -= 1;
      };
      if (!record) throw new PipNotFoundError(pipId);
      if (options.expectedVersion !== undefined && record.version !== options.expectedVersion) {
        throw new VersionConflictError(pipId, options.expectedVersion, record.version);
      }
      const now = nowOverride ?? clock.now().toISOString();
      const decided = await decideCommit(
        record,
        command,
        actor,
        now,
        options.idempotencyKey ? { key: options.idempotencyKey, requestHash: hash } : undefined,
      );
      if (fromCache && !decided.commit) {
        recheck();
        continue;
      }
      const { evaluation, commit } = decided;
      if (evaluation.forbidden.length > 0) {
        throw new ForbiddenError(
          `Actor "${actor.id}" (${actor.role}) may not ${command.type} on PIP "${pipId}".`,
          evaluation.forbidden,
        );
      }
      if (!commit) {
        throw new CommandRefusedError(
          `${command.type} refused: ${evaluation.refused.map((entry) => entry.message).join(' ')}`,
          evaluation.refused,
        );
      }
      try {
        await store.commit(commit);
        records.remember(commit.record);
        return { pip: commit.record, events: commit.events, replayed: false };
      } catch (error) {
        records.forget(pipId);
        if (error instanceof IdempotencyKeyReusedError && options.idempotencyKey) {
          const prior = await store.getIdempotency(options.idempotencyKey);
          if (prior) return replayed(prior, hash);
        }
        if (error instanceof VersionConflictError && fromCache) {
          // Another engine moved the PIP on: that is not the caller's race, decide again.
          recheck();
          continue;
        }
        if (error instanceof VersionConflictError && attempt < attempts) continue;
        throw error;
      }
    }
  };

  const fireCommand = (timer: TimerRow): Command => ({
    type: 'DEADLINE_REACHED',
    deadlineId: timer.deadlineId,
    dueAt: timer.dueAt,
  });
  /** A fire is keyed by its timer and due time, so a deadline fires once however often it is swept. */
  const fireKey = (timer: TimerRow) => `timer:${timer.timerId}@${timer.dueAt}`;

  /**
   * Decides a round of fires (one per PIP) and commits them with one `commitMany`. Returns the
   * timers left for the one-by-one path; pushes the ones it fired.
   */
  const fireTogether = async (
    round: readonly TimerRow[],
    now: string,
    fired: FiredDeadline[],
  ): Promise<TimerRow[]> => {
    const left: TimerRow[] = [];
    const batch: { timer: TimerRow; commit: CommitRequest }[] = [];
    for (const timer of round) {
      const record = records.get(timer.pipId) ?? (await store.load(timer.pipId));
      const command = fireCommand(timer);
      const decided = record
        ? await decideCommit(record, command, SYSTEM_ACTOR, now, {
            key: fireKey(timer),
            requestHash: requestHash({ pipId: timer.pipId, command, actor: SYSTEM_ACTOR }),
          })
        : undefined;
      if (decided?.commit) batch.push({ timer, commit: decided.commit });
      else left.push(timer);
    }
    if (batch.length === 0) return left;
    const outcomes = await (store.commitMany as NonNullable<PipStore['commitMany']>)(
      batch.map((entry) => entry.commit),
    );
    for (const [index, { timer, commit }] of batch.entries()) {
      if (outcomes[index] === undefined) {
        records.remember(commit.record);
        fired.push({ ...timer, events: commit.events.map((event) => event.event.type) });
      } else {
        records.forget(timer.pipId);
        left.push(timer);
      }
    }
    return left;
  };

  return {
    async open(rawInput, rawOptions) {
      const { actor, idempotencyKey } = parseOrThrow(
        z.object({ actor: actorSchema, idempotencyKey: hostIdSchema.optional() }).strict(),
        rawOptions,
        'open options',
      );
      const input = parseOrThrow(openPipSchema, rawInput, 'open request');
      const policy = policyOf(input.policy.id, input.policy.version);
      const pipId = input.pipId ?? newId();
      const denied = authorize({
        actor,
        action: 'OPEN',
        pip: { pipId, employeeId: input.employee.id, managerId: input.managerId },
        policy: policy.document,
      });
      if (denied.length > 0)
        throw new ForbiddenError(`Actor "${actor.id}" (${actor.role}) may not open a PIP.`, denied);
      // A new plan's zone and calendar must build a calendar: fail here, before anything is written.
      const openSchedule = scheduleFor(policy, input.employee);
      if (input.planDuration !== undefined) {
        const offered = [
          policy.document.plan.duration,
          ...(policy.document.plan.durationChoices ?? []),
        ];
        const wanted = canonicalJson(input.planDuration);
        if (!offered.some((duration) => canonicalJson(duration) === wanted)) {
          const message = `The policy does not offer this plan length; choose plan.duration or one of plan.durationChoices.`;
          throw new CommandRefusedError(message, [
            { code: 'PLAN_DURATION_NOT_OFFERED', path: ['planDuration'], message },
          ]);
        }
      }
      const hash = idempotencyKey ? requestHash({ open: input, actor }) : '';
      if (idempotencyKey) {
        const prior = await store.getIdempotency(idempotencyKey);
        if (prior) return replayed(prior, hash);
      }
      const now = clock.now().toISOString();
      // Across-plans limit (Wyoming: no third plan within a year), after an idempotent replay.
      if (policy.document.plans.maxWithin) {
        const limited = planLimitIssues(
          policy,
          openSchedule,
          await priorPlansOf(input.employee.id, pipId),
          now,
        );
        if (limited.length > 0) {
          throw new CommandRefusedError(
            `open refused: ${limited.map((entry) => entry.message).join(' ')}`,
            limited,
          );
        }
      }
      const created: Extract<PipEvent, { type: 'PIP_CREATED' }> = {
        type: 'PIP_CREATED',
        at: now,
        actor,
        pipId,
        employee: input.employee,
        managerId: input.managerId,
        policy: { id: policy.id, version: policy.version },
        goals: input.goals,
        ...(input.planDuration ? { planDuration: input.planDuration } : {}),
      };
      const events: PipEvent[] = [created];
      if (input.documents?.length)
        events.push({ type: 'DOCUMENTS_ATTACHED', at: now, actor, documents: input.documents });
      const first = initialSnapshot(created);
      const next = events.length > 1 ? applyEvents(first, events.slice(1)) : first;
      if (!next) throw new Error('A new PIP could not record its documents.');
      const commit = buildCommit(
        undefined,
        {
          pipId,
          employeeId: input.employee.id,
          managerId: input.managerId,
          policyId: policy.id,
          policyVersion: policy.version,
          machineVersion: MACHINE_VERSION,
          createdAt: now,
        },
        events,
        next,
        now,
        idempotencyKey ? { key: idempotencyKey, requestHash: hash } : undefined,
      );
      try {
        await store.commit(commit);
      } catch (error) {
        if (error instanceof VersionConflictError) throw new PipAlreadyExistsError(pipId);
        if (error instanceof IdempotencyKeyReusedError && idempotencyKey) {
          const prior = await store.getIdempotency(idempotencyKey);
          if (prior) return replayed(prior, hash);
        }
        throw error;
      }
      records.remember(commit.record);
      return { pip: commit.record, events: commit.events, replayed: false };
    },

    dispatch: (pipId, command, options) => dispatchAt(pipId, command, options),

    async explain(pipId, rawCommand, rawActor) {
      const actor = parseOrThrow(actorSchema, rawActor, 'actor');
      const command = parseOrThrow(commandSchema, rawCommand, 'command');
      const record = await store.load(pipId);
      if (!record) throw new PipNotFoundError(pipId);
      const evaluation = evaluate(
        record,
        command,
        actor,
        clock.now().toISOString(),
        await priorPlansFor(record, command),
      );
      const issues = [...evaluation.forbidden, ...evaluation.refused];
      const accepted = issues.length === 0 && evaluation.next !== undefined;
      return {
        accepted,
        state: record.state,
        ...(accepted && evaluation.next ? { nextState: flattenState(evaluation.next.value) } : {}),
        events: accepted ? evaluation.events.map((event) => event.type) : [],
        issues,
      };
    },

    async get(pipId, options) {
      const { actor } = parseOrThrow(readOptionsSchema, options, 'read options');
      return loadReadable(pipId, actor);
    },

    async history(pipId, options) {
      const { actor } = parseOrThrow(readOptionsSchema, options, 'read options');
      await loadReadable(pipId, actor);
      return store.readEvents(pipId);
    },

    async list(query, options) {
      const { actor } = parseOrThrow(readOptionsSchema, options, 'read options');
      const records = await store.list(query);
      return records.filter((record) => authorizeRead(record, actor).length === 0);
    },

    async verify(pipId, options) {
      const { actor } = parseOrThrow(readOptionsSchema, options, 'read options');
      const record = await loadReadable(pipId, actor);
      const events = await store.readEvents(pipId);
      const chain = verifyHistory(events, {
        pipId,
        head: { version: record.version, lastHash: record.lastHash },
      });
      let replayMatches: boolean;
      try {
        const replay = replayEvents(events.map((stored) => stored.event));
        replayMatches =
          replay.state === record.state &&
          canonicalJson(replay.context) === canonicalJson(record.context);
      } catch {
        replayMatches = false;
      }
      return { pipId, chain, replayMatches, ok: chain.ok && replayMatches };
    },

    async purge(pipId, rawOptions) {
      const { actor } = parseOrThrow(
        z.object({ actor: actorSchema }).strict(),
        rawOptions,
        'purge options',
      );
      const record = await store.load(pipId);
      if (!record) throw new PipNotFoundError(pipId);
      const policy = policyOf(record.policyId, record.policyVersion);
      const forbidden = authorize(authorizationOf(record, actor, 'PURGE'));
      if (forbidden.length > 0) {
        throw new ForbiddenError(
          `Actor "${actor.id}" (${actor.role}) may not purge PIP "${pipId}".`,
          forbidden,
        );
      }
      const now = clock.now().toISOString();
      const retainUntil = record.context.outcome?.retainUntil;
      const issues: PipkitIssue[] = [];
      if (!isFinalState(record.state)) {
        issues.push({
          code: 'PIP_NOT_FINAL',
          path: ['state'],
          message: `The PIP is ${record.state}: a record is kept at least until its outcome.`,
        });
      } else if (retainUntil === undefined) {
        issues.push({
          code: 'NO_RETENTION_PERIOD',
          path: ['retention'],
          message: `Policy ${policy.id}@${policy.version} sets no retention period, so the record is kept.`,
        });
      } else {
        const today = scheduleFor(policy, record.context.employee).day(now);
        if (today <= civilDayOrThrow(retainUntil)) {
          issues.push({
            code: 'RETENTION_NOT_OVER',
            path: ['retainUntil'],
            message: `The record is kept through ${retainUntil} in the employee's zone.`,
          });
        }
      }
      for (const matterRef of record.context.legalHolds ?? []) {
        issues.push({
          code: 'LEGAL_HOLD',
          path: ['legalHolds', matterRef],
          message: `Matter "${matterRef}" holds this record until it is released.`,
        });
      }
      if (issues.length > 0) {
        throw new CommandRefusedError(
          `purge refused: ${issues.map((entry) => entry.message).join(' ')}`,
          issues,
        );
      }
      if (!store.purge) {
        throw new StoreError('This store cannot purge records (it has no purge method).', {
          retryable: false,
        });
      }
      await store.purge(pipId, record.version);
      records.forget(pipId);
      return {
        pipId,
        employeeId: record.employeeId,
        policy: { id: record.policyId, version: record.policyVersion },
        state: record.state,
        version: record.version,
        lastHash: record.lastHash,
        retainUntil: retainUntil as string,
        purgedAt: now,
        purgedBy: actor,
      };
    },

    async relay(handler, relayOptions = {}) {
      const limit = relayOptions.limit ?? 100;
      const pending = store.claimOutbox
        ? await store.claimOutbox(limit, {
            owner: sweeper,
            leaseMs: relayOptions.leaseMs ?? 60_000,
          })
        : await store.pendingOutbox(limit);
      const delivered: string[] = [];
      const failed: { id: string; error: unknown }[] = [];
      const blocked = new Set<string>();
      for (const message of pending) {
        if (blocked.has(message.pipId)) continue;
        try {
          await handler(message);
        } catch (error) {
          failed.push({ id: message.id, error });
          blocked.add(message.pipId);
          continue;
        }
        await store.markOutboxDelivered([message.id]);
        delivered.push(message.id);
      }
      return { delivered, failed };
    },

    async planMigration(input, rawOptions) {
      const { actor } = parseOrThrow(readOptionsSchema, rawOptions, 'migration options');
      requireMigrator(actor);
      const from = policyOf(input.policyId, input.fromVersion);
      const to = policyOf(input.policyId, input.toVersion);
      const now = clock.now().toISOString();
      const entries: MigrationPlanEntry[] = [];
      let afterPipId: string | undefined;
      for (;;) {
        const page = await store.list({
          limit: LIST_LIMITS.max,
          ...(afterPipId === undefined ? {} : { afterPipId }),
        });
        for (const record of page) {
          if (record.policyId !== from.id || record.policyVersion !== from.version) continue;
          if (isFinalState(record.state)) continue;
          const mapping = mapToPolicy(
            record.state,
            record.context,
            to,
            scheduleFor(to, record.context.employee),
            now,
          );
          entries.push({
            pipId: record.pipId,
            state: record.state,
            from: { id: from.id, version: from.version },
            to: { id: to.id, version: to.version },
            ok: mapping.problems.length === 0,
            changes: mapping.changes,
            problems: mapping.problems,
          });
        }
        if (page.length < LIST_LIMITS.max) return entries;
        afterPipId = page[page.length - 1]?.pipId;
      }
    },

    async migrate(pipId, input, rawOptions) {
      const options = parseOrThrow(
        z
          .object({
            actor: actorSchema,
            expectedVersion: z.number().int().nonnegative().optional(),
          })
          .strict(),
        rawOptions,
        'migration options',
      );
      const { toVersion } = parseOrThrow(
        z.object({ toVersion: z.number().int().positive() }).strict(),
        input,
        'migration',
      );
      const { actor } = options;
      requireMigrator(actor, true);
      const record = await store.load(pipId);
      if (!record) throw new PipNotFoundError(pipId);
      if (options.expectedVersion !== undefined && record.version !== options.expectedVersion) {
        throw new VersionConflictError(pipId, options.expectedVersion, record.version);
      }
      const from = policyOf(record.policyId, record.policyVersion);
      const to = policyOf(record.policyId, toVersion);
      const now = clock.now().toISOString();
      const refuse = (issues: PipkitIssue[]): never => {
        throw new CommandRefusedError(
          `migrate refused: ${issues.map((entry) => entry.message).join(' ')}`,
          issues,
        );
      };
      if (isFinalState(record.state)) {
        refuse([{ code: 'PIP_CLOSED', path: [], message: `The PIP is ${record.state}.` }]);
      }
      if (to.version === from.version) {
        refuse([
          {
            code: 'SAME_POLICY_VERSION',
            path: ['toVersion'],
            message: `The PIP already runs on version ${to.version}.`,
          },
        ]);
      }
      const schedule = scheduleFor(to, record.context.employee);
      const mapping = mapToPolicy(record.state, record.context, to, schedule, now);
      if (mapping.problems.length > 0) refuse(mapping.problems);
      const event: PipEvent = {
        type: 'POLICY_MIGRATED',
        at: now,
        actor,
        from: { id: from.id, version: from.version },
        to: { id: to.id, version: to.version },
        ...(mapping.plan && record.context.plan ? { plan: mapping.plan } : {}),
        ...(mapping.set.length > 0 || mapping.clear.length > 0
          ? { deadlines: { set: mapping.set, clear: mapping.clear } }
          : {}),
      };
      const events = withReminders([event], record.context, to.document, schedule.calendar, now);
      const next = applyEvents(restoreSnapshot(record.state, record.context), events);
      if (!next) {
        return refuse([
          {
            code: 'NOT_ALLOWED_IN_STATE',
            path: [],
            message: `A PIP in ${record.state} cannot be migrated.`,
          },
        ]);
      }
      const commit = buildCommit(
        record,
        { ...identityOf(record), policyVersion: to.version },
        events,
        next,
        now,
      );
      await store.commit(commit);
      records.remember(commit.record);
      return { pip: commit.record, events: commit.events, replayed: false };
    },

    async tick(at, tickOptions = {}) {
      const now = toIso(at ?? clock.now());
      const limit = tickOptions.limit ?? 500;
      const leaseMs = tickOptions.leaseMs ?? 60_000;
      const fired: FiredDeadline[] = [];
      const skipped: { timerId: string; code: string }[] = [];
      const seen = new Set<string>();
      // Firing a deadline can schedule another that is already due (a long-idle engine catching
      // up), so sweep until nothing due is left.
      // Timers this tick already handled but that are still pending (a refused fire) come back
      // at the head of each read; `extra` asks for that many more rows, so a read costs
      // `limit` plus what is still in the way, not everything swept so far.
      let extra = 0;
      for (;;) {
        const size = limit + extra;
        const batch = store.claimDueTimers
          ? await store.claimDueTimers(now, size, { owner: sweeper, leaseMs })
          : await store.dueTimers(now, size);
        const due = batch.filter((timer) => !seen.has(`${timer.timerId}@${timer.dueAt}`));
        if (due.length === 0) {
          if (batch.length < size) break;
          // A full read of timers already handled: look further.
          extra = extra * 2 + limit;
          continue;
        }
        extra = batch.length - due.length;
        // One deadline per PIP per round: firing it may schedule an earlier one (the next check-in)
        // that must fire before that PIP's later deadlines, so they are re-read next round.
        const touched = new Set<string>();
        const round: TimerRow[] = [];
        for (const timer of due.slice(0, limit)) {
          if (touched.has(timer.pipId)) continue;
          touched.add(timer.pipId);
          seen.add(`${timer.timerId}@${timer.dueAt}`);
          round.push(timer);
        }
        // With a store that commits many requests in one transaction (one disk flush), the
        // round's fires are decided first and committed together. Any fire the batch does not
        // settle (a refusal, a race, a fire already recorded) takes the one-by-one path below,
        // which decides it again from the store and reports it exactly as before.
        const alone = store.commitMany ? await fireTogether(round, now, fired) : round;
        for (const timer of alone) {
          const command = fireCommand(timer);
          try {
            const result = await dispatchAt(
              timer.pipId,
              command,
              {
                actor: SYSTEM_ACTOR,
                idempotencyKey: fireKey(timer),
                retries: 5,
              },
              now,
            );
            fired.push({ ...timer, events: result.events.map((event) => event.event.type) });
          } catch (error) {
            if (error instanceof CommandRefusedError || error instanceof PipNotFoundError) {
              skipped.push({ timerId: timer.timerId, code: error.issues[0]?.code ?? error.code });
            } else {
              throw error;
            }
          }
        }
      }
      return { now, fired, skipped };
    },
  };
}

/**
 * The envelopes an engine wrote last, newest kept: a bounded map in least-recently-used order.
 * Only `dispatch` reads it, and only as a guess that the store's version guard checks.
 */
function recentRecords(capacity: number) {
  const entries = new Map<string, PipRecord>();
  return {
    get(pipId: string): PipRecord | undefined {
      const record = entries.get(pipId);
      if (record) {
        entries.delete(pipId);
        entries.set(pipId, record);
      }
      return record;
    },
    remember(record: PipRecord): void {
      if (capacity <= 0) return;
      entries.delete(record.pipId);
      entries.set(record.pipId, record);
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
    forget(pipId: string): void {
      entries.delete(pipId);
    },
  };
}

/** The parts of an envelope a commit keeps: who, which policy, since when. */
function identityOf({
  state: _s,
  context: _c,
  version: _v,
  lastHash: _h,
  updatedAt: _u,
  ...identity
}: PipRecord): Omit<PipRecord, 'state' | 'context' | 'version' | 'lastHash' | 'updatedAt'> {
  return identity;
}

/** Commands about the record rather than the plan: accepted in final states too. */
const RECORD_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
  'PLACE_LEGAL_HOLD',
  'RELEASE_LEGAL_HOLD',
]);

function civilDayOrThrow(date: string): CivilDay {
  const day = parseCivilDay(date);
  if (day === undefined) throw new Error(`Not a YYYY-MM-DD date: ${date}`);
  return day;
}
