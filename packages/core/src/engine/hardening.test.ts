/**
 * The seams an attacker or an operator would try: forged idempotency keys against the sweep, a
 * PIP that cannot be read or sits on an unregistered policy, rewritten derived rows, explain
 * without read permission, a clock stepped back, unbounded numbers and prototype ids.
 */
import { describe, expect, it } from 'vitest';
import {
  createEngine,
  DEADLINE_PARKED_MESSAGE,
  defaultPolicy,
  definePolicy,
  isPipkitError,
  memoryStore,
  StoreError,
  StoreErrorReasons,
  type Actor,
  type Engine,
  type PipStore,
} from '../index.js';
import { createTestClock, type TestClock } from '../testing/testClock.js';

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const START = '2026-03-02T15:00:00Z';

interface Setup {
  readonly engine: Engine;
  readonly store: PipStore;
  readonly clock: TestClock;
}

function setup(
  store: PipStore = memoryStore(),
  options: Partial<Parameters<typeof createEngine>[0]> = {},
): Setup {
  const clock = createTestClock(START);
  let next = 0;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => `pip-${next++}`,
    ...options,
  });
  return { engine, store, clock };
}

/** Opens and issues a plan for `employeeId`; the acknowledgement deadline is then pending. */
async function issued(engine: Engine, employeeId: string, version = 1): Promise<string> {
  const { pip } = await engine.open(
    {
      employee: { id: employeeId, timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id, version },
      goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  await engine.dispatch(
    pip.pipId,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager },
  );
  await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
  return pip.pipId;
}

const LATER = '2026-03-20T00:00:00Z';

describe('idempotency keys cannot stop the sweep', () => {
  it("refuses a caller's key in pipkit's own namespace with RESERVED_IDEMPOTENCY_KEY, writing nothing", async () => {
    const { engine } = setup();
    const pipId = await issued(engine, 'emp-0');
    const employee: Actor = { id: 'emp-0', role: 'employee' };
    const before = (await engine.get(pipId, { actor: hr })).version;
    for (const key of [
      `pipkit:fire:${pipId}/acknowledgement@x`,
      `timer:${pipId}/acknowledgement@x`,
    ]) {
      const attempt = engine.dispatch(
        pipId,
        { type: 'ATTACH_DOCUMENT', documents: [{ ...plan, kind: 'rebuttal' }] },
        { actor: employee, idempotencyKey: key },
      );
      await expect(attempt).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        issues: [expect.objectContaining({ code: 'RESERVED_IDEMPOTENCY_KEY' })],
      });
    }
    expect((await engine.get(pipId, { actor: hr })).version).toBe(before);
  });

  it("scopes a caller's key to its PIP: the same key on two PIPs acts on both, and the sweep still fires", async () => {
    const { engine, clock } = setup();
    const first = await issued(engine, 'emp-0');
    const second = await issued(engine, 'emp-1');
    for (const [pipId, employeeId] of [
      [first, 'emp-0'],
      [second, 'emp-1'],
    ] as const) {
      const result = await engine.dispatch(
        pipId,
        { type: 'ATTACH_DOCUMENT', documents: [{ ...plan, kind: 'rebuttal' }] },
        { actor: { id: employeeId, role: 'employee' }, idempotencyKey: 'acknowledgement@2026' },
      );
      expect(result.replayed).toBe(false);
    }
    clock.set(LATER);
    const tick = await engine.tick();
    expect(tick.faults).toEqual([]);
    expect(new Set(tick.fired.map((fired) => fired.pipId))).toEqual(new Set([first, second]));
  });
});

/** A store that cannot read one PIP: as a corrupt row does in the SQL stores. */
function withUnreadable(inner: PipStore, pipId: string): PipStore {
  const corrupt = () =>
    new StoreError(`PIP "${pipId}" cannot be read from the store.`, {
      retryable: false,
      reason: StoreErrorReasons.CORRUPT_ROW,
    });
  return Object.assign(Object.create(inner) as PipStore, {
    load: (id: string) => (id === pipId ? Promise.reject(corrupt()) : inner.load(id)),
    commitMany: undefined,
  });
}

