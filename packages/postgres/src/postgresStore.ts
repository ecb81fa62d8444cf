import {
  assertCommitShape,
  type CommitRequest,
  type IdempotencyRecord,
  IdempotencyKeyReusedError,
  LIST_LIMITS,
  type ListQuery,
  NO_PIP_YET,
  type PipRecord,
  type PipStore,
  type StoredEvent,
  VersionConflictError,
} from '@pipkit/core';
import { DEFAULT_SCHEMA } from './migrations.js';
import type { PgPool } from './pgDriver.js';
import {
  byDueThenId,
  clampLimit,
  type EventRow,
  type IdempotencyRow,
  type OutboxRow,
  type TimerDbRow,
  toOutbox,
  toTimer,
} from './rows.js';
import {
  checkLease,
  checkOptions,
  DEFAULT_TENANT,
  type PostgresStoreOptions,
} from './storeOptions.js';
import { COMMITTING, toStoreError } from './storeErrors.js';
import { commitArgs } from './commitArgs.js';
import { openConnection } from './connection.js';
import { inTransaction } from './transaction.js';

export type { PostgresStoreOptions, PostgresStoreSettings } from './storeOptions.js';
export { DEFAULT_TENANT } from './storeOptions.js';
export { toStoreError } from './storeErrors.js';

/** A {@link PipStore} on PostgreSQL, with timer leases for many engine instances. */
export type PostgresStore = PipStore & {
  claimDueTimers: NonNullable<PipStore['claimDueTimers']>;
  claimOutbox: NonNullable<PipStore['claimOutbox']>;
  commitMany: NonNullable<PipStore['commitMany']>;
  purge: NonNullable<PipStore['purge']>;
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
};

