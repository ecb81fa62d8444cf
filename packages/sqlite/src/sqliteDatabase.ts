/**
 * The slice of better-sqlite3 this package calls, typed here so that `@pipkit/sqlite`'s types
 * never need `@types/better-sqlite3`. A better-sqlite3 12 `Database` satisfies it.
 */

/** A prepared statement: the three ways this package runs one. */
export interface SqliteStatement {
  /** Runs a write; `changes` is the number of rows it touched. */
  run(...parameters: unknown[]): { changes: number };
  /** The first row, or `undefined`. */
  get(...parameters: unknown[]): unknown;
  /** Every row. */
  all(...parameters: unknown[]): unknown[];
  /**
   * With `true`, rows come back as arrays of column values instead of objects (better-sqlite3's
   * `Statement#raw`); returns the statement. Optional: without it the store reads object rows.
   */
  raw?(toggle?: boolean): SqliteStatement;
}

/**
 * A function wrapped by `Database#transaction`. Called directly it runs in a transaction, or in a
 * savepoint when one is already open; its `immediate` variant runs `BEGIN IMMEDIATE`.
 */
export interface SqliteTransaction<Arguments extends unknown[], Result> {
  /** Runs the function in a transaction, or a savepoint inside an open one. */
  (...parameters: Arguments): Result;
  /** Runs the function inside `BEGIN IMMEDIATE ... COMMIT`, rolling back if it throws. */
  immediate(...parameters: Arguments): Result;
}

/** An open better-sqlite3 `Database` (version 12), as far as `@pipkit/sqlite` uses it. */
export interface SqliteDatabase {
  /** False once closed. */
  readonly open: boolean;
  /** True for an in-memory database (no WAL, nothing survives the process). */
  readonly memory: boolean;
  /** True when the connection was opened read-only (better-sqlite3 always says; optional here). */
  readonly readonly?: boolean;
  /** Compiles a statement once; run it many times. */
  prepare(source: string): SqliteStatement;
  /** Runs one or more statements without results (DDL). */
  exec(source: string): unknown;
  /** Runs a pragma; with `{ simple: true }` returns the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps a function so it runs in a transaction (a savepoint when one is already open). */
  transaction<Arguments extends unknown[], Result>(
    fn: (...parameters: Arguments) => Result,
  ): SqliteTransaction<Arguments, Result>;
  /** Copies the database to a file with SQLite's online backup API, while it stays in use. */
  backup(destination: string): Promise<unknown>;
  /** Closes the connection. */
  close(): unknown;
}
