import { describe, expect, it } from 'vitest';
import { durations } from '../calendar/duration.js';
import type { Actor } from '../model/actor.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { definePolicy } from '../policy/definePolicy.js';
import { memoryStore } from '../store/memoryStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const counsel: Actor = { id: 'counsel-1', role: 'legal' };
const goals = [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }];

/** Kept two years after the outcome (UC keeps PIP records 2 years). */
const kept = definePolicy({
  ...defaultPolicyDocument,
  id: 'kept-two-years',
  retention: durations.monthsAfter(24),
});

/** A 30-day plan the manager may end early, a 21-day watch after a pass, kept 30 days after it. */
const watched = definePolicy({
  ...defaultPolicyDocument,
  id: 'watched-then-kept',
  plan: {
    ...defaultPolicyDocument.plan,
    duration: durations.inclusiveDays(30),
    startsOn: 'issue',
    allowEarlyConclusion: true,
  },
  approval: { required: false, approverRoles: ['hr'] },
  requiredDocuments: {},
  watchWindow: durations.daysAfter(21),
  retention: durations.daysAfter(30),
});

/** An engine whose PIP `pip-1` was opened and withdrawn on Mon 2 Mar 2026 (London). */
async function withdrawn() {
  const store = memoryStore();
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store, policies: [kept, watched], clock, ids: () => 'pip-1' });
  await engine.open(
    {
      employee: { id: 'emp-1', timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: kept.id },
      goals,
    },
    { actor: manager },
  );
  await engine.dispatch('pip-1', { type: 'CLOSE', reason: 'withdrawn' }, { actor: hr });
  return { store, clock, engine };
}

/** The event types a tick at `instant` appended, in order. */
async function tickAt(
  clock: ReturnType<typeof createTestClock>,
  engine: ReturnType<typeof createEngine>,
  instant: string,
): Promise<string[]> {
  clock.set(instant);
  const result = await engine.tick();
  return result.fired.flatMap((fired) => fired.events);
}

