import type { PipRecord, PipState, PipStore, StoredEvent } from '@pipkit/core';
import { isUnreadableEntry } from '@pipkit/core/adapter';
import { type CliIo, UsageError } from './io.js';
import { loadPip } from './storeAccess.js';

/**
 * The `code` of a typed error: a pipkit error from any copy of `@pipkit/core` (never checked with
 * `instanceof`, which fails across copies), a SQLite error. `undefined` for an untyped error.
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? code : undefined;
}

/** A pipkit error from any copy of core: a string `code` and an `issues` list. */
export function isTypedPipkitError(error: unknown): error is {
  readonly code: string;
  readonly message: string;
  readonly issues: readonly { code: string; path: readonly (string | number)[]; message: string }[];
} {
  return errorCode(error) !== undefined && Array.isArray((error as { issues?: unknown }).issues);
}

/**
 * A stored PIP that could not be read: its row is corrupt, or the store failed reading it. Says
 * the error's code and the PIP's id, never the stored text nor the underlying error's message
 * (a JSON parser quotes the row it could not parse, and a row holds personal data).
 */
export class UnreadablePipError extends Error {
  /** The store error's code (`STORE_ERROR` for an untyped failure). */
  readonly code: string;
  /** The store's finer reason, when it gives one (`STORE_CORRUPT_ROW`). */
  readonly reason: string | undefined;
  readonly pipId: string;
  /** True when reading it again may succeed (the database was busy). */
  readonly retryable: boolean;

  constructor(pipId: string, failure: unknown) {
    const code = errorCode(failure) ?? 'STORE_ERROR';
    const { reason, retryable } = (failure ?? {}) as { reason?: unknown; retryable?: unknown };
    const why = typeof reason === 'string' ? ` (${reason})` : '';
    super(
      `${code}${why}: PIP ${JSON.stringify(pipId)} cannot be read from the store${retryable === true ? ' (retryable)' : ''}; its stored content is not shown.`,
    );
    this.name = 'UnreadablePipError';
    this.code = code;
    this.reason = typeof reason === 'string' ? reason : undefined;
    this.pipId = pipId;
    this.retryable = retryable === true;
  }

  /** What `--json` output lists for it. */
  toJSON(): { pipId: string; code: string; reason?: string; retryable: boolean } {
    return {
      pipId: this.pipId,
      code: this.code,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      retryable: this.retryable,
    };
  }
}

/** Loads one PIP; an unknown id is a usage error, a failed read an {@link UnreadablePipError}. */
export async function readPip(store: PipStore, pipId: string): Promise<PipRecord> {
  try {
    return await loadPip(store, pipId);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UnreadablePipError(pipId, error);
  }
}

/** A PIP's events; a failed read is an {@link UnreadablePipError}. */
export async function readPipEvents(store: PipStore, pipId: string): Promise<StoredEvent[]> {
  try {
    return await store.readEvents(pipId);
  } catch (error) {
    throw new UnreadablePipError(pipId, error);
  }
}

/** Every PIP that could be read, and one error per PIP that could not. */
export interface PipsRead {
  readonly records: PipRecord[];
  readonly unreadable: UnreadablePipError[];
}

const PAGE = 1000;

/**
 * Every PIP in the store (optionally in one state), ordered by id, paging like `list`. A PIP whose
 * row cannot be read is left out and reported, and the others are still read: through the
 * store's `listEntries` (SQLite and PostgreSQL have it, each entry parsed on its own), or, on a
 * store without it, by reading a page that fails again one PIP at a time. A retryable failure
 * (the database is busy) is not about a row: it is thrown as it is.
 */
export async function readAllPips(store: PipStore, state?: PipState): Promise<PipsRead> {
  const records: PipRecord[] = [];
  const unreadable: UnreadablePipError[] = [];
  let after: string | undefined;
  const query = () => ({
    limit: PAGE,
    ...(state ? { state } : {}),
    ...(after ? { afterPipId: after } : {}),
  });
  for (;;) {
    let ids: string[];
    if (store.listEntries) {
      const entries = await store.listEntries(query());
      for (const entry of entries) {
        if (isUnreadableEntry(entry))
          unreadable.push(new UnreadablePipError(entry.pipId, entry.error));
        else records.push(entry);
      }
      ids = entries.map((entry) => entry.pipId);
    } else {
      const page = await store.list(query());
      records.push(...page);
      ids = page.map((record) => record.pipId);
    }
    if (ids.length < PAGE) return { records, unreadable };
    after = ids.at(-1);
  }
}

/** Prints one line per unreadable PIP on stderr: `pipkit list: STORE_ERROR: PIP "p-1" ...`. */
export function reportUnreadable(
  io: CliIo,
  command: string,
  unreadable: readonly UnreadablePipError[],
): void {
  for (const error of unreadable) io.stderr(`pipkit ${command}: ${error.message}\n`);
}

/** One PIP when `pipId` is given (an unknown id is a usage error), otherwise every PIP. */
export async function readPipOrAll(store: PipStore, pipId: string | undefined): Promise<PipsRead> {
  if (pipId === undefined) return readAllPips(store);
  return { records: [await readPip(store, pipId)], unreadable: [] };
}
