/**
 * Commits: one request, or a round of them in one statement, each refused exactly as core's
 * `commitPreconditionError` says from what the database found.
 * @module
 */
import {
  assertCommitShape,
  type CommitFacts,
  commitPreconditionError,
  type CommitRequest,
  isPipkitError,
  NO_PIP_YET,
  VersionConflictError,
} from '@pipkit/core/adapter';
import { commitDocument, holdsNul } from './commitDocument.js';
import type { StoreConnection } from './connection.js';
import { COMMITTING, parseStored, toStoreError } from './storeErrors.js';

/** Raised by `pipkit_commit` (version 2 on): a precondition failed; DETAIL holds the facts. */
const PRECONDITION_FAILED = 'PK412';
const UNIQUE_VIOLATION = '23505';
/** `lock_not_available`: `lock_timeout` expired waiting for one request's row lock. */
const LOCK_NOT_AVAILABLE = '55P03';
/** The unique keys whose clash means another writer won the race for this version. */
const RACE_CONSTRAINTS = new Set(['pipkit_pips_pkey', 'pipkit_events_pkey']);

/** What `pipkit_commit_many` returns for each refused request. */
interface RefusedRow {
  request_index: number;
  sql_state: string;
  error_detail: string | null;
  error_message: string;
  error_constraint: string | null;
}

/** The commit operations of a {@link StoreConnection}. */
export interface Commits {
  /** The port's `commit`. */
  readonly commit: (request: CommitRequest) => Promise<void>;
  /** The port's `commitMany`. */
  readonly commitMany: (requests: readonly CommitRequest[]) => Promise<(Error | undefined)[]>;
}

/**
 * The store's `commit` and `commitMany` on one connection. `notify` gives the statements that
 * wake the workers for a commit's requests (see `notifyStatements`), sent in its transaction.
 */
export function createCommits(
  connection: StoreConnection,
  notify: (requests: readonly CommitRequest[]) => string = () => '',
): Commits {
  /** The PIP's version as stored now (0 when absent), read after a lost race rolled back. */
  const readVersion = async (pipId: string): Promise<number> => {
    const rows = (await connection
      .call('load', [pipId], 'reading the version')
      .catch(() => [])) as { record: string | null }[];
    const record = rows[0]?.record;
    return record
      ? parseStored<{ version: number }>(record, pipId, 'pipkit_pips').version
      : NO_PIP_YET;
  };

  /** Maps the commit function's refusals to the port's typed errors. */
  const commitError = async (error: unknown, request: CommitRequest): Promise<Error> => {
    const { code, detail, constraint } = (error ?? {}) as {
      code?: unknown;
      detail?: unknown;
      constraint?: unknown;
    };
    let facts: CommitFacts | undefined;
    if (code === PRECONDITION_FAILED) {
      facts = preconditionFacts(detail, request);
    } else if (
      code === UNIQUE_VIOLATION &&
      typeof constraint === 'string' &&
      RACE_CONSTRAINTS.has(constraint)
    ) {
      // The keys on pipkit_pips and (tenant_id, pip_id, seq) are the last guard: a clash is a
      // lost race, and the winner's version is read after the rollback.
      facts = { actualVersion: await readVersion(request.pipId) };
    }
    if (facts) {
      return (
        commitPreconditionError(request, facts) ??
        new VersionConflictError(request.pipId, request.expectedVersion, facts.actualVersion)
      );
    }
    const mapped = toStoreError(error, COMMITTING);
    return mapped instanceof Error ? mapped : new Error(String(mapped));
  };

  const commit = async (request: CommitRequest): Promise<void> => {
    // A malformed commit (a gap, a record that does not match its events) is a caller bug:
    // refuse it before touching the database.
    assertCommitShape(request);
    try {
      await connection.bounded(
        'commit',
        [{ jsonb: commitDocument(request) }],
        COMMITTING,
        'value',
        notify([request]),
      );
    } catch (error) {
      throw await commitError(error, request);
    }
  };

  /**
   * Commits a jsonb array of documents and returns the refused ones. The fast path commits them
   * all in one statement without a subtransaction each; when any request fails there (refused,
   * or waiting past `lock_timeout` for a row another transaction holds), nothing was written and
   * the batch goes again through `pipkit_commit_many`, where each request fails alone. A store
   * failure (unreachable, a statement timeout) is thrown as it is, not retried here.
   */
  const commitBatch = async (documents: string, wake: string): Promise<RefusedRow[]> => {
    try {
      await connection.bounded('commit_all', [{ jsonb: documents }], COMMITTING, 'value', wake);
      return [];
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
      if (isPipkitError(error) && cause?.code !== LOCK_NOT_AVAILABLE) throw error;
    }
    // A wake-up for requests that end up refused only costs the workers an empty round.
    return (await connection.bounded(
      'commit_many',
      [{ jsonb: documents }],
      COMMITTING,
      'rows',
      wake,
    )) as RefusedRow[];
  };

  const commitMany = async (requests: readonly CommitRequest[]): Promise<(Error | undefined)[]> => {
    const outcomes: (Error | undefined)[] = requests.map(() => undefined);
    const batch: { index: number; document: string }[] = [];
    const alone: number[] = [];
    for (const [index, request] of requests.entries()) {
      try {
        assertCommitShape(request);
      } catch (error) {
        outcomes[index] = error instanceof Error ? error : new Error(String(error));
        continue;
      }
      const document = commitDocument(request);
      // A NUL in a plain string would make the whole array invalid jsonb: commit it alone, so
      // only its own slot fails.
      if (holdsNul(document)) alone.push(index);
      else batch.push({ index, document });
    }
    if (batch.length > 0) {
      const documents = `[${batch.map((entry) => entry.document).join(',')}]`;
      const wake = notify(batch.map((entry) => requests[entry.index] as CommitRequest));
      const refused = await commitBatch(documents, wake);
      for (const row of refused) {
        const entry = batch[row.request_index] as { index: number };
        const error = Object.assign(new Error(row.error_message), {
          code: row.sql_state,
          detail: row.error_detail ?? undefined,
          constraint: row.error_constraint || undefined,
        });
        outcomes[entry.index] = await commitError(error, requests[entry.index] as CommitRequest);
      }
    }
    for (const index of alone) {
      try {
        await commit(requests[index] as CommitRequest);
      } catch (error) {
        outcomes[index] = error instanceof Error ? error : new Error(String(error));
      }
    }
    return outcomes;
  };

  return { commit, commitMany };
}

/** The facts `pipkit_commit` reported in its DETAIL: `{"actualVersion": n, "recordedKey": b}`. */
function preconditionFacts(detail: unknown, request: CommitRequest): CommitFacts {
  let found: { actualVersion?: unknown; recordedKey?: unknown } = {};
  try {
    found = JSON.parse(String(detail)) as typeof found;
  } catch {
    // Not ours to fail on: with no facts the version conflict below is the safe answer.
  }
  const actualVersion = typeof found.actualVersion === 'number' ? found.actualVersion : NO_PIP_YET;
  return {
    actualVersion,
    recordedKey:
      found.recordedKey === true && request.idempotency
        ? { key: request.idempotency.key }
        : undefined,
  };
}
