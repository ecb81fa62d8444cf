/**
 * Statements that run under the store's lock and statement timeouts, in one round trip.
 *
 * `SET LOCAL` lasts until the end of the transaction (PostgreSQL docs, "SET"), and a simple-Query
 * message holding several statements runs them as one implicit transaction, with
 * `statement_timeout` applied to each statement separately from PostgreSQL 13 on (docs, "55.2.2.1.
 * Multiple Statements in a Simple Query" and "20.11.1. Statement Behavior"). So
 * `SET LOCAL lock_timeout = ..; SET LOCAL statement_timeout = ..; SELECT fn(..)` bounds the call
 * and leaves the session's settings untouched. A setting changed inside a function would not
 * bound the statement already running it, and a simple Query carries no parameters: the values
 * travel as escaped literals.
 * @module
 */
import type { PgQueryable, PgQueryResult } from './pgDriver.js';

/** A value passed to a bounded call: text, a number, SQL NULL, a text array, or a jsonb document. */
export type SqlValue = string | number | null | readonly string[] | { readonly jsonb: string };

/** The lock and statement timeouts of a bounded call, in milliseconds (0: no limit). */
export interface Timeouts {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/**
 * A string as a SQL literal, as libpq's `PQescapeLiteral` writes it: quotes doubled, and
 * backslashes doubled under an `E''` prefix so the result reads the same whatever
 * `standard_conforming_strings` is (docs, "4.1.2.2. String Constants With C-Style Escapes"). A
 * NUL cannot be part of a query text, so it is refused rather than allowed to cut the statement.
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\u0000')) throw new Error('A SQL literal cannot hold a NUL character.');
  const body = text.replaceAll("'", "''");
  return text.includes('\\') ? `E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

/**
 * A string as a dollar-quoted SQL literal (docs, "4.1.2.4. Dollar-Quoted String Constants"): the
 * text between the tags is taken as it is, so a large document (a round of commits, with every
 * record and event as JSON text inside it) is neither copied to double its quotes and
 * backslashes nor read back through the escapes by the server. The tag is `$pk$`, numbered
 * further (`$pk1$`, ...) until the text followed by the tag holds the tag only at its end, so the
 * literal cannot close early. A NUL is refused, as in {@link quoteLiteral}.
 */
export function dollarQuote(text: string): string {
  if (text.includes('\u0000')) throw new Error('A SQL literal cannot hold a NUL character.');
  let tag = '$pk$';
  for (let n = 1; `${text}${tag}`.indexOf(tag) !== text.length; n++) tag = `$pk${n}$`;
  return `${tag}${text}${tag}`;
}

/** One argument of a bounded call as SQL text. */
export function sqlValue(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quoteLiteral(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${String(value)}`);
    return String(value);
  }
  if (Array.isArray(value)) {
    return `ARRAY[${(value as readonly string[]).map(quoteLiteral).join(', ')}]::text[]`;
  }
  return `${dollarQuote((value as { jsonb: string }).jsonb)}::jsonb`;
}

/** `SET LOCAL` of both timeouts, ready to prefix a statement in the same simple Query. */
export function timeoutPrefix(timeouts: Timeouts): string {
  const ms = (value: number) => String(Math.trunc(value));
  return `SET LOCAL lock_timeout = ${ms(timeouts.lockTimeoutMs)}; SET LOCAL statement_timeout = ${ms(timeouts.statementTimeoutMs)}; `;
}

/** The rows of the last statement of a simple Query (pg returns one result per statement). */
export function lastRows(result: PgQueryResult | readonly PgQueryResult[]): unknown[] {
  const last = Array.isArray(result) ? (result.at(-1) as PgQueryResult) : (result as PgQueryResult);
  return last.rows;
}

/**
 * Runs `callText` bounded on a host client, inside the savepoint the caller opened: the timeouts
 * are set locally, then set back to the host's values so its own transaction is not bounded by
 * ours. If the call fails, rolling back to the savepoint undoes the `SET LOCAL` too.
 */
export async function boundedOnHost(
  db: PgQueryable,
  timeouts: Timeouts,
  callText: string,
): Promise<unknown[]> {
  const results = (await db.query(
    `SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement; ${timeoutPrefix(timeouts)}${callText}`,
  )) as unknown as readonly PgQueryResult[];
  const before = (results[0] as PgQueryResult).rows[0] as { lock: string; statement: string };
  await db.query(
    "SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)",
    [before.lock, before.statement],
  );
  return lastRows(results);
}

/**
 * Sets both timeouts locally on a host client inside the caller's savepoint, and returns how to
 * give the host its own values back (a released savepoint keeps `SET LOCAL`; a rolled-back one
 * undoes it).
 */
export async function boundHost(db: PgQueryable, timeouts: Timeouts): Promise<() => Promise<void>> {
  const results = (await db.query(
    `SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement; ${timeoutPrefix(timeouts)}`,
  )) as unknown as readonly PgQueryResult[];
  const before = (results[0] as PgQueryResult).rows[0] as { lock: string; statement: string };
  return async () => {
    await db.query(
      "SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)",
      [before.lock, before.statement],
    );
  };
}
