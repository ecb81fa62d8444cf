import { isPipkitError, StoreError } from '@pipkit/core';

/** better-sqlite3 runs synchronously; the port is async. A throw becomes a rejection. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(storeError(error, 'SQLite store'));
  }
}

/**
 * Turns SQLite's own errors into pipkit's typed `StoreError` (busy or locked: retryable; not a
 * database or corrupt: not retryable, with what to do). pipkit errors and others pass through.
 */
export function storeError(error: unknown, context: string): Error {
  // By code, not class: a second copy of @pipkit/core in the process would defeat instanceof.
  if (isPipkitError(error)) return error;
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      `${context}: the database is busy (another writer held it longer than busyTimeoutMs). Nothing was written; retry.`,
      { retryable: true, cause: error },
    );
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      `${context}: the file is not a SQLite database, or it is corrupt. Point the store at a pipkit database, or restore one from a backup (store.backup).`,
      { retryable: false, cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** True for a clash on a primary key or unique index: a lost race, or a repeated id. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
