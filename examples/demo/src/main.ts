import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sqliteStore } from '@pipkit/sqlite';
import { runDemo } from './runDemo.js';

// `pnpm demo [--db file]`: the whole lifecycle on the embedded SQLite store, then the file is
// reopened by a fresh store (as after a restart) and its audit chain verified again.
// `pnpm demo -- --db x` hands the script a literal `--`; accept both spellings.
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const { values } = parseArgs({ args, options: { db: { type: 'string' } }, strict: true });
// pnpm runs the script in this package's folder; a relative --db is relative to where you typed it.
const here = process.env.INIT_CWD ?? process.cwd();
const path = resolve(
  here,
  values.db ?? join(mkdtempSync(join(tmpdir(), 'pipkit-demo-')), 'demo.db'),
);
if (existsSync(path)) {
  console.error(
    `pipkit demo: ${path} already exists. Pass --db with a new file name, or delete it.`,
  );
  process.exit(2);
}

const store = sqliteStore({ path });
const result = await runDemo({ store, storeName: `SQLite, ${path}` });
await store.close();
for (const line of result.lines) console.log(line);

const reopened = sqliteStore({ path });
const summary = await runDemo.verifyStored(reopened);
await reopened.close();
console.log(summary.line);
if (!result.verified || !summary.ok) process.exitCode = 1;
