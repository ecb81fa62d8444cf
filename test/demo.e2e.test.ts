import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

describe('pnpm demo (the README main job)', () => {
  it('prints a full PIP timeline and a verified audit chain, exit code 0', async () => {
    // The same command `pnpm demo` runs, spawned as a real process.
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@pipkit/source', '--import', 'tsx', 'examples/demo/src/main.ts'],
      { cwd: root },
    );
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^pipkit demo: one Performance Improvement Plan, start to finish \(SQLite, .*demo\.db store\)$/,
    );
    expect(stdout).toContain('opened the plan in draft');
    expect(stdout).toContain('approved and issued the plan');
    expect(stdout).toContain('the watch window ended: the plan is complete');
    expect(lines.at(-2)).toMatch(/hash chain verified.*OK$/);
    // A fresh store reading the same file (as after a restart) finds and verifies the PIP.
    expect(lines.at(-1)).toMatch(
      /^Reopened the database with a new store: pip-2026-0042 is passed\.completed at version 22; chain and replay verified\. OK$/,
    );
  }, 60_000);
});
