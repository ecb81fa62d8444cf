import { describe, expect, it } from 'vitest';
import {
  type Actor,
  createEngine,
  defaultPolicy,
  type EngineOptions,
  memoryStore,
  type PipStore,
  type RefusedAttempt,
  type RefusalRecord,
  verifyRefusalChain,
} from '../index.js';
import { createTestClock, referenceDocument } from '../testing/index.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const other: Actor = { id: 'mgr-9', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const plan = referenceDocument('planDocument', 'plan');

const openInput = (pipId: string) => ({
  pipId,
  employee: { id: employee.id, timeZone: 'Europe/London' },
  managerId: manager.id,
  policy: { id: defaultPolicy.id },
  goals: [{ id: 'g1', description: 'Ship the quarterly report', measure: 'weekly' }],
});

function engineOn(store: PipStore, extra: Partial<EngineOptions> = {}) {
  return createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00.000Z'),
    ...extra,
  });
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { code: string }) => error.code,
  );

/** Every refusal of a PIP, read through the engine page by page. */
async function allRefusals(engine: ReturnType<typeof engineOn>, pipId: string, limit: number) {
  const records: RefusalRecord[] = [];
  let afterSeq: number | undefined;
  for (;;) {
    const page = await engine.refusals(pipId, {
      actor: hr,
      limit,
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
    records.push(...page.refusals);
    if (page.nextAfterSeq === undefined) return records;
    afterSeq = page.nextAfterSeq;
  }
}

describe('the refusal log', () => {
  it('records a denied attempt to approve one’s own plan, durably and before the caller hears no', async () => {
    const store = memoryStore();
    const seen: RefusedAttempt[] = [];
    const engine = engineOn(store, { onRefusal: (attempt) => void seen.push(attempt) });
    await engine.open(openInput('pip-1'), { actor: manager });
    await engine.dispatch(
      'pip-1',
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      {
        actor: manager,
      },
    );
    const before = await store.readEvents('pip-1');
    const outbox = await store.pendingOutbox(100);
    const refused = engine.dispatch('pip-1', { type: 'APPROVE' }, { actor: manager });
    expect(await codeOf(refused)).toBe('FORBIDDEN');
    const [record] = await store.readRefusals!('pip-1');
    expect(record).toMatchObject({
      pipId: 'pip-1',
      seq: 1,
      at: '2026-03-02T15:00:00.000Z',
      actor: manager,
      action: 'APPROVE',
      outcome: 'FORBIDDEN',
      codes: seen[0]?.codes,
      prevHash: '0'.repeat(64),
    });
    // The listener still hears it; nothing else is written: no event, no outbox row.
    expect(seen).toHaveLength(1);
    expect(await store.readEvents('pip-1')).toEqual(before);
    expect(await store.pendingOutbox(100)).toEqual(outbox);
    expect(JSON.stringify(record)).not.toContain('quarterly');
  });

  it('chains refused commands, reads and opens of the same PIP in order, and pages through them', async () => {
    const store = memoryStore();
    const engine = engineOn(store, { ids: () => 'pip-1' });
    await engine.open(openInput('pip-1'), { actor: manager });
    for (let index = 0; index < 5; index += 1) {
      expect(await codeOf(engine.dispatch('pip-1', { type: 'ISSUE' }, { actor: manager }))).toBe(
        'COMMAND_REFUSED',
      );
      expect(await codeOf(engine.get('pip-1', { actor: other }))).toBe('FORBIDDEN');
    }
    const records = await allRefusals(engine, 'pip-1', 3);
    expect(records.map((record) => record.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(records.map((record) => record.action)).toEqual(
      Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? 'ISSUE' : 'READ')),
    );
    expect(verifyRefusalChain(records)).toMatchObject({ ok: true, count: 10 });
    expect((await engine.verify('pip-1', { actor: hr })).refusals).toMatchObject({
      ok: true,
      count: 10,
    });
  });

  it('keeps the chain of a refused OPEN under the PIP id it named, though no PIP exists', async () => {
    const store = memoryStore();
    const engine = engineOn(store);
    expect(await codeOf(engine.open(openInput('pip-x'), { actor: employee }))).toBe('FORBIDDEN');
    expect(await store.load('pip-x')).toBeUndefined();
    expect(await store.readRefusals!('pip-x')).toEqual([
      expect.objectContaining({ seq: 1, action: 'OPEN', actor: employee, outcome: 'FORBIDDEN' }),
    ]);
    // The engine lists refusals of PIPs it can authorize a read of; this one has no PIP.
    expect(await codeOf(engine.refusals('pip-x', { actor: hr }))).toBe('PIP_NOT_FOUND');
  });

  it('authorizes listing as a read of the PIP, and records a denied listing too', async () => {
    const store = memoryStore();
    const engine = engineOn(store);
    await engine.open(openInput('pip-1'), { actor: manager });
    expect(await codeOf(engine.refusals('pip-1', { actor: other }))).toBe('FORBIDDEN');
    expect((await engine.refusals('pip-1', { actor: manager })).refusals).toEqual([
      expect.objectContaining({ actor: other, action: 'READ', outcome: 'FORBIDDEN' }),
    ]);
    expect(await codeOf(engine.refusals('pip-1', { actor: hr, limit: 0 }))).toBe('INVALID_INPUT');
    expect(await codeOf(engine.refusals('pip-1', { actor: hr, afterSeq: -1 }))).toBe(
      'INVALID_INPUT',
    );
  });

  it('keeps a purged PIP’s refusals: they are the security trail', async () => {
    const store = memoryStore();
    await engineOn(store).open(openInput('pip-1'), { actor: manager });
    await codeOf(engineOn(store).get('pip-1', { actor: other }));
    const events = await store.readEvents('pip-1');
    await store.purge!('pip-1', events.length);
    expect(await store.load('pip-1')).toBeUndefined();
    expect(await store.readRefusals!('pip-1')).toHaveLength(1);
  });

  it('keeps each tenant’s refusal chains apart', async () => {
    const root = memoryStore();
    const a = engineOn(root.forTenant('tenant-a'));
    const b = engineOn(root.forTenant('tenant-b'));
    await a.open(openInput('pip-1'), { actor: manager });
    await b.open(openInput('pip-1'), { actor: manager });
    await codeOf(a.get('pip-1', { actor: other }));
    await codeOf(a.get('pip-1', { actor: other }));
    expect((await a.refusals('pip-1', { actor: hr })).refusals).toHaveLength(2);
    expect((await b.refusals('pip-1', { actor: hr })).refusals).toEqual([]);
    expect(await root.readRefusals!('pip-1')).toEqual([]);
  });
});

describe('verify and the refusal chain', () => {
  it('fails a PIP whose refusal log reads back edited, and names the record', async () => {
    const inner = memoryStore();
    let edit = false;
    const store: PipStore = {
      ...inner,
      readRefusals: async (pipId, options) =>
        (await inner.readRefusals!(pipId, options)).map((record) =>
          edit && record.seq === 2 ? { ...record, codes: [] } : record,
        ),
    };
    const engine = engineOn(store);
    await engine.open(openInput('pip-1'), { actor: manager });
    for (let index = 0; index < 3; index += 1) await codeOf(engine.get('pip-1', { actor: other }));
    expect((await engine.verify('pip-1', { actor: hr })).ok).toBe(true);
    edit = true;
    const verification = await engine.verify('pip-1', { actor: hr });
    expect(verification).toMatchObject({
      ok: false,
      replayMatches: true,
      chain: { ok: true },
      refusals: { ok: false, code: 'REFUSAL_HASH_MISMATCH', brokenAt: 2 },
    });
  });

  it('reads a chain longer than one page whole, and finds a break on its second page', async () => {
    const inner = memoryStore();
    let edited = 0; // no refusal has seq 0: nothing edited yet
    const store: PipStore = {
      ...inner,
      readRefusals: async (pipId, options) =>
        (await inner.readRefusals!(pipId, options)).map((record) =>
          record.seq === edited ? { ...record, action: 'APPROVE' } : record,
        ),
    };
    const engine = engineOn(store);
    await engine.open(openInput('pip-1'), { actor: manager });
    for (let index = 0; index < 1003; index += 1) {
      await store.appendRefusal!({
        pipId: 'pip-1',
        at: '2026-03-02T15:00:00.000Z',
        actor: other,
        action: 'READ',
        outcome: 'FORBIDDEN',
        codes: ['NOT_THE_MANAGER'],
      });
    }
    expect((await engine.verify('pip-1', { actor: hr })).refusals).toMatchObject({
      ok: true,
      count: 1003,
    });
    edited = 1002;
    expect((await engine.verify('pip-1', { actor: hr })).refusals).toMatchObject({
      ok: false,
      code: 'REFUSAL_HASH_MISMATCH',
      brokenAt: 1002,
    });
  });
});

describe('a refusal log that fails or is missing', () => {
  it('still gives the caller its typed refusal, logs the failure and writes nothing else', async () => {
    const inner = memoryStore();
    const lines: { message: string; fields: Record<string, unknown> }[] = [];
    const log = (fields: object, message?: string) =>
      void lines.push({ message: message ?? '', fields: fields as Record<string, unknown> });
    const store: PipStore = {
      ...inner,
      appendRefusal: () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')),
    };
    const seen: RefusedAttempt[] = [];
    const engine = engineOn(store, {
      logger: { debug: log, info: log, warn: log, error: log },
      onRefusal: (attempt) => void seen.push(attempt),
    });
    await engine.open(openInput('pip-1'), { actor: manager });
    const events = await inner.readEvents('pip-1');
    expect(await codeOf(engine.dispatch('pip-1', { type: 'ISSUE' }, { actor: manager }))).toBe(
      'COMMAND_REFUSED',
    );
    expect(seen).toHaveLength(1);
    expect(lines).toContainEqual({
      message: 'refused attempt not recorded',
      fields: expect.objectContaining({
        pipId: 'pip-1',
        action: 'ISSUE',
        outcome: 'COMMAND_REFUSED',
        code: 'UNEXPECTED_ERROR',
      }) as Record<string, unknown>,
    });
    expect(await inner.readEvents('pip-1')).toEqual(events);
    expect(await inner.readRefusals!('pip-1')).toEqual([]);
  });

  it('works with the listener alone on a store without the capability', async () => {
    const { appendRefusal: _append, readRefusals: _read, ...bare } = memoryStore();
    const seen: RefusedAttempt[] = [];
    const engine = engineOn(bare, { onRefusal: (attempt) => void seen.push(attempt) });
    await engine.open(openInput('pip-1'), { actor: manager });
    expect(await codeOf(engine.get('pip-1', { actor: other }))).toBe('FORBIDDEN');
    expect(seen).toHaveLength(1);
    const verification = await engine.verify('pip-1', { actor: hr });
    expect(verification.ok).toBe(true);
    expect(verification.refusals).toBeUndefined();
    expect(await codeOf(engine.refusals('pip-1', { actor: hr }))).toBe('STORE_ERROR');
  });

  it('never makes another PIP’s command wait for a refusal that is still being written', async () => {
    const inner = memoryStore();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const store: PipStore = {
      ...inner,
      appendRefusal: async (entry) => {
        if (entry.pipId === 'pip-x') await held;
        return inner.appendRefusal!(entry);
      },
    };
    const engine = engineOn(store, { groupCommit: true });
    await engine.open(openInput('pip-x'), { actor: manager });
    await engine.open(openInput('pip-y'), { actor: manager });
    const spam = Array.from({ length: 20 }, () =>
      codeOf(engine.dispatch('pip-x', { type: 'ISSUE' }, { actor: manager })),
    );
    const submitted = await engine.dispatch(
      'pip-y',
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: manager },
    );
    expect(submitted.pip.state).toBe('pendingApproval');
    release();
    expect(new Set(await Promise.all(spam))).toEqual(new Set(['COMMAND_REFUSED']));
    expect(await inner.readRefusals!('pip-x', { limit: 1000 })).toHaveLength(20);
  });

  it('records an authorizer’s free-text code as NONSTANDARD_CODE, never the text', async () => {
    const store = memoryStore();
    const engine = engineOn(store, {
      authorize: () => [
        { code: 'Ada Lovelace is on leave', path: [], message: 'no' },
        { code: 'HOST_RULE', path: [], message: 'no' },
      ],
    });
    expect(await codeOf(engine.open(openInput('pip-1'), { actor: manager }))).toBe('FORBIDDEN');
    expect((await store.readRefusals!('pip-1'))[0]?.codes).toEqual([
      'NONSTANDARD_CODE',
      'HOST_RULE',
    ]);
  });
});
