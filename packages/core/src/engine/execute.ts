/**
 * The one write pipeline. Opening a PIP, a command, a deadline fire and a migration all run
 * through `execute`: (already parsed at the public boundary) -> idempotent replay -> load ->
 * authorize (the port) -> decide -> build the commit -> commit -> remember. One place maps store
 * errors, handles idempotency and the record cache, so every write behaves the same.
 */
import type { AuthorizationAction } from '../decide/authorize.js';
import { commandSpec } from '../decide/commandSpecs.js';
import { decideCommand, decideOpen, type Evaluation } from '../decide/decideCommand.js';
import { decideMigration } from '../decide/migration.js';
import {
  CommandRefusedError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  isPipkitError,
  PipAlreadyExistsError,
  PipNotFoundError,
  type PipkitIssue,
  VersionConflictError,
} from '../errors/pipkitError.js';
import { MACHINE_VERSION } from '../machine/pipMachine.js';
import type { Actor } from '../model/actor.js';
import type { Command, OpenPipRequest } from '../model/commands.js';
import type { CommitRequest, IdempotencyRecord, PipRecord } from '../store/pipStore.js';
import { isSummary, type PipSummary, summarize } from '../status/summary.js';
import { buildCommit, type PipIdentity, requestHash } from './commitBuilder.js';
import type { DispatchResult } from './engineApi.js';
import { type EngineContext, isIssueList } from './engineContext.js';
import type { GroupCommitter } from './groupCommit.js';

/** What to write: one of the four kinds of write. @internal */
export type WriteRequest =
  | { readonly kind: 'open'; readonly pipId: string; readonly input: OpenPipRequest }
  | {
      readonly kind: 'command';
      readonly pipId: string;
      readonly command: Command;
      /** The instant to decide at (the sweep's `now`); default: the clock. */
      readonly at?: string;
    }
  | { readonly kind: 'migrate'; readonly pipId: string; readonly toVersion: number };

/** How to write it. @internal */
export interface WriteOptions {
  readonly actor: Actor;
  /** The key as stored (already scoped), and the caller's own key to show in errors. */
  readonly idempotency?: { readonly stored: string; readonly shown: string };
  readonly expectedVersion?: number;
  /** Re-decide this many times when another writer wins (only without `expectedVersion`). */
  readonly retries?: number;
  /** Told of the record each attempt decides from, for telemetry (the state before). */
  readonly observe?: (record: PipRecord) => void;
}

/** A decided write: the commit, or why there is none. @internal */
export interface DecidedWrite {
  readonly forbidden: readonly PipkitIssue[];
  readonly evaluation: Evaluation;
  readonly commit: CommitRequest | undefined;
}

/** The request a key's hash covers: a different request under the same key is refused. */
function hashedRequest(request: WriteRequest, actor: Actor): unknown {
  switch (request.kind) {
    case 'open':
      return { open: request.input, actor };
    case 'command':
      return { pipId: request.pipId, command: request.command, actor };
    case 'migrate':
      return { pipId: request.pipId, migrate: { toVersion: request.toVersion }, actor };
  }
}

/**
 * The idempotency record a write carries under `storedKey`: the key and the hash of the request,
 * computed one way for every path (a batch of fires and the one-by-one path must agree, or a
 * retried fire would look like a reused key). @internal
 */
export function keyedRequest(
  request: WriteRequest,
  actor: Actor,
  storedKey: string,
): { readonly key: string; readonly requestHash: string } {
  return { key: storedKey, requestHash: requestHash(hashedRequest(request, actor)) };
}

/**
 * Decides a write against the PIP's envelope (`undefined` when opening): authorization first,
 * then the decision, then the commit it would make. Pure but for the prior-plans lookup.
 * @internal
 */
