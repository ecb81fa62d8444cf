/**
 * `pipkit worker` as a process: SIGTERM mid-run lets the round in flight finish, exits 0, and
 * leaves nothing half-done: every message it printed is marked delivered, and a second run
 * delivers the rest, none twice.
 */
import { type Actor, createEngine, defaultPolicy } from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import { sqliteStore } from '@pipkit/sqlite';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'pipkit-worker-'));
const file = join(folder, 'pips.db');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };

/** Issues `count` plans in March 2026: their messages are owed and their deadlines long due. */
async function seed(count: number): Promise<string[]> {
  const store = sqliteStore({ path: file });
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00Z'),
  });
  for (let i = 0; i < count; i++) {
    const pipId = `pip-${i}`;
    await engine.open(
      {
        pipId,
        employee: { id: `emp-${i}`, timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    await engine.dispatch(
      pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: manager },
    );
    await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
  }
  const pending = (await store.pendingOutbox(1000)).map((message) => message.id);
  await store.close();
  return pending;
}

interface WorkerRun {
  readonly code: number | null;
  readonly printed: string[];
  readonly events: { event: string; [key: string]: unknown }[];
}

/**
 * Runs `pipkit worker --json` on the file and sends SIGTERM once `stopWhen` says so, judging
 * from the messages printed and the events logged so far.
 */
function runWorker(stopWhen: (run: WorkerRun) => boolean): Promise<WorkerRun> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@pipkit/source',
      '--import',
      'tsx',
      'packages/cli/src/main.ts',
      'worker',
      '--db',
      file,
      '--poll',
      '600000',
      '--max-per-tenant',
      '2',
      '--json',
    ],
    { cwd: root, env: { ...process.env, INIT_CWD: root }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run = {
    code: null as number | null,
    printed: [] as string[],
    events: [] as WorkerRun['events'],
  };
  let signalled = false;
  const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      for (let at = buffered.indexOf('\n'); at !== -1; at = buffered.indexOf('\n')) {
        onLine(buffered.slice(0, at));
        buffered = buffered.slice(at + 1);
      }
      if (!signalled && stopWhen(run)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
  };
  lines(child.stdout, (line) => {
    const parsed = JSON.parse(line) as { message: { id: string } };
    run.printed.push(parsed.message.id);
  });
  lines(child.stderr, (line) => {
    run.events.push(JSON.parse(line) as WorkerRun['events'][number]);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ ...run, code }));
  });
}

describe('pipkit worker', () => {
  it('stops on SIGTERM after the round in flight, exits 0, and loses nothing it took', async () => {
    const owed = await seed(6);
    expect(owed.length).toBeGreaterThan(6);

    const first = await runWorker((run) => run.printed.length > 0);
    expect(first.code).toBe(0);
    const kinds = first.events.map((entry) => entry.event);
    const stopping = kinds.indexOf('stopping');
    expect(stopping).toBeGreaterThan(-1);
    // At most the round in flight ends after the signal, then the worker says it stopped.
    expect(kinds.slice(stopping + 1).filter((kind) => kind === 'round').length).toBeLessThanOrEqual(
      1,
    );
    expect(kinds.at(-1)).toBe('stopped');
    const rounds = first.events.filter((entry) => entry.event === 'round');
    expect(first.events.at(-1)).toMatchObject({
      event: 'stopped',
      rounds: rounds.length,
      delivered: first.printed.length,
    });
    // Every message it printed was marked before it exited: none is owed again.
    const store = sqliteStore({ path: file, readOnly: true });
    const stillOwed = (await store.pendingOutbox(1000)).map((message) => message.id);
    await store.close();
    expect(stillOwed.filter((id) => first.printed.includes(id))).toEqual([]);
    expect(stillOwed.length).toBeGreaterThan(0);

    // A second run delivers the rest once it is idle: every message exactly once across both.
    const second = await runWorker((run) =>
      run.events.some((entry) => entry.event === 'round' && entry.nextInMs === 600_000),
    );
    expect(second.code).toBe(0);
    const all = [...first.printed, ...second.printed];
    expect(new Set(all).size).toBe(all.length);
    expect(owed.filter((id) => !all.includes(id))).toEqual([]);
    const after = sqliteStore({ path: file, readOnly: true });
    expect(await after.pendingOutbox(1000)).toEqual([]);
    await after.close();
    const fired = [...first.events, ...second.events]
      .filter((entry) => entry.event === 'round')
      .reduce((sum, entry) => sum + (entry.fired as number), 0);
    expect(fired).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
