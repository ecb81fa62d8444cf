/**
 * The store's way to the database: a pool (its own or the host's) or the host's client, the lazy
 * migration, and one call of one of the schema's functions.
 * @module
 */
import { migrate, quoteIdentifier } from './migrations.js';
import type { PgPool, PgQueryable } from './pgDriver.js';
import { toStoreError } from './storeErrors.js';
import { ownPool, type PostgresStoreOptions } from './storeOptions.js';
import { createMutex, inTransaction, type TransactionMode } from './transaction.js';
import {
  boundedOnHost,
  boundHost,
  lastRows,
  type SqlValue,
  sqlValue,
  type Timeouts,
  timeoutPrefix,
} from './boundedSql.js';

/** What {@link openConnection} gives a store. */
export interface StoreConnection {
  /** A function's qualified name: `"schema".pipkit_<name>`. */
  readonly fn: (name: string) => string;
  /** The pool, unless the store runs on a host client. */
  readonly pool: PgPool | undefined;
  /** The host's client inside its own transaction, when given. */
  readonly client: PgQueryable | undefined;
  /** Serialises work on the host client (one connection). */
  readonly exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  /** Applies pending migrations once; a failed attempt is retried by the next call. */
  readonly ready: () => Promise<readonly number[]>;
  /** Calls `pipkit_<name>(tenant, ...args)` and returns its rows (see {@link openConnection}). */
  readonly call: (
    name: string,
    args: readonly unknown[],
    doing: string,
    shape?: 'rows' | 'value',
  ) => Promise<unknown[]>;
  /**
   * Like `call`, for work that takes row locks (commits, sweeps, purges): one round trip on the
   * pool under `SET LOCAL lock_timeout` and `statement_timeout`; on the host client, inside a
   * savepoint, with the host's settings restored afterwards.
   */
  readonly bounded: (
    name: string,
    args: readonly SqlValue[],
    doing: string,
    shape?: 'rows' | 'value',
    before?: string,
  ) => Promise<unknown[]>;
  /**
   * Runs `work` in one transaction under the store's timeouts: its own on a pooled connection,
   * a savepoint on the host client. Statements in `work` pass the tenant themselves.
   */
  readonly transaction: <T>(work: (db: PgQueryable) => Promise<T>, doing: string) => Promise<T>;
  /** Waits for a migration in flight, then ends the pool when the store created it. */
  readonly close: () => Promise<void>;
  /** The tenant `call` and `bounded` pass to every function. */
  readonly tenantId: string;
  /**
   * The same connection (pool or host client, migration, mutex) for another tenant: only the
   * tenant argument of each call differs. Nothing is opened.
   */
  readonly withTenant: (tenantId: string) => StoreConnection;
}

/**
 * Opens the store's connection from checked options: each store call is one statement calling one
 * of the schema's functions, with the tenant as its first argument, on the pool (one round trip,
 * its own transaction) or, one at a time, on the host client.
 */
export function openConnection(
  options: PostgresStoreOptions,
  schema: string,
  tenantId: string,
  timeouts: Timeouts,
): StoreConnection {
  const s = quoteIdentifier(schema);
  const fn = (name: string) => `${s}.pipkit_${name}`;
  const owned = options.connectionString !== undefined;
  const pool: PgPool | undefined = options.pool ?? ownPool(options.connectionString);
  const client = options.client;
  const exclusive = createMutex();

  const withConnection = async <T>(
    work: (connection: PgQueryable, broken: (error: Error) => void) => Promise<T>,
  ): Promise<T> => {
    const connection = await (pool as PgPool).connect();
    let brokenBy: Error | undefined;
    try {
      return await work(connection, (error) => (brokenBy = error));
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it, never reuse it.
      connection.release(brokenBy ?? false);
    }
  };

  const migrationMode: TransactionMode = client ? 'savepoint' : 'transaction';
  let migrated: Promise<readonly number[]> | undefined;
  const ready = (): Promise<readonly number[]> => {
    migrated ??= (
      client
        ? exclusive(() => migrate(client, { schema, mode: migrationMode }))
        : withConnection((connection) => migrate(connection, { schema }))
    ).catch((error: unknown) => {
      // A failed migration (database down, no privilege) is retried by the next call.
      migrated = undefined;
      throw toStoreError(error, 'migrating the schema');
    });
    return migrated;
  };

  /** `call` and `bounded` for one tenant: each function sets it for its own transaction. */
  const forTenant = (tenantId: string) => {
    /**
     * One call of one of the schema's functions, with the tenant as its first argument: on the
     * pool (one round trip, its own transaction), or, one at a time, on the host client.
     */
    const call = async (
      name: string,
      args: readonly unknown[],
      doing: string,
      shape: 'rows' | 'value' = 'rows',
    ): Promise<unknown[]> => {
      await ready();
      const placeholders = args.map((_, index) => `$${index + 2}`).join(', ');
      const text =
        shape === 'rows'
          ? `SELECT * FROM ${fn(name)}($1${placeholders ? `, ${placeholders}` : ''})`
          : `SELECT ${fn(name)}($1${placeholders ? `, ${placeholders}` : ''})`;
      const values = [tenantId, ...args];
      try {
        const result = client
          ? await exclusive(() => client.query(text, values))
          : await (pool as PgPool).query(text, values);
        return result.rows;
      } catch (error) {
        throw toStoreError(error, doing);
      }
    };

    const bounded = async (
      name: string,
      args: readonly SqlValue[],
      doing: string,
      shape: 'rows' | 'value' = 'rows',
      before = '',
    ): Promise<unknown[]> => {
      await ready();
      const list = [tenantId, ...args].map(sqlValue).join(', ');
      // `before` (statements ending in `; `) runs first in the same transaction: the call's rows
      // stay the last result, and a failing call rolls it back too.
      const callText = `${before}${shape === 'rows' ? 'SELECT * FROM' : 'SELECT'} ${fn(name)}(${list})`;
      try {
        if (client) {
          return await exclusive(() =>
            inTransaction(client, 'savepoint', (db) => boundedOnHost(db, timeouts, callText)),
          );
        }
        return lastRows(await (pool as PgPool).query(timeoutPrefix(timeouts) + callText));
      } catch (error) {
        throw toStoreError(error, doing);
      }
    };
    return { call, bounded };
  };

  const transaction = async <T>(
    work: (db: PgQueryable) => Promise<T>,
    doing: string,
  ): Promise<T> => {
    await ready();
    try {
      if (client) {
        return await exclusive(() =>
          inTransaction(client, 'savepoint', async (db) => {
            const restore = await boundHost(db, timeouts);
            const result = await work(db);
            await restore();
            return result;
          }),
        );
      }
      return await withConnection((db, broken) =>
        inTransaction(
          db,
          'transaction',
          async () => {
            await db.query(timeoutPrefix(timeouts));
            return work(db);
          },
          broken,
        ),
      );
    } catch (error) {
      throw toStoreError(error, doing);
    }
  };

  const close = async (): Promise<void> => {
    // Let a migration in flight finish before its connection goes away.
    await migrated?.catch(() => undefined);
    if (owned) await (pool as PgPool).end();
  };
  const withTenant = (id: string): StoreConnection => ({
    fn,
    pool,
    client,
    exclusive,
    ready,
    ...forTenant(id),
    transaction,
    close,
    tenantId: id,
    withTenant,
  });
  return withTenant(tenantId);
}
