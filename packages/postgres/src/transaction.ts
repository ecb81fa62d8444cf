import type { PgQueryable } from './pgDriver.js';

/** How a unit of work is bracketed: its own transaction, or a savepoint in the host's one. */
export type TransactionMode = 'transaction' | 'savepoint';

const SAVEPOINT = 'pipkit_unit';

/**
 * Runs `work` on one connection inside `BEGIN ... COMMIT` (or `SAVEPOINT ... RELEASE` when the
 * host's transaction is already open), rolling back whatever it wrote when it throws. The work's
 * error is rethrown unchanged; if the rollback itself fails (a lost connection), `onBroken` hears
 * about it so the caller can discard the connection.
 */
export async function inTransaction<T>(
  connection: PgQueryable,
  mode: TransactionMode,
  work: (connection: PgQueryable) => Promise<T>,
  onBroken: (error: Error) => void = () => undefined,
): Promise<T> {
  await connection.query(mode === 'transaction' ? 'BEGIN' : `SAVEPOINT ${SAVEPOINT}`);
  let result: T;
  try {
    result = await work(connection);
  } catch (error) {
    try {
      if (mode === 'transaction') await connection.query('ROLLBACK');
      else {
        await connection.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
        await connection.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      }
    } catch (rollbackError) {
      onBroken(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    }
    throw error;
  }
  await connection.query(mode === 'transaction' ? 'COMMIT' : `RELEASE SAVEPOINT ${SAVEPOINT}`);
  return result;
}

/**
 * Serialises asynchronous work: each call starts when the previous one has settled. A host
 * client is one connection, so a commit's statements must not interleave with another's.
 */
export function createMutex(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}
