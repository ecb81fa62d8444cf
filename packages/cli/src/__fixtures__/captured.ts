import { runCli } from '../cli.js';
import type { CliIo } from '../io.js';

/** What one in-process `pipkit` run printed, and its exit code. */
export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr, for "nothing leaked anywhere" checks. */
  readonly all: string;
}

/**
 * A `pipkit` runner for tests: runs the CLI in this process with captured output, relative paths
 * resolved against `cwd`, and a fixed clock (2026-12-01T00:00:00Z) for commands without `--now`.
 */
export function capturedCli(options: {
  readonly cwd: string;
  readonly stderrIsTty?: boolean;
  /** Environment variables the CLI sees (`PIPKIT_STORE_URL`); none by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}): (...argv: string[]) => Promise<CapturedRun> {
  return async (...argv) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      stderrIsTty: options.stderrIsTty ?? false,
      cwd: options.cwd,
      now: () => new Date('2026-12-01T00:00:00Z'),
      env: options.env ?? {},
    };
    const code = await runCli(argv, io);
    return { code, stdout, stderr, all: stdout + stderr };
  };
}
