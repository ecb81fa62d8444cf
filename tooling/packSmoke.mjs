// Packs each publishable package and imports the tarball from ESM and CJS in a scratch project,
// the way a user installs it: catches a missing file, a wrong exports map or a bad CJS build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'pipkit-pack-'));
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

run('pnpm', ['--filter', '@pipkit/core', 'pack', '--pack-destination', scratch], root);
const tarball = readdirSync(scratch).find(
  (name) => name.startsWith('pipkit-core-') && name.endsWith('.tgz'),
);
if (!tarball) throw new Error('pnpm pack produced no @pipkit/core tarball');

writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'pack-smoke', private: true }));
run(
  'npm',
  ['install', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`, 'zod@^4'],
  scratch,
);

const esm = `
import { createEngine, defaultPolicy, memoryStore, toMermaid } from '@pipkit/core';
// The testing entry needs vitest (an optional peer); resolving it proves the exports map and files.
import.meta.resolve('@pipkit/core/testing');
const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });
const { pip } = await engine.open({ employee: { id: 'e', timeZone: 'Europe/London' }, managerId: 'm', policy: { id: 'pipkit-default' } }, { actor: { id: 'm', role: 'manager' } });
if (pip.state !== 'draft' || !toMermaid().startsWith('stateDiagram-v2')) throw new Error('ESM import misbehaved');
console.log('esm ok');
`;
const cjs = `
const { createEngine, defaultPolicy, memoryStore, PipkitError } = require('@pipkit/core');
require.resolve('@pipkit/core/testing');
if (typeof createEngine !== 'function') throw new Error('CJS exports missing');
createEngine({ store: memoryStore(), policies: [defaultPolicy] })
  .dispatch('nope', { type: 'RESUME' }, { actor: { id: 'h', role: 'hr' } })
  .catch((error) => { if (!(error instanceof PipkitError) || error.code !== 'PIP_NOT_FOUND') throw error; console.log('cjs ok'); });
`;
writeFileSync(join(scratch, 'smoke.mjs'), esm);
writeFileSync(join(scratch, 'smoke.cjs'), cjs);
process.stdout.write(run(process.execPath, ['smoke.mjs'], scratch));
process.stdout.write(run(process.execPath, ['smoke.cjs'], scratch));
