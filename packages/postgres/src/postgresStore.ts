import {
  assertTenantId,
  type IdempotencyRecord,
  LIST_LIMITS,
  type ListQuery,
  type OutboxMessageRow,
  outboxMessageOfRow,
  type PipRecord,
  type UnreadableListEntry,
  type PipStore,
  type StoredEvent,
  VersionConflictError,
  type WakeupListener,
} from '@pipkit/core/adapter';
import { createCommits } from './commits.js';
import { openConnection, type StoreConnection } from './connection.js';
import { createInspection } from './inspection.js';
import { deliveryOn } from './delivery.js';
import { createQueries } from './queries.js';
import { createRefusalLog } from './refusals.js';
import { DEFAULT_SCHEMA } from './migrations.js';
import {
  byDueThenId,
  clampLimit,
  type EventRow,
  eventText,
  type IdempotencyRow,
  type TimerDbRow,
  toTimer,
} from './rows.js';
import { corruptOr, parseStored } from './storeErrors.js';
import { type ListeningSource, listenOn, notifyStatements, wakeupChannel } from './wakeups.js';
import {
  checkLease,
  checkOptions,
  DEFAULT_CONCURRENT_COMMITS,
  DEFAULT_TENANT,
  DEFAULT_TIMEOUTS,
  type PostgresStoreOptions,
} from './storeOptions.js';

export type { PostgresStoreOptions, PostgresStoreSettings } from './storeOptions.js';
export { DEFAULT_CONCURRENT_COMMITS, DEFAULT_TENANT, DEFAULT_TIMEOUTS } from './storeOptions.js';
export { toStoreError } from './storeErrors.js';

/** A {@link PipStore} on PostgreSQL, with timer leases for many engine instances. */
export type PostgresStore = Omit<PipStore, 'forTenant'> & {
  loadMany: NonNullable<PipStore['loadMany']>;
  claimDueTimers: NonNullable<PipStore['claimDueTimers']>;
  claimOutbox: NonNullable<PipStore['claimOutbox']>;
  commitMany: NonNullable<PipStore['commitMany']>;
  purge: NonNullable<PipStore['purge']>;
  inspect: NonNullable<PipStore['inspect']>;
  recordTimerFault: NonNullable<PipStore['recordTimerFault']>;
  resetTimerFaults: NonNullable<PipStore['resetTimerFaults']>;
  listEntries: NonNullable<PipStore['listEntries']>;
  queryPips: NonNullable<PipStore['queryPips']>;
  countPips: NonNullable<PipStore['countPips']>;
  reportPips: NonNullable<PipStore['reportPips']>;
  appendRefusal: NonNullable<PipStore['appendRefusal']>;
  readRefusals: NonNullable<PipStore['readRefusals']>;
  /**
   * Applies pending schema migrations (done lazily before the first query; call it at startup to
   * fail fast). Resolves to the versions this store applied: empty when another instance did.
   */
  ready(): Promise<readonly number[]>;
  /** Closes the pool when the store created it; a host `Pool` or client stays open. */
  close(): Promise<void>;
  /** The schema holding the tables. */
  readonly schema: string;
  /** The tenant this store reads and writes. */
  readonly tenantId: string;
  /**
   * This store for another tenant, on the same pool or client: no connection is opened, so it is
   * cheap to call per request. Every statement of the scoped store is one call of the schema's
   * functions with that tenant as its argument, and each function sets the tenant for its own
   * transaction (`set_config(..., true)`), so row-level security confines it to that tenant and
   * a pooled connection never carries one tenant's setting into another's statement. Its
   * `close` leaves the connection open: the store it came from owns it. Throws `INVALID_INPUT`
   * (`INVALID_TENANT`) for an invalid id.
   */
  forTenant(tenantId: string): PostgresStore;
};

/** Raised by `pipkit_purge`: the PIP is not at the expected version (DETAIL: the actual one). */
const VERSION_MISMATCH = 'PK409';

