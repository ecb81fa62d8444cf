import { parseArgs } from 'node:util';
import { checkpointCommand } from './commands/checkpointCommand.js';
import type { CliCommand } from './commands/command.js';
import { demoCommand } from './commands/demoCommand.js';
import { datesCommand } from './commands/datesCommand.js';
import { deadLettersCommand } from './commands/deadLettersCommand.js';
import { diagramCommand } from './commands/diagramCommand.js';
import { exportCommand } from './commands/exportCommand.js';
import { listCommand } from './commands/listCommand.js';
import { migrateCommand } from './commands/migrateCommand.js';
import { reportCommand } from './commands/reportCommand.js';
import { showCommand } from './commands/showCommand.js';
import { simulateCommand } from './commands/simulateCommand.js';
import { tickCommand } from './commands/tickCommand.js';
import { timelineCommand } from './commands/timelineCommand.js';
import { verifyCommand } from './commands/verifyCommand.js';
import { workerCommand } from './commands/workerCommand.js';
import { type CliIo, ExitCode, UsageError } from './io.js';
import { errorCode, isTypedPipkitError, UnreadablePipError } from './pipReads.js';
// Bundled into the build; read from the file when running from source.
import cliPackage from '../package.json' with { type: 'json' };

/** Every subcommand, in the order `pipkit --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  demoCommand,
  simulateCommand,
  showCommand,
  timelineCommand,
  listCommand,
  reportCommand,
  tickCommand,
  workerCommand,
  deadLettersCommand,
  migrateCommand,
  verifyCommand,
  exportCommand,
  checkpointCommand,
  diagramCommand,
  datesCommand,
];

/** The CLI's version (its package's), printed by `pipkit --version`. */
export const CLI_VERSION: string = cliPackage.version;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'pipkit: Performance Improvement Plans as durable, auditable state machines.',
    '',
    'Usage: pipkit <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Every command takes --help, and --json for output machines read.',
    'Exit codes: 0 ok, 1 an expectation or a verification failed or a PIP could not be read,',
    '2 a usage or input error, 3 the store could not be reached.',
    'Stores: --store <url> (sqlite:pips.db, postgres://user@host/db?schema=pipkit) or',
    'PIPKIT_STORE_URL; --db <file> is the same for a SQLite file.',
    'The CLI reads databases directly (full read access) and fires deadlines as the system',
    'actor pipkit:timer; see docs/cli.md.',
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return [`Usage: ${command.usage}`, '', command.summary, '', command.help].join('\n');
}

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCommandArgs(command: CliCommand, args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...command.options, ...COMMON_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    throw new UsageError(message, `Run \`pipkit ${command.name} --help\` for its options.`);
  }
}

/**
 * Runs the `pipkit` command line with the given arguments (without `node` and the script) and
 * resolves to the exit code. Never throws for a user's mistake: usage errors, bad files, unknown
 * PIPs, presets or dates are printed on stderr as the problem and its fix (exit code 2).
 *
 * @example
 * ```ts
 * import { runCli } from '@pipkit/cli';
 *
 * const code = await runCli(['simulate', 'examples/scenarios'], {
 *   stdout: (text) => process.stdout.write(text),
 *   stderr: (text) => process.stderr.write(text),
 *   stderrIsTty: false,
 *   cwd: process.cwd(),
 *   now: () => new Date(),
 * });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // `pnpm demo -- --db x` hands the script a literal `--`: accept both spellings.
  const args = argv.filter((arg) => arg !== '--');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic =
      name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    io.stdout(`${topic ? commandHelp(topic) : mainHelp()}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${CLI_VERSION}\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  const label = command ? `pipkit ${command.name}` : 'pipkit';
  try {
    if (!command) {
      throw new UsageError(
        `Unknown command "${name}".`,
        `Commands: ${COMMANDS.map((entry) => entry.name).join(', ')}. Run \`pipkit --help\`.`,
      );
    }
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help === true) {
      io.stdout(`${commandHelp(command)}\n`);
      return ExitCode.ok;
    }
    const [min, max] = command.positionals;
    if (positionals.length < min || positionals.length > max) {
      throw new UsageError(
        positionals.length < min
          ? `Missing argument${min > 1 ? 's' : ''}.`
          : `Unexpected argument "${positionals[max] ?? ''}".`,
        `Usage: ${command.usage}`,
      );
    }
    return await command.run({
      flags: values,
      positionals,
      io,
      json: values.json === true,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${label}: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
      return error.exitCode;
    }
    if (error instanceof UnreadablePipError) {
      // A stored PIP that cannot be read: its code and id on one line, never the stored text.
      io.stderr(`${label}: ${error.message}\n`);
      return ExitCode.failed;
    }
    if (isTypedPipkitError(error)) {
      // A typed pipkit error (from any copy of core) is data, not a crash: its code and every
      // issue, no stack trace.
      io.stderr(
        `${label}: ${error.code}: ${error.message}\n${error.issues.map((issue) => `  ${issue.code} at ${issue.path.join('.') || '(root)'}: ${issue.message}\n`).join('')}`,
      );
      return ExitCode.usage;
    }
    // Anything else is unexpected. Its message and stack are not printed: a store's raw error
    // (a JSON parser's, for one) can quote a stored row, and rows hold personal data.
    const name = error instanceof Error ? error.name : typeof error;
    io.stderr(
      `${label}: ${errorCode(error) ?? 'UNEXPECTED_ERROR'}: unexpected ${name}; its message is not printed, as it may quote stored personal data.\n`,
    );
    return ExitCode.failed;
  }
}
