/**
 * What every engine operation shares, built once by `createEngine`: the store, the clock, the
 * registered policies, the schedules per employee, the authorizer, the record cache.
 */
import { type RefusalFacts, refusalReporter } from './refusals.js';
import { randomUUID } from 'node:crypto';
import type { EngineLog } from '../observability/logger.js';
import type { Telemetry } from '../observability/telemetry.js';
import { type Calendar, type CalendarDefinition, createCalendar } from '../calendar/calendar.js';
import {
  type AuthorizationAction,
  type AuthorizationRequest,
  type AuthorizationSubject,
  type Authorizer,
  defaultAuthorizer,
} from '../decide/authorize.js';
import type { PriorPlan } from '../decide/decision.js';
import { Schedule } from '../decide/schedule.js';
import {
  AuthorizationFailedError,
  CalendarError,
  ForbiddenError,
  PipNotFoundError,
  type PipkitIssue,
  PolicyNotFoundError,
  StoreError,
  StoreErrorReasons,
} from '../errors/pipkitError.js';
import type { PipState } from '../machine/pipMachine.js';
import type { PipEmployee } from '../machine/types.js';
import type { Actor } from '../model/actor.js';
import type { Command } from '../model/commands.js';
import type { Policy } from '../policy/definePolicy.js';
import { LIST_LIMITS, type PipRecord, type PipStore } from '../store/pipStore.js';
import { defaultReadScope, type ReadScope, readScopeSchema } from '../query/storeQuery.js';
import { parseInput } from '../errors/zodIssues.js';
import { type Clock, type EngineOptions, systemClock } from './engineApi.js';
import { type GroupCommitter, groupCommitSettings, groupCommitter } from './groupCommit.js';
import { type RecordCache, recordCache } from './recordCache.js';
import type { DeliverySettings } from './deliveryApi.js';
import { deliverySettings } from './deliveryPolicy.js';
import { observedServices } from './engineObservability.js';
import type { RecipientResolver } from './recipients.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The facts of a PIP the engine authorizes against: a record, an envelope, or one to open. @internal */
export type AuthorizedPip = Pick<PipRecord, 'pipId' | 'employeeId' | 'managerId'> & {
  readonly context?: PipRecord['context'];
  readonly state?: string;
  readonly orgUnitId?: string;
  readonly tenantId?: string;
};

/** True when an authorizer's answer is already a list (no promise to await). @internal */
export function isIssueList(
  answer: readonly PipkitIssue[] | Promise<readonly PipkitIssue[]>,
): answer is readonly PipkitIssue[] {
  return Array.isArray(answer);
}

/** The authorizer's answer, checked: a list of issues, or `AUTHORIZATION_FAILED`. */
function checkedAnswer(answer: unknown, action: AuthorizationAction): readonly PipkitIssue[] {
  if (Array.isArray(answer)) return answer as readonly PipkitIssue[];
  throw new AuthorizationFailedError(action, new TypeError('The authorizer answered no list.'));
}

