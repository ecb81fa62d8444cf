/** What the worker tests share: an engine on a memory store, PIPs with due deadlines, and a settle. */
import {
  type Actor,
  createEngine,
  defaultPolicy,
  type Engine,
  memoryStore,
  type PipStore,
  StoreError,
  StoreErrorReasons,
  type WorkerRound,
} from '../../index.js';
import { createTestClock, type TestClock } from '../../testing/testClock.js';

export const manager: Actor = { id: 'mgr-1', role: 'manager' };
export const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
/** Issued on 2 March; by this instant every acknowledgement deadline is past. */
export const LATER = '2026-03-20T00:00:00.000Z';

/** An engine on `store` with a test clock at Monday 2 March 2026, 15:00 UTC. */
export function engineOn(store: PipStore): { engine: Engine; clock: TestClock } {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  return { engine: createEngine({ store, policies: [defaultPolicy], clock }), clock };
}

/** Opens and issues `pipId`: its acknowledgement deadline is pending, and messages are owed. */
export async function issue(engine: Engine, pipId: string): Promise<void> {
  await engine.open(
    {
      pipId,
      employee: { id: `emp-${pipId}`, timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  await engine.dispatch(
    pipId,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager },
  );
  await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
}

/**
 * Lets every promise the worker has in flight settle: turns of the event loop until `done` says
 * so (at most 1,000). Time does not move: only queued callbacks run.
 */
export async function settle(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !done(); turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!done()) throw new Error('The worker did not reach the expected point.');
}

/** Collects a worker's rounds. */
export function roundLog(): { rounds: WorkerRound[]; onRound: (round: WorkerRound) => void } {
  const rounds: WorkerRound[] = [];
  return { rounds, onRound: (round) => rounds.push(round) };
}

/** A memory store whose tenants named in `broken` cannot claim their timers (unreachable). */
export function storeWithBrokenTenants(broken: readonly string[]): PipStore {
  const inner = memoryStore();
  const forTenant = (tenantId: string): PipStore => {
    const scoped = inner.forTenant(tenantId);
    if (!broken.includes(tenantId)) return scoped;
    return Object.assign(Object.create(scoped) as PipStore, {
      claimDueTimers: () =>
        Promise.reject(
          new StoreError('Unreachable.', {
            retryable: true,
            reason: StoreErrorReasons.UNAVAILABLE,
          }),
        ),
      forTenant,
    });
  };
  return Object.assign(Object.create(inner) as PipStore, { forTenant });
}
