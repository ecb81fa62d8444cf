import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type Command,
  type AuthorizationRequest,
  type Authorizer,
  createEngine,
  defaultAuthorizer,
  defaultPolicy,
  type Engine,
  memoryStore,
  type PipkitError,
  type PipkitIssue,
  type PipStore,
} from '../index.js';
import { createTestClock } from '../testing/index.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const START = '2026-03-02T15:00:00.000Z';
const planDocument = { kind: 'planDocument', ref: 'dms://plan/1', sha256: 'a'.repeat(64) };
const submit: Command = { type: 'SUBMIT_FOR_APPROVAL', documents: [planDocument] };

/** A promise the test settles by hand: a slow authorizer without any timer. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets every already-settled promise chain run (no wall clock involved). */
const settle = () => new Promise<void>((done) => setImmediate(done));

async function refusal(promise: Promise<unknown>): Promise<PipkitError> {
  const caught: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toMatchObject({ code: expect.any(String) as string });
  return caught as PipkitError;
}

/** An engine whose authorizer the test swaps, and one opened PIP. */
async function world(options: { store?: PipStore } = {}) {
  const clock = createTestClock(START);
  const store = options.store ?? memoryStore({ now: () => clock.now().getTime() });
  let current: Authorizer = defaultAuthorizer;
  const seen: AuthorizationRequest[] = [];
  let next = 0;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => `pip-${(next += 1)}`,
    authorize: (request) => {
      seen.push(request);
      return current(request);
    },
  });
  const open = async (employeeId = 'emp-1') =>
    (
      await engine.open(
        {
          employee: { id: employeeId, timeZone: 'Europe/London' },
          managerId: manager.id,
          orgUnitId: 'sales',
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g1', description: 'Ship on time', measure: '9 of 10 weekly' }],
        },
        { actor: manager },
      )
    ).pip.pipId;
  const pipId = await open();
  return {
    engine,
    store,
    clock,
    seen,
    pipId,
    open,
    use: (authorizer: Authorizer) => {
      current = authorizer;
    },
  };
}

/** Every engine path that authorizes, against one PIP. */
function paths(engine: Engine, pipId: string, actor: Actor) {
  const command: Command = {
    type: 'UPDATE_PLAN',
    goals: [{ id: 'g2', description: 'Document', measure: 'weekly' }],
  };
  return {
    dispatch: () => engine.dispatch(pipId, command, { actor }),
    explain: () => engine.explain(pipId, command, { actor }),
    get: () => engine.get(pipId, { actor }),
    history: () => engine.history(pipId, { actor }),
    deadlines: () => engine.deadlines(pipId, { actor }),
    verify: () => engine.verify(pipId, { actor }),
    purge: () => engine.purge(pipId, { actor }),
    unpark: () => engine.unpark(pipId, { actor }),
    migrate: () => engine.migrate(pipId, { toVersion: 1 }, { actor }),
    planMigration: () =>
      engine.planMigration({ policyId: defaultPolicy.id, fromVersion: 1, toVersion: 1 }, { actor }),
    open: () =>
      engine.open(
        {
          employee: { id: 'emp-9', timeZone: 'Europe/London' },
          managerId: manager.id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g1', description: 'Ship', measure: 'weekly' }],
        },
        { actor },
      ),
  };
}

const denied: PipkitIssue = { code: 'HOST_SAYS_NO', path: [], message: 'Not today.' };

describe('an asynchronous authorizer', () => {
  it('is awaited on every path: its denial refuses open, commands, reads, purge, unpark and migrations', async () => {
    const { engine, pipId, use } = await world();
    use(async () => {
      await Promise.resolve();
      return [denied];
    });
    for (const [name, run] of Object.entries(paths(engine, pipId, hr))) {
      const error = await refusal(run());
      expect({ name, code: error.code, issue: error.issues[0]?.code }).toEqual({
        name,
        code: 'FORBIDDEN',
        issue: 'HOST_SAYS_NO',
      });
    }
    // Pages leave out what it denies; counts are the read scope's.
    expect((await engine.list({}, { actor: hr })).length).toBe(0);
    expect((await engine.listPage({}, { actor: hr })).pips).toEqual([]);
    expect(await engine.query({}, { actor: hr })).toMatchObject({ pips: [], hidden: 1 });
  });

  it("is allowed on every path when it resolves to no issues, and the default's rules still hold", async () => {
    const { engine, pipId, use } = await world();
    use((request) => Promise.resolve(defaultAuthorizer(request)));
    await engine.dispatch(
      pipId,
      { type: 'UPDATE_PLAN', goals: [{ id: 'g2', description: 'Document', measure: 'weekly' }] },
      { actor: manager },
    );
    expect((await engine.get(pipId, { actor: manager })).version).toBe(2);
    expect((await engine.query({}, { actor: manager })).pips).toHaveLength(1);
    expect(await engine.count({}, { actor: hr })).toBe(1);
    const error = await refusal(engine.get(pipId, { actor: { id: 'mgr-2', role: 'manager' } }));
    expect(error.issues.map((issue) => issue.code)).toEqual(['NOT_THE_MANAGER']);
  });

  it('writes nothing while a slow authorizer has not answered, then commits once it allows', async () => {
    const { engine, store, pipId, use } = await world();
    const answer = deferred<readonly PipkitIssue[]>();
    use(() => answer.promise);
    const command: Command = {
      type: 'UPDATE_PLAN',
      goals: [{ id: 'g2', description: 'Doc', measure: 'weekly' }],
    };
    const pending = engine.dispatch(pipId, command, { actor: manager });
    await settle();
    expect((await store.load(pipId))?.version).toBe(1);
    answer.resolve([]);
    const { pip } = await pending;
    expect(pip.version).toBe(2);
    expect((await store.load(pipId))?.version).toBe(2);
  });

  it('lets other PIPs go on while one slow authorization waits', async () => {
    const { engine, pipId, open, use } = await world();
    const other = await open('emp-2');
    const slow = deferred<readonly PipkitIssue[]>();
    use((request) => (request.pip.pipId === pipId ? slow.promise : []));
    const command: Command = {
      type: 'UPDATE_PLAN',
      goals: [{ id: 'g2', description: 'Doc', measure: 'weekly' }],
    };
    const waiting = engine.dispatch(pipId, command, { actor: manager });
    const { pip } = await engine.dispatch(other, command, { actor: manager });
    expect(pip.version).toBe(2);
    slow.resolve([denied]);
    expect((await refusal(waiting)).code).toBe('FORBIDDEN');
  });
});

