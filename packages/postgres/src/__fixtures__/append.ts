import { createEngine, defaultPolicy, GENESIS_HASH, hashEvent, type PipStore } from '@pipkit/core';
import { type CommitRequest, type IdempotencyRecord } from '@pipkit/core/adapter';
import { hr, manager, PIP_ID, sha } from './lifecycle.js';

/** A commit appending one document event to a PIP (the lifecycle's by default) at `expectedVersion`. */
export async function appendRequest(
  store: PipStore,
  expectedVersion: number,
  ref: string,
  pipId: string = PIP_ID,
): Promise<CommitRequest & { readonly idempotency: IdempotencyRecord }> {
  const record = await store.load(pipId);
  if (!record) throw new Error('no PIP');
  const [previous] = await store.readEvents(pipId, { afterSeq: expectedVersion - 1 });
  const event = {
    type: 'DOCUMENTS_ATTACHED' as const,
    at: '2026-07-03T00:00:00.000Z',
    actor: hr,
    documents: [{ kind: 'note', ref, sha256: sha(ref) }],
  };
  const seq = expectedVersion + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  const hash = hashEvent(pipId, seq, event, prevHash);
  return {
    pipId: pipId,
    expectedVersion,
    record: { ...record, version: seq, lastHash: hash },
    events: [{ pipId: pipId, seq, event, prevHash, hash }],
    timers: { set: [], clear: [] },
    outbox: [
      {
        id: `${pipId}:${seq}:0`,
        pipId: pipId,
        type: 'notification',
        payload: {},
        createdAt: event.at,
      },
    ],
    idempotency: {
      key: `append-${ref}`,
      pipId: pipId,
      requestHash: 'c'.repeat(64),
      version: seq,
      seqs: [seq],
    },
  };
}

/** Opens a PIP with this id (a draft at version 1 or more), as a manager, on `store`. */
export async function openPip(store: PipStore, pipId: string): Promise<void> {
  const engine = createEngine({ store, policies: [defaultPolicy] });
  await engine.open(
    {
      pipId,
      employee: { id: `emp-${pipId}`, timeZone: 'Europe/Berlin' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
    },
    { actor: manager },
  );
}
