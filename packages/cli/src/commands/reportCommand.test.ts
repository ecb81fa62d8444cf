import {
  type Actor,
  createEngine,
  defaultPolicy,
  type Engine,
  memoryStore,
  type PipStore,
} from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import { sqliteStore } from '@pipkit/sqlite';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { capturedCli } from '../__fixtures__/captured.js';
import type { CliIo } from '../io.js';
import { printReport, writeHtmlReport } from './reportOutput.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-report-'));
const cli = capturedCli({ cwd: folder });
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) };

/** Three PIPs: two whose acknowledgement goes overdue (managers a and b), one closed in March. */
async function seed(store: PipStore): Promise<Engine> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store, policies: [defaultPolicy], clock });
  const pips = [
    ['late-a', 'mgr-a'],
    ['late-b', 'mgr-b'],
    ['gone', 'mgr-a'],
  ] as const;
  for (const [pipId, managerId] of pips) {
    const manager: Actor = { id: managerId, role: 'manager' };
    await engine.open(
      {
        pipId,
        employee: { id: `emp-${pipId}`, timeZone: 'Europe/Berlin' },
        managerId,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Ship', measure: 'weekly' }],
        documents: [plan],
      },
      { actor: manager },
    );
    await engine.dispatch(pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
  }
  clock.set('2026-03-20T15:00:00Z');
  await engine.tick();
  await engine.dispatch('gone', { type: 'CLOSE', reason: 'resigned' }, { actor: hr });
  return engine;
}

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (text) => (out += text),
      stderr: (text) => (err += text),
      stderrIsTty: false,
      cwd: folder,
      now: () => new Date('2026-04-01T08:00:00Z'),
    },
    out: () => out,
    err: () => err,
  };
}

let engine: Engine;

beforeAll(async () => {
  engine = await seed(memoryStore());
  const store = sqliteStore({ path: join(folder, 'pips.db') });
  await seed(store);
  await store.close();
});

describe('pipkit report output (memory store)', () => {
  it('prints a report as a table, as JSON and as CSV with German columns', async () => {
    const table = capture();
    expect(await printReport(table.io, engine, { name: 'openByState' }, 'table', 'en')).toBe(0);
    expect(table.out()).toBe('state   count\nopened  2\nopenByState: 1 row(s)\n');
    const json = capture();
    await printReport(json.io, engine, { name: 'outcomesByMonth' }, 'json', 'en');
    expect(JSON.parse(json.out())).toMatchObject({
      name: 'outcomesByMonth',
      rows: [{ month: '2026-03', status: 'closed', reason: 'resigned', count: 1 }],
    });
    const csv = capture();
    await printReport(csv.io, engine, { name: 'overdueByKind' }, 'csv', 'de');
    expect(csv.out()).toBe(
      '"Art","Anzahl","am längsten überfällig seit"\r\n"acknowledgement",2,"2026-03-20T15:00:00.000Z"\r\n',
    );
  });

  it("writes the HTML page with every overdue PIP, or one manager's", async () => {
    const all = capture();
    const out = join(folder, 'all.html');
    const options = { out, locale: 'de', generatedAt: new Date('2026-04-01T08:00:00Z') };
    expect(await writeHtmlReport(all.io, engine, options, false)).toBe(0);
    expect(all.out()).toBe(`Wrote ${out}: 2 overdue PIP(s), 1 outcome row(s).\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<th scope="row">late-a</th>');
    expect(html).toContain('<th scope="row">late-b</th>');
    expect(html).toContain('Überfällige Pläne');
    const one = capture();
    const mine = join(folder, 'mine.html');
    await writeHtmlReport(one.io, engine, { ...options, out: mine, managerId: 'mgr-b' }, true);
    expect(JSON.parse(one.out())).toMatchObject({ overdue: 1, outcomeRows: 0, hidden: 0 });
    expect(readFileSync(mine, 'utf8')).not.toContain('late-a');
  });
});

describe('a store without the read side', () => {
  it('says the store cannot run reports and how to fix it (exit code 2)', async () => {
    const store = memoryStore();
    const lacking = new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'queryPips' || key === 'reportPips'
          ? undefined
          : (Reflect.get(target, key, receiver) as unknown),
    });
    const bare = createEngine({ store: lacking, policies: [defaultPolicy] });
    const options = { out: join(folder, 'never.html'), locale: 'en', generatedAt: new Date() };
    await expect(
      printReport(capture().io, bare, { name: 'openByState' }, 'csv', 'en'),
    ).rejects.toThrow("This database's store cannot run queries and reports");
    await expect(writeHtmlReport(capture().io, bare, options, false)).rejects.toThrow(
      /cannot run queries and reports \(This store cannot run queries/,
    );
  });
});

describe('pipkit report on a database', () => {
  it.each([
    [[], 'Give --name <report> or --html <out.html>.'],
    [['--name', 'openByState', '--html', 'x.html'], 'Give --name or --html, not both.'],
    [['--name', 'everything'], '--name: unknown report "everything"'],
    [['--name', 'longPlans'], '--over-days is required for longPlans.'],
    [['--name', 'openByState', '--over-days', '3'], '--over-days belongs to longPlans only.'],
    [['--name', 'longPlans', '--over-days', 'ten'], '--over-days "ten" is not a whole number'],
    [['--name', 'openByState', '--filter', '{states:'], '--filter is not JSON.'],
    [['--name', 'openByState', '--format', 'xml'], '--format: unknown format "xml"'],
    [['--name', 'openByState', '--locale', 'fr'], '--locale: no catalogue for "fr"'],
    [['--name', 'openByState', '--manager', 'mgr-a'], '--manager does not apply to --name'],
    [['--html', 'x.html', '--format', 'csv'], '--format does not apply to --html'],
  ])('refuses %j with exit code 2 and says why', async (args, message) => {
    const run = await cli('report', '--db', 'pips.db', ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.all).not.toMatch(/\n\s+at /);
  });

  it('names a wrong field of --filter, without a stack trace', async () => {
    const run = await cli(
      'report',
      '--db',
      'pips.db',
      '--name',
      'openByState',
      '--filter',
      '{"states":["happy"]}',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('at filter.states');
    expect(run.all).not.toMatch(/\n\s+at /);
  });

  it('prints a report and writes the page for one manager', async () => {
    const csv = await cli('report', '--db', 'pips.db', '--name', 'openByState', '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('"state","count"\r\n"opened",2\r\n');
    const page = await cli(
      'report',
      '--db',
      'pips.db',
      '--html',
      'page.html',
      '--manager',
      'mgr-a',
    );
    expect(page.code).toBe(0);
    expect(page.stdout).toContain('1 overdue PIP(s), 1 outcome row(s).');
    const html = readFileSync(join(folder, 'page.html'), 'utf8');
    expect(html).toContain('<th scope="row">late-a</th>');
    expect(html).not.toContain('late-b');
  });
});
