// By package name, like the rest of the suite: the engine runs on the same @pipkit/core.
import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicy,
  type DispatchResult,
  type Engine,
  type EngineOptions,
  memoryStore,
  type PipStore,
} from '@pipkit/core';
import type { CommitRequest } from '@pipkit/core/adapter';
import { createTestClock, type TestClock } from '../testClock.js';
import { codeOf, type ConformanceContext } from './conformanceContext.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };
const manager = (index: number): Actor => ({ id: `mgr-${index}`, role: 'manager' });
const employee = (index: number): Actor => ({ id: `emp-${index}`, role: 'employee' });
const checkIn = (assessment: 'onTrack' | 'mixed' | 'offTrack' = 'onTrack'): Command => ({
  type: 'RECORD_CHECK_IN',
  assessment,
});

/** What one call came to: its result, or its error's stable code. */
type Outcome = { readonly ok: DispatchResult } | { readonly code: unknown };

/** Settles every call started together (none awaited before the next starts). */
async function together(calls: readonly Promise<DispatchResult>[]): Promise<Outcome[]> {
  const settled = await Promise.allSettled(calls);
  return settled.map((entry) =>
    entry.status === 'fulfilled' ? { ok: entry.value } : { code: codeOf(entry.reason) },
  );
}

/** The store, recording how many requests each of its transactions carried. */
function recording(store: PipStore): { store: PipStore; groups: number[] } {
  const groups: number[] = [];
  const wrapped = Object.create(store) as PipStore & Record<string, unknown>;
  wrapped.commit = (request: CommitRequest) => {
    groups.push(1);
    return store.commit(request);
  };
  const commitMany = store.commitMany?.bind(store);
  if (commitMany) {
    wrapped.commitMany = (requests: readonly CommitRequest[]) => {
      groups.push(requests.length);
      return commitMany(requests);
    };
  }
  return { store: wrapped, groups };
}

/** A group-committing engine on `store` with the test clock on the first check-in's day. */
interface Setup {
  readonly engine: Engine;
  readonly clock: TestClock;
  readonly groups: number[];
}

/**
 * Opens `count` PIPs (`g-0`, `g-1`, ...) all at once through a group-committing engine and
 * brings them to `active` together, one step for all of them at a time.
 */
async function activeTogether(
  raw: PipStore,
  count: number,
  options: Partial<EngineOptions> = {},
): Promise<Setup> {
  const { store, groups } = recording(raw);
  const clock = createTestClock('2026-03-02T15:00:00Z');
  let next = 0;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => `g-${next++}`,
    groupCommit: true,
    ...options,
  });
  const indexes = Array.from({ length: count }, (_, index) => index);
  const opened = await together(
    indexes.map((index) =>
      engine.open(
        {
          employee: { id: `emp-${index}`, timeZone: 'America/New_York' },
          managerId: manager(index).id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
          documents: [plan, notes],
        },
        { actor: manager(index) },
      ),
    ),
  );
  expectAll(opened, 'open');
  const step = async (send: (index: number) => Promise<DispatchResult>) => {
    expectAll(await together(indexes.map(send)), 'a step to active');
  };
  await step((i) =>
    engine.dispatch(`g-${i}`, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager(i) }),
  );
  await step((i) => engine.dispatch(`g-${i}`, { type: 'APPROVE' }, { actor: hr }));
  clock.set('2026-03-03T15:00:00Z');
  await step((i) =>
    engine.dispatch(
      `g-${i}`,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: employee(i) },
    ),
  );
  clock.set('2026-03-17T14:00:00Z');
  return { engine, clock, groups };
}

function expectAll(outcomes: readonly Outcome[], what: string): void {
  const failed = outcomes.filter((outcome) => !('ok' in outcome));
  if (failed.length > 0) throw new Error(`${what} failed: ${JSON.stringify(failed)}`);
}

/** The version each call left, or its error's code. */
function summary(outcomes: readonly Outcome[]): unknown[] {
  return outcomes.map((outcome) =>
    'ok' in outcome
      ? {
          version: outcome.ok.pip.version,
          replayed: outcome.ok.replayed,
          pipId: outcome.ok.pip.pipId,
        }
      : { code: outcome.code },
  );
}

/**
 * Registers "group commit through the engine" when `options.batching` is set: concurrent
 * dispatches on a group-committing engine share `commitMany` transactions, and each caller still
 * gets exactly what it would get alone.
 */
export function registerGroupCommitFeatures(context: ConformanceContext): void {
  if (!context.options.batching) return;
  context.test.describe('group commit through the engine', () => {
    registerGroupingFeatures(context);
    registerIsolationFeatures(context);
    registerGroupIdempotencyFeatures(context);
  });
}

