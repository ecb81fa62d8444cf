import type { StoredEvent } from '../audit/hashChain.js';
import { VersionConflictError } from '../errors/pipkitError.js';
import { deepFreeze } from '../model/immutable.js';
import { commitPreconditionError } from './commitPreconditions.js';
import type {
  CommitRequest,
  IdempotencyRecord,
  ListQuery,
  OutboxMessage,
  PipRecord,
  PipStore,
  TimerRow,
} from './pipStore.js';
import { LIST_LIMITS, type PipRows, parkedMessage } from './pipStore.js';
import { assertCommitShape } from './commitShape.js';
import { TimerIndex } from './timerIndex.js';
import { type MemoryOutboxEntry, memoryOutbox } from './memoryOutbox.js';
import { memoryRefusalLog } from './memoryRefusals.js';
import { assertTenantId } from './tenantId.js';
import { publishCommitted, type WakeupHub, wakeupHub } from './wakeups.js';
import { computeReport } from '../query/reports.js';
import {
  countMatching,
  positionOf,
  type QueryRow,
  queryRowOf,
  selectPage,
} from '../query/storeQuery.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The store's own clock for timer leases, in epoch milliseconds. Defaults to `Date.now`. */
  readonly now?: () => number;
  /**
   * The tenant this store serves (default none): `forTenant` with the same id returns this store.
   * A valid tenant id (see `isTenantId`).
   */
  readonly tenantId?: string;
}

/**
 * The in-memory store: a {@link PipStore} with every optional capability but `claimOutbox`,
 * including `forTenant`, which keeps each tenant's data (refusal log included) apart.
 */
export type MemoryStore = Omit<PipStore, 'forTenant'> & {
  /**
   * The store of one tenant: its own PIPs, timers, outbox and idempotency keys, none of another
   * tenant's (the same PIP id in two tenants is two PIPs). The same id always gives the same
   * store, with its data; the timer lease clock is shared. Throws `INVALID_INPUT`
   * (`INVALID_TENANT`) for an invalid id.
   */
  forTenant(tenantId: string): MemoryStore;
};

interface Entry {
  record: PipRecord;
  version: number;
  events: StoredEvent[];
  /**
   * What queries filter, sort and count on: computed from the record at the first query after a
   * commit, so commits that no query reads never pay for it.
   */
  row?: QueryRow;
}

/**
 * What the store keeps of a record, event, outbox message or idempotency record a caller
 * committed: the value itself when its writer froze it (the engine freezes every commit whole,
 * and an object frozen at its top is taken as frozen all the way down, as `deepFreeze` does),
 * else a frozen JSON copy, so no caller keeps a handle on stored state and what is kept is what a
 * SQL store would round-trip.
 */
