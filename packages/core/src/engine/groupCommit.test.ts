import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../model/actor.js';
import type { Command } from '../model/commands.js';
import { durations } from '../calendar/duration.js';
import { defaultPolicy, defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { definePolicy } from '../policy/definePolicy.js';
import { memoryStore } from '../store/memoryStore.js';
import type { CommitRequest, PipStore } from '../store/pipStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';
import type { DispatchResult, Engine, EngineOptions } from './engineApi.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };
const manager = (index: number): Actor => ({ id: `mgr-${index}`, role: 'manager' });
const employee = (index: number): Actor => ({ id: `emp-${index}`, role: 'employee' });

/** A store that records the size of each transaction it was asked for. */
function recorded(store: PipStore, overrides: Partial<PipStore> = {}) {
  const groups: number[] = [];
  const commitMany = store.commitMany?.bind(store);
  const wrapped: PipStore = {
    ...store,
    commit: (request) => {
      groups.push(1);
      return store.commit(request);
    },
    ...(commitMany
      ? {
          commitMany: (requests: readonly CommitRequest[]) => {
            groups.push(requests.length);
            return commitMany(requests);
          },
        }
      : {}),
    ...overrides,
  };
  return { store: wrapped, groups };
}

function engineOn(store: PipStore, options: Partial<EngineOptions> = {}): Engine {
  let next = 0;
  return createEngine({
    store,
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00Z'),
    ids: () => `p-${next++}`,
    groupCommit: true,
    ...options,
  });
}

function openFor(engine: Engine, index: number): Promise<DispatchResult> {
  return engine.open(
    {
      employee: { id: `emp-${index}`, timeZone: 'UTC' },
      managerId: manager(index).id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
      documents: [plan, notes],
    },
    { actor: manager(index) },
  );
}

const codeOf = (reason: unknown) => (reason as { code?: unknown }).code;

afterEach(() => {
  vi.useRealTimers();
});

describe('groupCommit option', () => {
  it('refuses a maxBatch or windowMs out of range with INVALID_INPUT', () => {
    for (const groupCommit of [
      { maxBatch: 0 },
      { maxBatch: 1.5 },
      { windowMs: -1 },
      { windowMs: 5000 },
    ]) {
      expect(() => engineOn(memoryStore(), { groupCommit })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
  });

  it('is off by default on a store that does not prefer it: concurrent writes commit one by one', async () => {
    const { store, groups } = recorded(memoryStore());
    const engine = createEngine({ store, policies: [defaultPolicy] });
    await Promise.all([0, 1, 2, 3].map((index) => openFor(engine, index)));
    expect(groups).toEqual([1, 1, 1, 1]);
  });

  it('is on by default on a store that prefers it (prefersGroupCommit), and off with false', async () => {
    const preferring = { ...memoryStore(), prefersGroupCommit: true };
    const byDefault = recorded(preferring);
    const engine = createEngine({ store: byDefault.store, policies: [defaultPolicy] });
    await openFor(engine, 9);
    await Promise.all([0, 1, 2, 3].map((index) => openFor(engine, index)));
    expect(byDefault.groups).toEqual([1, 4]);
    const turnedOff = recorded({ ...memoryStore(), prefersGroupCommit: true });
    const ungrouped = createEngine({
      store: turnedOff.store,
      policies: [defaultPolicy],
      groupCommit: false,
    });
    await Promise.all([0, 1, 2, 3].map((index) => openFor(ungrouped, index)));
    expect(turnedOff.groups).toEqual([1, 1, 1, 1]);
  });

  it('commits a lone write at once with the plain commit, and concurrent ones together', async () => {
    const { store, groups } = recorded(memoryStore());
    const engine = engineOn(store);
    await openFor(engine, 9);
    expect(groups).toEqual([1]);
    await Promise.all([0, 1, 2, 3, 4].map((index) => openFor(engine, index)));
    expect(groups).toEqual([1, 5]);
  });

  it('never puts more than maxBatch requests in one transaction', async () => {
    const { store, groups } = recorded(memoryStore());
    const engine = engineOn(store, { groupCommit: { maxBatch: 2 } });
    const opened = await Promise.all([0, 1, 2, 3, 4].map((index) => openFor(engine, index)));
    expect(opened.map((result) => result.pip.pipId)).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
    expect(Math.max(...groups)).toBe(2);
    expect(groups.reduce((sum, size) => sum + size, 0)).toBe(5);
  });

  it('commits one at a time on a store without commitMany', async () => {
    const withoutCommitMany = Object.fromEntries(
      Object.entries(memoryStore()).filter(([name]) => name !== 'commitMany'),
    ) as unknown as PipStore;
    const { store, groups } = recorded(withoutCommitMany);
    const engine = engineOn(store);
    const opened = await Promise.all([0, 1, 2].map((index) => openFor(engine, index)));
    expect(opened.map((result) => result.pip.pipId)).toEqual(['p-0', 'p-1', 'p-2']);
    expect(groups).toEqual([1, 1, 1]);
  });

  it('gives a failure of the whole transaction to every request in it, and goes on afterwards', async () => {
    const failing = memoryStore();
    let fail = true;
    const { store } = recorded(failing, {
      commitMany: (requests) =>
        fail
          ? Promise.reject(new Error('disk gone'))
          : (failing.commitMany?.(requests) ?? Promise.resolve([])),
    });
    const engine = engineOn(store);
    const outcomes = await Promise.allSettled([0, 1, 2].map((index) => openFor(engine, index)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    fail = false;
    const opened = await Promise.all([3, 4].map((index) => openFor(engine, index)));
    expect(opened.map((result) => result.pip.pipId)).toEqual(['p-3', 'p-4']);
  });

  it('refuses every request with STORE_ERROR when commitMany answers the wrong number of outcomes', async () => {
    const { store } = recorded(memoryStore(), { commitMany: () => Promise.resolve([undefined]) });
    const engine = engineOn(store);
    const outcomes = await Promise.allSettled([0, 1].map((index) => openFor(engine, index)));
    expect(
      outcomes.map((outcome) => outcome.status === 'rejected' && codeOf(outcome.reason)),
    ).toEqual(['STORE_ERROR', 'STORE_ERROR']);
  });

  it('on a store running two commits at once (concurrentCommits), splits waiting writes between two transactions in flight', async () => {
    const base = { ...memoryStore(), concurrentCommits: 2 };
    let inFlight = 0;
    let mostInFlight = 0;
    const transactions: number[] = [];
    const { store, groups } = recorded(base, {
      // Each transaction takes a turn of the event loop, so the next can start meanwhile; the
      // first one fails as a whole.
      commitMany: async (requests) => {
        transactions.push(requests.length);
        const failing = transactions.length === 1;
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        if (failing) throw new Error('disk gone');
        return base.commitMany?.(requests) ?? [];
      },
    });
    const engine = engineOn(store);
    await openFor(engine, 99);
    const outcomes = await Promise.allSettled(
      [0, 1, 2, 3, 4, 5, 6, 7].map((index) => openFor(engine, index)),
    );
    expect(groups).toEqual([1]);
    expect(transactions).toEqual([4, 4]);
    expect(mostInFlight).toBe(2);
    // The failed transaction is its own four requests' failure only.
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      ...Array<string>(4).fill('rejected'),
      ...Array<string>(4).fill('fulfilled'),
    ]);
    const opened = outcomes.flatMap((outcome) =>
      outcome.status === 'fulfilled' ? [outcome.value.pip] : [],
    );
    expect(opened.map((pip) => pip.pipId)).toEqual(['p-5', 'p-6', 'p-7', 'p-8']);
    for (const pip of opened) expect(await base.load(pip.pipId)).toEqual(pip);
    for (const pipId of ['p-1', 'p-2', 'p-3', 'p-4']) {
      expect(await base.load(pipId)).toBeUndefined();
    }
  });

  it('takes a concurrentCommits that is not a finite number from 1 as one transaction in flight', async () => {
    for (const concurrentCommits of [Number.NaN, 0, -2, 0.5, Number.POSITIVE_INFINITY]) {
      const { store, groups } = recorded({ ...memoryStore(), concurrentCommits });
      const engine = engineOn(store);
      await openFor(engine, 99);
      const opened = await Promise.all([0, 1, 2, 3].map((index) => openFor(engine, index)));
      expect(opened.map((result) => result.pip.pipId)).toEqual(['p-1', 'p-2', 'p-3', 'p-4']);
      expect(groups).toEqual([1, 4]);
    }
  });

  it('with windowMs, waits for a write still deciding at most that long', async () => {
    vi.useFakeTimers();
    const base = memoryStore();
    let hold: (() => void) | undefined;
    const { store, groups } = recorded(base, {
      // The second PIP's prior-plan lookup never answers until the test lets it.
      list: (query) =>
        query?.employeeId === 'emp-1'
          ? new Promise((resolve) => {
              hold = () => resolve(base.list(query));
            })
          : base.list(query),
    });
    // A limit on plans within a year makes `open` look up the employee's other plans first.
    const limited = definePolicy({
      ...defaultPolicyDocument,
      plans: { maxWithin: { count: 2, period: durations.monthsAfter(12) } },
    });
    const engine = engineOn(store, { groupCommit: { windowMs: 50 }, policies: [limited] });
    const first = openFor(engine, 0);
    const second = openFor(engine, 1);
    await vi.advanceTimersByTimeAsync(49);
    expect(groups).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(groups).toEqual([1]);
    expect((await first).pip.pipId).toBe('p-0');
    hold?.();
    expect((await second).pip.pipId).toBe('p-1');
    expect(groups).toEqual([1, 1]);
  });
});

/** One call of the model: a command on one of three PIPs, maybe keyed, maybe pinned. */
interface ModelCall {
  readonly pip: number;
  readonly kind: 'checkIn' | 'forbidden' | 'refused';
  readonly assessment: 'onTrack' | 'mixed' | 'offTrack';
  readonly key?: 'a' | 'b';
  readonly expectedVersion?: number;
}

const modelCall: fc.Arbitrary<ModelCall> = fc.record(
  {
    pip: fc.integer({ min: 0, max: 2 }),
    kind: fc.constantFrom('checkIn', 'checkIn', 'checkIn', 'forbidden', 'refused'),
    assessment: fc.constantFrom('onTrack', 'mixed', 'offTrack'),
    key: fc.constantFrom('a', 'b'),
    expectedVersion: fc.integer({ min: 5, max: 8 }),
  },
  { requiredKeys: ['pip', 'kind', 'assessment'] },
);

function send(engine: Engine, call: ModelCall): Promise<DispatchResult> {
  const command: Command =
    call.kind === 'refused'
      ? { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 }
      : { type: 'RECORD_CHECK_IN', assessment: call.assessment };
  return engine.dispatch(`p-${call.pip}`, command, {
    actor: call.kind === 'checkIn' ? manager(call.pip) : employee(call.pip),
    ...(call.key ? { idempotencyKey: call.key } : {}),
    ...(call.expectedVersion === undefined ? {} : { expectedVersion: call.expectedVersion }),
  });
}

/** Three PIPs brought to `active` (version 5), the clock on the first check-in's day. */
async function threeActive(options: Partial<EngineOptions>, concurrentCommits = 1) {
  const store = { ...memoryStore(), concurrentCommits };
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = engineOn(store, { clock, ...options });
  for (const index of [0, 1, 2]) {
    const { pip } = await openFor(engine, index);
    await engine.dispatch(pip.pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager(index) });
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
  }
  clock.set('2026-03-03T15:00:00Z');
  for (const index of [0, 1, 2]) {
    const command = { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 } as const;
    await engine.dispatch(`p-${index}`, command, { actor: employee(index) });
  }
  clock.set('2026-03-17T14:00:00Z');
  return { store, engine };
}

const outcomeOf = (settled: PromiseSettledResult<DispatchResult>) =>
  settled.status === 'fulfilled'
    ? {
        version: settled.value.pip.version,
        replayed: settled.value.replayed,
        events: settled.value.events,
      }
    : { code: codeOf(settled.reason) };

describe('group commit against one call at a time (model)', () => {
  it.each([
    ['one transaction in flight', 1],
    ['two in flight (concurrentCommits: 2)', 2],
  ])(
    '%s: gives every caller, and the store, exactly what the same calls one after another give',
    async (_, concurrentCommits) => {
      await fc.assert(
        fc.asyncProperty(fc.array(modelCall, { minLength: 1, maxLength: 12 }), async (calls) => {
          const grouped = await threeActive({ groupCommit: { maxBatch: 4 } }, concurrentCommits);
          const sequential = await threeActive({ groupCommit: false });
          const together = await Promise.allSettled(
            calls.map((call) => send(grouped.engine, call)),
          );
          const oneByOne: PromiseSettledResult<DispatchResult>[] = [];
          for (const call of calls)
            oneByOne.push(...(await Promise.allSettled([send(sequential.engine, call)])));
          expect(together.map(outcomeOf)).toEqual(oneByOne.map(outcomeOf));
          for (const pipId of ['p-0', 'p-1', 'p-2']) {
            expect(await grouped.store.readEvents(pipId)).toEqual(
              await sequential.store.readEvents(pipId),
            );
            const verification = await grouped.engine.verify(pipId, { actor: hr });
            expect(verification).toMatchObject({ ok: true, replayMatches: true });
          }
        }),
        { numRuns: 25 },
      );
    },
    60_000,
  );
});