export async function decideWrite(
  ctx: EngineContext,
  request: WriteRequest,
  record: PipRecord | undefined,
  actor: Actor,
  now: string,
  idempotency?: { readonly key: string; readonly requestHash: string },
): Promise<DecidedWrite> {
  if (request.kind === 'open') return decideOpening(ctx, request, actor, now, idempotency);
  if (!record) throw new PipNotFoundError(request.pipId);
  const policy = ctx.policyOf(record.policyId, record.policyVersion);
  const action = request.kind === 'migrate' ? 'MIGRATE' : request.command.type;
  const command = request.kind === 'command' ? request.command : undefined;
  const answer = ctx.authorize(record, policy, actor, action, now, command);
  // Awaited only when the authorizer answered with a promise: the synchronous path stays one turn.
  const forbidden = isIssueList(answer) ? answer : await answer;
  let evaluation: Evaluation;
  // The record itself serves as its identity: the commit overwrites every other member.
  let identity: PipIdentity = record;
  if (request.kind === 'migrate') {
    const to = ctx.policyOf(record.policyId, request.toVersion);
    const schedule = ctx.scheduleFor(to, record.context.employee);
    evaluation = decideMigration(record, { from: policy, to, schedule, actor, now });
    identity = { ...identity, policyVersion: to.version };
  } else {
    const givesPlan = policy.document.plans.maxWithin !== undefined;
    const priorPlans =
      givesPlan && isPlanGiving(request.command)
        ? await ctx.priorPlansOf(record.employeeId, record.pipId)
        : undefined;
    evaluation = decideCommand(record, {
      policy,
      schedule: ctx.scheduleFor(policy, record.context.employee),
      command: request.command,
      actor,
      now,
      priorPlans,
    });
  }
  const commit =
    forbidden.length === 0 && evaluation.next
      ? buildCommit(
          record,
          identity,
          evaluation.events,
          evaluation.next,
          now,
          idempotency,
          isSummary(record.summary) ? record.summary : await summaryFromLog(ctx, record.pipId),
        )
      : undefined;
  return { forbidden, evaluation, commit };
}

/**
 * The summary of a PIP written before pipkit kept one (or whose stored one is malformed), from its
 * log, read once: its next commit stores it. `undefined` when the log cannot be replayed;
 * `engine.verify` reports that log.
 */
async function summaryFromLog(ctx: EngineContext, pipId: string): Promise<PipSummary | undefined> {
  const events = await ctx.store.readEvents(pipId);
  try {
    return summarize(events.map((stored) => stored.event));
  } catch {
    return undefined;
  }
}

function isPlanGiving(command: Command): boolean {
  return commandSpec(command.type).givesPlan === true;
}

async function decideOpening(
  ctx: EngineContext,
  request: Extract<WriteRequest, { kind: 'open' }>,
  actor: Actor,
  now: string,
  idempotency?: { readonly key: string; readonly requestHash: string },
): Promise<DecidedWrite> {
  const { input, pipId } = request;
  const policy = ctx.policyOf(input.policy.id, input.policy.version);
  const identity = {
    pipId,
    employeeId: input.employee.id,
    managerId: input.managerId,
    policyId: policy.id,
    policyVersion: policy.version,
    machineVersion: MACHINE_VERSION,
    createdAt: now,
  };
  const subject =
    input.orgUnitId === undefined ? identity : { ...identity, orgUnitId: input.orgUnitId };
  const answer = ctx.authorize(subject, policy, actor, 'OPEN', now);
  const forbidden = isIssueList(answer) ? answer : await answer;
  if (forbidden.length > 0) {
    return {
      forbidden,
      evaluation: { refused: [], events: [], next: undefined },
      commit: undefined,
    };
  }
  // A new plan's zone and calendar must build a calendar: fail here, before anything is written.
  const schedule = ctx.scheduleFor(policy, input.employee);
  const priorPlans = policy.document.plans.maxWithin
    ? await ctx.priorPlansOf(input.employee.id, pipId)
    : undefined;
  const evaluation = decideOpen({ pipId, input, policy, schedule, actor, now, priorPlans });
  const commit = evaluation.next
    ? buildCommit(undefined, identity, evaluation.events, evaluation.next, now, idempotency)
    : undefined;
  return { forbidden, evaluation, commit };
}

/** The first result recorded under a key, as the caller gets it back. */
async function replayed(
  ctx: EngineContext,
  prior: IdempotencyRecord,
  hash: string,
  shown: string,
): Promise<DispatchResult> {
  if (prior.requestHash !== hash) throw new IdempotencyKeyReusedError(shown);
  const pip = await ctx.store.load(prior.pipId);
  if (!pip) throw new PipNotFoundError(prior.pipId);
  const first = prior.seqs[0] ?? prior.version;
  const events = (await ctx.store.readEvents(prior.pipId, { afterSeq: first - 1 })).filter(
    (event) => prior.seqs.includes(event.seq),
  );
  return { pip, events, replayed: true };
}

/**
 * Throws the typed refusal for a decided write that has no commit, once the refusal log holds it
 * and the host's listener has it (a deadline fire the sweep raced is not an attempt anyone
 * made). The append is awaited: the trail is durable before the caller hears no.
 */
