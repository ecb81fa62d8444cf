import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/pipkitError.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { memoryStore } from '../store/memoryStore.js';
import { createEngine } from './createEngine.js';

const manager = { id: 'mgr-1', role: 'manager' } as const;
const open = {
  employee: { id: 'emp-1', timeZone: 'Europe/London' },
  managerId: manager.id,
  policy: { id: defaultPolicy.id },
  goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
};

describe('identifiers a host passes in', () => {
  it('refuses control characters in ids and idempotency keys before anything is written', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, policies: [defaultPolicy], ids: () => 'p' });
    for (const attempt of [
      () => engine.open({ ...open, managerId: 'mgr\u00001' }, { actor: manager }),
      () =>
        engine.open({ ...open, employee: { ...open.employee, id: 'emp\n1' } }, { actor: manager }),
      () => engine.open(open, { actor: { id: 'mgr\u001b1', role: 'manager' } }),
      () => engine.open(open, { actor: manager, idempotencyKey: 'key\u0000' }),
    ]) {
      await expect(attempt()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await store.list()).toEqual([]);
    await engine.open(open, { actor: manager });
    const error: unknown = await engine
      .dispatch('p', { type: 'ATTACH_DOCUMENT' }, { actor: manager, idempotencyKey: 'k\u007f' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toEqual(['idempotencyKey']);
  });
});
