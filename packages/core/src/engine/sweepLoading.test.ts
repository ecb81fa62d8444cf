/**
 * The sweep reads a round's PIPs with one `loadMany` when the store has it: one unreadable PIP
 * is still only its own fault, and a failed read of the whole round falls back to one load per
 * fire.
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

/** Three issued plans whose acknowledgement deadlines are all due at LATER. */
async function threeIssued(store: PipStore): Promise<string[]> {
  const engine = engineOn(store);
  const ids: string[] = [];
  for (let index = 0; index < 3; index += 1) {
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