/** True for a promise or any other thenable. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The engine's shared services. @internal */
export interface EngineContext {
  readonly store: PipStore;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly records: RecordCache;
  /** Where spans and metrics go (no-ops unless the host registered or gave an SDK's). */
  readonly telemetry: Telemetry;
  /** The host's logger, redacting; silent without one. */
  readonly log: EngineLog;
  /** Shares commits among concurrent writes; absent when `groupCommit` is off or unsupported. */
  readonly group?: GroupCommitter;
  /** Names this engine instance when it leases timers or outbox rows from a shared store. */
  readonly owner: string;
  /** How the relay retries and dead-letters messages. */
  readonly delivery: DeliverySettings;
  /** The host's recipients port, when it gave one. */
  readonly recipients?: RecipientResolver;
  /** `now` from the clock, as UTC ISO. */
  now(): string;
  /** The registered policy (the latest version when `version` is omitted), or `POLICY_NOT_FOUND`. */
  policyOf(id: string, version?: number): Policy;
  /** The schedule (policy + calendar in the employee's zone) a PIP's dates are computed with. */
  scheduleFor(policy: Policy, employee: PipEmployee): Schedule;
  /**
   * Runs the authorizer at `at`; returns every reason to deny, as the authorizer gave them: a
   * list, or a promise of one from an asynchronous authorizer (await it only then, with
   * {@link isIssueList}). A throw, a rejection or an answer that is not a list is
   * `AUTHORIZATION_FAILED`.
   */
  authorize(
    subject: AuthorizedPip,
    policy: Policy,
    actor: Actor,
    action: AuthorizationAction,
    at: string,
    command?: Command,
  ): readonly PipkitIssue[] | Promise<readonly PipkitIssue[]>;
  /**
   * Appends a refused attempt to the store's refusal log (when it has one) and hands it to the
   * host's `onRefusal` listener, if any. Settles once the append is durable; never rejects.
   */
  reportRefusal(facts: RefusalFacts): Promise<void>;
  /** Loads a PIP the actor may read, or throws `PIP_NOT_FOUND` / `FORBIDDEN`. */
  loadReadable(pipId: string, actor: Actor): Promise<PipRecord>;
  /**
   * Loads a PIP and its policy for a record-level action (`PURGE`, `UNPARK`, ...), or throws
   * `PIP_NOT_FOUND`, `POLICY_NOT_FOUND` or `FORBIDDEN` ("may not <doing> PIP ...").
   */
  loadAuthorized(
    pipId: string,
    actor: Actor,
    action: AuthorizationAction,
    doing: string,
  ): Promise<{ readonly record: PipRecord; readonly policy: Policy }>;
  /** The PIPs the actor may see, for queries, counts and reports. */
  readScopeOf(actor: Actor): Promise<ReadScope>;
  /** The employee's other plans that reached them, for the across-plans limit. */
  priorPlansOf(employeeId: string, exceptPipId: string): Promise<PriorPlan[]>;
}

