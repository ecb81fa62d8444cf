import { isPipkitError } from '@pipkit/core';
import { REFERENCE_PIP_ID, runReferenceLifecycle } from '@pipkit/core/testing';
import { describe, expect, it } from 'vitest';
import { nextCommit } from './__fixtures__/nextCommit.js';
import { sqliteStore } from './sqliteStore.js';

const PIP_ID = REFERENCE_PIP_ID;
const keyed = (key: string, version: number) => ({
  idempotency: { key, pipId: PIP_ID, requestHash: 'a'.repeat(64), version, seqs: [version] },
});

describe('commit preconditions on SQLite', () => {
  it('answers a reused key before a stale version, in commit and in commitMany', async () => {
    const store = sqliteStore({ path: ':memory:' });
    await runReferenceLifecycle(store);
    const start = (await store.load(PIP_ID))?.version ?? 0;
    // Two requests decided on the same read, under one key: the second is a retry.
    const first = await nextCommit(store, PIP_ID, 'first', keyed('k-1', start + 1));
    const retry = await nextCommit(store, PIP_ID, 'retry', keyed('k-1', start + 1));
    await store.commit(first);
    // The retry breaks both rules (its key is recorded, its version is stale): the key wins.
    const error: unknown = await store.commit(retry).catch((caught: unknown) => caught);
    expect(isPipkitError(error, 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
    const [slot] = await (store.commitMany?.([retry]) ?? Promise.resolve([]));
    expect(isPipkitError(slot, 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
    // A new key at a stale version is a version conflict naming the version found.
    const stale = { ...retry, ...keyed('k-2', start + 1) };
    const conflict: unknown = await store.commit(stale).catch((caught: unknown) => caught);
    expect(conflict).toMatchObject({ code: 'VERSION_CONFLICT', actualVersion: start + 1 });
    expect((await store.load(PIP_ID))?.version).toBe(start + 1);
    await store.close();
  });
});