async function refuse(
  ctx: EngineContext,
  request: WriteRequest,
  actor: Actor,
  decided: DecidedWrite,
): Promise<never> {
  const what =
    request.kind === 'open'
      ? 'open'
      : request.kind === 'migrate'
        ? 'migrate'
        : request.command.type;
  const action: AuthorizationAction =
    request.kind === 'open'
      ? 'OPEN'
      : request.kind === 'migrate'
        ? 'MIGRATE'
        : request.command.type;
  if (action !== 'DEADLINE_REACHED') {
    const forbidden = decided.forbidden.length > 0;
    await ctx.reportRefusal({
      actor,
      action,
      pipId: request.pipId,
      outcome: forbidden ? 'FORBIDDEN' : 'COMMAND_REFUSED',
      issues: forbidden ? decided.forbidden : decided.evaluation.refused,
    });
  }
  if (decided.forbidden.length > 0) {
    const target = request.kind === 'open' ? 'a PIP' : `PIP "${request.pipId}"`;
    throw new ForbiddenError(
      `Actor "${actor.id}" (${actor.role}) may not ${what} on ${target}.`,
      decided.forbidden,
    );
  }
  const issues = decided.evaluation.refused;
  throw new CommandRefusedError(
    `${what} refused: ${issues.map((entry) => entry.message).join(' ')}`,
    issues,
  );
}

/**
 * Runs one write through the pipeline and returns what it appended (or, for a repeated
 * idempotency key, the first result). Throws a typed `PipkitError` on any refusal; then nothing
 * was written. @internal
 */
export function execute(
  ctx: EngineContext,
  request: WriteRequest,
  options: WriteOptions,
): Promise<DispatchResult> {
  const { group } = ctx;
  if (!group) return executeWrite(ctx, request, options, undefined);
  // Group commit: one write of a PIP at a time on this engine, so a group never holds two
  // requests decided from the same version; writes of different PIPs share a transaction.
  return group.run(request.pipId, () => executeWrite(ctx, request, options, group));
}

/** The pipeline of {@link execute}, committing through `group` when there is one. */
async function executeWrite(
  ctx: EngineContext,
  request: WriteRequest,
  options: WriteOptions,
  group: GroupCommitter | undefined,
): Promise<DispatchResult> {
  const { actor, idempotency } = options;
  const keyed = idempotency ? keyedRequest(request, actor, idempotency.stored) : undefined;
  const hash = keyed?.requestHash ?? '';
  if (idempotency) {
    const prior = await ctx.store.getIdempotency(idempotency.stored);
    if (prior) return replayed(ctx, prior, hash, idempotency.shown);
  }
  const { pipId } = request;
  const attempts = options.expectedVersion === undefined ? (options.retries ?? 0) + 1 : 1;
  let trustCache = request.kind !== 'open';
  for (let attempt = 1; ; attempt += 1) {
    // A remembered envelope saves a read; anything it makes us refuse is re-checked fresh.
    const cached = trustCache ? ctx.records.get(pipId) : undefined;
    const fromCache =
      cached !== undefined &&
      (options.expectedVersion === undefined || cached.version === options.expectedVersion);
    const record =
      request.kind === 'open' ? undefined : fromCache ? cached : await ctx.store.load(pipId);
    if (request.kind !== 'open') {
      if (!record) throw new PipNotFoundError(pipId);
      if (options.expectedVersion !== undefined && record.version !== options.expectedVersion) {
        throw new VersionConflictError(pipId, options.expectedVersion, record.version);
      }
    }
    const recheck = () => {
      ctx.records.forget(pipId);
      trustCache = false;
      attempt -= 1;
    };
    if (record) options.observe?.(record);
    const now = request.kind === 'command' && request.at ? request.at : ctx.now();
    const decided = await decideWrite(ctx, request, record, actor, now, keyed);
    if (!decided.commit) {
      if (fromCache) {
        recheck();
        continue;
      }
      return refuse(ctx, request, actor, decided);
    }
    try {
      await (group ? group.commit(decided.commit) : ctx.store.commit(decided.commit));
      ctx.records.remember(decided.commit.record);
      return { pip: decided.commit.record, events: decided.commit.events, replayed: false };
    } catch (error) {
      ctx.records.forget(pipId);
      if (isPipkitError(error, 'IDEMPOTENCY_KEY_REUSED') && idempotency) {
        const prior = await ctx.store.getIdempotency(idempotency.stored);
        if (prior) return replayed(ctx, prior, hash, idempotency.shown);
      }
      if (isPipkitError(error, 'VERSION_CONFLICT')) {
        if (request.kind === 'open') throw new PipAlreadyExistsError(pipId);
        // Another engine moved the PIP on: that is not the caller's race, decide again.
        if (fromCache) {
          recheck();
          continue;
        }
        if (attempt < attempts) continue;
      }
      throw error;
    }
  }
}
