import {
  type Policy,
  type PipRecord,
  type PipStore,
  PIP_STATES,
  type PipState,
  definePolicy,
  isPipkitError,
  presets,
} from '@pipkit/core';
import { sqliteStore, type SqliteStore } from '@pipkit/sqlite';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type CliIo, existingDatabase, resolvePath, UsageError } from './io.js';

/** How {@link openDatabase} opens the file. */
export interface OpenDatabaseOptions {
  /**
   * Open for reading only (`sqliteStore({ path, readOnly: true })`): nothing in the file changes,
   * no migration runs, no WAL switch, and any write is refused. Commands that only read
   * (list, show, timeline, verify, export) should pass true. Default: false (read-write, which
   * also migrates an older database forward).
   */
  readonly readOnly?: boolean;
}

/** What to suggest for each way opening a database can fail. */
const OPEN_HINTS: Readonly<Record<string, string>> = {
  STORE_SCHEMA_TOO_NEW: 'The file was written by a newer pipkit: upgrade @pipkit/cli to read it.',
  STORE_BUSY: 'Another process is writing the file: try again in a moment.',
  STORE_READ_ONLY:
    'The file (or its folder) cannot be written: check its permissions, or use a command that only reads.',
};
const DEFAULT_OPEN_HINT =
  'Point --db at a file written by pipkit (`pipkit demo --db pips.db` makes one).';

/**
 * Opens an existing pipkit SQLite database, or throws a usage error that says what is wrong.
 * Read-write unless `options.readOnly` is true.
 *
 * @example
 * ```ts
 * const store = openDatabase(io, stringFlag(flags, 'db'), 'list', { readOnly: true });
 * ```
 */
export function openDatabase(
  io: CliIo,
  db: string | undefined,
  command: string,
  options: OpenDatabaseOptions = {},
): SqliteStore {
  const path = existingDatabase(io, db, command);
  try {
    return sqliteStore({ path, readOnly: options.readOnly ?? false });
  } catch (error) {
    // By code, not class: the CLI and @pipkit/sqlite may load different copies of core.
    if (isPipkitError(error)) {
      const reason = (error as { reason?: unknown }).reason;
      throw new UsageError(
        `${path} is not a readable pipkit database: ${error.message}`,
        (typeof reason === 'string' ? OPEN_HINTS[reason] : undefined) ?? DEFAULT_OPEN_HINT,
      );
    }
    throw error;
  }
}

/** Every policy the CLI knows: the presets of @pipkit/core plus policy files given with --policy. */
export function knownPolicies(io: CliIo, files: readonly string[] = []): Policy[] {
  const byKey = new Map<string, Policy>();
  for (const policy of Object.values(presets as Readonly<Record<string, Policy>>))
    byKey.set(`${policy.id}@${policy.version}`, policy);
  for (const file of files) {
    const path = resolvePath(io, file);
    let document: unknown;
    try {
      document = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `Cannot read the policy file ${path}: ${(error as Error).message.split('\n')[0] ?? ''}`,
        'Give a YAML or JSON policy document (see docs/policies.md).',
      );
    }
    try {
      const policy = definePolicy(document as Parameters<typeof definePolicy>[0]);
      byKey.set(`${policy.id}@${policy.version}`, policy);
    } catch (error) {
      if (isPipkitError(error)) {
        throw new UsageError(
          `${path} is not a valid policy document: ${error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`,
          'Fix the fields named above (docs/policies.md lists every field).',
        );
      }
      throw error;
    }
  }
  return [...byKey.values()];
}

/** Checks a `--state` value against the machine's states. */
export function parseState(value: string | undefined): PipState | undefined {
  if (value === undefined) return undefined;
  if (!(PIP_STATES as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown state "${value}".`, `Use one of: ${PIP_STATES.join(', ')}.`);
  }
  return value as PipState;
}

/** Loads a PIP or throws a usage error naming the id. */
export async function loadPip(store: PipStore, pipId: string): Promise<PipRecord> {
  const record = await store.load(pipId);
  if (!record) {
    throw new UsageError(
      `No PIP "${pipId}" in this database.`,
      '`pipkit list --db <file>` shows the ids it holds.',
    );
  }
  return record;
}

/** Every PIP in the store (optionally in one state), paging by id. */
export async function allPips(store: PipStore, state?: PipState): Promise<PipRecord[]> {
  const out: PipRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list({
      limit: 1000,
      ...(state ? { state } : {}),
      ...(after ? { afterPipId: after } : {}),
    });
    out.push(...page);
    if (page.length < 1000) return out;
    after = page.at(-1)?.pipId;
  }
}
