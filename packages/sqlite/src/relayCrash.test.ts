import { createEngine, defaultPolicy, type PipStore } from '@pipkit/core';
import { referenceDocument } from '@pipkit/core/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from './sqliteStore.js';

/**
 * At-least-once delivery across worker crashes: a relay worker in a child process is killed with
 * SIGKILL while its handler holds a message (delivered, not yet marked), a handful of times, and
 * restarted on the same file. Every message must be handed over again with the same id, no
 * attempt the kill interrupted may count, and a message that keeps failing is dead-lettered once.
 */

const repositoryRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const workerScript = fileURLToPath(new URL('./__fixtures__/relayWorker.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'pipkit-relay-crash-'));
const file = join(directory, 'relay.db');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const PIPS = ['pip-0', 'pip-1', 'pip-2', 'pip-3'];
/** Each run is killed when it hands over its n-th message; the last run finishes. */
const KILL_AT = [1, 2, 3, 1, 4];
const hr = { id: 'hr-1', role: 'hr' } as const;
const manager = { id: 'mgr-1', role: 'manager' } as const;

/** Four PIPs through approval: two messages each (approval requested, issued). */
async function seed(store: PipStore): Promise<string[]> {
  const engine = createEngine({ store, policies: [defaultPolicy] });
  for (const pipId of PIPS) {
    await engine.open(
      {
        pipId,
        employee: { id: `emp-${pipId}`, timeZone: 'Europe/Berlin' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Ship the report', measure: 'Weekly, on time' }],
        documents: [referenceDocument('planDocument', pipId)],
      },
      { actor: manager },
    );
    await engine.dispatch(pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
  }
  return (await store.pendingOutbox(100)).map((message) => message.id);
}

/** Runs one worker: acknowledges each handed-over message, or kills the worker at `killAt`. */
function runWorker(run: number, killAt: number | undefined) {
  const child = spawn(
    process.execPath,
    ['--conditions=@pipkit/source', '--import', 'tsx', workerScript, file, String(run)],
    { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const handedOver: string[] = [];
  let killed: string | undefined;
  let stderr = '';
  let buffered = '';
  let done = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line === 'done') done = true;
      if (!line.startsWith('deliver ')) continue;
      const id = line.slice('deliver '.length);
      handedOver.push(id);
      if (handedOver.length === killAt) {
        killed = id;
        child.kill('SIGKILL');
      } else {
        child.stdin.write('ok\n');
      }
    }
  });
  return new Promise<{
    handedOver: string[];
    killed?: string;
    signal: string | null;
    done: boolean;
  }>((settle, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      if (killAt === undefined && code !== 0) fail(new Error(`worker ${run} failed:\n${stderr}`));
      else settle({ handedOver, ...(killed ? { killed } : {}), signal, done });
    });
  });
}

describe('relay worker crashes', () => {
  it('redelivers a message killed mid-delivery with the same id, counts no interrupted attempt, and dead-letters a failing one once', async () => {
    const seeding = sqliteStore({ path: file });
    const ids = await seed(seeding);
    await seeding.close();
    expect(ids).toHaveLength(8);

    const handed = new Map<string, number>();
    const kills = new Map<string, number>();
    const runs = [...KILL_AT, undefined];
    for (const [run, killAt] of runs.entries()) {
      const result = await runWorker(run, killAt);
      for (const id of result.handedOver) handed.set(id, (handed.get(id) ?? 0) + 1);
      if (killAt !== undefined) {
        expect(result.signal).toBe('SIGKILL');
        expect(result.killed).toBeDefined();
        kills.set(result.killed as string, (kills.get(result.killed as string) ?? 0) + 1);
      } else {
        expect(result.done).toBe(true);
      }
    }

    // Stable ids: nothing but the stored messages was handed over.
    expect([...handed.keys()].sort()).toEqual([...ids].sort());
    // At least once, and exactly: one handover per attempt the store counted, plus one per kill.
    for (const id of ids) {
      const attempts = id.startsWith('pip-0:') ? 2 : 1;
      expect(handed.get(id), id).toBe(attempts + (kills.get(id) ?? 0));
    }
    expect([...kills.values()].reduce((sum, count) => sum + count, 0)).toBe(KILL_AT.length);

    const store = sqliteStore({ path: file });
    const engine = createEngine({ store, policies: [defaultPolicy] });
    expect(await store.pendingOutbox(100)).toEqual([]);
    const failing = ids.filter((id) => id.startsWith('pip-0:'));
    const letters = await engine.deadLetters({}, { actor: hr });
    expect(letters.deadLetters.map((letter) => letter.id)).toEqual(failing);
    const recorded = (await store.readEvents('pip-0'))
      .map((stored) => stored.event)
      .filter((event) => event.type === 'MESSAGE_DEAD_LETTERED');
    expect(recorded.map((event) => 'messageId' in event && event.messageId)).toEqual(failing);
    for (const pipId of PIPS) {
      expect((await engine.verify(pipId, { actor: hr })).ok, pipId).toBe(true);
    }
    await store.close();
  }, 60_000);
});
