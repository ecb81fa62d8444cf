import { describe, expect, it } from 'vitest';
import { type Actor, createEngine, defaultPolicy, memoryStore } from '../index.js';
import { createTestClock } from '../testing/index.js';
import { commandKey } from './idempotency.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const other: Actor = { id: 'mgr-9', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };

async function submitted() {
  const store = memoryStore();
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00.000Z'),
    ids: () => 'pip-1',
  });
  await engine.open(
    {
      employee: { id: 'emp-1', timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
    },
    { actor: manager },
  );
  const result = await engine.dispatch(
    'pip-1',
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager },
  );
  return { engine, store, result };
}

describe('what a write returns cannot reach the next decision', () => {
  it('hands back a record and events frozen all the way down', async () => {
    const { result } = await submitted();
    const pip = result.pip as unknown as Record<string, unknown> & {
      context: Record<string, unknown> & { deadlines: Record<string, unknown> };
    };
    expect(() => {
      pip.managerId = other.id;
    }).toThrow(TypeError);
    expect(() => {
      pip.context.deadlines = {};
    }).toThrow(TypeError);
    const goals = (pip.context as unknown as { goals: { description: string }[] }).goals;
    expect(() => {
      (goals[0] as { description: string }).description = 'Something else';
    }).toThrow(TypeError);
    expect(() => goals.pop()).toThrow(TypeError);
    const event = result.events[0]?.event as unknown as { actor: { id: string } };
    expect(() => {
      event.actor.id = 'someone-else';
    }).toThrow(TypeError);
  });

  it('decides the next command on the record as written, whatever the caller tried', async () => {
    const { engine, store, result } = await submitted();
    // A host that "decorates" the object it got back: the attempt fails and changes nothing.
    try {
      (result.pip as unknown as { managerId: string }).managerId = other.id;
    } catch {
      // Frozen: the edit is refused.
    }
    const notes = { kind: 'meetingNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };
    await expect(
      engine.dispatch('pip-1', { type: 'ATTACH_DOCUMENT', documents: [notes] }, { actor: other }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const approved = await engine.dispatch('pip-1', { type: 'APPROVE' }, { actor: hr });
    expect(approved.pip.managerId).toBe(manager.id);
    expect((await store.load('pip-1'))?.managerId).toBe(manager.id);
    expect(await engine.verify('pip-1', { actor: hr })).toMatchObject({ ok: true });
  });

  it("keeps the outbox messages and idempotency records it stored out of a caller's reach", async () => {
    const { engine, store } = await submitted();
    await engine.dispatch('pip-1', { type: 'APPROVE' }, { actor: hr, idempotencyKey: 'approve-1' });
    const pending = await store.pendingOutbox(100);
    expect(pending.length).toBeGreaterThan(0);
    const message = pending[0] as unknown as { type: string; payload: Record<string, unknown> };
    const type = message.type;
    expect(() => {
      message.type = 'forged';
    }).toThrow(TypeError);
    expect(() => {
      message.payload.forged = true;
    }).toThrow(TypeError);
    const keyed = (await store.getIdempotency(commandKey('pip-1', 'approve-1'))) as unknown as {
      version: number;
    };
    const version = keyed.version;
    expect(() => {
      keyed.version = 99;
    }).toThrow(TypeError);
    expect((await store.pendingOutbox(100))[0]?.type).toBe(type);
    expect((await store.getIdempotency(commandKey('pip-1', 'approve-1')))?.version).toBe(version);
  });

  it('keeps a frozen copy of an outbox message a host committed unfrozen', async () => {
    const { store } = await submitted();
    const record = (await store.load('pip-1')) as NonNullable<
      Awaited<ReturnType<typeof store.load>>
    >;
    const [last] = await store.readEvents('pip-1', { afterSeq: record.version - 1 });
    const event = {
      ...(last as NonNullable<typeof last>),
      seq: record.version + 1,
      prevHash: record.lastHash,
      hash: 'c'.repeat(64),
    };
    const message = {
      id: 'host-1',
      pipId: 'pip-1',
      type: 'host.note',
      payload: { text: 'as committed' },
      createdAt: '2026-03-02T15:00:00.000Z',
    };
    await store.commit({
      pipId: 'pip-1',
      expectedVersion: record.version,
      record: { ...record, version: event.seq, lastHash: event.hash },
      events: [event],
      timers: { set: [], clear: [] },
      outbox: [message],
    });
    message.payload.text = 'changed afterwards';
    const stored = (await store.pendingOutbox(100)).find((entry) => entry.id === 'host-1');
    expect(stored?.payload).toEqual({ text: 'as committed' });
    expect(Object.isFrozen(stored?.payload)).toBe(true);
  });
});
