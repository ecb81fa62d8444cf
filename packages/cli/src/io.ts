import { isAbsolute, resolve } from 'node:path';

/** Where the CLI writes and what it knows about its surroundings. Injected, so tests need no process. */
export interface CliIo {
  /** Standard output: the result (human text, or JSON with `--json`). */
  readonly stdout: (text: string) => void;
  /** Standard error: errors and progress. */
  readonly stderr: (text: string) => void;
  /** True when standard error is a terminal (progress indicators are shown only then). */
  readonly stderrIsTty: boolean;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
  /** The wall clock, used only where a command has no `--now` (tick, export). */
  readonly now: () => Date;
  /**
   * The environment variables the CLI reads (`PIPKIT_STORE_URL`); the process's in `main.ts`.
   * Default: none.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Exit codes: 0 success, 1 a failed expectation or verification, 2 a usage or input error, 3 the
 * store could not be reached (the database server is down or refused the login: try again).
 */
export const ExitCode = Object.freeze({ ok: 0, failed: 1, usage: 2, unavailable: 3 });

/**
 * A mistake in how the CLI was called or in a file it was given: printed as `pipkit <command>:
 * <problem>` plus the fix, never with a stack trace, and exits with code 2.
 */
export class UsageError extends Error {
  /** What to do about it, printed on its own line. */
  readonly hint: string | undefined;
  /** The exit code: {@link ExitCode}`.usage` (2) unless a subclass says otherwise. */
  readonly exitCode: number;
  constructor(message: string, hint?: string, exitCode: number = ExitCode.usage) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/** Resolves a path the user typed against the CLI's working folder. */
export function resolvePath(io: CliIo, path: string): string {
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

/** Parses an instant given on the command line (`--now`), or throws a usage error naming the flag. */
export function parseInstantFlag(value: string, flag: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const date = new Date(value);
  if (!ok || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `${flag} "${value}" is not an instant.`,
      `Give an ISO 8601 instant with its offset, for example ${flag} 2026-06-01T12:00:00Z`,
    );
  }
  return date;
}

/** Pads cells into aligned columns. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
