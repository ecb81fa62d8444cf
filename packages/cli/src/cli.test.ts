import { createEngine, defaultPolicy } from '@pipkit/core';
import { sqliteStore } from '@pipkit/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from './cli.js';
import { runDemo } from './demo/runDemo.js';
import { capturedCli } from './__fixtures__/captured.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-unit-'));
const db = join(folder, 'demo.db');

const cli = capturedCli({ cwd: folder, stderrIsTty: true });

beforeAll(async () => {
  const store = sqliteStore({ path: db });
  await runDemo({ store });
  // A second PIP, so verifying the whole database has something to count.
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => new Date('2026-06-01T12:00:00Z') },
  });
  await engine.open(
    {
      pipId: 'pip-2026-0043',
      employee: { id: 'alan.turing', timeZone: 'Europe/London' },
      managerId: 'grace.hopper',
      policy: { id: defaultPolicy.id },
    },
    { actor: { id: 'grace.hopper', role: 'manager' } },
  );
  await store.close();
});

describe('runCli', () => {
  it('prints JSON for machines: show, list and the policy diagram', async () => {
    const show = await cli('show', 'pip-2026-0042', '--db', 'demo.db', '--json');
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ state: 'passed.completed', version: 22 });
    const list = await cli('list', '--db', db, '--json');
    expect((JSON.parse(list.stdout) as { pipId: string }[]).map((pip) => pip.pipId)).toEqual([
      'pip-2026-0042',
      'pip-2026-0043',
    ]);
    const draft = await cli('list', '--db', db, '--state', 'draft', '--json');
    expect((JSON.parse(draft.stdout) as { pipId: string }[]).map((pip) => pip.pipId)).toEqual([
      'pip-2026-0043',
    ]);
    const diagram = await cli('diagram', '--policy', 'default', '--json');
    const { policy, mermaid } = JSON.parse(diagram.stdout) as { policy: string; mermaid: string };
    expect(policy).toBe('pipkit-default@1');
    // The default policy needs HR approval: it never issues straight from draft.
    expect(mermaid).not.toContain('draft --> opened : ISSUED');
    expect(mermaid).toContain('pendingApproval --> opened : APPROVED');
  });

  it('shows a progress count on a terminal while verifying several PIPs, and none for one', async () => {
    const all = await cli('verify', '--db', db);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('All 2 PIP(s) verified');
    expect(all.stderr).toBe('\rverifying 1/2\rverifying 2/2\n');
    const one = await cli('verify', '--db', db, 'pip-2026-0043');
    expect(one.stderr).toBe('');
  });

  it('has help for every command', async () => {
    for (const command of COMMANDS) {
      const help = await cli(command.name, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout.startsWith(`Usage: ${command.usage}`)).toBe(true);
    }
    expect((await cli()).code).toBe(2);
  });

  it.each([
    [
      ['tick', '--db', db, '--now', 'next tuesday'],
      'pipkit tick: --now "next tuesday" is not an instant.',
    ],
    [['diagram', '--policy', 'usFederal1999'], 'pipkit diagram: Unknown preset "usFederal1999".'],
    [['list'], 'pipkit list: CLI_STORE_MISSING: list needs a store.'],
    [
      ['verify', '--db', 'missing.db'],
      `pipkit verify: CLI_STORE_NOT_FOUND: No database file at ${join(folder, 'missing.db')}.`,
    ],
    [['list', '--db', db, '--state', 'fired'], 'pipkit list: Unknown state "fired".'],
    [['list', '--db', db, '--colour'], "pipkit list: Unknown option '--colour'"],
    [['show', '--db', db], 'pipkit show: Missing argument.'],
    [['simulate', 'nowhere'], 'INVALID'],
    [
      ['simulate', '.', '--store', 'postgres'],
      'pipkit simulate: --store "postgres" is not a store.',
    ],
    [['demo', '--db', db], `pipkit demo: ${db} already exists.`],
    [['tick', '--db', db, '--policy', 'missing.yaml'], 'pipkit tick: Cannot read the policy file'],
  ])('%j exits 2 and says what is wrong and how to fix it', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    const said = message === 'INVALID' ? result.stdout : result.stderr;
    expect(said.startsWith(message)).toBe(true);
    if (message !== 'INVALID') expect(result.stderr.trim().split('\n').length).toBe(2);
  });
});
