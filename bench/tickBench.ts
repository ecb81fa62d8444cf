import {
  type Actor,
  createEngine,
  defaultPolicyDocument,
  definePolicy,
  durations,
  GENESIS_HASH,
  hashEvent,
  MACHINE_VERSION,
  memoryStore,
  type PipEvent,
  pipMachine,
  type PipRecord,
  replayEvents,
  type StoredEvent,
} from '@pipkit/core';
import { createActor } from 'xstate';
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
  let template: ReturnType<typeof replayEvents> | undefined;
  for (let index = 0; index < PIPS; index += 1) {
    const pipId = `pip-${String(index).padStart(6, '0')}`;
    const issuedAt = new Date(Date.UTC(2026, 0, 5, 15) + (index % 10_000) * 864_000).toISOString();
    const due = new Date(Date.parse(issuedAt) + 6 * 86_400_000).toISOString();
    const events: PipEvent[] = [
      {
        type: 'PIP_CREATED',
        at: issuedAt,
        actor: manager,
        pipId,
        employee: { id: `emp-${index}`, timeZone: 'UTC' },
        managerId: manager.id,
        policy: { id: policy.id, version: policy.version },
        goals: [{ id: 'g1', description: 'Meet the standard', measure: 'Audited' }],
      },
      {
        type: 'ISSUED',
        at: issuedAt,
        actor: manager,
        deadlines: {
          set: [
            { id: 'acknowledgement', kind: 'acknowledgement', dueAt: due, date: due.slice(0, 10) },
          ],
        },
      },
    ];
    let prevHash = GENESIS_HASH;
    const stored: StoredEvent[] = events.map((event, position) => {
      const hash = hashEvent(pipId, position + 1, event, prevHash);
      const entry = { pipId, seq: position + 1, event, prevHash, hash };
      prevHash = hash;
      return entry;
    });
    // Replaying 100,000 histories would dominate the bench's run time; every seeded PIP has the
    // same shape, so the first replay is the template and the rest differ only in their fields.
    template ??= replayEvents(events);
    const { state } = template;
    const acknowledgement = {
      id: 'acknowledgement',
      kind: 'acknowledgement',
      dueAt: due,
      date: due.slice(0, 10),
    } as const;
    const context = {
      ...template.context,
      pipId,
      employee: { id: `emp-${index}`, timeZone: 'UTC' },
      createdAt: issuedAt,
      issuedAt,
      deadlines: { acknowledgement },
    };
    const record: PipRecord = {
      pipId,
      employeeId: `emp-${index}`,
      managerId: manager.id,
      policyId: policy.id,
      policyVersion: policy.version,
      machineVersion: MACHINE_VERSION,
      state,
      context,
      version: 2,
      lastHash: prevHash,
      createdAt: issuedAt,
      updatedAt: issuedAt,
    };
    await store.commit({
      pipId,
      expectedVersion: 0,
      record,
      events: stored,
      timers: {
        set: [
          {
            timerId: `${pipId}/acknowledgement`,
            pipId,
            deadlineId: 'acknowledgement',
            kind: 'acknowledgement',
            dueAt: due,
          },
        ],
        clear: [],
      },
      outbox: [],
    });
  }
  const seedMs = performance.now() - seedStart;

  const engine = createEngine({ store, policies: [policy] });
  // Deadlines are 0.864 days apart per 10,000 PIPs: every 0.0864 days of simulated time, 1% (1,000) fall due.
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
    'engine.tick: fired deadlines/s, 100,000 PIPs with 1% due per tick (memory store)',
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
