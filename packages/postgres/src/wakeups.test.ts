/**
 * Wake-ups across engines on the real server: a commit on one engine notifies the schema's
 * channel in its transaction, and a worker on another engine, listening through its own store,
 * runs a round at once instead of waiting for its poll (whose timer the test never moves).
 */
import {
  type Actor,
  createEngine,
  createWorker,
  defaultPolicy,
  type Engine,
  type Wakeup,
  type WorkerRound,
} from '@pipkit/core';
import { createManualTimers, createTestClock } from '@pipkit/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, testDatabase } from './__fixtures__/database.js';
import { postgresStore } from './postgresStore.js';
import { wakeupChannel } from './wakeups.js';

const db = testDatabase('wakeups');
afterAll(() => db.dropAll());

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
/** How long a test waits for something that must happen: a bound that fails it, never a sleep. */
const BOUND_MS = 5000;

/** Items that arrive over time, and a wait for the n-th that fails after {@link BOUND_MS}. */
function arrivals<T>() {
  const items: T[] = [];
  let wake = () => undefined as void;
  return {
    items,
    push(item: T) {
      items.push(item);
      wake();
    },
    until(count: number, what: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const bound = setTimeout(
          () => reject(new Error(`Waited for ${count} ${what}, saw ${items.length}.`)),
          BOUND_MS,
        );
        wake = () => {
          if (items.length < count) return;
          clearTimeout(bound);
          resolve();
        };
        wake();
      });
    },
  };
}

async function issue(engine: Engine, pipId: string): Promise<void> {
  await engine.open(
    {
      pipId,
      employee: { id: `emp-${pipId}`, timeZone: 'Europe/London' },
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

/** A raw `LISTEN` on `channel`, to read the payloads exactly as sent. */
async function rawListener(channel: string) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const heard = arrivals<string>();
  client.on('notification', (message) => heard.push(message.payload ?? ''));
  await client.query(`LISTEN "${channel}"`);
  return { heard, close: () => client.end() };
}

describe('postgres wake-ups', () => {
  it('wakes a worker on another engine within one wake-up of a commit, without its poll', async () => {
    const schema = db.newSchema();
    const writerStore = postgresStore({ pool: db.pool, schema });
    await writerStore.ready();
    const workerStore = postgresStore({ connectionString: PG_URL, schema });
    const clock = createTestClock('2026-03-02T15:00:00Z');
    const writer = createEngine({ store: writerStore, policies: [defaultPolicy], clock });
    const engine = createEngine({ store: workerStore, policies: [defaultPolicy], clock });
    const manual = createManualTimers();
    const rounds = arrivals<WorkerRound>();
    const delivered: string[] = [];
    const worker = createWorker({
      engine,
      deliver: (message) => void delivered.push(message.id),
      pollMs: 3_600_000,
      wakeups: workerStore.wakeups,
      timers: manual.timers,
      onRound: (round) => rounds.push(round),
    });
    const raw = await rawListener(wakeupChannel(schema));
    const running = worker.run();
    try {
      await rounds.until(1, 'rounds');
      expect(rounds.items[0]).toMatchObject({ cause: 'start', delivered: 0 });
      // The worker gives the event loop a turn after a round, then waits for its poll.
      for (let turn = 0; turn < 100 && manual.pending().length === 0; turn++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      expect(manual.pending()).toEqual([3_600_000]);

      await issue(writer, 'pip-1');
      await rounds.until(2, 'rounds');
      expect(rounds.items[1]?.cause).toBe('wakeup');
      expect(rounds.items[1]?.delivered).toBeGreaterThan(0);
      expect(delivered.every((id) => id.startsWith('pip-1:'))).toBe(true);
      // The poll never came: its timer was never moved, and the wake-up cut the wait short.
      await rounds.until(3, 'rounds');
      expect(rounds.items.slice(2).every((round) => round.cause !== 'poll')).toBe(true);

      // What the channel carried: the kind and the tenant, nothing about the PIP or a person.
      await raw.heard.until(1, 'notifications');
      for (const payload of raw.heard.items) {
        expect(Object.keys(JSON.parse(payload) as object).sort()).toEqual(['kind', 'tenant']);
        expect(JSON.parse(payload)).toMatchObject({ tenant: 'default' });
        expect(payload).not.toContain('emp-');
        expect(Buffer.byteLength(payload)).toBeLessThan(8000);
      }
    } finally {
      await worker.stop();
      await running;
      await raw.close();
      await workerStore.close();
      await writerStore.close();
    }
  });

  it('names the committing tenant, and a store with wakeups off sends nothing', async () => {
    const schema = db.newSchema();
    const quiet = postgresStore({ pool: db.pool, schema, wakeups: false });
    const store = postgresStore({ pool: db.pool, schema });
    expect(quiet.wakeups).toBeUndefined();
    await store.ready();
    const heard = arrivals<Wakeup>();
    const unsubscribe = store.wakeups?.subscribe((wakeup) => heard.push(wakeup));
    await store.wakeups?.ready?.();
    try {
      const clock = createTestClock('2026-03-02T15:00:00Z');
      await issue(createEngine({ store: quiet, policies: [defaultPolicy], clock }), 'pip-q');
      const loud = createEngine({ store, policies: [defaultPolicy], clock }).forTenant('globex');
      await issue(loud, 'pip-g');
      await heard.until(1, 'wake-ups');
      // Notifications arrive in commit order: had the quiet store sent one, it would be first.
      expect(heard.items[0]).toEqual({ kind: 'outbox', tenantId: 'globex' });
    } finally {
      unsubscribe?.();
      await store.close();
    }
  });

  it('listens again after its connection is killed, and wakes its subscribers for what it missed', async () => {
    const schema = db.newSchema();
    const store = postgresStore({
      pool: db.pool,
      schema,
      wakeups: { reconnect: { initialMs: 20, maxMs: 100 } },
    });
    await store.ready();
    const heard = arrivals<Wakeup>();
    const unsubscribe = store.wakeups?.subscribe((wakeup) => heard.push(wakeup));
    try {
      await store.wakeups?.ready?.();
      const killed = await db.pool.query(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND query = $1`,
        [`LISTEN "${wakeupChannel(schema)}"`],
      );
      expect(killed.rows).toEqual([{ ended: true }]);
      // Listening again, it tells its subscribers to look for work they may have missed.
      await heard.until(2, 'wake-ups');
      expect(heard.items.slice(0, 2)).toEqual([{ kind: 'timer' }, { kind: 'outbox' }]);
      const clock = createTestClock('2026-03-02T15:00:00Z');
      await issue(createEngine({ store, policies: [defaultPolicy], clock }), 'pip-1');
      await heard.until(3, 'wake-ups');
      expect(heard.items[2]).toEqual({ kind: 'outbox', tenantId: 'default' });
    } finally {
      unsubscribe?.();
      await store.close();
    }
  });
});
