/**
 * Group commit: concurrent writes on one engine share one store transaction (one disk flush, one
 * round trip). Leader and followers: the first write to reach its commit flushes at once when
 * nothing else is under way, so a lone caller waits for nothing; writes that reach their commit
 * while a flush is in flight, or while other writes of this engine are still deciding, go
 * together in the next `commitMany`. Each write is still decided on its own, against its own
 * PIP's current version, and gets its own outcome from its slot.
 *
 * Writes of the same PIP never share a group: each waits until the engine's earlier write of that
 * PIP has settled, then decides from the envelope that write left (the record cache), and goes in
 * a later group. So a group never holds two requests decided from the same version.
 *
 * A store that runs several commits at once (`concurrentCommits`, Postgres's pool) gets up to that
 * many groups in flight: the next group executes while the one before waits for its WAL flush, on
 * another connection. Groups in flight never share a PIP (the rule above), so their order does
 * not matter.
 */
import { StoreError, ValidationError } from '../errors/pipkitError.js';
import { commitSlots } from '../store/commitSlots.js';
import type { CommitRequest, PipStore } from '../store/pipStore.js';

/** The tuning of `EngineOptions.groupCommit`. */
export interface GroupCommitOptions {
  /** At most this many commits in one transaction (default 32; 1 to 10,000). */
  readonly maxBatch?: number;
  /**
   * How long, in milliseconds, the first commit of a group may wait for this engine's other
   * writes already under way (loading, deciding) to reach their commit (default 0: it waits one
   * turn of the event loop, and only when such writes exist). The group goes as soon as every
   * such write has arrived or dropped out, so a lone caller never waits. At most 1,000.
   */
  readonly windowMs?: number;
}

/** The group committer an engine uses when `groupCommit` is on. @internal */
export interface GroupCommitter {
  /**
   * Runs one write of `pipId` once every earlier write of the same PIP on this engine has
   * settled; `work` commits through {@link GroupCommitter.commit}.
   */
  run<T>(pipId: string, work: () => Promise<T>): Promise<T>;
  /** Commits one request in a group; rejects with its own slot's error only. */
  commit(request: CommitRequest): Promise<void>;
}

interface Waiting {
  readonly request: CommitRequest;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const DEFAULT_MAX_BATCH = 32;

/** The settings `groupCommit` resolves to, or `undefined` when off. Throws `INVALID_INPUT`. */
export function groupCommitSettings(
  option: boolean | GroupCommitOptions | undefined,
): Required<GroupCommitOptions> | undefined {
  if (option === undefined || option === false) return undefined;
  const { maxBatch = DEFAULT_MAX_BATCH, windowMs = 0 } = option === true ? {} : option;
  const wrong: string[] = [];
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 10_000) wrong.push('maxBatch');
  if (!Number.isFinite(windowMs) || windowMs < 0 || windowMs > 1000) wrong.push('windowMs');
  if (wrong.length > 0) {
    throw new ValidationError(
      `Invalid groupCommit option: ${wrong.join(' and ')} out of range (maxBatch an integer 1 to 10,000, windowMs 0 to 1,000).`,
      wrong.map((field) => ({
        path: ['groupCommit', field],
        message: `${field} is out of range`,
        code: 'GROUP_COMMIT_OUT_OF_RANGE',
      })),
    );
  }
  return { maxBatch, windowMs };
}

/**
 * Builds the group committer for `store`, or `undefined` when the store has no `commitMany`
 * (the engine then commits one request at a time, as without group commit). @internal
 */