const UNIQUE_VIOLATION = '23505';
/** Raised by `pipkit_commit`: the PIP is not at the expected version (DETAIL: the actual one). */
const VERSION_MISMATCH = 'PK409';
/** Raised by `pipkit_commit`: the idempotency key is already recorded. */
const KEY_TAKEN = 'PK422';
/** The unique keys whose clash means another writer won the race for this version. */
const RACE_CONSTRAINTS = new Set(['pipkit_pips_pkey', 'pipkit_events_pkey']);

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
  const connection = openConnection(options, schema, tenantId);
  const { fn, pool, client, exclusive, ready, call } = connection;

  /** The tenant and the 28 values of {@link commitArgs}, as `pipkit_commit` declares them. */
  const COMMIT_TEXT = `SELECT ${fn('commit')}(${Array.from({ length: 29 }, (_, index) => `$${index + 1}`).join(', ')})`;

  /** Maps the commit function's refusals to the port's typed errors. */
  const commitError = async (error: unknown, request: CommitRequest): Promise<unknown> => {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === VERSION_MISMATCH) {
      const detail = Number((error as { detail?: unknown }).detail);
      return new VersionConflictError(
        request.pipId,
        request.expectedVersion,
        Number.isInteger(detail) ? detail : undefined,
      );
    }
    if (code === KEY_TAKEN && request.idempotency) {
      return new IdempotencyKeyReusedError(request.idempotency.key);
    }
    if (code === UNIQUE_VIOLATION && isCommitKeyClash(error)) {
      // The keys on pipkit_pips and (tenant_id, pip_id, seq) are the real guard: a clash is a
      // lost race. The actual version is read after the rollback.
      const rows = await call('load', [request.pipId], 'reading the version').catch(() => []);
      const record = (rows as { record: string | null }[])[0]?.record;
      const actual = record ? (JSON.parse(record) as PipRecord).version : NO_PIP_YET;
      return new VersionConflictError(request.pipId, request.expectedVersion, actual);
    }
    return toStoreError(error, COMMITTING);
  };

  let closed = false;

  const store: PostgresStore = {
    schema,
    tenantId,
    ready,

    async load(pipId) {
      const rows = (await call('load', [pipId], 'loading a PIP')) as { record: string }[];
      return rows[0] ? (JSON.parse(rows[0].record) as PipRecord) : undefined;
    },

    async readEvents(pipId, readOptions = {}) {
      const rows = (await call(
        'read_events',
        [pipId, readOptions.afterSeq ?? 0],
        'reading events',
      )) as EventRow[];
      return rows.map((row): StoredEvent => ({
        pipId,
        seq: row.seq,
        event: JSON.parse(row.event) as StoredEvent['event'],
        prevHash: row.prev_hash,
        hash: row.hash,
      }));
    },

    async commit(request) {
      // A malformed commit (a gap, a record that does not match its events) is a caller bug:
      // refuse it before touching the database.
      assertCommitShape(request);
      await ready();
      const values = [tenantId, ...commitArgs(request)];
      try {
        if (client) {
          // Inside the host's transaction: a savepoint, so a refusal leaves it usable.
          await exclusive(() =>
            inTransaction(client, 'savepoint', (db) => db.query(COMMIT_TEXT, values)),
          );
        } else {
          // One statement, its own transaction: one round trip.
          await (pool as PgPool).query(COMMIT_TEXT, values);
        }
      } catch (error) {
        throw await commitError(error, request);
      }
    },

    async commitMany(requests) {
      const outcomes: (Error | undefined)[] = requests.map(() => undefined);
      const batch: { index: number; json: string }[] = [];
      const alone: number[] = [];
      for (const [index, request] of requests.entries()) {
        try {
          assertCommitShape(request);
        } catch (error) {
          outcomes[index] = error instanceof Error ? error : new Error(String(error));
          continue;
        }
        const json = JSON.stringify(commitArgs(request));
        // Postgres's json cannot hand back a \u0000 as text: such a request commits on its own,
        // through the text parameters of pipkit_commit.
        if (json.includes('\\u0000')) alone.push(index);
        else batch.push({ index, json });
      }
      if (batch.length > 0) {
        const refused = (await call(
          'commit_many',
          [`[${batch.map((entry) => entry.json).join(',')}]`],
          COMMITTING,
        )) as {
          request_index: number;
          sql_state: string;
          error_detail: string | null;
          error_message: string;
          error_constraint: string | null;
        }[];
        for (const row of refused) {
          const entry = batch[row.request_index] as { index: number };
          const error = Object.assign(new Error(row.error_message), {
            code: row.sql_state,
            detail: row.error_detail ?? undefined,
            constraint: row.error_constraint || undefined,
          });
          outcomes[entry.index] = (await commitError(
            error,
            requests[entry.index] as CommitRequest,
          )) as Error;
        }
      }
      for (const index of alone) {
        try {
          await store.commit(requests[index] as CommitRequest);
        } catch (error) {
          outcomes[index] = error instanceof Error ? error : new Error(String(error));
        }
      }
      return outcomes;
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
            seqs: JSON.parse(row.seqs) as number[],
          } satisfies IdempotencyRecord)
        : undefined;
    },

    async list(query: ListQuery = {}) {
      const rows = (await call(
        'list',
        [
          query.state ?? null,
          query.employeeId ?? null,
          query.managerId ?? null,
          query.afterPipId ?? null,
          clampLimit(query.limit ?? LIST_LIMITS.default, LIST_LIMITS.max),
        ],
        'listing PIPs',
      )) as { record: string }[];
      return rows.map((row) => JSON.parse(row.record) as PipRecord);
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
      const rows = (await call(
        'claim_timers',
        [lease.owner, lease.leaseMs, now, clampLimit(limit)],
        'claiming due timers',
      )) as TimerDbRow[];
      return rows.map(toTimer).sort(byDueThenId);
    },

    async pendingOutbox(limit) {
      const rows = (await call(
        'pending_outbox',
        [clampLimit(limit)],
        'reading the outbox',
      )) as OutboxRow[];
      return rows.map(toOutbox);
    },

    async claimOutbox(limit, lease) {
      checkLease(lease);
      const rows = (await call(
        'claim_outbox',
        [lease.owner, lease.leaseMs, clampLimit(limit)],
        'claiming outbox messages',
      )) as OutboxRow[];
      return rows.map(toOutbox);
    },

    async purge(pipId, expectedVersion) {
      try {
        await call('purge', [pipId, expectedVersion], 'purging a PIP', 'value');
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
      await call('mark_delivered', [[...ids]], 'marking outbox messages delivered', 'value');
    },

    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
  return store;
}
/** A unique violation on the PIP's own key or an event's `(tenant_id, pip_id, seq)`. */
function isCommitKeyClash(error: unknown): boolean {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' && RACE_CONSTRAINTS.has(constraint);
}
