import {
  type Actor,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  durations,
  memoryStore,
  type PipEvent,
  pipMachine,
  type PipRecord,
} from '@pipkit/core';
import { createActor } from 'xstate';
import { issuedPipSeeds } from './fixtures.js';
import { type BenchResult, compare } from './harness.js';

const PIPS = 100_000;
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const policy = definePolicy({
  ...defaultPolicyDocument,
  id: 'tick-bench',
  approval: { required: false },
  acknowledgement: { mode: 'required', due: durations.daysAfter(5) },
});

/**
 * Seeds PIPS plans issued over 100 days (so their acknowledgement deadlines spread out), written
 * straight through the store port with real hashes, then measures `engine.tick` where 1% are due.
 */
export async function tickBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const store = memoryStore();
  const seedStart = performance.now();
  const seed = issuedPipSeeds(policy);
  for (let index = 0; index < PIPS; index += 1) {
    const pipId = `pip-${String(index).padStart(6, '0')}`;
    const issuedAt = new Date(Date.UTC(2026, 0, 5, 15) + (index % 10_000) * 864_000).toISOString();
    const due = new Date(Date.parse(issuedAt) + 6 * 86_400_000).toISOString();
    await store.commit(seed(pipId, index, issuedAt, due));
  }
  const seedMs = performance.now() - seedStart;

  const engine = createEngine({ store, policies: [policy] });
  // Ten PIPs share each issue instant, and the instants are 0.01 days (864 s) apart over 100 days:
  // each 0.1-day step brings ten instants' deadlines due, 100 fires per tick (0.1% of the PIPs),
  // and the seeds last 1,000 ticks.
  let now = Date.UTC(2026, 0, 11, 15);
  const step = 8_640_000;
  let fired = 0;
  const tickStep = async () => {
    now += step;
    const result = await engine.tick(new Date(now).toISOString(), { limit: 2000 });
    fired += result.fired.length;
    return result.fired.length;
  };

  // Raw reference: the XState step alone for the same event (restore actor + send + persist).
  const sample = (await store.load('pip-000000')) as PipRecord;
  const persisted = JSON.stringify(
    createActor(pipMachine, {
      snapshot: pipMachine.resolveState({ value: sample.state, context: sample.context }),
      input: undefined as never,
    }).getPersistedSnapshot(),
  );
  const overdue: PipEvent = {
    type: 'ACKNOWLEDGEMENT_OVERDUE',
    at: '2026-01-12T00:00:00.000Z',
    actor: manager,
    deadlines: { clear: ['acknowledgement'] },
  };
  const rawStep = () => {
    for (let index = 0; index < 50; index += 1) {
      const actor = createActor(pipMachine, {
        snapshot: JSON.parse(persisted) as never,
        input: undefined as never,
      });
      actor.start();
      actor.send(overdue);
      JSON.stringify(actor.getPersistedSnapshot());
      actor.stop();
    }
    return 50;
  };

  const result = await compare(
    'engine.tick: fired deadlines/s, 100,000 PIPs with 100 due per tick (memory store)',
    tickStep,
    'xstate restore actor + send (raw)',
    rawStep,
    { rounds: 5, roundMs: 400 },
  );
  return {
    results: [result],
    info: { tickPips: PIPS, tickSeedMs: Math.round(seedMs), tickFiredTotal: fired },
  };
}