describe('one PIP cannot stop the others', () => {
  it('reports an unreadable PIP as a typed fault, fires every other deadline, and the relay still runs', async () => {
    const inner = memoryStore();
    const { engine } = setup(inner);
    const ids = [
      await issued(engine, 'emp-0'),
      await issued(engine, 'emp-1'),
      await issued(engine, 'emp-2'),
    ];
    const broken = setup(withUnreadable(inner, ids[1] as string), { recordCache: 0 }).engine;
    const tick = await broken.tick(LATER);
    expect(tick.fired.map((fired) => fired.pipId).sort()).toEqual([ids[0], ids[2]]);
    expect(tick.faults).toEqual([
      expect.objectContaining({
        pipId: ids[1],
        code: 'STORE_CORRUPT_ROW',
        attempts: 1,
        parked: false,
      }),
    ]);
    expect(JSON.stringify(tick.faults)).not.toContain('emp-1');
    const relayed = await broken.relay(() => undefined);
    expect(relayed.delivered.length).toBeGreaterThan(0);
  });

  it('parks a deadline after parkAfter failed sweeps and tells operators through the outbox', async () => {
    const inner = memoryStore();
    const { engine } = setup(inner);
    const good = await issued(engine, 'emp-0');
    const bad = await issued(engine, 'emp-1');
    await engine.relay(() => undefined);
    const broken = setup(withUnreadable(inner, bad), { recordCache: 0 }).engine;
    const codes: boolean[] = [];
    const fired = new Set<string>();
    for (let sweep = 0; sweep < 3; sweep += 1) {
      const tick = await broken.tick(LATER, { parkAfter: 3 });
      codes.push(tick.faults[0]?.parked ?? false);
      for (const entry of tick.fired) fired.add(entry.pipId);
    }
    expect([...fired]).toEqual([good]);
    expect(codes).toEqual([false, false, true]);
    const fourth = await broken.tick(LATER, { parkAfter: 3 });
    expect(fourth.faults).toEqual([]);
    const messages: string[] = [];
    await broken.relay((message) => void messages.push(`${message.type} ${message.pipId}`));
    expect(messages).toContain(`${DEADLINE_PARKED_MESSAGE} ${bad}`);
  });

  it('puts parked deadlines back in the sweep once the cause is fixed (unpark), and not before', async () => {
    const inner = memoryStore();
    const { engine } = setup(inner);
    const bad = await issued(engine, 'emp-1');
    const broken = setup(withUnreadable(inner, bad), { recordCache: 0 }).engine;
    await broken.tick(LATER, { parkAfter: 1 });
    expect((await broken.tick(LATER, { parkAfter: 1 })).fired).toEqual([]);
    // Still unreadable: refused with the cause's own code, nothing reset.
    await expect(broken.unpark(bad, { actor: hr })).rejects.toMatchObject({
      code: 'STORE_ERROR',
      reason: 'STORE_CORRUPT_ROW',
    });
    // The row is restored (the engine over the inner store reads it again).
    const employee: Actor = { id: 'emp-1', role: 'employee' };
    await expect(engine.unpark(bad, { actor: employee })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const receipt = await engine.unpark(bad, { actor: hr });
    expect(receipt).toMatchObject({ pipId: bad, unparkedBy: hr });
    expect(receipt.timerIds.length).toBeGreaterThan(0);
    const fired = await engine.tick(LATER);
    expect(fired.fired.map((entry) => entry.pipId)).toContain(bad);
    expect((await engine.unpark(bad, { actor: hr })).timerIds).toEqual([]);
  });

  it('reports a PIP on a policy version the engine does not register, and fires the others', async () => {
    const v2 = definePolicy({ ...defaultPolicy.document, version: 2 });
    const store = memoryStore();
    const withBoth = setup(store, { policies: [defaultPolicy, v2] }).engine;
    const onV1 = await issued(withBoth, 'emp-0');
    const { pip } = await withBoth.open(
      {
        employee: { id: 'emp-1', timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id, version: 2 },
        goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    await withBoth.dispatch(
      pip.pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: manager },
    );
    await withBoth.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
    const onlyV2 = setup(store, { policies: [v2], recordCache: 0 }).engine;
    const tick = await onlyV2.tick(LATER);
    expect(tick.fired.map((fired) => fired.pipId)).toEqual([pip.pipId]);
    expect(tick.faults).toEqual([
      expect.objectContaining({ pipId: onV1, code: 'POLICY_NOT_FOUND' }),
    ]);
  });
});

/** A store whose raw rows were rewritten behind pipkit's back. */
function forged(
  inner: PipStore,
  change: (rows: NonNullable<Awaited<ReturnType<NonNullable<PipStore['inspect']>>>>) => object,
): PipStore {
  return Object.assign(Object.create(inner) as PipStore, {
    inspect: async (pipId: string) => {
      const rows = await (inner.inspect as NonNullable<PipStore['inspect']>)(pipId);
      return rows ? { ...rows, ...change(rows) } : rows;
    },
  });
}

describe('verify covers every derived row', () => {
  it('passes an untouched PIP, comparing its rows', async () => {
    const { engine } = setup();
    const pipId = await issued(engine, 'emp-0');
    const report = await engine.verify(pipId, { actor: hr });
    expect(report).toMatchObject({ ok: true, rowsChecked: true, derived: [] });
  });

  it.each([
    [
      'a rewritten manager column',
      (rows: { columns: object }) => ({ columns: { ...rows.columns, managerId: 'mgr-2' } }),
      'ENVELOPE_MISMATCH',
    ],
    ['a deleted timer row', () => ({ timers: [] }), 'TIMER_MISSING'],
    [
      'a moved due time',
      (rows: { timers: readonly { dueAt: string }[] }) => ({
        timers: rows.timers.map((timer) => ({ ...timer, dueAt: '2030-01-01T00:00:00.000Z' })),
      }),
      'TIMER_MOVED',
    ],
    ['a deleted outbox row', () => ({ outbox: [] }), 'OUTBOX_MISSING'],
  ])('names %s', async (_name, change, code) => {
    const inner = memoryStore();
    const pipId = await issued(setup(inner).engine, 'emp-0');
    const engine = setup(forged(inner, change)).engine;
    const report = await engine.verify(pipId, { actor: hr });
    expect(report.ok).toBe(false);
    expect(report.derived.map((entry) => entry.code)).toContain(code);
  });
});

describe('typed and bounded', () => {
  it('explain needs read permission: another employee learns nothing, not even the state', async () => {
    const { engine } = setup();
    const pipId = await issued(engine, 'emp-0');
    const stranger: Actor = { id: 'emp-9', role: 'employee' };
    await expect(
      engine.explain(
        pipId,
        { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
        { actor: stranger },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a command stamped before the last event with CLOCK_WENT_BACKWARDS, writing nothing', async () => {
    const { engine, clock } = setup();
    const pipId = await issued(engine, 'emp-0');
    clock.set('2026-03-01T00:00:00Z');
    const error: unknown = await engine
      .dispatch(
        pipId,
        { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
        { actor: { id: 'emp-0', role: 'employee' } },
      )
      .catch((caught: unknown) => caught);
    expect(isPipkitError(error, 'COMMAND_REFUSED')).toBe(true);
    expect((error as { issues: { code: string }[] }).issues.map((entry) => entry.code)).toEqual([
      'CLOCK_WENT_BACKWARDS',
    ]);
  });

  it('refuses an extension of 2^31 as INVALID_INPUT in dispatch and explain, never a RangeError', async () => {
    const { engine } = setup();
    const pipId = await issued(engine, 'emp-0');
    const command = { type: 'EXTEND', amount: 2 ** 31, reason: 'moreTime' } as const;
    await expect(engine.dispatch(pipId, command, { actor: hr })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(engine.explain(pipId, command, { actor: hr })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses calendar id %s with INVALID_CALENDAR, writing nothing',
    async (calendar) => {
      const { engine, store } = setup();
      const attempt = engine.open(
        {
          employee: { id: 'emp-0', timeZone: 'Europe/London', calendar },
          managerId: manager.id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g', description: 'Close tickets', measure: '90% within SLA' }],
        },
        { actor: manager },
      );
      await expect(attempt).rejects.toMatchObject({ code: 'INVALID_CALENDAR' });
      expect(await store.list({})).toEqual([]);
    },
  );

  it('recognises errors by code, also from another copy of core', () => {
    const foreign = Object.assign(new Error('conflict'), { code: 'VERSION_CONFLICT', issues: [] });
    expect(isPipkitError(foreign, 'VERSION_CONFLICT')).toBe(true);
    expect(isPipkitError(foreign, 'FORBIDDEN')).toBe(false);
    expect(isPipkitError(Object.assign(new Error('x'), { code: 'ENOENT', issues: [] }))).toBe(
      false,
    );
  });

  it('migrates through the authorizer and replays a repeated key instead of migrating twice', async () => {
    const v2 = definePolicy({ ...defaultPolicy.document, version: 2 });
    const denyMigrate = setup(memoryStore(), {
      policies: [defaultPolicy, v2],
      authorize: (request) =>
        request.action === 'MIGRATE'
          ? [{ code: 'NO_MIGRATIONS', path: [], message: 'Not here.' }]
          : [],
    }).engine;
    const denied = await issued(denyMigrate, 'emp-0');
    await expect(
      denyMigrate.migrate(denied, { toVersion: 2 }, { actor: hr }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      issues: [expect.objectContaining({ code: 'NO_MIGRATIONS' })],
    });
    const { engine } = setup(memoryStore(), { policies: [defaultPolicy, v2] });
    const pipId = await issued(engine, 'emp-0');
    const first = await engine.migrate(
      pipId,
      { toVersion: 2 },
      { actor: hr, idempotencyKey: 'move-1' },
    );
    const again = await engine.migrate(
      pipId,
      { toVersion: 2 },
      { actor: hr, idempotencyKey: 'move-1' },
    );
    expect(again.replayed).toBe(true);
    expect(again.pip.version).toBe(first.pip.version);
  });
});
