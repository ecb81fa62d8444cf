/**
 * The slice of `pg` (node-postgres 8) this package calls, typed here so that `@pipkit/postgres`'s
 * types never need `@types/pg`. A `pg.Pool`, a `pg.PoolClient` and a `pg.Client` satisfy it.
 */

/** What a query resolves to, as far as this package reads it. */
export interface PgQueryResult {
  /** The rows, one object per row keyed by column name. */
  readonly rows: unknown[];
  /** Rows inserted, updated or deleted (null for statements that report none). */
  readonly rowCount: number | null;
}

/** Anything that runs a parameterised query: a `Pool`, a `PoolClient` or a `Client`. */
export interface PgQueryable {
  /** Runs one statement with `$1`-style parameters. */
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
}

/** A connection checked out of a pool. */
export interface PgPoolClient extends PgQueryable {
  /** Returns the connection to the pool; passing an error destroys it instead. */
  release(error?: Error | boolean): void;
}

/** A `pg.Pool`: hands out connections; the store runs each transaction on one of them. */
export interface PgPool extends PgQueryable {
  /** Checks a connection out; it must be released. */
  connect(): Promise<PgPoolClient>;
  /** Closes every connection. Only called on a pool the store created. */
  end(): Promise<void>;
}
