/**
 * The timer sweep: turns due deadlines into `DEADLINE_REACHED` commands through the one write
 * pipeline. One PIP's trouble stays its own: a fire that fails for any reason other than a
 * refusal is recorded as a fault (codes only, no personal data) and the sweep goes on; a
 * deadline that keeps failing is parked by the store and reported to operators.
 */
import { sha256Hex } from '../audit/sha256.js';
import {
  isPipkitError,
  type PipkitError,
  storeErrorReason,
  ValidationError,
} from '../errors/pipkitError.js';
import type { Actor } from '../model/actor.js';
import type { Command } from '../model/commands.js';
import { commitSlots } from '../store/commitSlots.js';
import type { CommitRequest, PipRecord, PipStore, TimerRow } from '../store/pipStore.js';
import type { FiredDeadline, SweepFault, TickResult } from './engineApi.js';
import type { EngineContext } from './engineContext.js';
import { decideWrite, execute } from './execute.js';
import { fireKey } from './idempotency.js';
import { observeRounds } from './observedSweep.js';

/** The actor the timer sweep acts as. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ id: 'pipkit:timer', role: 'system' });

/** Options of one sweep. @internal */
export interface SweepOptions {
  readonly limit?: number | undefined;
  readonly leaseMs?: number | undefined;
  readonly parkAfter?: number | undefined;
  /** At most this many rounds (default: until nothing due is left). */
  readonly maxRounds?: number | undefined;
}

interface Round {
  readonly now: string;
  readonly parkAfter: number;
  readonly fired: FiredDeadline[];
  readonly skipped: { timerId: string; code: string }[];
  readonly faults: SweepFault[];
}

const fireCommand = (timer: TimerRow): Command => ({
  type: 'DEADLINE_REACHED',
  deadlineId: timer.deadlineId,
  dueAt: timer.dueAt,
});

/**
 * The request hash of a fire, as `keyedRequest` computes it for the same request (the one-by-one
 * path, a retried fire): SHA-256 of the canonical JSON of `{ pipId, command, actor }`, written
 * out in canonical key order instead of sorting the keys of a built object each time. @internal
 */
export function fireRequestHash(timer: TimerRow): string {
  const text =
    `{"actor":{"id":${JSON.stringify(SYSTEM_ACTOR.id)},"role":${JSON.stringify(SYSTEM_ACTOR.role)}},` +
    `"command":{"deadlineId":${JSON.stringify(timer.deadlineId)},"dueAt":${JSON.stringify(timer.dueAt)},"type":"DEADLINE_REACHED"},` +
    `"pipId":${JSON.stringify(timer.pipId)}}`;
  return sha256Hex(text);
}

/** Codes that mean "not fired, and rightly so": the deadline moved, was met, or the PIP is gone. */
function isRefusal(error: unknown): error is PipkitError {
  return isPipkitError(error, 'COMMAND_REFUSED') || isPipkitError(error, 'PIP_NOT_FOUND');
}

/** A failure's stable code: a store failure reason, a pipkit error code, or `UNEXPECTED_ERROR`. @internal */
export function failureCode(error: unknown): string {
  return storeErrorReason(error) ?? (isPipkitError(error) ? error.code : 'UNEXPECTED_ERROR');
}

/** Records a fire that failed for a reason other than a refusal; never throws. */
async function fault(ctx: EngineContext, round: Round, timer: TimerRow, error: unknown) {
  const code = failureCode(error);
  // A retryable store failure (busy, unreachable) is the store's, not this deadline's: it is
  // reported but never counts towards parking.
  const transient = isPipkitError(error) && error.retryable;
  let outcome = { attempts: 0, parked: false };
  if (!transient && ctx.store.recordTimerFault) {
    try {
      outcome = await ctx.store.recordTimerFault(
        { timerId: timer.timerId, pipId: timer.pipId, dueAt: timer.dueAt, code, at: round.now },
        { parkAfter: round.parkAfter },
      );
    } catch {
      // The store cannot count it now; the fault is still reported below.
    }
  }
  round.faults.push({
    timerId: timer.timerId,
    pipId: timer.pipId,
    dueAt: timer.dueAt,
    code,
    ...outcome,
  });
}

