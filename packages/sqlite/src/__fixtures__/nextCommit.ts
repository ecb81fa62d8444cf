/**
 * Test helper: builds the commit that appends one `DOCUMENTS_ATTACHED` event to a stored PIP, as
 * the engine would, so tests can drive the store's commit path directly.
 */
import { hashEvent, type PipStore } from '@pipkit/core';
import { type CommitRequest } from '@pipkit/core/adapter';
import { referenceActors } from '@pipkit/core/testing';
import { createHash } from 'node:crypto';

/** The next commit on `pipId`: one attached note named `ref`, at the PIP's current version. */
export async function nextCommit(
  store: PipStore,
  pipId: string,
  ref: string,
  extra: Partial<Pick<CommitRequest, 'timers' | 'outbox' | 'idempotency' | 'expectedVersion'>> = {},
): Promise<CommitRequest> {
  const record = await store.load(pipId);
  if (!record) throw new Error(`no PIP ${pipId}`);
  const event = {
    type: 'DOCUMENTS_ATTACHED' as const,
    at: '2026-07-03T00:00:00.000Z',
    actor: referenceActors.hr,
    documents: [{ kind: 'note', ref, sha256: createHash('sha256').update(ref).digest('hex') }],
  };
  const seq = record.version + 1;
  const hash = hashEvent(pipId, seq, event, record.lastHash);
  return {
    pipId,
    expectedVersion: record.version,
    record: { ...record, version: seq, lastHash: hash },
    events: [{ pipId, seq, event, prevHash: record.lastHash, hash }],
    timers: { set: [], clear: [] },
    outbox: [],
    ...extra,
  };
}
