// The `pipkit` process: wires runCli to the real process. Run from source with
// `node --conditions=@pipkit/source --import tsx packages/cli/src/main.ts`.
import { runCli } from './cli.js';

// `pipkit list --db x | head` closes the pipe early: stop quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
  // A relative path means relative to where the user typed the command, even under pnpm scripts.
  cwd: process.env.INIT_CWD ?? process.cwd(),
  now: () => new Date(),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
