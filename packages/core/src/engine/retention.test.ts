import { describe, expect, it } from 'vitest';
import { durations } from '../calendar/duration.js';
import {
  CommandRefusedError,
  ForbiddenError,
  PipNotFoundError,
  type PipkitError,
} from '../errors/pipkitError.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { definePolicy } from '../policy/definePolicy.js';
import type { Actor } from '../model/actor.js';
import { memoryStore } from '../store/memoryStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const counsel: Actor = { id: 'counsel-1', role: 'legal' };
const employee: Actor = { id: 'emp-1', role: 'employee' };

/** Kept two years after the outcome (UC keeps PIP records 2 years; Berkeley terminations 5). */
const kept = definePolicy({
  ...defaultPolicyDocument,
  id: 'kept-two-years',
  retention: durations.monthsAfter(24),
});
const notKept = definePolicy({ ...defaultPolicyDocument, id: 'no-retention' });

async function refusal(promise: Promise<unknown>): Promise<PipkitError> {
  try {
    await promise;
  } catch (error) {
    return error as PipkitError;
  }
  throw new Error('expected a refusal');
}
const codes = (error: PipkitError) => error.issues.map((entry) => entry.code);

/** A PIP opened and withdrawn on Mon 2 Mar 2026 (London), under `policy`. */
async function withdrawn(policy = kept) {
  const store = memoryStore();
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({ store, policies: [kept, notKept], clock, ids: () => 'pip-1' });
  await engine.open(
    {
      employee: { id: employee.id, timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: policy.id },
      goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  const draft = await refusal(engine.purge('pip-1', { actor: hr }));
  expect(draft).toBeInstanceOf(CommandRefusedError);
  expect(codes(draft)).toEqual(['PIP_NOT_FINAL']);
  await engine.dispatch('pip-1', { type: 'CLOSE', reason: 'withdrawn' }, { actor: hr });
  return { store, clock, engine };
}

describe('retention, legal holds and purge', () => {
  it('keeps a closed record through its retention date, then purges it whole and returns a receipt', async () => {
    const { store, clock, engine } = await withdrawn();
    const closed = await engine.get('pip-1', { actor: hr });
    // 24 months from the day after the outcome (C2): kept through Thu 2 Mar 2028.
    expect(closed.context.outcome?.retainUntil).toBe('2028-03-02');

    clock.set('2028-03-02T23:30:00Z'); // 23:30 in London on the last day kept
    const early = await refusal(engine.purge('pip-1', { actor: hr }));
    expect(codes(early)).toEqual(['RETENTION_NOT_OVER']);

    clock.set('2028-03-03T00:30:00Z');
    const forbidden = await refusal(engine.purge('pip-1', { actor: manager }));
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    const receipt = await engine.purge('pip-1', { actor: hr });
    expect(receipt).toEqual({
      pipId: 'pip-1',
      employeeId: employee.id,
      policy: { id: kept.id, version: kept.version },
      state: 'closed',
      version: closed.version,
      lastHash: closed.lastHash,
      retainUntil: '2028-03-02',
      purgedAt: '2028-03-03T00:30:00.000Z',
      purgedBy: hr,
    });
    expect(await store.load('pip-1')).toBeUndefined();
    expect(await store.readEvents('pip-1')).toEqual([]);
    expect(await refusal(engine.get('pip-1', { actor: hr }))).toBeInstanceOf(PipNotFoundError);
  });

  it('never purges a record under a legal hold, placed after the outcome, until every hold is released', async () => {
    const { clock, engine } = await withdrawn();
    clock.set('2027-06-01T09:00:00Z');
    const byManager = await refusal(
      engine.dispatch('pip-1', { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-1' }, { actor: manager }),
    );
    expect(byManager).toBeInstanceOf(ForbiddenError);
    const held = await engine.dispatch(
      'pip-1',
      { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-1' },
      { actor: counsel },
    );
    expect(held.pip.state).toBe('closed');
    expect(held.pip.context.legalHolds).toEqual(['M-1']);
    await engine.dispatch('pip-1', { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-2' }, { actor: hr });
    const twice = await refusal(
      engine.dispatch('pip-1', { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-2' }, { actor: hr }),
    );
    expect(codes(twice)).toEqual(['LEGAL_HOLD_EXISTS']);

    clock.set('2029-01-01T12:00:00Z');
    const blocked = await refusal(engine.purge('pip-1', { actor: hr }));
    expect(codes(blocked)).toEqual(['LEGAL_HOLD', 'LEGAL_HOLD']);
    await engine.dispatch(
      'pip-1',
      { type: 'RELEASE_LEGAL_HOLD', matterRef: 'M-1' },
      { actor: counsel },
    );
    expect(codes(await refusal(engine.purge('pip-1', { actor: hr })))).toEqual(['LEGAL_HOLD']);
    const unknown = await refusal(
      engine.dispatch(
        'pip-1',
        { type: 'RELEASE_LEGAL_HOLD', matterRef: 'M-1' },
        { actor: counsel },
      ),
    );
    expect(codes(unknown)).toEqual(['LEGAL_HOLD_NOT_FOUND']);
    await engine.dispatch(
      'pip-1',
      { type: 'RELEASE_LEGAL_HOLD', matterRef: 'M-2' },
      { actor: counsel },
    );

    // The holds are in the hash chain, and the replay reproduces the record.
    const verification = await engine.verify('pip-1', { actor: hr });
    expect(verification.ok).toBe(true);
    const history = await engine.history('pip-1', { actor: hr });
    expect(history.map((stored) => stored.event.type).slice(-4)).toEqual([
      'LEGAL_HOLD_PLACED',
      'LEGAL_HOLD_PLACED',
      'LEGAL_HOLD_RELEASED',
      'LEGAL_HOLD_RELEASED',
    ]);
    expect((await engine.get('pip-1', { actor: hr })).context.legalHolds).toBeUndefined();
    expect((await engine.purge('pip-1', { actor: counsel })).version).toBe(history.length);
  });

  it('keeps a record whose policy sets no retention period', async () => {
    const { clock, engine } = await withdrawn(notKept);
    clock.set('2040-01-01T00:00:00Z');
    expect(codes(await refusal(engine.purge('pip-1', { actor: hr })))).toEqual([
      'NO_RETENTION_PERIOD',
    ]);
  });

  it('places a hold on a running plan without moving its state or its deadlines', async () => {
    const store = memoryStore();
    const clock = createTestClock('2026-03-02T15:00:00Z');
    const engine = createEngine({ store, policies: [kept], clock, ids: () => 'pip-2' });
    const { pip } = await engine.open(
      {
        employee: { id: employee.id, timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: kept.id },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    const held = await engine.dispatch(
      'pip-2',
      { type: 'PLACE_LEGAL_HOLD', matterRef: 'M-9' },
      { actor: counsel },
    );
    expect(held.pip.state).toBe(pip.state);
    expect(held.pip.context.deadlines).toEqual(pip.context.deadlines);
    expect((await engine.verify('pip-2', { actor: hr })).ok).toBe(true);
  });
});