/**
 * The envelopes of a round's PIPs that the record cache does not hold, read in one `loadMany`
 * when the store has it: each entry is the envelope, `undefined` (no such PIP) or that PIP's own
 * read error. Empty without `loadMany`, or when the read as a whole fails: then each fire loads
 * its PIP on its own, and a failure there is that fire's.
 */
async function loadRound(
  ctx: EngineContext,
  timers: readonly TimerRow[],
): Promise<Map<string, PipRecord | Error | undefined>> {
  const loaded = new Map<string, PipRecord | Error | undefined>();
  const missing = timers.map((timer) => timer.pipId).filter((id) => !ctx.records.get(id));
  if (!ctx.store.loadMany || missing.length === 0) return loaded;
  try {
    const found = await ctx.store.loadMany(missing);
    for (const [index, pipId] of missing.entries()) loaded.set(pipId, found[index]);
  } catch {
    loaded.clear();
  }
  return loaded;
}

/** A decided fire waiting for its batch's commit. */
interface DecidedFire {
  readonly timer: TimerRow;
  readonly commit: CommitRequest;
}

/** Decides one fire of a round: its commit, `undefined` for the one-by-one path, or a fault. */
async function decideFire(
  ctx: EngineContext,
  timer: TimerRow,
  loaded: Map<string, PipRecord | Error | undefined>,
  round: Round,
): Promise<CommitRequest | undefined> {
  const found = loaded.get(timer.pipId);
  if (found instanceof Error) throw found;
  const record = loaded.has(timer.pipId)
    ? found
    : (ctx.records.get(timer.pipId) ?? (await ctx.store.load(timer.pipId)));
  if (!record) return undefined;
  const request = {
    kind: 'command',
    pipId: timer.pipId,
    command: fireCommand(timer),
    at: round.now,
  } as const;
  const keyed = { key: fireKey(timer), requestHash: fireRequestHash(timer) };
  return (await decideWrite(ctx, request, record, SYSTEM_ACTOR, round.now, keyed)).commit;
}

/**
 * Decides a round of fires (one per PIP) and commits them with `commitMany`: in one batch, or,
 * when the store runs several commits at once (`concurrentCommits`), in that many batches, each
 * sent as soon as it is decided. Returns the timers left for the one-by-one path; records the
 * ones it fired and the ones that failed.
 */
async function fireTogether(
  ctx: EngineContext,
  commitMany: NonNullable<PipStore['commitMany']>,
  timers: readonly TimerRow[],
  round: Round,
): Promise<TimerRow[]> {
  const left: TimerRow[] = [];
  const loaded = await loadRound(ctx, timers);
  const parts = commitSlots(ctx.store);
  const size = Math.ceil(timers.length / parts);
  // Each batch's outcomes, or `undefined` when the batch failed as a whole.
  const sent: { batch: DecidedFire[]; outcomes: Promise<(Error | undefined)[] | undefined> }[] = [];
  let batch: DecidedFire[] = [];
  const send = () => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    const commits = entries.map((entry) => entry.commit);
    sent.push({ batch: entries, outcomes: commitMany(commits).catch(() => undefined) });
  };
  for (const [index, timer] of timers.entries()) {
    try {
      const commit = await decideFire(ctx, timer, loaded, round);
      if (commit) batch.push({ timer, commit });
      else left.push(timer);
    } catch (error) {
      await fault(ctx, round, timer, error);
    }
    if ((index + 1) % size === 0) send();
  }
  send();
  for (const { batch: entries, outcomes } of sent) {
    const settled = await outcomes;
    // A batch that failed as a whole: each of its fires takes the one-by-one path, where a
    // failure is its own.
    if (!settled) {
      left.push(...entries.map((entry) => entry.timer));
      continue;
    }
    for (const [index, { timer, commit }] of entries.entries()) {
      if (settled[index] === undefined) {
        ctx.records.remember(commit.record);
        round.fired.push({ ...timer, events: commit.events.map((event) => event.event.type) });
      } else {
        ctx.records.forget(timer.pipId);
        left.push(timer);
      }
    }
  }
  return left;
}

