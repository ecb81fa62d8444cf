import { ExitCode, UsageError } from '../io.js';
import {
  applyMigrations,
  migrationSql,
  type SchemaReport,
  schemaReport,
} from '../storeMigrations.js';
import { parseStoreUrl } from '../storeTarget.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';
import { STORE_NOTE, storeUrlOf } from './storeFlags.js';

const ACTIONS = ['apply', 'status'] as const;

/** The schema's place, as lines: where it is, its version, and each pending step. */
function statusLines(status: SchemaReport): string[] {
  const where =
    status.schema === undefined ? status.store : `${status.store} (schema "${status.schema}")`;
  const version =
    status.current > status.latest
      ? `Schema version ${status.current}: newer than this CLI knows (${status.latest}); upgrade @pipkit/cli.`
      : status.upToDate
        ? `Schema version ${status.current} of ${status.latest}: up to date.`
        : `Schema version ${status.current} of ${status.latest}: ${status.pending.length} pending migration(s).`;
  return [
    `Store: ${where}`,
    version,
    ...status.pending.map((step) => `  ${String(step.version).padStart(3)}  ${step.name}`),
  ];
}

/** `--from`: a whole schema version, 0 (an empty database) by default. */
function fromVersion(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(
      `--from "${value}" is not a schema version.`,
      'Give the version the database is at (pipkit migrate status shows it), for example --from 8.',
    );
  }
  return Number(value);
}

/** `pipkit migrate`: the store's schema, brought forward, reported, or printed as SQL. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: "apply the store's schema migrations, report where it stands, or print their SQL",
  usage:
    'pipkit migrate [apply|status] --store <url> [--json] | pipkit migrate --print-sql --store <url> [--from <version>]',
  help: [
    '`apply` (the default) brings the schema to the version this CLI writes: every pending step',
    'in one transaction (on Postgres under the advisory lock engines take, so it is safe while',
    'they run), creating a missing SQLite file or Postgres schema. The stores also migrate on',
    'their own when a read-write engine opens them; `apply` lets a deployment do it first, and',
    'fail there. `status` changes nothing: the current and latest versions and each pending step',
    '(exit code 1 when a step is pending or the schema is newer than this CLI).',
    '',
    '--print-sql prints the exact SQL the store runs (the same migrations, not a copy), for a',
    'pipeline that applies DDL itself (Flyway, Atlas, Liquibase, psql --single-transaction).',
    'It connects to nothing: --store names the kind (and the Postgres schema, from ?schema=).',
    '--from <version> prints only the steps after that version. Run it in one transaction; a',
    'store opened afterwards finds the schema current.',
    '',
    STORE_NOTE,
    '',
    'Examples: pipkit migrate --store postgres://pipkit@db/hr?schema=pipkit',
    '          pipkit migrate status --store sqlite:pips.db --json',
    '          pipkit migrate --print-sql --store postgres://db/hr?schema=pipkit > V1__pipkit.sql',
  ].join('\n'),
  options: {
    store: { type: 'string' },
    db: { type: 'string' },
    'print-sql': { type: 'boolean' },
    from: { type: 'string' },
  },
  positionals: [0, 1],
  async run({ flags, positionals, io, json }) {
    const action = positionals[0] ?? 'apply';
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`Unknown action "${action}".`, 'Use apply (the default) or status.');
    }
    const target = parseStoreUrl(storeUrlOf({ flags, io }, 'migrate'), io.cwd);
    if (flags['print-sql'] === true) {
      if (positionals.length > 0 || json)
        throw new UsageError(
          '--print-sql prints SQL on its own.',
          'Drop the action and --json: pipkit migrate --print-sql --store <url> [--from <version>]',
        );
      io.stdout(migrationSql(target, fromVersion(stringFlag(flags, 'from'))));
      return ExitCode.ok;
    }
    if (stringFlag(flags, 'from') !== undefined)
      throw new UsageError('--from goes with --print-sql.', `Usage: ${migrateCommand.usage}`);
    if (action === 'status') {
      const status = await schemaReport(target);
      if (json) printJson(io, status);
      else printLines(io, statusLines(status));
      return status.upToDate ? ExitCode.ok : ExitCode.failed;
    }
    const run = await applyMigrations(target);
    if (json) printJson(io, { ...run.after, applied: run.applied });
    else
      printLines(io, [
        run.applied.length === 0
          ? 'Nothing to apply.'
          : `Applied ${run.applied.length} migration(s): ${run.applied.join(', ')}.`,
        ...statusLines(run.after),
      ]);
    return ExitCode.ok;
  },
};
