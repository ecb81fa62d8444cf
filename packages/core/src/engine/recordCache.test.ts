import { describe, expect, it } from 'vitest';
import { VersionConflictError } from '../errors/pipkitError.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import type { Actor } from '../model/actor.js';
import { memoryStore } from '../store/memoryStore.js';
import type { PipStore } from '../store/pipStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';
import type { EngineOptions } from './engineApi.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const note = (ref: string) => ({ kind: 'note', ref, sha256: 'b'.repeat(64) });

/** A store that counts `load` calls, to see which dispatches read first. */
function countingStore(inner: PipStore) {
  const counts = { load: 0 };
  const store: PipStore = {
    ...inner,
    load: (pipId) => {
      counts.load += 1;
      return inner.load(pipId);
    },
  };
  return { store, counts };
}

/** Two engines (two service instances) on one store, and a PIP opened by the first. */
async function twoEngines(extra: Partial<EngineOptions> = {}) {
  const shared = countingStore(memoryStore());
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const options = { store: shared.store, policies: [defaultPolicy], clock, ...extra };
  const a = createEngine({ ...options, ids: () => 'pip-1' });
  const b = createEngine(options);
  await a.open(
    {
      employee: { id: employee.id, timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  await a.dispatch('pip-1', { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] }, { actor: manager });
  return { a, b, counts: shared.counts, store: shared.store };
}

describe('the engine remembers envelopes it wrote, and never trusts them blindly', () => {
  it('decides a command on a PIP it just wrote without reading it again', async () => {
    const { a, counts } = await twoEngines();
    const before = counts.load;
    await a.dispatch('pip-1', { type: 'ATTACH_DOCUMENT', documents: [note('n1')] }, { actor: hr });
    expect(counts.load).toBe(before);
  });

  it('reads every time with recordCache: 0', async () => {
    const { a, counts } = await twoEngines({ recordCache: 0 });
    const before = counts.load;
    await a.dispatch('pip-1', { type: 'ATTACH_DOCUMENT', documents: [note('n1')] }, { actor: hr });
    expect(counts.load).toBe(before + 1);
  });

  it('decides again, not as a caller conflict, when another engine moved the PIP on', async () => {
    const { a, b, store } = await twoEngines();
    const start = (await store.load('pip-1'))?.version ?? 0;
    await b.dispatch('pip-1', { type: 'ATTACH_DOCUMENT', documents: [note('b')] }, { actor: hr });
    const result = await a.dispatch(
      'pip-1',
      { type: 'ATTACH_DOCUMENT', documents: [note('a')] },
      { actor: hr },
    );
    expect(result.pip.version).toBe(start + 2);
    expect((await store.readEvents('pip-1')).map((event) => event.seq)).toEqual(
      Array.from({ length: start + 2 }, (_, index) => index + 1),
    );
  });

  it('never reports a refusal decided from an envelope another engine has moved on', async () => {
    const { a, b } = await twoEngines();
    // Engine a last saw the plan awaiting approval; b approves it, so it reaches the employee.
    await b.dispatch('pip-1', { type: 'APPROVE' }, { actor: hr });
    const acknowledged = await a.dispatch(
      'pip-1',
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: employee },
    );
    expect(acknowledged.pip.state).toBe('active');
  });

  it("still refuses a caller's stale expectedVersion with the actual version", async () => {
    const { a, b, store } = await twoEngines();
    const start = (await store.load('pip-1'))?.version ?? 0;
    await b.dispatch('pip-1', { type: 'ATTACH_DOCUMENT', documents: [note('b')] }, { actor: hr });
    const error: unknown = await a
      .dispatch(
        'pip-1',
        { type: 'ATTACH_DOCUMENT', documents: [note('a')] },
        { actor: hr, expectedVersion: start },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as VersionConflictError).actualVersion).toBe(start + 1);
  });
});