describe('an authorizer that fails', () => {
  const leaky = () => new Error('Directory lookup for Jane Doe (emp-1, mgr-1) timed out');

  it.each([
    [
      'throws',
      () => (): never => {
        throw leaky();
      },
    ],
    ['rejects', () => () => Promise.reject(leaky())],
    ['answers no list', () => () => ({ allowed: true }) as unknown as readonly PipkitIssue[]],
    ['resolves to no list', () => () => Promise.resolve(undefined as unknown as PipkitIssue[])],
  ] as const)(
    'that %s refuses with AUTHORIZATION_FAILED, retryable, without personal data, and writes nothing',
    async (_how, make) => {
      const { engine, store, pipId, use } = await world();
      use(make());
      const before = await store.load(pipId);
      for (const [name, run] of Object.entries(paths(engine, pipId, hr))) {
        const error = await refusal(run());
        expect({ name, code: error.code }).toEqual({ name, code: 'AUTHORIZATION_FAILED' });
        expect(error.retryable).toBe(true);
        expect(error.issues.map((issue) => issue.code)).toEqual(['AUTHORIZER_FAILED']);
        const shown = JSON.stringify(error.toJSON());
        for (const personal of ['Jane', 'emp-1', 'mgr-1', 'hr-1']) {
          expect(shown).not.toContain(personal);
        }
      }
      expect(await store.load(pipId)).toEqual(before);
      // A page fails closed around it: the PIP is left out and counted as hidden.
      expect(await engine.query({}, { actor: hr })).toMatchObject({ pips: [], hidden: 1 });
    },
  );

  it("keeps the authorizer's own error as the cause, for the host's logs only", async () => {
    const { engine, pipId, use } = await world();
    const original = leaky();
    use(() => Promise.reject(original));
    const error = await refusal(engine.get(pipId, { actor: hr }));
    expect(error.cause).toBe(original);
    expect(error.message).not.toContain('Jane');
  });

  it("fails one PIP's page entry and one PIP's deadline, never the others'", async () => {
    const { engine, clock, pipId, open, use } = await world();
    const other = await open('emp-2');
    for (const id of [pipId, other]) {
      await engine.dispatch(id, submit, { actor: manager });
      await engine.dispatch(id, { type: 'APPROVE' }, { actor: hr });
    }
    use((request) => {
      if (request.pip.pipId === pipId) throw leaky();
      return defaultAuthorizer(request);
    });
    const page = await engine.query({}, { actor: hr });
    expect(page.pips.map((pip) => pip.pipId)).toEqual([other]);
    expect(page.hidden).toBe(1);
    clock.advance({ days: 30 });
    const tick = await engine.tick();
    expect(tick.fired.filter((fire) => fire.pipId === other).length).toBeGreaterThan(0);
    const faults = tick.faults.filter((fault) => fault.pipId === pipId);
    expect(faults.length).toBeGreaterThan(0);
    // Retryable: reported, never parked, so the deadline fires once the authorizer is back.
    expect(faults.every((fault) => fault.code === 'AUTHORIZATION_FAILED' && !fault.parked)).toBe(
      true,
    );
    use(defaultAuthorizer);
    const again = await engine.tick();
    expect(again.fired.some((fire) => fire.pipId === pipId)).toBe(true);
  });
});

describe('what an authorizer is told', () => {
  it("gets the PIP's facts and the attempt's time from the engine's clock", async () => {
    const { engine, clock, seen, pipId } = await world({
      store: memoryStore({ tenantId: 'acme' }),
    });
    const opening = seen.find((request) => request.action === 'OPEN');
    expect(opening?.pip).toEqual({
      pipId,
      employeeId: 'emp-1',
      managerId: 'mgr-1',
      orgUnitId: 'sales',
      tenantId: 'acme',
    });
    expect(opening?.at).toBe(START);
    clock.set('2026-04-01T08:30:00.000Z');
    await engine.get(pipId, { actor: hr });
    const read = seen.at(-1);
    expect(read).toMatchObject({
      action: 'READ',
      actor: hr,
      at: '2026-04-01T08:30:00.000Z',
      pip: {
        pipId,
        employeeId: 'emp-1',
        managerId: 'mgr-1',
        orgUnitId: 'sales',
        tenantId: 'acme',
        state: 'draft',
      },
    });
    expect(read?.pip.context?.pipId).toBe(pipId);
    expect(read?.policy.id).toBe(defaultPolicy.id);
  });

  it("hands the sweep's instant to the authorizer of a deadline fire", async () => {
    const { engine, seen, pipId } = await world();
    await engine.dispatch(pipId, submit, { actor: manager });
    await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
    const at = '2026-06-01T00:00:00.000Z';
    await engine.tick(at);
    const fire = seen.find((request) => request.action === 'DEADLINE_REACHED');
    expect(fire?.at).toBe(at);
    expect(fire?.actor.role).toBe('system');
  });
});
