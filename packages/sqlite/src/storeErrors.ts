import { isPipkitError, StoreError, type StoreErrorReason, StoreErrorReasons } from '@pipkit/core';

/** better-sqlite3 runs synchronously; the port is async. A throw becomes a rejection. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(storeError(error, 'SQLite store'));
  }
}

/** What a family of SQLite result codes means for the caller. */
interface Meaning {
  readonly reason: StoreErrorReason;
  readonly retryable: boolean;
  readonly says: string;
}

const BUSY: Meaning = {
  reason: StoreErrorReasons.BUSY,
  retryable: true,
  says: 'the database is busy (another connection held its lock longer than busyTimeoutMs). Nothing was written; retry',
};
const NOT_A_DATABASE: Meaning = {
  reason: StoreErrorReasons.NOT_A_PIPKIT_DATABASE,
  retryable: false,
  says: 'the file is not a SQLite database, or it is corrupt. Point the store at a pipkit database, or restore one from a backup (store.backup)',
};

/**
 * SQLite's primary result codes, as better-sqlite3 reports them in `error.code` (an extended code
 * such as `SQLITE_IOERR_WRITE` starts with its primary code's name). Meanings from
 * https://www.sqlite.org/rescode.html
 */
const MEANINGS: readonly (readonly [prefix: string, meaning: Meaning])[] = [
  // SQLITE_BUSY: another connection holds a conflicting lock (incl. _RECOVERY, _SNAPSHOT, _TIMEOUT).
  ['SQLITE_BUSY', BUSY],
  // SQLITE_LOCKED: a conflict inside this connection or a shared cache; clears like BUSY.
  ['SQLITE_LOCKED', BUSY],
  // SQLITE_FULL: the disk is full, or the database reached max_page_count.
  [
    'SQLITE_FULL',
    {
      reason: StoreErrorReasons.DISK_FULL,
      retryable: true,
      says: 'the disk or the database is full. Nothing was written; free space (or raise the size limit) and retry',
    },
  ],
  // SQLITE_IOERR: the operating system reported an I/O failure (every SQLITE_IOERR_* extended code).
  [
    'SQLITE_IOERR',
    {
      reason: StoreErrorReasons.IO_ERROR,
      retryable: false,
      says: 'the device failed to read or write. Check the disk and the file system, then reopen the store',
    },
  ],
  // SQLITE_READONLY: the connection or the file cannot be written (incl. _DBMOVED, _DIRECTORY).
  [
    'SQLITE_READONLY',
    {
      reason: StoreErrorReasons.READ_ONLY,
      retryable: false,
      says: 'the database cannot be written (opened read-only, or the file or its folder is not writable)',
    },
  ],
  // SQLITE_CORRUPT: the file's structure is damaged; SQLITE_NOTADB: not a database file at all.
  ['SQLITE_CORRUPT', NOT_A_DATABASE],
  ['SQLITE_NOTADB', NOT_A_DATABASE],
];

/**
 * Turns any failure inside the store into pipkit's typed `StoreError` with a `reason` (busy or
 * full: retryable; I/O, read-only, not a database: not retryable). pipkit errors (recognised by
 * their code, so a second copy of core still counts) pass through unchanged. The message names
 * only the context and SQLite's result code, never a row's content; the original error is kept as
 * `cause` for the host's logs.
 */
export function storeError(error: unknown, context: string): Error {
  // By code, not class: a second copy of @pipkit/core in the process would defeat instanceof.
  if (isPipkitError(error)) return error;
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' && raw.startsWith('SQLITE_') ? raw : undefined;
  const meaning =
    code === undefined ? undefined : MEANINGS.find(([prefix]) => code.startsWith(prefix))?.[1];
  if (meaning) {
    return new StoreError(`${context}: ${meaning.says} (${code}).`, {
      retryable: meaning.retryable,
      reason: meaning.reason,
      cause: error,
    });
  }
  const what = code ?? (error instanceof Error ? error.name : typeof error);
  return new StoreError(`${context}: the database refused the operation (${what}).`, {
    retryable: false,
    reason: StoreErrorReasons.REFUSED,
    cause: error,
  });
}

/**
 * The error for a stored row that cannot be read back. Names the PIP and the table only: the
 * row's text may hold personal data, so neither it nor the parser's message (which quotes it) is
 * kept.
 */
export function corruptRow(pipId: string, table: string): StoreError {
  return new StoreError(
    `PIP "${pipId}": a row in ${table} cannot be read (it is not the JSON pipkit wrote). Only this PIP is affected; restore it from a backup or an evidence bundle.`,
    { retryable: false, reason: StoreErrorReasons.CORRUPT_ROW },
  );
}

/**
 * Parses a JSON column written by this store, checking it is an object (or an array), else
 * throws {@link corruptRow} for that PIP and table.
 */
export function parseStored<T>(
  text: string,
  where: { readonly pipId: string; readonly table: string },
  shape: 'object' | 'array' = 'object',
): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corruptRow(where.pipId, where.table);
  }
  const fits =
    shape === 'array'
      ? Array.isArray(value)
      : typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!fits) throw corruptRow(where.pipId, where.table);
  return value as T;
}

/** True for a clash on a primary key or unique index: a lost race, or a repeated id. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