/** Concurrent writes share transactions; a PIP's own writes keep their order. */
function registerGroupingFeatures(context: ConformanceContext): void {
  const { it, expect } = context.test;

  it('commits concurrent writes of different PIPs together, each caller getting its own result', async () => {
    const { engine, groups } = await activeTogether(context.store, 6);
    expect(groups.some((size) => size > 1)).toBe(true);
    const outcomes = await together(
      [0, 1, 2, 3, 4, 5].map((i) => engine.dispatch(`g-${i}`, checkIn(), { actor: manager(i) })),
    );
    expect(summary(outcomes)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => ({ version: 6, replayed: false, pipId: `g-${i}` })),
    );
    for (const [i, outcome] of outcomes.entries()) {
      if (!('ok' in outcome)) throw new Error('unreachable');
      expect(outcome.ok.events.map((event) => [event.pipId, event.seq])).toEqual([[`g-${i}`, 6]]);
      expect(await context.store.readEvents(`g-${i}`)).toHaveLength(6);
      const verification = await engine.verify(`g-${i}`, { actor: hr });
      expect(verification).toMatchObject({ ok: true, replayMatches: true });
    }
  });

  it('groups by default exactly where the store says a group shares a cost (prefersGroupCommit)', async () => {
    // The engine's own default: no groupCommit option at all.
    const defaults = { groupCommit: undefined } as unknown as Partial<EngineOptions>;
    const { engine, groups } = await activeTogether(context.store, 4, defaults);
    const grouped = context.store.prefersGroupCommit === true;
    expect(groups.some((size) => size > 1)).toBe(grouped);
    const outcomes = await together(
      [0, 1, 2, 3].map((i) => engine.dispatch(`g-${i}`, checkIn(), { actor: manager(i) })),
    );
    expect(summary(outcomes)).toEqual(
      [0, 1, 2, 3].map((i) => ({ version: 6, replayed: false, pipId: `g-${i}` })),
    );
  });

  it("decides concurrent commands on one PIP one after another, in call order, each from the last one's version", async () => {
    // No record cache and no retries: two commands decided from one version would fail the second.
    const { engine } = await activeTogether(context.store, 3, { recordCache: 0 });
    const assessments = ['onTrack', 'mixed', 'offTrack', 'mixed'] as const;
    const calls = [
      ...assessments.map((assessment) =>
        engine.dispatch('g-0', checkIn(assessment), { actor: manager(0) }),
      ),
      engine.dispatch('g-1', checkIn(), { actor: manager(1) }),
      engine.dispatch('g-2', checkIn(), { actor: manager(2) }),
    ];
    expect(summary(await together(calls))).toEqual([
      { version: 6, replayed: false, pipId: 'g-0' },
      { version: 7, replayed: false, pipId: 'g-0' },
      { version: 8, replayed: false, pipId: 'g-0' },
      { version: 9, replayed: false, pipId: 'g-0' },
      { version: 6, replayed: false, pipId: 'g-1' },
      { version: 6, replayed: false, pipId: 'g-2' },
    ]);
    const held = (await context.store.readEvents('g-0'))
      .slice(5)
      .map((event) => (event.event as { readonly assessment?: string }).assessment);
    expect(held).toEqual([...assessments]);
    for (const pipId of ['g-0', 'g-1', 'g-2']) {
      const verification = await engine.verify(pipId, { actor: hr });
      expect(verification).toMatchObject({ ok: true, replayMatches: true });
    }
  });
}

/** A refused or conflicting request of a group never fails the others. */
function registerIsolationFeatures(context: ConformanceContext): void {
  const { it, expect } = context.test;

  it('refuses one request of a group alone: a refusal, a lost race and a forbidden actor never fail the others', async () => {
    const { engine, clock } = await activeTogether(context.store, 5);
    // Another engine moves g-2 on behind this engine's back: its remembered envelope is stale.
    const other = createEngine({ store: context.store, policies: [defaultPolicy], clock });
    await other.dispatch('g-2', checkIn('offTrack'), { actor: manager(2) });
    const outcomes = await together([
      engine.dispatch('g-0', checkIn(), { actor: manager(0) }),
      engine.dispatch('g-1', checkIn(), { actor: employee(1) }),
      engine.dispatch('g-2', checkIn(), { actor: manager(2), expectedVersion: 5 }),
      engine.dispatch(
        'g-3',
        { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
        {
          actor: employee(3),
        },
      ),
      engine.dispatch('g-4', checkIn(), { actor: manager(4) }),
      engine.dispatch('g-2', checkIn('mixed'), { actor: manager(2) }),
    ]);
    expect(summary(outcomes)).toEqual([
      { version: 6, replayed: false, pipId: 'g-0' },
      { code: 'FORBIDDEN' },
      { code: 'VERSION_CONFLICT' },
      { code: 'COMMAND_REFUSED' },
      { version: 6, replayed: false, pipId: 'g-4' },
      { version: 7, replayed: false, pipId: 'g-2' },
    ]);
    const versions = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => (await context.store.load(`g-${i}`))?.version),
    );
    expect(versions).toEqual([6, 5, 7, 5, 6]);
    for (const i of [0, 1, 2, 3, 4]) {
      const verification = await engine.verify(`g-${i}`, { actor: hr });
      expect(verification).toMatchObject({ ok: true, replayMatches: true });
    }
  });
}

