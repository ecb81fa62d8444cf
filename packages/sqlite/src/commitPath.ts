import {
  assertCommitShape,
  type CommitRequest,
  commitPreconditionError,
  IdempotencyKeyReusedError,
  NO_PIP_YET,
  StoreError,
  StoreErrorReasons,
  storedEventBody,
  VersionConflictError,
} from '@pipkit/core/adapter';
import { GENESIS_HASH } from '@pipkit/core';
import { type CurrentState, currentState, envelopeWriter } from './envelopeWrite.js';
import type { SqliteDatabase } from './sqliteDatabase.js';
import type { Statements } from './statements.js';
import { isUniqueViolation, storeError } from './storeErrors.js';

/** The store's writes, synchronous: the caller turns throws into rejections. */
export interface CommitPath {
  /** Writes one command in one `BEGIN IMMEDIATE` transaction, or throws and writes nothing. */
  commit(request: CommitRequest): void;
  /** Writes several commands in one transaction, each all or nothing; one slot per request. */
  commitMany(requests: readonly CommitRequest[]): (Error | undefined)[];
  /** Deletes everything about one PIP if it is still at `expectedVersion`. */
  purge(pipId: string, expectedVersion: number): void;
}

/** Builds the commit, batch and purge transactions on one connection. */
export function createCommitPath(database: SqliteDatabase, statements: Statements): CommitPath {
  const envelopes = envelopeWriter(database, statements);
  /**
   * The refusals a commit can meet, found by reads alone before anything is written, by core's
   * one rule (the idempotency key first, then the version). Returns the current row for
   * `writeCommit`.
   */
  const checkCommit = (request: CommitRequest): CurrentState => {
    const key = request.idempotency?.key;
    const current = currentState(statements.currentRow.get(key ?? null, request.pipId));
    const failure = commitPreconditionError(request, {
      actualVersion: current.version ?? NO_PIP_YET,
      recordedKey: key !== undefined && current.keyTaken ? { key } : undefined,
    });
    if (failure) throw failure;
    return current;
  };

  /** Every write of a checked commit. A failure here is a bug or a race the keys caught. */
  const writeCommit = (request: CommitRequest, current: CurrentState): void => {
    const { pipId, expectedVersion } = request;
    try {
      envelopes.write(request, current.row);
      // The previous hash is stored only where the sequence does not imply it (schema 4); the
      // event's JSON compressed (schema 6) unless it is short (text, as before schema 6).
      let previous = expectedVersion === NO_PIP_YET ? GENESIS_HASH : storedHash(current.headHash);
      for (const event of request.events) {
        statements.insertEvent.run(
          pipId,
          event.seq,
          storedEventBody(JSON.stringify(event.event)),
          event.prevHash === previous ? null : event.prevHash,
          Buffer.from(event.hash, 'hex'),
        );
        previous = event.hash;
      }
    } catch (error) {
      // The keys on pipkit_pips and (pip_id, seq) are the real guard: a clash is a lost race.
      if (isUniqueViolation(error)) throw new VersionConflictError(pipId, expectedVersion);
      throw error;
    }
    for (const timerId of request.timers.clear) statements.deleteTimer.run(timerId);
    for (const timer of request.timers.set) {
      statements.upsertTimer.run(
        timer.timerId,
        timer.pipId,
        timer.deadlineId,
        timer.kind,
        timer.dueAt,
      );
    }
    for (const message of request.outbox) {
      statements.insertOutbox.run(
        message.id,
        message.pipId,
        message.type,
        JSON.stringify(message.payload),
        message.createdAt,
      );
    }
    writeIdempotency(statements, request);
  };

  const commitTransaction = database.transaction((request: CommitRequest): void => {
    writeCommit(request, checkCommit(request));
  });

  // A batch is one BEGIN IMMEDIATE ... COMMIT, one disk flush. The fast path writes each
  // request straight after its checks: a refusal found by the checks has written nothing, so the
  // batch goes on. A write that fails after that (a request repeating an outbox id, a broken
  // key) aborts the whole batch, which is then redone with a savepoint per request
  // (better-sqlite3 nests transactions as savepoints), so that only that request fails.
  const commitBatchFast = database.transaction(
    (requests: readonly CommitRequest[]): (Error | undefined)[] =>
      requests.map((request) => {
        let current: CurrentState;
        try {
          assertCommitShape(request);
          current = checkCommit(request);
        } catch (error) {
          return storeError(error, 'SQLite store');
        }
        writeCommit(request, current);
        return undefined;
      }),
  );
  const commitBatch = database.transaction(
    (requests: readonly CommitRequest[]): (Error | undefined)[] =>
      requests.map((request) => {
        try {
          assertCommitShape(request);
          commitTransaction(request);
          return undefined;
        } catch (error) {
          return storeError(error, 'SQLite store');
        }
      }),
  );

  // Children first: events, timers, outbox rows and idempotency keys reference the envelope.
  const purgePip = database.transaction((pipId: string, expectedVersion: number): void => {
    const actual = currentState(statements.currentRow.get(null, pipId)).version ?? NO_PIP_YET;
    if (actual === NO_PIP_YET || actual !== expectedVersion) {
      throw new VersionConflictError(pipId, expectedVersion, actual);
    }
    for (const statement of statements.purge) statement.run(pipId);
  });

  return {
    commit(request) {
      // A malformed commit (a gap, a record that does not match its events) is a caller bug:
      // refuse it before touching the database.
      assertCommitShape(request);
      commitTransaction.immediate(request);
    },
    commitMany(requests) {
      try {
        return commitBatchFast.immediate(requests);
      } catch {
        return commitBatch.immediate(requests);
      }
    },
    purge(pipId, expectedVersion) {
      purgePip.immediate(pipId, expectedVersion);
    },
  };
}

/** The hex form of a stored event hash (its bytes, or old text); `undefined` for none. */
function storedHash(hash: unknown): string | undefined {
  if (typeof hash === 'string') return hash;
  return Buffer.isBuffer(hash) ? hash.toString('hex') : undefined;
}

/** Records the idempotency key; its primary key is the last guard against a second winner. */
function writeIdempotency(statements: Statements, request: CommitRequest): void {
  const idempotency = request.idempotency;
  if (!idempotency) return;
  try {
    statements.insertIdempotency.run(
      idempotency.key,
      idempotency.pipId,
      idempotency.requestHash,
      idempotency.version,
      JSON.stringify(idempotency.seqs),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new IdempotencyKeyReusedError(idempotency.key);
    throw error;
  }
}

/** The error every write of a read-only store throws, before it touches the database. */
export function readOnlyRefusal(): StoreError {
  return new StoreError(
    'SQLite store: this store was opened read-only (readOnly: true); nothing was written. Open it without readOnly to write.',
    { retryable: false, reason: StoreErrorReasons.READ_ONLY },
  );
}

/** The commit path of a read-only store: every write is refused with `STORE_READ_ONLY`. */
export function readOnlyCommitPath(): CommitPath {
  const refuse = (): never => {
    throw readOnlyRefusal();
  };
  return { commit: refuse, commitMany: refuse, purge: refuse };
}
