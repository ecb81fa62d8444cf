import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from '../io.js';

/** Parsed flags of one command. */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** What a command's `run` receives. */
export interface CommandContext {
  readonly flags: Flags;
  readonly positionals: readonly string[];
  readonly io: CliIo;
  /** `--json`: print one JSON document on stdout instead of text. */
  readonly json: boolean;
}

/** One `pipkit` subcommand: its flags, its help and what it does. */
export interface CliCommand {
  readonly name: string;
  /** One line for `pipkit --help`. */
  readonly summary: string;
  /** `pipkit show <pipId> --db <file> [--json]` */
  readonly usage: string;
  /** The rest of `pipkit <command> --help`: what it does, each flag, an example. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** How many positionals it takes: `[min, max]`. */
  readonly positionals: readonly [number, number];
  /** Runs it; resolves to the exit code. */
  run(context: CommandContext): Promise<number>;
}

/** Reads a string flag. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** Reads a repeatable string flag. */
export function listFlag(flags: Flags, name: string): string[] {
  const value = flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** Prints a value as indented JSON on stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints lines on stdout. */
export function printLines(io: CliIo, lines: readonly string[]): void {
  io.stdout(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}