describe('the purge as a deadline', () => {
  it('sets a purge deadline at the outcome for the first instant after retention, fires PURGE_DUE and tells HR', async () => {
    const { store, clock, engine } = await withdrawn();
    const closed = await engine.get('pip-1', { actor: hr });
    // Kept 24 months from the day after the outcome (C2): through Thu 2 Mar 2028; the purge is
    // allowed from the first instant of Fri 3 Mar 2028 in London (GMT, so midnight UTC).
    expect(closed.context.outcome?.retainUntil).toBe('2028-03-02');
    expect(closed.context.deadlines).toEqual({
      purge: { id: 'purge', kind: 'purge', date: '2028-03-03', dueAt: '2028-03-03T00:00:00.000Z' },
    });
    const before = (await store.pendingOutbox(100)).length;

    expect(await tickAt(clock, engine, '2028-03-02T23:59:59.999Z')).toEqual([]);
    expect(await tickAt(clock, engine, '2028-03-03T00:00:00.000Z')).toEqual(['PURGE_DUE']);
    const history = await engine.history('pip-1', { actor: hr });
    const fired = history[history.length - 1]?.event;
    expect(fired).toEqual({
      type: 'PURGE_DUE',
      at: '2028-03-03T00:00:00.000Z',
      actor: { id: 'pipkit:timer', role: 'system' },
      deadlines: { clear: ['purge'] },
      retainUntil: '2028-03-02',
    });
    const messages = await store.pendingOutbox(100);
    expect(messages.slice(before).map((message) => message.type)).toEqual(['pip.purgeDue']);
    expect(messages.slice(before).map((message) => message.payload)).toEqual([
      {
        notify: ['hr'],
        employeeId: 'emp-1',
        managerId: manager.id,
        seq: history.length,
        retainUntil: '2028-03-02',
      },
    ]);
    const after = await engine.get('pip-1', { actor: hr });
    expect(after.state).toBe('closed');
    expect(after.context.deadlines).toEqual({});
    const statuses = await engine.deadlines('pip-1', { actor: hr });
    expect(statuses.find((status) => status.id === 'purge')?.status).toBe('elapsed');
    expect((await engine.verify('pip-1', { actor: hr })).ok).toBe(true);
    // Nothing fires twice, and the host's purge is allowed at the instant the message was written.
    expect(await tickAt(clock, engine, '2028-03-04T00:00:00.000Z')).toEqual([]);
    clock.set('2028-03-03T00:00:00.000Z');
    expect((await engine.purge('pip-1', { actor: hr })).version).toBe(history.length);
  });

  it('records a fire a legal hold keeps back, tells no one, and sets the deadline again when the last hold is released', async () => {
    const { store, clock, engine } = await withdrawn();
    clock.set('2027-06-01T09:00:00Z');
    await engine.dispatch(
      'pip-1',
      { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-1' },
      { actor: counsel },
    );
    await engine.dispatch('pip-1', { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-2' }, { actor: hr });
    const before = (await store.pendingOutbox(100)).length;

    expect(await tickAt(clock, engine, '2028-03-03T00:00:00.000Z')).toEqual(['PURGE_DUE']);
    const held = await engine.history('pip-1', { actor: hr });
    expect(held[held.length - 1]?.event).toMatchObject({
      type: 'PURGE_DUE',
      retainUntil: '2028-03-02',
      heldBy: ['M-1', 'M-2'],
    });
    expect((await store.pendingOutbox(100)).length).toBe(before);
    expect((await engine.get('pip-1', { actor: hr })).context.deadlines).toEqual({});

    // Releasing one of two holds leaves the record held: no deadline comes back.
    clock.set('2028-05-10T10:00:00Z');
    const first = await engine.dispatch(
      'pip-1',
      { type: 'RELEASE_LEGAL_HOLD', matterRef: 'M-1' },
      { actor: counsel },
    );
    expect(first.pip.context.deadlines).toEqual({});
    // Releasing the last one on Wed 10 May 2028, 11:00 in London (BST): retention is long over,
    // so the purge is due at once.
    clock.set('2028-05-10T10:30:00Z');
    const last = await engine.dispatch(
      'pip-1',
      { type: 'RELEASE_LEGAL_HOLD', matterRef: 'M-2' },
      { actor: counsel },
    );
    expect(last.pip.context.deadlines).toEqual({
      purge: { id: 'purge', kind: 'purge', date: '2028-05-10', dueAt: '2028-05-10T10:30:00.000Z' },
    });
    expect(await tickAt(clock, engine, '2028-05-10T10:30:00.000Z')).toEqual(['PURGE_DUE']);
    const history = await engine.history('pip-1', { actor: hr });
    expect(history[history.length - 1]?.event).not.toHaveProperty('heldBy');
    const messages = (await store.pendingOutbox(100)).slice(before);
    expect(messages.map((message) => message.type)).toEqual(['pip.purgeDue']);
    expect((await engine.verify('pip-1', { actor: hr })).ok).toBe(true);
  });

  it('keeps the pending purge deadline as it was when a hold is placed and released before retention ends', async () => {
    const { clock, engine } = await withdrawn();
    clock.set('2027-06-01T09:00:00Z');
    await engine.dispatch(
      'pip-1',
      { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-1' },
      { actor: counsel },
    );
    const released = await engine.dispatch(
      'pip-1',
      { type: 'RELEASE_LEGAL_HOLD', matterRef: 'M-1' },
      { actor: counsel },
    );
    expect(released.events[0]?.event.deadlines).toBeUndefined();
    expect(released.pip.context.deadlines.purge?.dueAt).toBe('2028-03-03T00:00:00.000Z');
  });

  it('waits for the watch window after a pass: the purge deadline is set when the plan becomes final', async () => {
    const clock = createTestClock('2026-03-02T15:00:00Z');
    const engine = createEngine({
      store: memoryStore(),
      policies: [watched],
      clock,
      ids: () => 'pip-w',
    });
    await engine.open(
      {
        employee: { id: 'emp-1', timeZone: 'America/New_York' },
        managerId: manager.id,
        policy: { id: watched.id },
        goals,
      },
      { actor: manager },
    );
    await engine.dispatch('pip-w', { type: 'ISSUE' }, { actor: manager });
    await engine.dispatch('pip-w', { type: 'CONCLUDE_EARLY' }, { actor: manager });
    const passed = await engine.dispatch('pip-w', { type: 'PASS' }, { actor: manager });
    // Passed Mon 2 Mar 2026: watched through Mon 23 Mar (21 days after, C2), kept through
    // Wed 1 Apr (30 days after). New York is on EDT (UTC-4) from Sun 8 Mar.
    expect(passed.pip.state).toBe('passed.watching');
    expect(passed.pip.context.outcome?.retainUntil).toBe('2026-04-01');
    expect(Object.keys(passed.pip.context.deadlines)).toEqual(['watch']);
    expect(passed.pip.context.deadlines.watch?.dueAt).toBe('2026-03-24T03:59:59.999Z');

    expect(await tickAt(clock, engine, '2026-03-24T03:59:59.999Z')).toEqual(['WATCH_ENDED']);
    const completed = await engine.get('pip-w', { actor: hr });
    expect(completed.state).toBe('passed.completed');
    expect(completed.context.deadlines).toEqual({
      purge: { id: 'purge', kind: 'purge', date: '2026-04-02', dueAt: '2026-04-02T04:00:00.000Z' },
    });
    expect(await tickAt(clock, engine, '2026-04-02T03:59:59.999Z')).toEqual([]);
    expect(await tickAt(clock, engine, '2026-04-02T04:00:00.000Z')).toEqual(['PURGE_DUE']);
    expect((await engine.purge('pip-w', { actor: hr })).retainUntil).toBe('2026-04-01');
  });
});
