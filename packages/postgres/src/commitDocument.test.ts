import { isPipkitError } from '@pipkit/core';
import { decompressEventJson } from '@pipkit/core/adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRequest } from './__fixtures__/append.js';
import { testDatabase } from './__fixtures__/database.js';
import { PIP_ID, runLifecycle } from './__fixtures__/lifecycle.js';
import { postgresStore, type PostgresStore } from './postgresStore.js';

const db = testDatabase('document');
afterAll(() => db.dropAll());

const freshStore = (): PostgresStore => postgresStore({ pool: db.pool, schema: db.newSchema() });

describe('postgres commit as one jsonb document', () => {
  it('declares pipkit_commit(text, jsonb) and pipkit_commit_many(text, jsonb) only', async () => {
    const store = freshStore();
    await store.ready();
    const { rows } = await db.pool.query(
      `SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND p.proname IN ('pipkit_commit', 'pipkit_commit_many')
        ORDER BY p.proname`,
      [store.schema],
    );
    expect(rows).toEqual([
      { proname: 'pipkit_commit', args: 'p_tenant text, p_request jsonb' },
      { proname: 'pipkit_commit_many', args: 'p_tenant text, p_requests jsonb' },
    ]);
  });

  it('stores the record, events and payloads as the exact JSON text the engine wrote (events compressed)', async () => {
    const store = freshStore();
    await runLifecycle(store);
    const version = (await store.load(PIP_ID))?.version ?? 0;
    const ref = 'é \u2028 "quoted" \\ back\u0000slash';
    const appended = await appendRequest(store, version, ref);
    const request = { ...appended, idempotency: { ...appended.idempotency, key: 'exact' } };
    await store.commit(request);
    const s = `"${store.schema}"`;
    const pip = await db.pool.query(`SELECT record FROM ${s}.pipkit_pips WHERE pip_id = $1`, [
      PIP_ID,
    ]);
    expect((pip.rows[0] as { record: string }).record).toBe(JSON.stringify(request.record));
    const event = await db.pool.query(
      `SELECT event, event_deflated FROM ${s}.pipkit_events WHERE pip_id = $1 AND seq = $2`,
      [PIP_ID, version + 1],
    );
    const row = event.rows[0] as { event: string | null; event_deflated: Buffer };
    expect(row.event).toBeNull();
    expect(decompressEventJson(row.event_deflated)).toBe(JSON.stringify(request.events[0]?.event));
    expect(await store.getIdempotency(request.idempotency.key)).toEqual(request.idempotency);
  });

  it('refuses a reused key before a stale version, alone and in a batch, as core says', async () => {
    const store = freshStore();
    await runLifecycle(store);
    const version = (await store.load(PIP_ID))?.version ?? 0;
    const first = await appendRequest(store, version, 'first');
    // Decided from the same version as `first`, which wins: stale once it is committed.
    const replay = await appendRequest(store, version, 'again');
    await store.commit(first);
    // A recorded key at a stale version: the key is reported, not the version.
    const reused = {
      ...replay,
      idempotency: { ...replay.idempotency, key: first.idempotency.key },
    };
    const alone = await store.commit(reused).catch((error: unknown) => error);
    expect(isPipkitError(alone, 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
    // A fresh key at the stale version: a version conflict naming the version found.
    const [inBatch, stale] = await store.commitMany([reused, replay]);
    expect(isPipkitError(inBatch, 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
    expect(isPipkitError(stale, 'VERSION_CONFLICT')).toBe(true);
    expect(stale).toMatchObject({ expectedVersion: version, actualVersion: version + 1 });
    expect((await store.load(PIP_ID))?.version).toBe(version + 1);
  });

  it('refuses a request holding a NUL in a plain string in its own slot only', async () => {
    const store = freshStore();
    await runLifecycle(store);
    const version = (await store.load(PIP_ID))?.version ?? 0;
    const good = await appendRequest(store, version, 'good');
    const bad = { ...good, idempotency: { ...good.idempotency, key: 'nul\u0000key' } };
    const [refused] = await store.commitMany([bad]);
    expect(refused).toBeInstanceOf(Error);
    expect(await store.commitMany([good])).toEqual([undefined]);
  });
});