/** The calls of the idempotency test, for the engine under test and for the reference. */
function keyedCalls(engine: Engine): Promise<DispatchResult>[] {
  const opening = (description: string) =>
    engine.open(
      {
        employee: { id: 'emp-new', timeZone: 'Europe/Berlin' },
        managerId: 'mgr-new',
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description, measure: 'Audited' }],
      },
      { actor: { id: 'mgr-new', role: 'manager' }, idempotencyKey: 'open-once' },
    );
  const keyed = (i: number, assessment: 'onTrack' | 'mixed', key: string) =>
    engine.dispatch(`g-${i}`, checkIn(assessment), { actor: manager(i), idempotencyKey: key });
  return [
    opening('Ship on time'),
    opening('Ship on time'),
    opening('Something else'),
    keyed(0, 'onTrack', 'k-0'),
    keyed(0, 'onTrack', 'k-0'),
    keyed(0, 'mixed', 'k-0'),
    keyed(1, 'onTrack', 'k-1'),
    keyed(1, 'onTrack', 'k-1'),
  ];
}

/**
 * What three concurrent openings under one key may come to: whichever reaches the store first
 * commits; the same request replays its result, a different request is refused. Openings are of
 * different PIPs, so which one wins depends on how their reads come back, not on call order.
 */
function expectedOpenings(outcomes: readonly Outcome[], sameRequest: readonly number[]): unknown[] {
  const winner = outcomes.findIndex((outcome) => 'ok' in outcome && !outcome.ok.replayed);
  if (winner < 0) return ['one opening commits'];
  const pipId = (outcomes[winner] as { ok: DispatchResult }).ok.pip.pipId;
  return outcomes.map((_, index) =>
    index === winner
      ? { version: 1, replayed: false, pipId }
      : sameRequest.includes(index) === sameRequest.includes(winner)
        ? { version: 1, replayed: true, pipId }
        : { code: 'IDEMPOTENCY_KEY_REUSED' },
  );
}

/** Two requests under one key in one group: one commits, the other replays or is refused. */
function registerGroupIdempotencyFeatures(context: ConformanceContext): void {
  const { it, expect } = context.test;

  it('answers requests sharing an idempotency key in one group exactly as it would one after another', async () => {
    const { engine } = await activeTogether(context.store, 2);
    const outcomes = await together(keyedCalls(engine));
    // The reference: the same calls one at a time, on the memory store without group commit.
    const reference = await activeTogether(memoryStore(), 2, { groupCommit: false });
    const sequential: Outcome[] = [];
    for (const call of keyedCalls(reference.engine)) sequential.push(...(await together([call])));
    // Writes of one PIP are decided and committed in call order: exactly the serial answers.
    expect(summary(outcomes.slice(3))).toEqual(summary(sequential.slice(3)));
    expect(
      summary(outcomes.slice(3)).map((entry) => (entry as { replayed?: boolean }).replayed),
    ).toEqual([false, true, undefined, false, true]);
    // The three openings race: the answers of one serial order, whichever commits first.
    const openings = outcomes.slice(0, 3);
    expect(summary(openings)).toEqual(expectedOpenings(openings, [0, 1]));
    const committed = openings.filter(
      (outcome): outcome is { ok: DispatchResult } => 'ok' in outcome,
    );
    for (const replay of committed.slice(1)) {
      expect(replay.ok.events).toEqual((committed[0] as { ok: DispatchResult }).ok.events);
    }
    expect(await context.store.list({ employeeId: 'emp-new' })).toHaveLength(1);
    for (const pipId of [(committed[0] as { ok: DispatchResult }).ok.pip.pipId, 'g-0', 'g-1']) {
      const verification = await engine.verify(pipId, { actor: hr });
      expect(verification).toMatchObject({ ok: true, replayMatches: true });
    }
  });
}
