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

const packages = ['core', 'holidays', 'report', 'delivery', 'sqlite', 'postgres', 'cli'];
const tarballs = packages.map((name) => {
  run('pnpm', ['--filter', `@pipkit/${name}`, 'pack', '--pack-destination', scratch], root);
  const tarball = readdirSync(scratch).find(
    (file) => file.startsWith(`pipkit-${name}-`) && file.endsWith('.tgz'),
  );
  if (!tarball) throw new Error(`pnpm pack produced no @pipkit/${name} tarball`);
  return `./${tarball}`;
});

writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'pack-smoke', private: true }));
// better-sqlite3's native build is skipped here (it takes a minute and is tested in the
// workspace); the smoke test checks that the adapter's package loads and exports its API.
run(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    '--ignore-scripts',
    ...tarballs,
    'zod@^4',
    'better-sqlite3@~12.11.1',
  ],
  scratch,
);

const esm = `
import { createEngine, defaultPolicy, memoryStore, toMermaid } from '@pipkit/core';
// The testing entry needs vitest (an optional peer); resolving it proves the exports map and files.
import.meta.resolve('@pipkit/core/testing');
const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });
const { pip } = await engine.open({ employee: { id: 'e', timeZone: 'Europe/London' }, managerId: 'm', policy: { id: 'pipkit-default' } }, { actor: { id: 'm', role: 'manager' } });
if (pip.state !== 'draft' || !toMermaid().startsWith('stateDiagram-v2')) throw new Error('ESM import misbehaved');
const { holidayCalendar } = await import('@pipkit/holidays');
if (!holidayCalendar('GB-SCT', { years: { from: 2026, to: 2026 } }).holidays.includes('2026-11-30')) throw new Error('holidays misbehaved');
const report = await import('@pipkit/report');
if (report.localDate('2026-05-01', { locale: 'de' }) !== 'Fr., 1. Mai 2026') throw new Error('@pipkit/report misbehaved');
if (report.formatMessage('de', 'event.duration', { amount: 2, unit: 'weeks' }) !== '2 Wochen') throw new Error('@pipkit/report plurals misbehaved');
const delivery = await import('@pipkit/delivery');
if (delivery.invitesCalendar([], { domain: 'pip.example.com' }).indexOf('METHOD:PUBLISH') < 0) throw new Error('@pipkit/delivery invites misbehaved');
if (typeof delivery.webhookDelivery({ url: 'https://hooks.example.com/', secret: 'whsec_c2VjcmV0' }) !== 'function') throw new Error('@pipkit/delivery webhooks misbehaved');
const { sqliteStore } = await import('@pipkit/sqlite');
if (typeof sqliteStore !== 'function') throw new Error('@pipkit/sqlite exports missing');
const { postgresStore } = await import('@pipkit/postgres');
if (typeof postgresStore !== 'function') throw new Error('@pipkit/postgres exports missing');
const { runCli, scenarioSchema } = await import('@pipkit/cli');
if (typeof runCli !== 'function' || !scenarioSchema.safeParse({}).error) throw new Error('@pipkit/cli exports missing');
const adapter = await import('@pipkit/core/adapter');
const core = await import('@pipkit/core');
if (adapter.StoreError !== core.StoreError || typeof adapter.commitPreconditionError !== 'function') throw new Error('ESM adapter entry misbehaved');
const { commandSchema } = await import('@pipkit/core/schemas');
if (!commandSchema.safeParse({ type: 'RESUME' }).success) throw new Error('ESM schemas entry misbehaved');
const { presets } = await import('@pipkit/core/presets');
if (presets.usFederal432 !== core.presets.usFederal432) throw new Error('ESM presets entry misbehaved');
console.log('esm ok');
`;
const cjs = `
const { createEngine, defaultPolicy, memoryStore, PipkitError } = require('@pipkit/core');
require.resolve('@pipkit/core/testing');
if (typeof createEngine !== 'function') throw new Error('CJS exports missing');
if (typeof require('@pipkit/holidays').holidayCalendar !== 'function') throw new Error('CJS holidays missing');
// intl-messageformat is ESM-only: the CJS build loads it through require(esm) (Node 20.19+).
const report = require('@pipkit/report');
if (report.formatMessage('en', 'event.duration', { amount: 1, unit: 'weeks' }) !== '1 week') throw new Error('CJS report misbehaved');
try { report.createMessages('fr'); throw new Error('CJS report accepted fr'); } catch (error) { if (!(error instanceof PipkitError) || error.issues[0].code !== 'UNKNOWN_LOCALE') throw error; }
// ics and standardwebhooks are CommonJS; the CJS build requires them and core's own classes.
const delivery = require('@pipkit/delivery');
try { delivery.invitesFor([], { domain: 'not a domain' }); throw new Error('CJS delivery accepted a bad domain'); } catch (error) { if (!(error instanceof PipkitError) || error.issues[0].code !== 'INVITE_DOMAIN_INVALID') throw error; }
if (typeof delivery.webhookDelivery({ url: 'https://hooks.example.com/', secret: 'whsec_c2VjcmV0' }) !== 'function') throw new Error('CJS delivery webhooks missing');
if (typeof require('@pipkit/sqlite').sqliteStore !== 'function') throw new Error('CJS sqlite missing');
if (typeof require('@pipkit/postgres').postgresStore !== 'function') throw new Error('CJS postgres missing');
if (typeof require('@pipkit/cli').runCli !== 'function') throw new Error('CJS cli missing');
// One build with shared chunks: the adapter entry's classes are the root's classes.
const adapter = require('@pipkit/core/adapter');
if (adapter.VersionConflictError !== require('@pipkit/core').VersionConflictError) throw new Error('CJS adapter entry has its own classes');
if (typeof require('@pipkit/core/schemas').openPipSchema?.safeParse !== 'function') throw new Error('CJS schemas entry missing');
if (typeof require('@pipkit/core/presets').presets !== 'object') throw new Error('CJS presets entry missing');
createEngine({ store: memoryStore(), policies: [defaultPolicy] })
  .dispatch('nope', { type: 'RESUME' }, { actor: { id: 'h', role: 'hr' } })
  .catch((error) => { if (!(error instanceof PipkitError) || error.code !== 'PIP_NOT_FOUND') throw error; console.log('cjs ok'); });
`;
writeFileSync(join(scratch, 'smoke.mjs'), esm);
writeFileSync(join(scratch, 'smoke.cjs'), cjs);
process.stdout.write(run(process.execPath, ['smoke.mjs'], scratch));
process.stdout.write(run(process.execPath, ['smoke.cjs'], scratch));
// The installed `pipkit` command runs the built CLI.
const version = run(join(scratch, 'node_modules', '.bin', 'pipkit'), ['--version'], scratch).trim();
if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`pipkit --version printed "${version}"`);
console.log(`bin ok (pipkit ${version})`);