function kept<T>(value: T): T {
  return Object.isFrozen(value) ? value : deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

/**
 * An in-memory {@link PipStore} for tests, demos and single-process tools. Records and events are
 * kept frozen and handed back as they are: a caller can never change stored state through a
 * returned object (a change throws a `TypeError` in strict mode), and reads copy nothing; so are
 * outbox messages and idempotency records. A commit is checked in full before anything changes
 * (JavaScript runs it without interleaving).
 *
 * @example
 * ```ts
 * const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  if (options.tenantId !== undefined) assertTenantId(options.tenantId, ['tenantId']);
  const tenants = new Map<string, MemoryStore>();
  // One hub for the family: a worker on any of its stores hears every tenant's commits.
  const hub = wakeupHub();
  const forTenant = (tenantId: string): MemoryStore => {
    assertTenantId(tenantId);
    let store = tenants.get(tenantId);
    if (!store) {
      store = tenantStore({ ...options, tenantId }, forTenant, hub);
      tenants.set(tenantId, store);
    }
    return store;
  };
  const root = tenantStore(options, forTenant, hub);
  if (options.tenantId !== undefined) tenants.set(options.tenantId, root);
  return root;
}

/** One tenant's data (or the untenanted root's), with the family's `forTenant`. */
function tenantStore(
  options: MemoryStoreOptions,
  forTenant: (tenantId: string) => MemoryStore,
  hub: WakeupHub,
): MemoryStore {
  const storeNow = options.now ?? Date.now;
  const leases = new Map<string, { owner: string; until: number }>();
  const pips = new Map<string, Entry>();
  const timers = new Map<string, TimerRow>();
  // Pending timers sorted by (dueAt, timerId): a sweep reads only the due prefix, never all rows.
  const timerOrder = new TimerIndex();
  const outbox = new Map<string, MemoryOutboxEntry>();
  const delivery = memoryOutbox(outbox, storeNow);
  // Kept by purge: the refusals are the security trail.
  const refusals = memoryRefusalLog();
  let outboxCompactedBefore: string | undefined;
  const idempotency = new Map<string, IdempotencyRecord>();
  // Failed fires per timer, and the parked ones (kept out of the due index).
  const faults = new Map<string, { dueAt: string; attempts: number; parkedCode?: string }>();

  function removeTimer(timerId: string): void {
    leases.delete(timerId);
    faults.delete(timerId);
    const existing = timers.get(timerId);
    if (!existing) return;
    timers.delete(timerId);
    timerOrder.remove(existing);
  }

  /** Validates then writes one commit, all or nothing: after the checks nothing can throw. */
  function apply(request: CommitRequest): void {
    assertCommitShape(request);
    const existing = pips.get(request.pipId);
    const failure = commitPreconditionError(request, {
      actualVersion: existing?.version ?? 0,
      recordedKey:
        request.idempotency && idempotency.has(request.idempotency.key)
          ? { key: request.idempotency.key }
          : undefined,
    });
    if (failure) throw failure;
    // As the SQL stores' unique keys do: an outbox id is never overwritten.
    for (const message of request.outbox) {
      if (outbox.has(message.id)) {
        throw new Error(`Outbox message "${message.id}" is already stored: duplicate key.`);
      }
    }
    const events = existing?.events ?? [];
    for (const event of request.events) events.push(kept(event));
    pips.set(request.pipId, {
      record: kept(request.record),
      version: request.record.version,
      events,
    });
    for (const timerId of request.timers.clear) removeTimer(timerId);
    for (const timer of request.timers.set) {
      removeTimer(timer.timerId);
      const row = { ...timer };
      timers.set(row.timerId, row);
      timerOrder.insert(row);
    }
    for (const message of request.outbox)
      outbox.set(message.id, { message: kept(message), delivered: false });
    if (request.idempotency) idempotency.set(request.idempotency.key, kept(request.idempotency));
  }

  /** The entry's query row, computed once per commit. */
  function rowOf(entry: Entry): QueryRow {
    entry.row ??= queryRowOf(entry.record);
    return entry.row;
  }

  /** `list` and `listEntries` alike: a memory store has no row it cannot read. */
  function listRecords(query: ListQuery = {}): Promise<PipRecord[]> {
    const limit = Math.min(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max);
    const ids = [...pips.keys()].sort();
    const result: PipRecord[] = [];
    for (const pipId of ids) {
      if (result.length >= limit) break;
      if (query.afterPipId !== undefined && pipId <= query.afterPipId) continue;
      const record = (pips.get(pipId) as Entry).record;
      if (query.state !== undefined && record.state !== query.state) continue;
      if (query.employeeId !== undefined && record.employeeId !== query.employeeId) continue;
      if (query.managerId !== undefined && record.managerId !== query.managerId) continue;
      result.push(record);
    }
    return Promise.resolve(result);
  }

  return {
    forTenant,
    load(pipId) {
      const entry = pips.get(pipId);
      return Promise.resolve(entry?.record);
    },
    loadMany(pipIds) {
      return Promise.resolve(pipIds.map((pipId) => pips.get(pipId)?.record));
    },
    readEvents(pipId, options = {}) {
      const entry = pips.get(pipId);
      const after = options.afterSeq ?? 0;
      return Promise.resolve(entry ? entry.events.slice(after) : []);
    },
    commit(request: CommitRequest) {
      try {
        apply(request);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      publishCommitted(hub, [request], options.tenantId);
      return Promise.resolve();
    },
    commitMany(requests: readonly CommitRequest[]) {
      const committed: CommitRequest[] = [];
      const outcomes = requests.map((request) => {
        try {
          apply(request);
          committed.push(request);
          return undefined;
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      });
      publishCommitted(hub, committed, options.tenantId);
      return Promise.resolve(outcomes);
    },
    wakeups: { subscribe: (listener) => hub.subscribe(listener) },
    getIdempotency(key) {
      return Promise.resolve(idempotency.get(key));
    },
    list: listRecords,
    listEntries: listRecords,
    queryPips(query) {
      const rows = selectPage([...pips.values()].map(rowOf), query);
      return Promise.resolve(
        rows.map((row) => ({
          entry: (pips.get(row.pipId) as Entry).record,
          position: positionOf(row, query.sort),
        })),
      );
    },
    countPips(query) {
      return Promise.resolve(countMatching([...pips.values()].map(rowOf), query));
    },
    reportPips(request) {
      return Promise.resolve(computeReport([...pips.values()].map(rowOf), request));
    },
    dueTimers(now, limit) {
      return Promise.resolve(timerOrder.due(now, limit).map((timer) => ({ ...timer })));
    },
    claimDueTimers(now, limit, lease) {
      const claimed: TimerRow[] = [];
      const at = storeNow();
      for (const timer of timerOrder.dueInOrder(now)) {
        if (claimed.length >= limit) break;
        const held = leases.get(timer.timerId);
        if (held && held.owner !== lease.owner && held.until > at) continue;
        leases.set(timer.timerId, { owner: lease.owner, until: at + lease.leaseMs });
        claimed.push({ ...timer });
      }
      return Promise.resolve(claimed);
    },
    pendingOutbox: delivery.pendingOutbox,
    markOutboxDelivered: delivery.markOutboxDelivered,
    recordOutboxFailure: delivery.recordOutboxFailure,
    deadLetterOutbox: delivery.deadLetterOutbox,
    listDeadLetters: delivery.listDeadLetters,
    retryDeadLetter: delivery.retryDeadLetter,
    discardDeadLetter: delivery.discardDeadLetter,
    appendRefusal: refusals.appendRefusal,
    readRefusals: refusals.readRefusals,
    compactOutbox({ deliveredBefore }) {
      const deleted = delivery.compact(deliveredBefore);
      if (outboxCompactedBefore === undefined || deliveredBefore > outboxCompactedBefore) {
        outboxCompactedBefore = deliveredBefore;
      }
      return Promise.resolve(deleted);
    },
    inspect(pipId) {
      const entry = pips.get(pipId);
      if (!entry) return Promise.resolve(undefined);
      const record = entry.record;
      const rows: PipRows = {
        columns: {
          employeeId: record.employeeId,
          managerId: record.managerId,
          policyId: record.policyId,
          policyVersion: record.policyVersion,
          state: record.state,
          version: entry.version,
        },
        timers: [...timers.values()]
          .filter((timer) => timer.pipId === pipId)
          .map((timer) => {
            const fault = faults.get(timer.timerId);
            return {
              ...timer,
              attempts: fault?.attempts ?? 0,
              ...(fault?.parkedCode === undefined ? {} : { parkedCode: fault.parkedCode }),
            };
          }),
        outbox: [...outbox.values()]
          .map((row) => ({
            ...row.message,
            delivered: row.delivered,
          }))
          .filter((message) => message.pipId === pipId),
        queryColumns: rowOf(entry),
        ...(outboxCompactedBefore === undefined ? {} : { outboxCompactedBefore }),
      };
      return Promise.resolve(rows);
    },
    recordTimerFault(fault, options) {
      const timer = timers.get(fault.timerId);
      if (!timer || timer.dueAt !== fault.dueAt) {
        return Promise.resolve({ attempts: 0, parked: false });
      }
      const previous = faults.get(fault.timerId);
      if (previous?.parkedCode !== undefined) {
        return Promise.resolve({ attempts: previous.attempts, parked: false });
      }
      const attempts = (previous?.dueAt === fault.dueAt ? previous.attempts : 0) + 1;
      const parked = attempts >= options.parkAfter;
      faults.set(fault.timerId, {
        dueAt: fault.dueAt,
        attempts,
        ...(parked ? { parkedCode: fault.code } : {}),
      });
      if (parked) {
        // A parked timer leaves the due index: no sweep reads it until a commit sets it again.
        timerOrder.remove(timer);
        const message: OutboxMessage = parkedMessage(timer, fault, attempts);
        outbox.set(message.id, { message: kept(message), delivered: false });
      }
      return Promise.resolve({ attempts, parked });
    },
    resetTimerFaults(pipId) {
      const reset: string[] = [];
      for (const [timerId, fault] of [...faults]) {
        const timer = timers.get(timerId);
        if (!timer || timer.pipId !== pipId) continue;
        faults.delete(timerId);
        leases.delete(timerId);
        // A parked timer left the due index; it goes back so the next sweep sees it.
        if (fault.parkedCode !== undefined) timerOrder.insert(timer);
        reset.push(timerId);
      }
      return Promise.resolve(reset.sort());
    },
    purge(pipId, expectedVersion) {
      const actual = pips.get(pipId)?.version ?? 0;
      if (actual === 0 || actual !== expectedVersion) {
        return Promise.reject(new VersionConflictError(pipId, expectedVersion, actual));
      }
      pips.delete(pipId);
      for (const [timerId, row] of [...timers]) if (row.pipId === pipId) removeTimer(timerId);
      for (const [id, entry] of [...outbox]) {
        if (entry.message.pipId === pipId) outbox.delete(id);
      }
      for (const [key, record] of [...idempotency]) {
        if (record.pipId === pipId) idempotency.delete(key);
      }
      return Promise.resolve();
    },
    // Last, not first: a literal that starts with a spread is built property by property,
    // which measured about ten times slower to create.
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
  };
}
