import {
  type Actor,
  createEngine,
  defaultPolicy,
  type Engine,
  memoryStore,
  type PipEvent,
  pipMachine,
} from '@pipkit/core';
import { createActor, transition } from 'xstate';
import { type BenchResult, compare } from './harness.js';

const PIPS = 1000;
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };

/** Opens PIPS plans and brings each to `active` with its check-in notes attached. */
async function activePips(): Promise<{
  engine: Engine;
  store: ReturnType<typeof memoryStore>;
  ids: string[];
}> {
  const store = memoryStore();
  let now = new Date('2026-03-02T15:00:00Z');
  let next = 0;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => now },
    ids: () => `pip-${String(next++).padStart(5, '0')}`,
  });
  const ids: string[] = [];
  for (let index = 0; index < PIPS; index += 1) {
    const manager: Actor = { id: `mgr-${index}`, role: 'manager' };
    const employee: Actor = { id: `emp-${index}`, role: 'employee' };
    now = new Date('2026-03-02T15:00:00Z');
    const { pip } = await engine.open(
      {
        employee: { id: employee.id, timeZone: index % 2 ? 'America/New_York' : 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    await engine.dispatch(
      pip.pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: manager },
    );
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
    now = new Date('2026-03-03T15:00:00Z');
    await engine.dispatch(
      pip.pipId,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: employee },
    );
    await engine.dispatch(
      pip.pipId,
      { type: 'ATTACH_DOCUMENT', documents: [notes] },
      { actor: manager },
    );
    ids.push(pip.pipId);
  }
  now = new Date('2026-03-17T14:00:00Z');
  return { engine, store, ids };
}

/**
 * Engine dispatch (validation, authorization, policy gates, deadline computation, SHA-256 chaining,
 * timer and outbox diff, commit to the memory store) against the raw XState cost of the same step
 * on the same machine: parse the stored snapshot, restore it, apply one event, persist, stringify.
 */
export async function dispatchBenches(): Promise<{
  results: BenchResult[];
  info: Record<string, number>;
}> {
  const { engine, store, ids } = await activePips();

  // The raw baseline keeps XState's own persisted snapshots as JSON, one per PIP.
  const raw = new Map<string, string>();
  const rawPure = new Map<string, string>();
  for (const id of ids) {
    const record = await store.load(id);
    if (!record) throw new Error('missing PIP');
    const snapshot = pipMachine.resolveState({ value: record.state, context: record.context });
    const actor = createActor(pipMachine, { snapshot, input: undefined as never });
    raw.set(id, JSON.stringify(actor.getPersistedSnapshot()));
    rawPure.set(id, JSON.stringify({ value: record.state, context: record.context }));
  }
  const event: PipEvent = {
    type: 'CHECK_IN_HELD',
    at: '2026-03-17T14:00:00.000Z',
    actor: { id: 'mgr-1', role: 'manager' },
    number: 1,
    assessment: 'onTrack',
    deadlines: {
      clear: ['checkIn:1'],
      set: [
        {
          id: 'checkIn:2',
          kind: 'checkIn',
          date: '2026-03-31',
          dueAt: '2026-04-01T03:59:59.999Z',
          scheduledAt: '2026-03-31T13:00:00.000Z',
        },
      ],
    },
  };

  const BATCH = 50;
  let rawCursor = 0;
  const rawActorStep = () => {
    for (let index = 0; index < BATCH; index += 1) {
      const id = ids[rawCursor++ % ids.length] as string;
      const persisted = JSON.parse(raw.get(id) as string) as never;
      const actor = createActor(pipMachine, { snapshot: persisted, input: undefined as never });
      actor.start();
      actor.send(event);
      raw.set(id, JSON.stringify(actor.getPersistedSnapshot()));
      actor.stop();
    }
    return BATCH;
  };
  let pureCursor = 0;
  const rawPureStep = () => {
    for (let index = 0; index < BATCH; index += 1) {
      const id = ids[pureCursor++ % ids.length] as string;
      const stored = JSON.parse(rawPure.get(id) as string) as { value: string; context: never };
      const [next] = transition(pipMachine, pipMachine.resolveState(stored), event);
      rawPure.set(id, JSON.stringify({ value: next.value, context: next.context }));
    }
    return BATCH;
  };
  let engineCursor = 0;
  const engineStep = async () => {
    for (let index = 0; index < BATCH; index += 1) {
      const n = engineCursor++ % ids.length;
      await engine.dispatch(
        ids[n] as string,
        { type: 'RECORD_CHECK_IN', assessment: 'onTrack' },
        { actor: { id: `mgr-${n}`, role: 'manager' } },
      );
    }
    return BATCH;
  };

  const results = [
    await compare(
      'xstate pure transition() (raw, for the design note)',
      rawPureStep,
      'xstate restore actor + send (raw)',
      rawActorStep,
    ),
    await compare(
      'engine.dispatch RECORD_CHECK_IN (memory store)',
      engineStep,
      'xstate restore actor + send (raw)',
      rawActorStep,
    ),
  ];

  const records = await store.list({ limit: 1000 });
  // What a long-lived actor per PIP would cost, for contrast: pipkit keeps none.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const live = records.map((record) => {
    const actor = createActor(pipMachine, {
      snapshot: pipMachine.resolveState({ value: record.state, context: record.context }),
      input: undefined as never,
    });
    actor.start();
    return actor;
  });
  gc?.();
  const actorBytes = (process.memoryUsage().heapUsed - before) / live.length;
  for (const actor of live) actor.stop();
  const snapshotBytes =
    records.reduce((sum, record) => sum + Buffer.byteLength(JSON.stringify(record)), 0) /
    records.length;
  const contextBytes =
    records.reduce((sum, record) => sum + Buffer.byteLength(JSON.stringify(record.context)), 0) /
    records.length;
  return {
    results,
    info: {
      pips: PIPS,
      avgRecordJsonBytes: Math.round(snapshotBytes),
      avgContextJsonBytes: Math.round(contextBytes),
      liveActorHeapBytes: Math.round(actorBytes),
    },
  };
}