/** Builds the shared services from the engine's options. @internal */
export function createEngineContext(options: EngineOptions): EngineContext {
  // The store as the engine calls it: each port call traced when anyone listens.
  const { store, telemetry, log } = observedServices(options);
  const clock = options.clock ?? systemClock;
  const authorizer: Authorizer = options.authorize ?? defaultAuthorizer;
  const byVersion = new Map<string, Policy>();
  const latest = new Map<string, Policy>();
  for (const policy of options.policies) {
    const key = `${policy.id}@${policy.version}`;
    if (byVersion.has(key)) throw new Error(`Policy ${key} is registered twice.`);
    byVersion.set(key, policy);
    const current = latest.get(policy.id);
    if (!current || current.version < policy.version) latest.set(policy.id, policy);
  }
  // Own properties only: an id such as "__proto__" or "toString" is not a calendar.
  const calendars = new Map<string, CalendarDefinition>(Object.entries(options.calendars ?? {}));
  const schedules = new Map<string, Schedule>();

  const policyOf = (id: string, version?: number): Policy => {
    const policy = version === undefined ? latest.get(id) : byVersion.get(`${id}@${version}`);
    if (!policy) throw new PolicyNotFoundError(id, version);
    return policy;
  };

  const now = (): string => clock.now().toISOString();

  const scheduleFor = (policy: Policy, employee: PipEmployee): Schedule => {
    const { timeZone, calendar: calendarId } = employee;
    const key = `${policy.id}@${policy.version}|${timeZone}|${calendarId ?? ''}`;
    let schedule = schedules.get(key);
    if (!schedule) {
      const definition =
        calendarId === undefined ? policy.document.calendar : calendars.get(calendarId);
      if (!definition) {
        const known = [...calendars.keys()].sort().join(', ') || 'none';
        throw new CalendarError(
          `No calendar "${calendarId}" is registered with the engine (registered: ${known}); pass it in the calendars option.`,
          ['employee', 'calendar'],
        );
      }
      const calendar: Calendar = createCalendar({ ...definition, timeZone });
      schedule = new Schedule(policy.document, calendar);
      schedules.set(key, schedule);
    }
    return schedule;
  };

  const authorize: EngineContext['authorize'] = (subject, policy, actor, action, at, command) => {
    const orgUnitId = subject.orgUnitId ?? subject.context?.orgUnitId;
    const tenantId = subject.tenantId ?? store.tenantId;
    // Built by assignment, not spreads: this runs before every command and read.
    const pip: Writable<AuthorizationSubject> = {
      pipId: subject.pipId,
      employeeId: subject.employeeId,
      managerId: subject.managerId,
    };
    if (orgUnitId !== undefined) pip.orgUnitId = orgUnitId;
    if (tenantId !== undefined) pip.tenantId = tenantId;
    // Stores hold only the machine's states, so the column is one.
    if (subject.state !== undefined) pip.state = subject.state as PipState;
    if (subject.context) pip.context = subject.context;
    const request: Writable<AuthorizationRequest> = {
      actor,
      action,
      pip,
      policy: policy.document,
      at,
    };
    if (command) request.command = command;
    let answer: unknown;
    try {
      answer = authorizer(request);
    } catch (error) {
      throw new AuthorizationFailedError(action, error);
    }
    // Only a promise is awaited: a synchronous authorizer's answer is used as it is.
    if (!isThenable(answer)) return checkedAnswer(answer, action);
    return Promise.resolve(answer).then(
      (settled) => checkedAnswer(settled, action),
      (error: unknown) => {
        throw new AuthorizationFailedError(action, error);
      },
    );
  };

  const reportRefusal = refusalReporter({
    listener: options.onRefusal,
    append: store.appendRefusal?.bind(store),
    log,
    now,
    tenantId: store.tenantId,
  });
  const loadAuthorized = async (
    pipId: string,
    actor: Actor,
    action: AuthorizationAction,
    doing: string,
  ): Promise<{ record: PipRecord; policy: Policy }> => {
    const record = await store.load(pipId);
    if (!record) throw new PipNotFoundError(pipId);
    const policy = policyOf(record.policyId, record.policyVersion);
    const answer = authorize(record, policy, actor, action, now());
    const denied = isIssueList(answer) ? answer : await answer;
    if (denied.length > 0) {
      await reportRefusal({ actor, action, pipId, outcome: 'FORBIDDEN', issues: denied });
      throw new ForbiddenError(
        `Actor "${actor.id}" (${actor.role}) may not ${doing} PIP "${pipId}".`,
        denied,
      );
    }
    return { record, policy };
  };
  const loadReadable = async (pipId: string, actor: Actor): Promise<PipRecord> =>
    (await loadAuthorized(pipId, actor, 'READ', 'read')).record;

  /** Pages through `store.list({ employeeId })`: the port has no narrower query (yet). */
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

  const hostScope = options.readScope;
  const attemptAt = () =>
    store.tenantId === undefined ? { at: now() } : { at: now(), tenantId: store.tenantId };
  // The host's answer is checked like input: a malformed scope is a typed error, never a query.
  const readScopeOf = async (actor: Actor): Promise<ReadScope> =>
    hostScope
      ? (parseInput(
          readScopeSchema,
          await hostScope(actor, attemptAt()),
          'read scope',
        ) as ReadScope)
      : defaultReadScope(actor);

  const delivery = deliverySettings(options.delivery);
  // On by default where a group shares a flush or a round trip (the store says so), and only
  // with commitMany: a lone write still goes at once (see groupCommit.ts).
  const grouping = groupCommitSettings(options.groupCommit ?? store.prefersGroupCommit === true);
  const group = grouping ? groupCommitter(store, grouping) : undefined;

  return {
    store,
    clock,
    telemetry,
    log,
    ...(group ? { group } : {}),
    newId: options.ids ?? randomUUID,
    records: recordCache(options.recordCache ?? 1000),
    owner: `pipkit-engine:${randomUUID()}`,
    delivery,
    ...(options.recipients ? { recipients: options.recipients } : {}),
    now,
    policyOf,
    scheduleFor,
    authorize,
    reportRefusal,
    loadReadable,
    loadAuthorized,
    priorPlansOf,
    readScopeOf,
  };
}

/**
 * The error for an operation that needs an optional store method the store lacks (`purge`,
 * `resetTimerFaults`): `STORE_UNSUPPORTED`, not retryable. @internal
 */
export function storeLacks(method: string, doing: string): StoreError {
  return new StoreError(`This store cannot ${doing} (it has no ${method} method).`, {
    retryable: false,
    reason: StoreErrorReasons.UNSUPPORTED,
  });
}
