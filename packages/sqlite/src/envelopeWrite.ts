/**
 * Writing the envelope row (`pipkit_pips`) of a commit. An update sets only the columns whose
 * value changed, beside the version, record and time every commit changes: SQLite rewrites the
 * entries of every index that has a column named in an UPDATE's SET list, whether or not its value
 * changed (https://www.sqlite.org/lang_update.html; measured here at about 17 µs per update with
 * the store's 13 indexes on the envelope over 100,000 rows), and each rewritten entry dirties a
 * page the commit then writes to the WAL.
 */
import { NO_PIP_YET, type CommitRequest, VersionConflictError } from '@pipkit/core/adapter';
import { QUERY_COLUMN_LIST, recordColumnValues } from './queryColumnsSql.js';
import type { SqliteDatabase, SqliteStatement } from './sqliteDatabase.js';
import type { Statements } from './statements.js';

/**
 * The envelope columns a commit may leave as they are, in binding order: the people, the policy,
 * the state, then `created_at` and the query columns (schema 3).
 */
export const CHANGEABLE_COLUMNS: readonly string[] = [
  'employee_id',
  'manager_id',
  'policy_id',
  'policy_version',
  'state',
  ...QUERY_COLUMN_LIST.split(', '),
];

/**
 * What a commit reads before it writes, in one statement (one B-tree walk per table, one row
 * built): whether its idempotency key is taken, and the PIP's envelope row with the hash of its
 * last event, the hash its first new event must link to. Always one row; the envelope columns are
 * NULL when there is no such PIP. Parameters: the key (NULL for none), the PIP id.
 */
export const CURRENT_ROW_SQL = `SELECT
    (SELECT 1 FROM pipkit_idempotency WHERE key = ?) AS key_taken,
    p.version, ${CHANGEABLE_COLUMNS.map((column) => `p.${column}`).join(', ')},
    (SELECT hash FROM pipkit_events e WHERE e.pip_id = p.pip_id AND e.seq = p.version) AS head_hash
  FROM (SELECT 1) LEFT JOIN pipkit_pips p ON p.pip_id = ?`;

/**
 * The row {@link CURRENT_ROW_SQL} reads, as column values in its order: `[key_taken, version,
 * ...CHANGEABLE_COLUMNS, head_hash]`.
 */
export type CurrentRow = readonly unknown[];

/** Offset of the first changeable column in a {@link CurrentRow}. */
const FIRST_CHANGEABLE = 2;
/** Offset of the head event's hash in a {@link CurrentRow}. */
const HEAD_HASH = FIRST_CHANGEABLE + CHANGEABLE_COLUMNS.length;

/** What a commit needs from its {@link CurrentRow}. */
export interface CurrentState {
  /** The row, to compare the envelope's columns with. */
  readonly row: CurrentRow;
  /** The PIP's version, or `undefined` when there is no such PIP. */
  readonly version: number | undefined;
  /** Whether the commit's idempotency key is already recorded. */
  readonly keyTaken: boolean;
  /** The stored hash of the PIP's last event (bytes, or hex text before schema 4). */
  readonly headHash: unknown;
}

/**
 * Reads {@link CURRENT_ROW_SQL}'s row whether the statement returns arrays (`raw(true)`, as the
 * store prepares it on better-sqlite3) or objects (a host's database without `raw`), whose values
 * come in column order.
 */
export function currentState(result: unknown): CurrentState {
  const row: CurrentRow = Array.isArray(result)
    ? result
    : Object.values(result as Record<string, unknown>);
  const version = row[1];
  return {
    row,
    version: typeof version === 'number' ? version : undefined,
    keyTaken: row[0] !== null && row[0] !== undefined,
    headHash: row[HEAD_HASH],
  };
}

/**
 * At most this many update shapes are compiled (one per set of changed columns); a commit past
 * it runs a statement compiled for it alone. Real workloads use a few dozen.
 */
const MAX_CACHED_SHAPES = 512;

/** Writes envelope rows on one connection, compiling each update shape once. */
export interface EnvelopeWriter {
  /** Inserts the envelope of a new PIP, or updates it at the expected version from `current`. */
  write(request: CommitRequest, current: CurrentRow): void;
}

/** The envelope writer of one store's commit path. */
export function envelopeWriter(database: SqliteDatabase, statements: Statements): EnvelopeWriter {
  const shapes = new Map<number, SqliteStatement>();
  const updateFor = (changed: readonly number[], mask: number): SqliteStatement => {
    const cached = shapes.get(mask);
    if (cached) return cached;
    const sets = changed.map((index) => `, ${CHANGEABLE_COLUMNS[index] as string} = ?`).join('');
    const statement = database.prepare(
      `UPDATE pipkit_pips SET version = ?, record = ?, updated_at = ?${sets}
        WHERE pip_id = ? AND version = ?`,
    );
    if (shapes.size < MAX_CACHED_SHAPES) shapes.set(mask, statement);
    return statement;
  };

  return {
    write(request, current) {
      const { pipId, expectedVersion, record } = request;
      const text = JSON.stringify(record);
      const values: (string | number | null)[] = [
        record.employeeId,
        record.managerId,
        record.policyId,
        record.policyVersion,
        record.state,
        ...recordColumnValues(record),
      ];
      if (expectedVersion === NO_PIP_YET) {
        statements.insertPip.run(pipId, record.version, text, record.updatedAt, ...values);
        return;
      }
      const changed: number[] = [];
      const bound: (string | number | null)[] = [record.version, text, record.updatedAt];
      let mask = 0;
      for (let index = 0; index < values.length; index += 1) {
        const value = values[index] as string | number | null;
        if (current[FIRST_CHANGEABLE + index] === value) continue;
        changed.push(index);
        bound.push(value);
        mask += 2 ** index;
      }
      const changes = updateFor(changed, mask).run(...bound, pipId, expectedVersion).changes;
      if (changes !== 1) throw new VersionConflictError(pipId, expectedVersion);
    },
  };
}
