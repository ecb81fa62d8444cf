/**
 * The rules a SQL store's `migrationScript` shares with every other: which `from` versions it
 * accepts, and how the printed script is framed (a heading, the statements that come first, then
 * each pending step under its own heading). Each adapter supplies only its own SQL, so the
 * scripts of SQLite and Postgres cannot drift apart in what they accept or how they read.
 * @module
 */
import { ValidationError } from '../errors/pipkitError.js';

/** What a migration script needs to know of one schema step. */
export interface ScriptedMigration {
  /** The schema version the step brings a database to: 1, 2, 3, ... without gaps. */
  readonly version: number;
  /** The step's name, as its ledger row records it. */
  readonly name: string;
}

/** How one adapter prints its steps: the parts of a migration script that are its own. */
export interface MigrationScriptFrame<M extends ScriptedMigration> {
  /** What the script builds, in its first line: `@pipkit/sqlite schema`. */
  readonly title: string;
  /** Statements before the first step: a lock, the schema, the ledger table. */
  readonly preamble: readonly string[];
  /** The lines of one step below its heading: its DDL, then the row recording it. */
  readonly stepLines: (migration: M) => readonly string[];
}

/** The version the last of `migrations` brings a database to; 0 when there are none. */
export function latestMigrationVersion(migrations: readonly ScriptedMigration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

/**
 * The version a migration script starts from: `from` (0, an empty database, when undefined),
 * once it is a whole number from 0 to `latest`. Anything else is refused with a
 * {@link ValidationError} whose one issue has the code `INVALID_VERSION` at path `['from']`.
 *
 * @example
 * ```ts
 * checkedFromVersion(undefined, 10); // 0
 * checkedFromVersion(8, 10); // 8
 * checkedFromVersion(11, 10); // throws: from must be a schema version from 0 to 10, not 11.
 * ```
 */
export function checkedFromVersion(from: number | undefined, latest: number): number {
  const version = from ?? 0;
  if (!Number.isInteger(version) || version < 0 || version > latest) {
    throw new ValidationError('Invalid migration script options.', [
      {
        code: 'INVALID_VERSION',
        path: ['from'],
        message: `from must be a schema version from 0 to ${latest}, not ${String(version)}.`,
      },
    ]);
  }
  return version;
}

/**
 * The SQL script that brings a database from version `from` to the last of `migrations`: two
 * comment lines saying which versions it covers and how to apply it, the frame's preamble, then
 * each step after `from` under a `-- Version N: name` heading, with a blank line before each
 * step and a newline at the end. `from` is checked by {@link checkedFromVersion} first.
 *
 * @example
 * ```ts
 * export function migrationScript(options: { readonly from?: number } = {}): string {
 *   return frameMigrationScript(MIGRATIONS, options.from, {
 *     title: '@pipkit/mystore schema',
 *     preamble: [`${LEDGER_TABLE_SQL};`],
 *     stepLines: (migration) => [migration.sql, recordStep(migration)],
 *   });
 * }
 * ```
 */
export function frameMigrationScript<M extends ScriptedMigration>(
  migrations: readonly M[],
  from: number | undefined,
  frame: MigrationScriptFrame<M>,
): string {
  const latest = latestMigrationVersion(migrations);
  const start = checkedFromVersion(from, latest);
  const steps = migrations.filter((migration) => migration.version > start);
  return [
    `-- ${frame.title}: versions ${start + 1} to ${latest}.`,
    `-- Generated from the migrations the store runs; apply in one transaction.`,
    ...frame.preamble,
    ...steps.map((migration) =>
      [
        '',
        `-- Version ${migration.version}: ${migration.name}`,
        ...frame.stepLines(migration),
      ].join('\n'),
    ),
    '',
  ].join('\n');
}