/**
 * Creates the PostgreSQL {@link PipStore}: many engine instances (processes, machines) share one
 * database. Each store call is one statement calling one of the schema's functions, so a command
 * commits in one round trip: events, envelope, timers, outbox and idempotency key together,
 * guarded by the PIP's version and the `(tenant_id, pip_id, seq)` key. Every row carries the
 * store's `tenantId`, and row-level security (forced, even for the tables' owner) hides other
 * tenants' rows. The timer sweep and the outbox relay lease rows with `FOR UPDATE SKIP LOCKED`
 * against the database clock, so instances split the work. Schema migrations run once, lazily,
 * under an advisory lock.
 *
 * @example
 * ```ts
 * import { createEngine, defaultPolicy } from '@pipkit/core';
 * import { postgresStore } from '@pipkit/postgres';
 *
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL ?? '', tenantId: 'acme' });
 * await store.ready(); // optional: migrate at startup instead of on the first command
 * const engine = createEngine({ store, policies: [defaultPolicy] });
 * // Every instance of the service runs the same sweep; leases keep them out of each other's way.
 * setInterval(() => void engine.tick(), 60_000);
 * // ... on shutdown:
 * await store.close();
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const tenantId = options.tenantId ?? DEFAULT_TENANT;
  checkOptions(options, schema, tenantId);
  const connection = openConnection(options, schema, tenantId, {
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_TIMEOUTS.lockTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_TIMEOUTS.statementTimeoutMs,
  });
  const concurrentCommits = options.client
    ? // One connection serialises everything: batches would only add transactions.
      1
    : (options.concurrentCommits ?? DEFAULT_CONCURRENT_COMMITS);
  const wakeupOptions = typeof options.wakeups === 'object' ? options.wakeups : {};
  const channel =
    options.wakeups === false ? undefined : (wakeupOptions.channel ?? wakeupChannel(schema));
  // Hearing needs a connection of its own: a host client inside its transaction cannot lend one.
  const pool = options.pool ?? connection.pool;
  const listening =
    channel !== undefined && !options.client && pool
      ? listenOn(pool, channel, wakeupOptions.reconnect)
      : undefined;
  return storeOn(connection, {
    schema,
    concurrentCommits,
    ownsConnection: true,
    channel,
    listening,
  });
}

/** The store of `connection`'s tenant; `forTenant` gives its siblings on the same connection. */
function storeOn(
  connection: StoreConnection,
  settings: {
    readonly schema: string;
    readonly concurrentCommits: number;
    /** False for a scoped store: closing it leaves the shared connection open. */
    readonly ownsConnection: boolean;
    /** The wake-up channel commits notify; absent when wake-ups are off. */
    readonly channel: string | undefined;
    /** The family's wake-up source, shared by every tenant's store. */
    readonly listening: ListeningSource | undefined;
  },
): PostgresStore {
  const { schema, concurrentCommits, channel, listening } = settings;
  const { ready, call, bounded, tenantId } = connection;
  const { commit, commitMany } = createCommits(connection, (requests) =>
    channel === undefined ? '' : notifyStatements(channel, tenantId, requests),
  );
  const { inspect, recordTimerFault } = createInspection(connection, tenantId);
  const { queryPips, countPips, reportPips } = createQueries(connection, inspect);

  /** One page of `pipkit_list`, raw: `list` parses every record, `listEntries` each on its own. */
  const listRows = async (query: ListQuery) =>
    (await call(
      'list',
      [
        query.state ?? null,
        query.employeeId ?? null,
        query.managerId ?? null,
        query.afterPipId ?? null,
        clampLimit(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max),
      ],
      'listing PIPs',
    )) as { pip_id: string; record: string }[];

  /** A read of one PIP: an unreadable stored value is that PIP's `STORE_CORRUPT_ROW`. */
  const readPip = async (
    pipId: string,
    table: string,
    name: string,
    args: readonly unknown[],
    doing: string,
  ): Promise<unknown[]> => {
    try {
      return await call(name, args, doing);
    } catch (error) {
      throw corruptOr(error, pipId, table);
    }
  };

  let closed = false;

  const store: PostgresStore = {
    schema,
    tenantId,
    ready,
    commit,
    commitMany,
    concurrentCommits,
    // A group of concurrent commits is one round trip and one WAL flush.
    prefersGroupCommit: true,
    ...(listening
      ? {
          wakeups: {
            subscribe: (listener: WakeupListener) => listening.subscribe(listener),
            ready: () => listening.ready(),
          },
        }
      : {}),
    forTenant(id) {
      assertTenantId(id);
      return storeOn(connection.withTenant(id), { ...settings, ownsConnection: false });
    },
    inspect,
    recordTimerFault,
    queryPips,
    countPips,
    reportPips,
    ...createRefusalLog(connection),

    async resetTimerFaults(pipId) {
      const rows = (await connection.bounded(
        'reset_timer_faults',
        [pipId],
        'resetting timer faults',
      )) as { reset_timer_id: string }[];
      return rows.map((row) => row.reset_timer_id).sort();
    },

    async load(pipId) {
      const rows = (await readPip(pipId, 'pipkit_pips', 'load', [pipId], 'loading a PIP')) as {
        record: string;
      }[];
      return rows[0] ? parseStored<PipRecord>(rows[0].record, pipId, 'pipkit_pips') : undefined;
    },

    async loadMany(pipIds) {
      if (pipIds.length === 0) return [];
      const rows = (await call('load_many', [[...new Set(pipIds)]], 'loading PIPs')) as {
        pip_id: string;
        record: string;
      }[];
      const texts = new Map(rows.map((row) => [row.pip_id, row.record]));
      return pipIds.map((pipId) => {
        const text = texts.get(pipId);
        if (text === undefined) return undefined;
        try {
          return parseStored<PipRecord>(text, pipId, 'pipkit_pips');
        } catch (error) {
          return error as Error;
        }
      });
    },

    async readEvents(pipId, readOptions = {}) {
      const rows = (await readPip(
        pipId,
        'pipkit_events',
        'read_events',
        [pipId, readOptions.afterSeq ?? 0],
        'reading events',
      )) as EventRow[];
      return rows.map((row): StoredEvent => ({
        pipId,
        seq: row.seq,
        event: parseStored<StoredEvent['event']>(eventText(row, pipId), pipId, 'pipkit_events'),
        prevHash: row.prev_hash,
        hash: row.hash,
      }));
    },

    async getIdempotency(key) {
      const rows = (await call(
        'get_idempotency',
        [key],
        'reading an idempotency key',
      )) as IdempotencyRow[];
      const row = rows[0];
      return row
        ? ({
            key,
            pipId: row.pip_id,
            requestHash: row.request_hash,
            version: row.version,
            seqs: parseStored<number[]>(row.seqs, row.pip_id, 'pipkit_idempotency'),
          } satisfies IdempotencyRecord)
        : undefined;
    },

    async list(query: ListQuery = {}) {
      const rows = await listRows(query);
      return rows.map((row) => parseStored<PipRecord>(row.record, row.pip_id, 'pipkit_pips'));
    },

    async listEntries(query: ListQuery = {}) {
      const entries: (PipRecord | UnreadableListEntry)[] = [];
      for (const row of await listRows(query)) {
        try {
          entries.push(parseStored<PipRecord>(row.record, row.pip_id, 'pipkit_pips'));
        } catch (error) {
          // Rare: the envelope columns of the unreadable row, to authorize reporting it.
          const columns = (await inspect(row.pip_id))?.columns;
          if (!columns) throw error;
          entries.push({ unreadable: true, pipId: row.pip_id, columns, error: error as Error });
        }
      }
      return entries;
    },

    async dueTimers(now, limit) {
      const rows = (await call(
        'due_timers',
        [now, clampLimit(limit)],
        'reading due timers',
      )) as TimerDbRow[];
      return rows.map(toTimer);
    },

    async claimDueTimers(now, limit, lease) {
      checkLease(lease);
      const rows = (await bounded(
        'claim_timers',
        [lease.owner, lease.leaseMs, now, clampLimit(limit)],
        'claiming due timers',
      )) as TimerDbRow[];
      return rows.map(toTimer).sort(byDueThenId);
    },

    async pendingOutbox(limit, read = {}) {
      const rows = (await call(
        'outbox_due',
        [read.now ?? null, clampLimit(limit)],
        'reading the outbox',
      )) as OutboxMessageRow[];
      return rows.map(outboxMessageOfRow);
    },

    async claimOutbox(limit, lease, read = {}) {
      checkLease(lease);
      const rows = (await bounded(
        'claim_outbox_due',
        [lease.owner, lease.leaseMs, read.now ?? null, clampLimit(limit)],
        'claiming outbox messages',
      )) as OutboxMessageRow[];
      return rows.map(outboxMessageOfRow);
    },
    ...deliveryOn(connection),

    async purge(pipId, expectedVersion) {
      try {
        await bounded('purge', [pipId, expectedVersion], 'purging a PIP', 'value');
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === VERSION_MISMATCH) {
          const detail = Number((error as { detail?: unknown }).detail);
          throw new VersionConflictError(
            pipId,
            expectedVersion,
            Number.isInteger(detail) ? detail : undefined,
          );
        }
        throw error;
      }
    },

    async markOutboxDelivered(ids) {
      if (ids.length === 0) return;
      await bounded('mark_delivered', [[...ids]], 'marking outbox messages delivered', 'value');
    },

    async compactOutbox({ deliveredBefore }) {
      const rows = (await bounded(
        'compact_outbox',
        [deliveredBefore],
        'compacting the outbox',
      )) as { deleted: number }[];
      return rows[0]?.deleted ?? 0;
    },

    async close() {
      if (closed || !settings.ownsConnection) return;
      closed = true;
      await listening?.close();
      await connection.close();
    },
  };
  return store;
}
