import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import type { Actor } from '../model/actor.js';
import { memoryStore } from '../store/memoryStore.js';
import type { PipStore, TimerRow } from '../store/pipStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };

/**
 * A store whose timer index also holds `count` timers of a PIP that does not exist, due before
 * everything else: the sweep refuses them (skipped) and they stay pending, in the way of every
 * later read.
 */
function withGhostTimers(inner: PipStore, count: number): PipStore {
  const ghosts: TimerRow[] = Array.from({ length: count }, (_, index) => ({
    timerId: `ghost-${index}/acknowledgement`,
    pipId: `ghost-${index}`,
    deadlineId: 'acknowledgement',
    kind: 'acknowledgement',
    dueAt: '2026-01-01T00:00:00.000Z',
  }));
  // Without the optional capabilities, so the sweep reads through `dueTimers` below.
  return {
    load: (pipId) => inner.load(pipId),
    readEvents: (pipId, options) => inner.readEvents(pipId, options),
    commit: (request) => inner.commit(request),
    getIdempotency: (key) => inner.getIdempotency(key),
    list: (query) => inner.list(query),
    pendingOutbox: (limit) => inner.pendingOutbox(limit),
    markOutboxDelivered: (ids) => inner.markOutboxDelivered(ids),
    dueTimers: async (now, limit) =>
      [...ghosts, ...(await inner.dueTimers(now, limit))].slice(0, limit),
  };
}

describe('engine.tick', () => {
  it('fires every due deadline behind more refused ones than its batch size', async () => {
    const inner = memoryStore();
    const store = withGhostTimers(inner, 7);
    const clock = createTestClock('2026-03-02T15:00:00Z');
    let next = 0;
    const engine = createEngine({
      store,
      policies: [defaultPolicy],
      clock,
      ids: () => `pip-${next++}`,
    });
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
    }
    // Nobody acknowledges: each plan's acknowledgement deadline passes.
    const result = await engine.tick('2026-03-20T00:00:00Z', { limit: 2 });
    expect(result.skipped.map((entry) => entry.timerId)).toHaveLength(7);
    expect(new Set(result.fired.map((entry) => entry.pipId))).toEqual(
      new Set(['pip-0', 'pip-1', 'pip-2']),
    );
    expect(await inner.dueTimers('2026-03-20T00:00:00Z', 100)).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ kind: 'acknowledgement' })]),
    );
  });
});