/** Fires one deadline through the full pipeline, recording what happened. */
async function fireAlone(ctx: EngineContext, timer: TimerRow, round: Round): Promise<void> {
  try {
    const result = await execute(
      ctx,
      { kind: 'command', pipId: timer.pipId, command: fireCommand(timer), at: round.now },
      {
        actor: SYSTEM_ACTOR,
        idempotency: { stored: fireKey(timer), shown: fireKey(timer) },
        retries: 5,
      },
    );
    round.fired.push({ ...timer, events: result.events.map((event) => event.event.type) });
  } catch (error) {
    if (isRefusal(error)) {
      round.skipped.push({ timerId: timer.timerId, code: error.issues[0]?.code ?? error.code });
    } else {
      await fault(ctx, round, timer, error);
    }
  }
}

/** The sweep's instant: the given one, or the clock's. @internal */
export function sweepInstant(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError('Invalid instant.', [
      { code: 'INVALID_INSTANT', path: ['now'], message: `"${String(value)}" is not an instant.` },
    ]);
  }
  return date.toISOString();
}

/** Fires every deadline due at `now`, each exactly once in effect. @internal */
export async function sweep(
  ctx: EngineContext,
  now: string,
  options: SweepOptions = {},
): Promise<TickResult> {
  const sweeping = sweeper(ctx, now, options);
  const maxRounds = options.maxRounds ?? Number.POSITIVE_INFINITY;
  for (let round = 0; round < maxRounds && (await sweeping.next()); round++);
  return sweeping.result();
}

/** A sweep taken one round at a time, so several tenants' sweeps can take turns. @internal */
export interface Sweeper {
  /**
   * Reads and fires one round of at most `limit` due deadlines. Resolves to false once nothing
   * due is left (the round then fired nothing); rejects when the store cannot list due timers.
   */
  next(): Promise<boolean>;
  /** What the rounds so far did; the arrays grow as rounds run. */
  result(): TickResult;
}

/** A sweep of `ctx`'s store at `now`, in rounds of at most `options.limit` deadlines. @internal */
export function sweeper(ctx: EngineContext, now: string, options: SweepOptions = {}): Sweeper {
  const limit = options.limit ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;
  const round: Round = {
    now,
    parkAfter: options.parkAfter ?? 5,
    fired: [],
    skipped: [],
    faults: [],
  };
  const { store } = ctx;
  const seen = new Set<string>();
  // Firing a deadline can schedule another that is already due (a long-idle engine catching
  // up), so sweep until nothing due is left. Timers this tick already handled but still pending
  // (a refused or failed fire) come back at the head of each read; `extra` asks for that many
  // more rows, so a read costs `limit` plus what is still in the way, not everything swept so far.
  let extra = 0;
  let done = false;
  const next = async (): Promise<boolean> => {
    while (!done) {
      const size = limit + extra;
      const batch = store.claimDueTimers
        ? await store.claimDueTimers(now, size, { owner: ctx.owner, leaseMs })
        : await store.dueTimers(now, size);
      const due = batch.filter((timer) => !seen.has(`${timer.timerId}@${timer.dueAt}`));
      if (due.length === 0) {
        if (batch.length < size) done = true;
        else extra = extra * 2 + limit;
        continue;
      }
      extra = batch.length - due.length;
      // One deadline per PIP per round: firing it may schedule an earlier one (the next check-in)
      // that must fire before that PIP's later deadlines, so they are re-read next round.
      const touched = new Set<string>();
      const timers: TimerRow[] = [];
      for (const timer of due.slice(0, limit)) {
        if (touched.has(timer.pipId)) continue;
        touched.add(timer.pipId);
        seen.add(`${timer.timerId}@${timer.dueAt}`);
        timers.push(timer);
      }
      // With a store that commits many requests in one transaction (one disk flush), the round's
      // fires are decided first and committed together. Any fire the batch does not settle takes
      // the one-by-one path, which decides it again from the store and reports it exactly.
      const alone = store.commitMany
        ? await fireTogether(ctx, store.commitMany.bind(store), timers, round)
        : timers;
      for (const timer of alone) await fireAlone(ctx, timer, round);
      return true;
    }
    return false;
  };
  return observeRounds(ctx, now, {
    next,
    result: () => ({ now, fired: round.fired, skipped: round.skipped, faults: round.faults }),
  });
}
