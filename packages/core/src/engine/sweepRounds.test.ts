/**
 * How the sweep reads and commits a round: one `loadMany` when the store has it (one unreadable
 * PIP is still only its own fault, a failed read of the whole round falls back to one load per
 * fire), and a round committed in `concurrentCommits` batches (a batch that fails as a whole
 * sends only its own fires down the one-by-one path).
 */
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  createEngine,
  defaultPolicy,
  type Engine,
  memoryStore,
  type PipStore,
  StoreError,
  StoreErrorReasons,
} from '../index.js';
import type { CommitRequest, TimerRow } from '../store/pipStore.js';
import { keyedRequest } from './execute.js';
import { fireRequestHash, SYSTEM_ACTOR } from './sweep.js';
import { createTestClock } from '../testing/testClock.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const LATER = '2026-03-20T00:00:00Z';

function engineOn(store: PipStore, recordCache?: number): Engine {
  let next = 0;
  return createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00Z'),
    ids: () => `pip-${next++}`,
    ...(recordCache === undefined ? {} : { recordCache }),
  });
}

/** Issued plans (three by default) whose acknowledgement deadlines are all due at LATER. */
async function threeIssued(store: PipStore, count = 3): Promise<string[]> {
  const engine = engineOn(store);
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const { pip } = await engine.open(
      {
        employee: { id: `emp-${index}`, timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    await engine.dispatch(
      pip.pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: manager },
    );
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
    ids.push(pip.pipId);
  }
  return ids;
}

/** The store, counting its reads, with `loadMany` replaced. */
function withLoadMany(
  inner: PipStore,
  loadMany: NonNullable<PipStore['loadMany']>,
): { store: PipStore; reads: { load: number; loadMany: number } } {
  const reads = { load: 0, loadMany: 0 };
  const store = Object.assign(Object.create(inner) as PipStore, {
    load: (pipId: string) => {
      reads.load += 1;
      return inner.load(pipId);
    },
    loadMany: (pipIds: readonly string[]) => {
      reads.loadMany += 1;
      return loadMany(pipIds);
    },
  });
  return { store, reads };
}

describe('engine.tick reading a round with loadMany', () => {
  it('reads the round once and fires every deadline in it', async () => {
    const inner = memoryStore();
    const ids = await threeIssued(inner);
    const { store, reads } = withLoadMany(inner, (pipIds) =>
      (inner.loadMany as NonNullable<PipStore['loadMany']>)(pipIds),
    );
    const tick = await engineOn(store).tick(LATER);
    expect(tick.fired.map((fired) => fired.pipId).sort()).toEqual(ids);
    expect(tick.faults).toEqual([]);
    expect(reads).toEqual({ load: 0, loadMany: 1 });
  });

  it("reports a PIP whose slot holds a read error as that PIP's fault and fires the others", async () => {
    const inner = memoryStore();
    const ids = await threeIssued(inner);
    const broken = ids[1] as string;
    const { store } = withLoadMany(inner, async (pipIds) => {
      const found = await (inner.loadMany as NonNullable<PipStore['loadMany']>)(pipIds);
      return pipIds.map((pipId, index) =>
        pipId === broken
          ? new StoreError(`PIP "${pipId}" cannot be read from the store.`, {
              retryable: false,
              reason: StoreErrorReasons.CORRUPT_ROW,
            })
          : found[index],
      );
    });
    const tick = await engineOn(store).tick(LATER);
    expect(tick.fired.map((fired) => fired.pipId).sort()).toEqual([ids[0], ids[2]]);
    expect(tick.faults).toEqual([
      expect.objectContaining({ pipId: broken, code: 'STORE_CORRUPT_ROW', attempts: 1 }),
    ]);
  });

  it('loads each PIP on its own when the round read fails as a whole', async () => {
    const inner = memoryStore();
    const ids = await threeIssued(inner);
    const { store, reads } = withLoadMany(inner, () =>
      Promise.reject(new StoreError('The store is unreachable.', { retryable: true })),
    );
    const tick = await engineOn(store, 0).tick(LATER);
    expect(tick.fired.map((fired) => fired.pipId).sort()).toEqual(ids);
    expect(tick.faults).toEqual([]);
    expect(reads).toEqual({ load: 3, loadMany: 1 });
  });
});

/** The store, recording each `commitMany` batch, claiming to run `parts` commits at once. */
function withParts(
  inner: PipStore,
  parts: number,
  failing: (batch: number) => boolean = () => false,
): { store: PipStore; batches: string[][] } {
  const batches: string[][] = [];
  const store = Object.assign(Object.create(inner) as PipStore, {
    concurrentCommits: parts,
    commitMany: (requests: readonly CommitRequest[]) => {
      batches.push(requests.map((request) => request.pipId));
      if (failing(batches.length)) return Promise.reject(new Error('connection lost'));
      return (inner.commitMany as NonNullable<PipStore['commitMany']>)(requests);
    },
  });
  return { store, batches };
}

describe('engine.tick committing a round in concurrentCommits batches', () => {
  it('sends the round in that many batches and fires the same deadlines as one batch', async () => {
    const results: unknown[] = [];
    for (const parts of [1, 3]) {
      const inner = memoryStore();
      const ids = await threeIssued(inner, 7);
      const { store, batches } = withParts(inner, parts);
      const tick = await engineOn(store).tick(LATER);
      expect(tick.fired.map((fired) => fired.pipId)).toEqual(ids);
      expect(batches).toEqual(
        parts === 1 ? [ids] : [ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)],
      );
      results.push(tick);
    }
    expect(results[1]).toEqual(results[0]);
  });

  it('fires a batch that failed as a whole one by one, and the other batches as they are', async () => {
    const inner = memoryStore();
    const ids = await threeIssued(inner, 4);
    const { store, batches } = withParts(inner, 2, (batch) => batch === 1);
    const tick = await engineOn(store).tick(LATER);
    expect(batches).toEqual([ids.slice(0, 2), ids.slice(2)]);
    expect(tick.fired.map((fired) => fired.pipId)).toEqual([ids[2], ids[3], ids[0], ids[1]]);
    expect(tick.faults).toEqual([]);
  });
});

describe('the request hash of a fire', () => {
  it('is the hash keyedRequest gives the same request, whatever the ids hold', () => {
    for (const [pipId, deadlineId] of [
      ['pip-1', 'acknowledgement'],
      ['p"\\\u0000\u2028é😀', 'checkIn:3'],
      ['', ''],
    ] as const) {
      const timer: TimerRow = {
        timerId: `${pipId}/${deadlineId}`,
        pipId,
        deadlineId,
        kind: 'checkIn',
        dueAt: '2026-03-20T00:00:00.000Z',
      };
      const request = {
        kind: 'command',
        pipId,
        command: { type: 'DEADLINE_REACHED', deadlineId, dueAt: timer.dueAt },
      } as const;
      expect(fireRequestHash(timer)).toBe(keyedRequest(request, SYSTEM_ACTOR, 'k').requestHash);
    }
  });
});
