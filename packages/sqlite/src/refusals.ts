/**
 * The SQLite store's refusal log (schema 7): one hash-chained chain of refused attempts per PIP
 * in `pipkit_refusals`, appended in its own `BEGIN IMMEDIATE` transaction, so the head read and
 * the insert are one step even with another process writing the file. Kept by `purge`: it is
 * the security trail.
 */
import {
  chainRefusal,
  type RefusalEntry,
  type RefusalLogCapabilities,
  type RefusalReadOptions,
  type RefusalRecord,
  type RefusalRow,
  refusalOfRow,
  refusalPageLimit,
  refusalRowOf,
} from '@pipkit/core/adapter';
import { readOnlyRefusal } from './commitPath.js';
import type { SqliteDatabase } from './sqliteDatabase.js';
import { statementCache } from './statements.js';
import { settle } from './storeErrors.js';

/**
 * Schema 7: the refusal log. No foreign key to `pipkit_pips`: a refused `OPEN` names a PIP that
 * never existed, and a purge keeps a PIP's refusals. No message or free text column: codes only.
 * The primary key on `(pip_id, seq)` is the guard that no two appends share a `seq`.
 */
export const REFUSALS_V7 = `
      CREATE TABLE pipkit_refusals (
        pip_id     TEXT    NOT NULL,
        seq        INTEGER NOT NULL CHECK (seq >= 1),
        at         TEXT    NOT NULL,
        actor_id   TEXT    NOT NULL,
        actor_role TEXT    NOT NULL,
        action     TEXT    NOT NULL,
        outcome    TEXT    NOT NULL,
        codes      TEXT    NOT NULL,
        prev_hash  TEXT    NOT NULL,
        hash       TEXT    NOT NULL,
        PRIMARY KEY (pip_id, seq)
      ) WITHOUT ROWID;
`;

const COLUMNS = 'pip_id, seq, at, actor_id, actor_role, action, outcome, codes, prev_hash, hash';
const HEAD_SQL = 'SELECT seq, hash FROM pipkit_refusals WHERE pip_id = ? ORDER BY seq DESC LIMIT 1';
const INSERT_SQL = `INSERT INTO pipkit_refusals (${COLUMNS})
  VALUES (@pip_id, @seq, @at, @actor_id, @actor_role, @action, @outcome, @codes, @prev_hash, @hash)`;
const PAGE_SQL = `SELECT ${COLUMNS} FROM pipkit_refusals
  WHERE pip_id = ? AND seq > ? ORDER BY seq LIMIT ?`;

/**
 * The store's `appendRefusal` and `readRefusals`. On a database below schema 7 (read-only, so
 * not migrated) there is no refusal yet: reads are empty and appends are refused as writes.
 */
export function createRefusalLog(
  database: SqliteDatabase,
  options: { readonly readOnly: boolean; readonly schemaVersion: number },
): Required<RefusalLogCapabilities> {
  const prepared = statementCache(database);
  const hasTable = options.schemaVersion >= 7;
  const append = database.transaction((entry: RefusalEntry): RefusalRecord => {
    const head = prepared(HEAD_SQL).get(entry.pipId) as { seq: number; hash: string } | undefined;
    const record = chainRefusal(head, entry);
    prepared(INSERT_SQL).run(refusalRowOf(record));
    return record;
  });
  return {
    appendRefusal: (entry) =>
      settle(() => {
        if (options.readOnly) throw readOnlyRefusal();
        return append.immediate(entry);
      }),
    readRefusals: (pipId: string, read: RefusalReadOptions = {}) =>
      settle(() => {
        if (!hasTable) return [];
        const rows = prepared(PAGE_SQL).all(
          pipId,
          Math.max(0, read.afterSeq ?? 0),
          refusalPageLimit(read),
        ) as RefusalRow[];
        return rows.map(refusalOfRow);
      }),
  };
}
