import { createEngine, defaultPolicy, type PipRecord, verifyHistory } from '@pipkit/core';
import Database from 'better-sqlite3';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from './sqliteStore.js';

/**
 * The reliability test: a real engine writes to a SQLite file in a child process that is killed
 * with SIGKILL at random moments, at least 200 times, each time reopening the same file. Every command the
 * child acknowledged must survive, and no command may be half written.
 */

/** 200 is the floor; `PIPKIT_CRASH_CYCLES=2000` runs a longer soak (it never lowers the count). */
const CYCLES = Math.max(200, Number(process.env.PIPKIT_CRASH_CYCLES ?? 0) || 0);
/** Writers loading in the background while one writes: startup (~1 s of tsx) dominates a cycle. */
const PRELOADED_WRITERS = 2;
/**
 * Most cycles kill 0-120 ms after the first acknowledgement, mid-stream of commits. Free: the next
 * writers are still loading meanwhile.
 */
const MAX_KILL_DELAY_MS = 120;
/** Some cycles kill 0-15 ms after the go signal instead: during open, WAL recovery, first commit. */
const EARLY_KILL_SHARE = 0.1;
const EARLY_KILL_MAX_MS = 15;
const SEED = 0x5eed_2026;

const repositoryRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const writerScript = fileURLToPath(new URL('./__fixtures__/crashWriter.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'pipkit-crash-'));
const file = join(directory, 'crash.db');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Acknowledgement {
  readonly pipId: string;
  readonly version: number;
}

interface Writer {
  readonly cycle: number;
  readonly child: ChildProcessWithoutNullStreams;
  /** Complete lines only: a line cut by the kill was never acknowledged. */
  readonly acknowledged: Acknowledgement[];
  readonly ready: Promise<void>;
  readonly firstAcknowledgement: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** A promise that is marked handled (it may reject unobserved) but still rejects when awaited. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function startWriter(cycle: number): Writer {
  const child = spawn(
    process.execPath,
    ['--conditions=@pipkit/source', '--import', 'tsx', writerScript, file, String(cycle)],
    { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const acknowledged: Acknowledgement[] = [];
  let stderr = '';
  let onReady = (): void => undefined;
  let onFirst = (): void => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const first = new Promise<void>((resolve) => (onFirst = resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // A writer that dies before we kill it fails the test with its stderr.
  const died = quietly(
    exited.then(({ code, signal }) => {
      throw new Error(
        `writer ${cycle} exited by itself (code ${code}, signal ${signal}):\n${stderr}`,
      );
    }),
  );
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line === 'ready') onReady();
      else {
        const [pipId, version] = line.split(' ');
        acknowledged.push({ pipId: pipId as string, version: Number(version) });
        onFirst();
      }
      newline = pending.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  return {
    cycle,
    child,
    acknowledged,
    ready: quietly(Promise.race([ready, died])),
    firstAcknowledgement: quietly(Promise.race([first, died])),
    exited,
    stderr: () => stderr,
  };
}

/** Waits for the child's own clock to pass; the writer keeps committing meanwhile. */
const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('crash loop', () => {
  it(`loses no acknowledged command and leaves no partial command across ${CYCLES} SIGKILLs`, async () => {
    const random = seededRandom(SEED);
    const started = performance.now();
    const acknowledged: Acknowledgement[] = [];
    const queue: Writer[] = [];
    let spawned = 0;
    const refill = () => {
      while (queue.length < PRELOADED_WRITERS + 1 && spawned < CYCLES) {
        queue.push(startWriter(spawned));
        spawned += 1;
      }
    };
    let earlyKills = 0;
    refill();
    try {
      for (let cycle = 0; cycle < CYCLES; cycle += 1) {
        const writer = queue.shift() as Writer;
        refill();
        await writer.ready;
        const early = random() < EARLY_KILL_SHARE;
        const delay = Math.floor(random() * ((early ? EARLY_KILL_MAX_MS : MAX_KILL_DELAY_MS) + 1));
        writer.child.stdin.write('go\n');
        if (early) earlyKills += 1;
        else await writer.firstAcknowledgement;
        await after(delay);
        writer.child.kill('SIGKILL');
        const { signal } = await writer.exited;
        if (signal !== 'SIGKILL')
          throw new Error(`writer ${cycle} ended early:\n${writer.stderr()}`);
        acknowledged.push(...writer.acknowledged);
      }
    } finally {
      // On a failure, do not leave preloaded writers behind.
      for (const waiting of queue) waiting.child.kill('SIGKILL');
    }
    const loopSeconds = (performance.now() - started) / 1000;

    // Raw checks, straight from the file, as an auditor would read it.
    const database = new Database(file, { readonly: true });
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(database.pragma('foreign_key_check')).toEqual([]);
      const events = database
        // Hashes are stored as their 32 bytes (schema 4); read them as the hex the record keeps.
        .prepare(
          'SELECT pip_id AS pipId, seq, lower(hex(hash)) AS hash FROM pipkit_events ORDER BY pip_id, seq',
        )
        .all() as { pipId: string; seq: number; hash: string }[];
      const stored = new Set(events.map((event) => `${event.pipId} ${event.seq}`));
      const lost = acknowledged.filter((ack) => !stored.has(`${ack.pipId} ${ack.version}`));
      expect(lost).toEqual([]);

      const pips = database
        .prepare('SELECT pip_id AS pipId, version, record FROM pipkit_pips ORDER BY pip_id')
        .all() as { pipId: string; version: number; record: string }[];
      const byPip = new Map<string, typeof events>();
      for (const event of events) {
        const log = byPip.get(event.pipId) ?? [];
        log.push(event);
        byPip.set(event.pipId, log);
      }
      const partial: string[] = [];
      for (const pip of pips) {
        const record = JSON.parse(pip.record) as PipRecord;
        const log = byPip.get(pip.pipId) ?? [];
        const contiguous = log.every((event, index) => event.seq === index + 1);
        const last = log[log.length - 1];
        if (
          !contiguous ||
          record.version !== pip.version ||
          record.version !== log.length ||
          record.version !== last?.seq ||
          record.lastHash !== last.hash
        ) {
          partial.push(pip.pipId);
        }
      }
      expect(partial).toEqual([]);
      // No events without a PIP row (an append whose envelope was lost).
      expect([...byPip.keys()].filter((pipId) => !pips.some((pip) => pip.pipId === pipId))).toEqual(
        [],
      );
    } finally {
      database.close();
    }

    // Then through pipkit: the hash chain with its head, and the replay of every PIP.
    const store = sqliteStore({ path: file });
    try {
      const engine = createEngine({ store, policies: [defaultPolicy] });
      const hr = { id: 'hr-1', role: 'hr' } as const;
      const records: PipRecord[] = [];
      for (;;) {
        const page = await store.list({ limit: 1000, afterPipId: records.at(-1)?.pipId ?? '' });
        if (page.length === 0) break;
        records.push(...page);
      }
      expect(records.length).toBeGreaterThan(CYCLES / 2);
      for (const record of records) {
        const history = await store.readEvents(record.pipId);
        const chain = verifyHistory(history, {
          pipId: record.pipId,
          head: { version: record.version, lastHash: record.lastHash },
        });
        expect(chain, record.pipId).toMatchObject({ ok: true });
        expect((await engine.verify(record.pipId, { actor: hr })).ok, record.pipId).toBe(true);
      }
      const totalEvents = records.reduce((sum, record) => sum + record.version, 0);
      const elapsed = (performance.now() - started) / 1000;
      console.log(
        `crash loop: ${CYCLES} SIGKILL cycles (${earlyKills} early), ` +
          `${acknowledged.length} acknowledged commands, 0 lost, 0 partial; ` +
          `${records.length} PIPs, ${totalEvents} events, integrity ok; ` +
          `loop ${loopSeconds.toFixed(1)} s, total ${elapsed.toFixed(1)} s (seed ${SEED})`,
      );
    } finally {
      await store.close();
    }
  }, 900_000);
});
