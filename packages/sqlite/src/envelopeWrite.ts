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

/** `SELECT` list of the current row a commit compares against: the version, then those columns. */
export const CURRENT_ROW_COLUMNS = ['version', ...CHANGEABLE_COLUMNS].join(', ');

/** The current row as the commit read it (`undefined`: no such PIP). */
export type CurrentRow = ({ version: number } & Record<string, unknown>) | undefined;

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
        if (current?.[CHANGEABLE_COLUMNS[index] as string] === value) continue;
        changed.push(index);
        bound.push(value);
        mask += 2 ** index;
      }
      const changes = updateFor(changed, mask).run(...bound, pipId, expectedVersion).changes;
      if (changes !== 1) throw new VersionConflictError(pipId, expectedVersion);
    },
  };
}
