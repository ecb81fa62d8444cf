import type { PipStore } from '@pipkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRequest, openPip } from './__fixtures__/append.js';
import { testDatabase } from './__fixtures__/database.js';
import type { PgPool } from './pgDriver.js';
import { postgresStore } from './postgresStore.js';

const db = testDatabase('batch');
afterAll(() => db.dropAll());

/** A store on the shared pool that records which commit function each statement called. */
function recordingStore(): { store: ReturnType<typeof postgresStore>; calls: string[] } {
  const calls: string[] = [];
  const pool: PgPool = {
    query: (text: string, values?: unknown[]) => {
      const called = /pipkit_(commit_all|commit_many)\(/.exec(text);
      if (called) calls.push(called[1] as string);
      return db.pool.query(text, values);
    },
    connect: () => db.pool.connect(),
    end: () => Promise.resolve(),
  };
  return { store: postgresStore({ pool, schema: db.newSchema() }), calls };
}

async function twoPips(store: PipStore) {
  await openPip(store, 'pip-a');
  await openPip(store, 'pip-b');
  const a = await appendRequest(store, 1, 'a', 'pip-a');
  const b = await appendRequest(store, 1, 'b', 'pip-b');
  return { a, b };
}

describe('postgres commitMany', () => {
  it('commits a batch nothing refuses in one statement, without a subtransaction per request', async () => {
    const { store, calls } = recordingStore();
    const { a, b } = await twoPips(store);
    expect(await store.commitMany([a, b])).toEqual([undefined, undefined]);
    expect(calls).toEqual(['commit_all']);
    expect((await store.load('pip-a'))?.version).toBe(2);
    expect((await store.load('pip-b'))?.version).toBe(2);
  });

  it('commits the batch again request by request when one is refused, so only that one fails', async () => {
    const { store, calls } = recordingStore();
    const { a, b } = await twoPips(store);
    const stale = { ...b, idempotency: { ...b.idempotency, key: 'other' } };
    await store.commit(b);
    const outcomes = await store.commitMany([a, stale]);
    expect(calls).toEqual(['commit_all', 'commit_many']);
    expect(outcomes[0]).toBeUndefined();
    expect(outcomes[1]).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect((await store.readEvents('pip-a')).map((event) => event.seq)).toEqual([1, 2]);
    expect((await store.readEvents('pip-b')).map((event) => event.seq)).toEqual([1, 2]);
  });
});