export function groupCommitter(
  store: PipStore,
  settings: Required<GroupCommitOptions>,
): GroupCommitter | undefined {
  if (!store.commitMany) return undefined;
  const commitMany = store.commitMany.bind(store);
  const { maxBatch, windowMs } = settings;
  /** How many groups may be in flight at once: the store's own concurrency. */
  const slots = commitSlots(store);
  /** The last write of each PIP under way: the next one of that PIP waits for it. */
  const tails = new Map<string, Promise<void>>();
  const pending: Waiting[] = [];
  /** Writes of this engine between starting and reaching their commit (or after it settled). */
  let deciding = 0;
  /** Commits in flight (groups and lone commits). */
  let flushing = 0;
  let timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;

  const cancelTimer = (): void => {
    if (timer === undefined) return;
    if (windowMs > 0) clearTimeout(timer as ReturnType<typeof setTimeout>);
    else clearImmediate(timer as ReturnType<typeof setImmediate>);
    timer = undefined;
  };

  /** Flushes now if a group is due, or arms the wait for the writes still deciding. */
  const check = (): void => {
    if (flushing >= slots || pending.length === 0) return;
    if (deciding <= 0 || pending.length >= maxBatch) {
      flush();
      return;
    }
    if (timer !== undefined) return;
    const onTimer = () => {
      timer = undefined;
      if (flushing < slots && pending.length > 0) flush();
    };
    timer = windowMs > 0 ? setTimeout(onTimer, windowMs) : setImmediate(onTimer);
  };

  /** The transaction in flight settled: hands out each request's outcome, then goes on. */
  const settle = (group: readonly Waiting[], outcomes: readonly (Error | undefined)[] | Error) => {
    flushing -= 1;
    deciding += group.length;
    for (const [index, entry] of group.entries()) {
      // A failure of the whole call (the connection, the disk) is every request's error, as it
      // would be for each request committed alone; refusals come back in their own slots.
      const error =
        outcomes instanceof Error
          ? outcomes
          : outcomes.length === group.length
            ? outcomes[index]
            : new StoreError(
                `The store's commitMany returned ${outcomes.length} outcomes for ${group.length} requests; nothing is known about this one.`,
                { retryable: false },
              );
      if (error === undefined) entry.resolve();
      else entry.reject(error);
    }
    check();
  };

  /** Sends one group as one store call; its outcomes settle it. */
  const send = (group: readonly Waiting[]): void => {
    flushing += 1;
    const only = group.length === 1 ? (group[0] as Waiting).request : undefined;
    void outcomesOf(
      only
        ? () => store.commit(only).then(() => [undefined])
        : () => commitMany(group.map((entry) => entry.request)),
    ).then((outcomes) => settle(group, outcomes));
  };

  /**
   * Sends what is waiting, shared evenly among the free slots: with two free, sixteen writes go
   * as two groups of eight on two connections, and the first to settle forms the next group
   * while the other is still in flight.
   */
  const flush = (): void => {
    cancelTimer();
    const taken = pending.splice(0, maxBatch * (slots - flushing));
    const groups = Math.min(slots - flushing, taken.length);
    const size = Math.ceil(taken.length / groups);
    for (let start = 0; start < taken.length; start += size) {
      send(taken.slice(start, start + size));
    }
  };

  return {
    async run<T>(pipId: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(pipId);
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      tails.set(pipId, mine);
      if (previous) await previous;
      deciding += 1;
      try {
        return await work();
      } finally {
        deciding -= 1;
        release();
        if (tails.get(pipId) === mine) tails.delete(pipId);
        check();
      }
    },
    commit(request: CommitRequest): Promise<void> {
      deciding -= 1;
      return new Promise<void>((resolve, reject) => {
        const entry = { request, resolve, reject };
        // Nothing else under way: the plain commit at once, in flight so that writes reaching
        // their commit meanwhile form the next group.
        if (flushing === 0 && pending.length === 0 && deciding <= 0) {
          send([entry]);
          return;
        }
        pending.push(entry);
        check();
      });
    },
  };
}

/** The store call's outcomes, or the one error it failed with (thrown or rejected). */
function outcomesOf(
  call: () => Promise<readonly (Error | undefined)[]>,
): Promise<readonly (Error | undefined)[] | Error> {
  const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
  try {
    return call().then((slots) => slots, asError);
  } catch (error) {
    return Promise.resolve(asError(error));
  }
}
