import { describe, expect, it } from 'vitest';
import {
  type Actor,
  createEngine,
  defaultPolicy,
  type EngineOptions,
  memoryStore,
  type RefusedAttempt,
} from '../index.js';
import { createTestClock } from '../testing/index.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const other: Actor = { id: 'mgr-9', role: 'manager' };
const employee: Actor = { id: 'emp-1', role: 'employee' };

async function opened(onRefusal: EngineOptions['onRefusal']) {
  const engine = createEngine({
    store: memoryStore(),
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00.000Z'),
    ids: () => 'pip-1',
    ...(onRefusal ? { onRefusal } : {}),
  });
  await engine.open(
    {
      employee: { id: employee.id, timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
    },
    { actor: manager },
  );
  return engine;
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { code: string }) => error.code,
  );

describe('refused attempts are told to the host (onRefusal)', () => {
  it('reports who tried what, on which PIP, when, and the codes; never the messages', async () => {
    const seen: RefusedAttempt[] = [];
    const engine = await opened((attempt) => {
      seen.push(attempt);
    });
    // Another manager tries to approve and to read; the manager issues without the plan document.
    expect(await settle(engine.dispatch('pip-1', { type: 'APPROVE' }, { actor: other }))).toBe(
      'FORBIDDEN',
    );
    expect(await settle(engine.get('pip-1', { actor: other }))).toBe('FORBIDDEN');
    expect(await settle(engine.dispatch('pip-1', { type: 'ISSUE' }, { actor: manager }))).toBe(
      'COMMAND_REFUSED',
    );
    expect(seen).toEqual([
      {
        at: '2026-03-02T15:00:00.000Z',
        actor: other,
        action: 'APPROVE',
        pipId: 'pip-1',
        outcome: 'FORBIDDEN',
        codes: ['NOT_THE_MANAGER', 'ROLE_NOT_ALLOWED'],
      },
      {
        at: '2026-03-02T15:00:00.000Z',
        actor: other,
        action: 'READ',
        pipId: 'pip-1',
        outcome: 'FORBIDDEN',
        codes: ['NOT_THE_MANAGER'],
      },
      {
        at: '2026-03-02T15:00:00.000Z',
        actor: manager,
        action: 'ISSUE',
        pipId: 'pip-1',
        outcome: 'COMMAND_REFUSED',
        codes: ['DOCUMENT_MISSING', 'APPROVAL_REQUIRED'],
      },
    ]);
    expect(JSON.stringify(seen)).not.toContain('Ship');
  });

  it('never lets a throwing or rejecting listener change the caller’s outcome', async () => {
    for (const listener of [
      () => {
        throw new Error('audit sink down');
      },
      () => Promise.reject(new Error('audit sink down')),
    ]) {
      const engine = await opened(listener);
      expect(await settle(engine.get('pip-1', { actor: other }))).toBe('FORBIDDEN');
      expect((await engine.get('pip-1', { actor: manager })).state).toBe('draft');
    }
  });
});
