import { compressEventJson, decompressEventJson } from '@pipkit/core/adapter';
import { sqliteStore } from '@pipkit/sqlite';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `pipkit` from source, exactly as `pnpm pipkit` does, and collects its exit code and output. */
function pipkit(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@pipkit/source', '--import', 'tsx', 'packages/cli/src/main.ts', ...args],
      { cwd: root, env: { ...process.env, INIT_CWD: root }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-test-'));
const db = join(folder, 'demo.db');
const tampered = join(folder, 'tampered.db');
const bundle = join(folder, 'bundle.json');
const wrongDate = join(folder, 'wrong-date.yaml');
const invalid = join(folder, 'invalid.yaml');
const PIP = 'pip-2026-0042';
const runs: Record<string, Run> = {};

beforeAll(async () => {
  // Every process costs about a second (tsx compiles the source), so they run side by side,
  // in three waves: the demo writes the database the others read.
  runs.demo = await pipkit('demo', '--db', db);
  copyFileSync(db, tampered);
  const store = sqliteStore({ path: tampered });
  const { database } = store;
  const row = database
    .prepare('SELECT event FROM pipkit_events WHERE pip_id = ? AND seq = 5')
    .get(PIP) as { event: Buffer };
  // Backdate the acknowledgement by a day: the kind of edit the hash chain exists to reveal
  // (events are stored compressed, so the edit is compressed again, as a careful forger would).
  const edited = (decompressEventJson(row.event) ?? '').replace(
    '2026-03-03T16:00:00.000Z',
    '2026-03-02T16:00:00.000Z',
  );
  database
    .prepare('UPDATE pipkit_events SET event = ? WHERE pip_id = ? AND seq = 5')
    .run(compressEventJson(edited), PIP);
  await store.close();
  const federal = readFileSync(
    `${root}examples/scenarios/federal-432-notice-and-appeal.yaml`,
    'utf8',
  );
  writeFileSync(wrongDate, federal.replace('endDate: 2026-03-31 }', 'endDate: 2026-04-01 }'));
  writeFileSync(
    invalid,
    federal.replace('command: { type: ACKNOWLEDGE }', 'command: { type: ACKNOWLEDGE, when: soon }'),
  );
  // The failures every command shares (bad flags, bad dates, unknown presets) are tested in
  // process, next to the code (packages/cli/src/cli.test.ts); these are the real processes.
  const waves: [string, string[]][][] = [
    [
      ['show', ['show', PIP, '--db', db]],
      ['timeline', ['timeline', PIP, '--db', db]],
      ['list', ['list', '--db', db, '--state', 'passed.completed']],
      ['tick', ['tick', '--db', db, '--now', '2027-01-01T00:00:00Z', '--json']],
      ['verify', ['verify', '--db', db]],
      ['verifyTampered', ['verify', '--db', tampered, '--json']],
      ['export', ['export', PIP, '--db', db, '--out', bundle, '--now', '2026-12-01T12:00:00Z']],
    ],
    [
      ['diagram', ['diagram']],
      ['verifyBundle', ['verify', '--bundle', bundle]],
      ['simulateWrong', ['simulate', wrongDate]],
      ['simulateInvalid', ['simulate', invalid, '--json']],
      ['help', ['--help']],
      ['unknownCommand', ['frobnicate']],
      ['unknownPip', ['show', 'pip-nope', '--db', db]],
    ],
  ];
  for (const wave of waves) {
    const results = await Promise.all(wave.map(([, args]) => pipkit(...args)));
    wave.forEach(([name], index) => {
      runs[name] = results[index] as Run;
    });
  }
}, 120_000);

const run = (name: string): Run => {
  const result = runs[name];
  if (!result) throw new Error(`no run named ${name}`);
  return result;
};

describe('pipkit demo (pnpm demo, the README main job)', () => {
  it('prints the PIP timeline, the refused premature termination and a verified audit chain', () => {
    const { code, stdout } = run('demo');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(
      `pipkit demo: one Performance Improvement Plan, start to finish (SQLite, ${db} store)`,
    );
    expect(stdout).toContain('approved and issued the plan');
    expect(stdout).toContain('may Grace propose termination now? No, engine.explain refuses it');
    expect(stdout).toContain('the watch window ended: the plan is complete');
    expect(lines.at(-2)).toMatch(/hash chain verified.*OK$/);
    expect(lines.at(-1)).toBe(
      `Reopened the database with a new store: ${PIP} is passed.completed at version 22; chain and replay verified. OK`,
    );
  });
});

describe('reading a database', () => {
  it("show prints the state and dates in the employee's zone, and --json the stored record", () => {
    expect(run('show').code).toBe(0);
    expect(run('show').stdout).toContain(`PIP ${PIP}: passed.completed (version 22`);
    expect(run('show').stdout).toContain(
      'Tue 3 Mar 2026 to Fri 22 May 2026 (originally Fri 1 May 2026)',
    );
  });

  it('timeline prints one line per event', () => {
    const { code, stdout } = run('timeline');
    expect(code).toBe(0);
    expect(stdout).toContain('Tue 3 Mar 2026 10:00 CST');
    expect(stdout.trim().split('\n')).toHaveLength(2 + 22);
  });

  it('list filters by state', () => {
    expect(run('list').code).toBe(0);
    expect(run('list').stdout).toContain(PIP);
    expect(run('list').stdout).toContain('1 PIP(s)');
  });

  it('tick sweeps as the system actor and finds nothing due on a finished plan', () => {
    expect(run('tick').code).toBe(0);
    expect(json(run('tick'))).toEqual({
      now: '2027-01-01T00:00:00.000Z',
      fired: [],
      skipped: [],
      faults: [],
    });
  });
});

describe('verify and export', () => {
  it('verifies every PIP of a database', () => {
    expect(run('verify').code).toBe(0);
    expect(run('verify').stdout).toContain('All 1 PIP(s) verified: 22 events. OK');
  });

  it('names the first edited event of a tampered database and exits 1', () => {
    const result = run('verifyTampered');
    expect(result.code).toBe(1);
    const report = json<{ ok: boolean; pips: { chain: { code: string; brokenAt: number } }[] }>(
      result,
    );
    expect(report.ok).toBe(false);
    expect(report.pips[0]?.chain).toMatchObject({ code: 'HASH_MISMATCH', brokenAt: 5 });
  });

  it('exports an evidence bundle that verifies on its own', () => {
    expect(run('export').code).toBe(0);
    const written = JSON.parse(readFileSync(bundle, 'utf8')) as {
      format: string;
      exportedAt: string;
      events: unknown[];
      verification: { ok: boolean };
      howToVerify: string[];
    };
    expect(written).toMatchObject({
      format: 'pipkit-evidence-bundle',
      exportedAt: '2026-12-01T12:00:00.000Z',
      verification: { ok: true },
    });
    expect(written.events).toHaveLength(22);
    expect(written.howToVerify.join(' ')).toContain('pipkit verify --bundle');
    expect(run('verifyBundle').code).toBe(0);
    expect(run('verifyBundle').stdout).toMatch(/^OK {6}pip-2026-0042: 22 events/);
  });
});

describe('diagram', () => {
  it('prints the lifecycle as Mermaid', () => {
    expect(run('diagram').code).toBe(0);
    expect(run('diagram').stdout).toMatch(/^stateDiagram-v2\n {2}\[\*\] --> draft\n/);
    expect(run('diagram').stdout).toContain('draft --> opened : ISSUED');
  });
});

describe('simulate failures', () => {
  it('exits 1 when an expectation fails and names it with its path', () => {
    const { code, stdout } = run('simulateWrong');
    expect(code).toBe(1);
    expect(stdout).toContain(
      'steps[2].expect.plan.endDate: plan endDate: expected 2026-04-01, got 2026-03-31',
    );
    expect(stdout).toContain('0 passed, 1 failed, 0 invalid');
  });

  it('exits 2 for an invalid scenario, naming the file, the path, the line and what was expected', () => {
    const { code, stdout } = run('simulateInvalid');
    expect(code).toBe(2);
    const report = json<{ invalid: { file: string; problems: unknown[] }[] }>(
      run('simulateInvalid'),
    );
    expect(report.invalid[0]?.file).toMatch(/invalid\.yaml$/);
    const line =
      readFileSync(invalid, 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('when: soon')) + 1;
    expect(report.invalid[0]?.problems).toEqual([
      { path: ['steps', 3, 'command'], message: 'Unrecognized key: "when"', line },
    ]);
    expect(stdout).not.toContain('    at ');
  });
});

describe('help and usage errors', () => {
  it('prints help for the CLI and for each command', () => {
    expect(run('help').code).toBe(0);
    for (const name of [
      'demo',
      'simulate',
      'show',
      'timeline',
      'list',
      'tick',
      'verify',
      'export',
      'diagram',
    ])
      expect(run('help').stdout).toContain(`  ${name}`);
  });

  it.each([
    ['unknownCommand', 'pipkit: Unknown command "frobnicate".'],
    ['unknownPip', 'pipkit show: No PIP "pip-nope" in this database.'],
  ])('%s: exits 2 with the problem and its fix, never a stack trace', (name, message) => {
    const { code, stderr, stdout } = run(name);
    expect(code).toBe(2);
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });
});
