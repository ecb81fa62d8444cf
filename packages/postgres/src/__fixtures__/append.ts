import {
  type CommitRequest,
  GENESIS_HASH,
  hashEvent,
  type IdempotencyRecord,
  type PipStore,
} from '@pipkit/core';
import { hr, PIP_ID, sha } from './lifecycle.js';

/** A commit appending one document event to the lifecycle's PIP at `expectedVersion`. */
export async function appendRequest(
  store: PipStore,
  expectedVersion: number,
  ref: string,
): Promise<CommitRequest & { readonly idempotency: IdempotencyRecord }> {
  const record = await store.load(PIP_ID);
  if (!record) throw new Error('no PIP');
  const [previous] = await store.readEvents(PIP_ID, { afterSeq: expectedVersion - 1 });
  const event = {
    type: 'DOCUMENTS_ATTACHED' as const,
    at: '2026-07-03T00:00:00.000Z',
    actor: hr,
    documents: [{ kind: 'note', ref, sha256: sha(ref) }],
  };
  const seq = expectedVersion + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  const hash = hashEvent(PIP_ID, seq, event, prevHash);
  return {
    pipId: PIP_ID,
    expectedVersion,
    record: { ...record, version: seq, lastHash: hash },
    events: [{ pipId: PIP_ID, seq, event, prevHash, hash }],
    timers: { set: [], clear: [] },
    outbox: [
      {
        id: `${PIP_ID}:${seq}:0`,
        pipId: PIP_ID,
        type: 'notification',
        payload: {},
        createdAt: event.at,
      },
    ],
    idempotency: {
      key: `append-${ref}`,
      pipId: PIP_ID,
      requestHash: 'c'.repeat(64),
      version: seq,
      seqs: [seq],
    },
  };
}
