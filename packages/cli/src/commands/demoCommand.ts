import { sqliteStore } from '@pipkit/sqlite';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../demo/runDemo.js';
import { ExitCode, resolvePath, UsageError } from '../io.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';

/** `pipkit demo`: one realistic PIP from draft to outcome on SQLite, as a timeline. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'one realistic PIP from draft to outcome on SQLite, printed as a timeline',
  usage: 'pipkit demo [--db <file>] [--json]',
  help: [
    'Runs one PIP on the embedded SQLite store with a simulated clock: HR approval,',
    'acknowledgement, check-ins (one missed and escalated), a protected-leave pause, an',
    'extension, the question "may the manager propose termination now?" answered by',
    'engine.explain before the final review, the pass and the watch window. Prints the timeline',
    "in the employee's time and the audit check, then reopens the file with a new store (as after",
    'a restart) and verifies it again.',
    '',
    '  --db <file>   keep the database there (it must not exist yet); default: a temporary file',
    '',
    'Then try: pipkit show pip-2026-0042 --db <file>, pipkit timeline ..., pipkit verify ...',
  ].join('\n'),
  options: { db: { type: 'string' } },
  positionals: [0, 0],
  async run({ flags, io, json }) {
    const given = stringFlag(flags, 'db');
    const path =
      given === undefined
        ? join(mkdtempSync(join(tmpdir(), 'pipkit-demo-')), 'demo.db')
        : resolvePath(io, given);
    if (existsSync(path)) {
      throw new UsageError(
        `${path} already exists.`,
        'Pass --db with a new file name, or delete the file.',
      );
    }
    const store = sqliteStore({ path });
    const result = await runDemo({ store, storeName: `SQLite, ${path}` });
    await store.close();
    const reopened = sqliteStore({ path });
    const summary = await runDemo.verifyStored(reopened);
    await reopened.close();
    if (json) {
      printJson(io, {
        db: path,
        state: result.state,
        verified: result.verified,
        reopenedVerified: summary.ok,
        prematureTermination: result.prematureTermination,
      });
    } else {
      printLines(io, [...result.lines, summary.line]);
    }
    return result.verified && summary.ok ? ExitCode.ok : ExitCode.failed;
  },
};
