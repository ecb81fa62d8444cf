import { type PipStore, StoreError, StoreErrorReasons } from '@pipkit/core';
import {
  type CommitRequest,
  type EnvelopeColumns,
  wakeupHub,
  wakeupKindsOf,
} from '@pipkit/core/adapter';
import { createCommitPath, readOnlyCommitPath } from './commitPath.js';
import { openConnection } from './connection.js';
import { resolveSettings, type SqliteStoreOptions } from './options.js';
import { createQueries, type Queries } from './queries.js';
import { createReads } from './reads.js';
import { createRefusalLog } from './refusals.js';
import { runReport } from './reports.js';
import type { SqliteDatabase } from './sqliteDatabase.js';
import { prepareStatements, statementCache, type Statements } from './statements.js';
import { settle, storeError } from './storeErrors.js';
import { createTimersAndOutbox } from './timersOutbox.js';

export type { SqliteStoreOptions, SqliteStoreSettings, SqliteSynchronous } from './options.js';

/** A {@link PipStore} on SQLite, with an online backup and the underlying connection. */
export type SqliteStore = PipStore & {
  /**
   * Copies the whole database to a file with SQLite's online backup API; the store stays usable
   * meanwhile and the copy is a consistent snapshot.
   */
  backup(path: string): Promise<void>;
  /** Closes the connection when the store opened it; an injected `Database` stays open. */
  close(): Promise<void>;
  /** The connection, for host queries and maintenance. Do not write pipkit tables directly. */
  readonly database: SqliteDatabase;
};

/**
 * Creates the embedded default {@link PipStore}: one SQLite file through better-sqlite3, in WAL
 * mode with `synchronous=FULL`, every command committed in one `BEGIN IMMEDIATE` transaction.
 * Opening applies any pending schema migrations. One process writes at a time (other processes
 * wait up to `busyTimeoutMs`); for many engine instances use `@pipkit/postgres`.
 *
 * @example
 * ```ts
 * import { createEngine, defaultPolicy } from '@pipkit/core';
 * import { sqliteStore } from '@pipkit/sqlite';
 *
 * const store = sqliteStore({ path: 'pipkit.db' });
 * const engine = createEngine({ store, policies: [defaultPolicy] });
 * // ... open PIPs and dispatch commands ...
 * await store.backup(`pipkit-${new Date().toISOString().slice(0, 10)}.db`);
 * await store.close();
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  const settings = resolveSettings(options);
  const { database, owned, readOnly, schemaVersion } = openConnection(options, settings);
  let statements: Statements;
  try {
    statements = prepareStatements(database, { version: schemaVersion, lazy: readOnly });
  } catch (error) {
    if (owned) database.close();
    throw storeError(error, 'Cannot open the SQLite database');
  }
  const writes = readOnly ? readOnlyCommitPath() : createCommitPath(database, statements);
  const reads = createReads(database, statements);
  const timers = createTimersAndOutbox(database, statements, readOnly);
  const prepared = statementCache(database);
  const refusals = createRefusalLog(database, { readOnly, schemaVersion });
  const queries = queriesOn(
    schemaVersion,
    database,
    prepared,
    (pipId) => reads.inspect(pipId)?.columns,
  );
  let closed = false;
  // Wake-ups for this process's own workers: SQLite cannot signal another process, whose workers
  // find new work at their next poll.
  const hub = wakeupHub();
  const published = (requests: readonly CommitRequest[], outcomes?: readonly unknown[]) => {
    if (hub.listeners === 0) return;
    const committed = requests.filter((_, index) => outcomes?.[index] === undefined);
    for (const kind of new Set(committed.flatMap((request) => wakeupKindsOf(request)))) {
      hub.publish({ kind });
    }
  };

  return {
    database,
    load: (pipId) => settle(() => reads.load(pipId)),
    loadMany: (pipIds) => settle(() => reads.loadMany(pipIds)),
    readEvents: (pipId, readOptions = {}) =>
      settle(() => reads.readEvents(pipId, readOptions.afterSeq ?? 0)),
    commit: (request) =>
      settle(() => {
        writes.commit(request);
        published([request]);
      }),
    commitMany: (requests) =>
      settle(() => {
        const outcomes = writes.commitMany(requests);
        published(requests, outcomes);
        return outcomes;
      }),
    // A group of concurrent commits is one transaction and one disk flush.
    prefersGroupCommit: true,
    wakeups: { subscribe: (listener) => hub.subscribe(listener) },
    getIdempotency: (key) => settle(() => reads.getIdempotency(key)),
    list: (query = {}) => settle(() => reads.list(query)),
    listEntries: (query = {}) => settle(() => reads.listEntries(query)),
    queryPips: (query) => settle(() => queries().queryPips(query)),
    countPips: (query) => settle(() => queries().countPips(query)),
    reportPips: (request) =>
      settle(() => {
        queries();
        return runReport(prepared, request);
      }),
    dueTimers: (now, limit) => settle(() => timers.dueTimers(now, limit)),
    pendingOutbox: (limit, read = {}) => settle(() => timers.pendingOutbox(limit, read.now)),
    markOutboxDelivered: (ids) => settle(() => timers.markOutboxDelivered(ids)),
    recordOutboxFailure: (failure) => settle(() => timers.recordOutboxFailure(failure)),
    deadLetterOutbox: (id, at) => settle(() => timers.deadLetterOutbox(id, at)),
    listDeadLetters: (query) => settle(() => timers.listDeadLetters(query)),
    retryDeadLetter: (id) => settle(() => timers.retryDeadLetter(id)),
    discardDeadLetter: (id) => settle(() => timers.discardDeadLetter(id)),
    compactOutbox: ({ deliveredBefore }) => settle(() => timers.compactOutbox(deliveredBefore)),
    inspect: (pipId) => settle(() => reads.inspect(pipId)),
    recordTimerFault: (fault, faultOptions) =>
      settle(() => timers.recordTimerFault(fault, faultOptions)),
    resetTimerFaults: (pipId) => settle(() => timers.resetTimerFaults(pipId)),
    purge: (pipId, expectedVersion) => settle(() => writes.purge(pipId, expectedVersion)),
    ...refusals,
    backup: (path) => settle(() => database.backup(path)).then(() => undefined),
    close: () =>
      settle(() => {
        if (closed) return;
        closed = true;
        if (owned) database.close();
      }),
  };
}

/**
 * The queries, when the tables have the query columns (schema 3). A read-only store on an older
 * file cannot add them, so its queries are refused with a reason; opening it once read-write
 * migrates it.
 */
function queriesOn(
  schemaVersion: number,
  database: SqliteDatabase,
  prepared: ReturnType<typeof statementCache>,
  envelopeOf: (pipId: string) => EnvelopeColumns | undefined,
): () => Queries {
  if (schemaVersion >= 3) {
    const queries = createQueries(database, prepared, envelopeOf);
    return () => queries;
  }
  return () => {
    throw new StoreError(
      `SQLite store: this database has schema version ${schemaVersion}, which has no query columns; ` +
        'open it once without readOnly to migrate it, then query.',
      { retryable: false, reason: StoreErrorReasons.UNSUPPORTED },
    );
  };
}
