import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Imported by package name, not by path: adapters throw the errors of the one @pipkit/core they
// load, and `instanceof` must see the same classes here.
import {
  type CommitRequest,
  type Deadline,
  GENESIS_HASH,
  hashEvent,
  IdempotencyKeyReusedError,
  LIST_LIMITS,
  MACHINE_VERSION,
  NO_PIP_YET,
  type PipEvent,
  type PipRecord,
  type PipState,
  type PipStore,
  replayEvents,
  type StoredEvent,
  type TimerRow,
  VersionConflictError,
  memoryStore,
} from '@pipkit/core';
import {
  REFERENCE_PIP_ID,
  referenceActors,
  referenceContents,
  runReferenceLifecycle,
} from './referenceLifecycle.js';

function chainEvents(
  pipId: string,
  version: number,
  prevHash: string,
  events: readonly PipEvent[],
): StoredEvent[] {
  let previous = prevHash;
  return events.map((event, index) => {
    const seq = version + index + 1;
    const hash = hashEvent(pipId, seq, event, previous);
    const stored = { pipId, seq, event, prevHash: previous, hash };
    previous = hash;
    return stored;
  });
}

/** Options for {@link describeStoreConformance}: real differences between adapters, never forks. */
export interface StoreConformanceOptions {
  /**
   * True when two commits can really run at the same time (separate connections). Stores that
   * serialise everything in one thread still run the race test; it proves the same property.
   * Default false.
   */
  readonly parallelWriters?: boolean;
  /**
   * True when the store implements `claimDueTimers` (timer leases for several engine instances);
   * the leasing tests then run. Default false.
   */
  readonly leasing?: boolean;
  /**
   * True when the store implements `claimOutbox` (outbox leases for several relays); the outbox
   * leasing tests then run. Default false.
   */
  readonly outboxLeasing?: boolean;
  /**
   * True when the store implements `commitMany` (several commits in one transaction); the batch
   * tests then run. Default false.
   */
  readonly batching?: boolean;
  /**
   * True when the store implements `purge` (deleting a PIP's whole record for
   * `engine.purge`); the purge tests then run. Default false.
   */
  readonly purging?: boolean;
}

/**
 * The adapter matrix filter: `PIPKIT_STORES=memory,sqlite` registers the conformance suite only
 * for the named adapters: the first word of `describeStoreConformance`'s name, case-insensitive
 * (`sqlite (file)` is in the `sqlite` leg).
 * Unset or empty means every store; CI runs every leg.
 */
export function storeSelected(name: string, env: string | undefined = readStoresEnv()): boolean {
  const wanted = (env ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
  // `sqlite (file)` is the `sqlite` leg: the first word names the adapter.
  const adapter = name.trim().toLowerCase().split(/[\s(]/)[0] ?? '';
  return wanted.length === 0 || wanted.includes(adapter);
}

function readStoresEnv(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env.PIPKIT_STORES;
}

/** Makes a fresh, empty store for one test. `close` is called after the test when present. */
export type StoreFactory = () => PipStore | Promise<PipStore>;

const T0 = Date.parse('2026-03-02T14:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const actor = { id: 'hr-1', role: 'hr' } as const;

/** A synthetic PIP history builder: real events, real hashes, nothing the store interprets. */
class FixturePip {
  record: PipRecord | undefined;
  constructor(
    readonly pipId: string,
    readonly employeeId = `emp-${pipId}`,
    readonly managerId = 'mgr-1',
  ) {}

  get version(): number {
    return this.record?.version ?? NO_PIP_YET;
  }

  /** A commit appending `count` events (the first commit creates the PIP). */
  commit(
    count: number,
    extra: {
      state?: PipState;
      deadlines?: Deadline[];
      clear?: string[];
      outbox?: number;
      key?: string;
      minute?: number;
    } = {},
  ): CommitRequest {
    const minute = extra.minute ?? this.version;
    const events: PipEvent[] = [];
    if (!this.record) {
      events.push({
        type: 'PIP_CREATED',
        at: at(minute),
        actor,
        pipId: this.pipId,
        employee: { id: this.employeeId, timeZone: 'Europe/London' },
        managerId: this.managerId,
        policy: { id: 'fixture', version: 1 },
        goals: [{ id: 'g1', description: 'Ship the fixture', measure: 'It exists' }],
      });
    }
    while (events.length < count) {
      events.push({
        type: 'DOCUMENTS_ATTACHED',
        at: at(minute),
        actor,
        documents: [
          { kind: 'note', ref: `ref-${this.version + events.length}`, sha256: 'a'.repeat(64) },
        ],
      });
    }
    const stored = chainEvents(
      this.pipId,
      this.version,
      this.record?.lastHash ?? GENESIS_HASH,
      events,
    );
    const last = stored[stored.length - 1] as StoredEvent;
    const baseContext = this.record?.context ?? replayEvents([events[0] as PipEvent]).context;
    const deadlines = { ...baseContext.deadlines };
    for (const id of extra.clear ?? []) delete deadlines[id];
    for (const deadline of extra.deadlines ?? []) deadlines[deadline.id] = deadline;
    const record: PipRecord = {
      pipId: this.pipId,
      employeeId: this.employeeId,
      managerId: this.managerId,
      policyId: 'fixture',
      policyVersion: 1,
      machineVersion: MACHINE_VERSION,
      state: extra.state ?? this.record?.state ?? 'draft',
      context: { ...baseContext, deadlines },
      version: last.seq,
      lastHash: last.hash,
      createdAt: this.record?.createdAt ?? at(minute),
      updatedAt: at(minute),
    };
    const timers: TimerRow[] = (extra.deadlines ?? []).map((deadline) => ({
      timerId: `${this.pipId}/${deadline.id}`,
      pipId: this.pipId,
      deadlineId: deadline.id,
      kind: deadline.kind,
      dueAt: deadline.dueAt,
    }));
    return {
      pipId: this.pipId,
      expectedVersion: this.version,
      record,
      events: stored,
      timers: { set: timers, clear: (extra.clear ?? []).map((id) => `${this.pipId}/${id}`) },
      outbox: Array.from({ length: extra.outbox ?? 0 }, (_, index) => ({
        id: `${this.pipId}:${last.seq}:${index}`,
        pipId: this.pipId,
        type: 'notification',
        payload: { template: 'fixture', index },
        createdAt: at(minute),
      })),
      ...(extra.key
        ? {
            idempotency: {
              key: extra.key,
              pipId: this.pipId,
              requestHash: 'b'.repeat(64),
              version: last.seq,
              seqs: stored.map((event) => event.seq),
            },
          }
        : {}),
    };
  }

  /** Records that a commit was accepted, so the next one follows it. */
  accept(commit: CommitRequest): CommitRequest {
    this.record = commit.record;
    return commit;
  }
}

const deadline = (id: string, minute: number): Deadline => ({
  id,
  kind: id.startsWith('checkIn') ? 'checkIn' : 'planEnd',
  dueAt: at(minute),
  date: at(minute).slice(0, 10),
});

/**
 * Registers the conformance suite every {@link PipStore} adapter must pass: loading, optimistic
 * concurrency, idempotency, atomicity, timers, outbox and listing. Call it from a test file:
 *
 * @example
 * ```ts
 * import { describeStoreConformance } from '@pipkit/core/testing';
 * import { sqliteStore } from '@pipkit/sqlite';
 *
 * describeStoreConformance('sqlite', () => sqliteStore({ path: ':memory:' }));
 * ```
 */
export function describeStoreConformance(
  name: string,
  factory: StoreFactory,
  options: StoreConformanceOptions = {},
): void {
  if (!storeSelected(name)) return;
  describe(`${name} store conformance`, () => {
    let store: PipStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close?.();
    });

    const create = async (
      pip: FixturePip,
      count = 1,
      extra: Parameters<FixturePip['commit']>[1] = {},
    ) => {
      const commit = pip.commit(count, extra);
      await store.commit(commit);
      return pip.accept(commit);
    };

    describe('loading', () => {
      it('returns undefined and no events for a PIP that does not exist', async () => {
        expect(await store.load('missing')).toBeUndefined();
        expect(await store.readEvents('missing')).toEqual([]);
      });

      it('returns the record and events exactly as committed', async () => {
        const pip = new FixturePip('p1');
        const first = await create(pip, 3);
        const second = await create(pip, 2);
        expect(await store.load('p1')).toEqual(second.record);
        expect(await store.readEvents('p1')).toEqual([...first.events, ...second.events]);
        expect(await store.readEvents('p1', { afterSeq: 3 })).toEqual(second.events);
      });

      it('returns copies: changing a returned record or event does not change the store', async () => {
        const pip = new FixturePip('p1');
        const commit = await create(pip, 2);
        const loaded = (await store.load('p1')) as unknown as {
          version: number;
          context: { goals: unknown[] };
        };
        loaded.version = 99;
        loaded.context.goals.length = 0;
        const events = await store.readEvents('p1');
        (events[0] as { seq: number }).seq = 42;
        expect(await store.load('p1')).toEqual(commit.record);
        expect(await store.readEvents('p1')).toEqual(commit.events);
      });
    });

    describe('optimistic concurrency', () => {
      it('creates a PIP at NO_PIP_YET and refuses to create it twice', async () => {
        await create(new FixturePip('p1'));
        const again = new FixturePip('p1').commit(1);
        await expect(store.commit(again)).rejects.toBeInstanceOf(VersionConflictError);
      });

      it('refuses an append at a stale version and writes nothing', async () => {
        const pip = new FixturePip('p1');
        await create(pip, 1);
        const stale = pip.commit(1);
        await create(pip, 1);
        const before = await store.load('p1');
        const error: unknown = await store.commit(stale).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(VersionConflictError);
        expect((error as VersionConflictError).code).toBe('VERSION_CONFLICT');
        expect((error as VersionConflictError).retryable).toBe(true);
        expect(await store.load('p1')).toEqual(before);
        expect(await store.readEvents('p1')).toHaveLength(2);
      });

      it('refuses a commit whose events do not follow the expected version', async () => {
        const pip = new FixturePip('p1');
        await create(pip, 1);
        const commit = pip.commit(2);
        const gap: CommitRequest = { ...commit, events: commit.events.slice(1) };
        await expect(store.commit(gap)).rejects.toThrow();
        expect((await store.load('p1'))?.version).toBe(1);
      });

      it('lets exactly one of several concurrent commits at the same version win', async () => {
        const pip = new FixturePip('p1');
        await create(pip, 1);
        const rivals = Array.from({ length: 4 }, (_, index) => pip.commit(index + 1));
        const results = await Promise.allSettled(rivals.map((commit) => store.commit(commit)));
        const winners = results.filter((result) => result.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected')
            expect(result.reason).toBeInstanceOf(VersionConflictError);
        }
        const winner = rivals[
          results.findIndex((result) => result.status === 'fulfilled')
        ] as CommitRequest;
        expect(await store.load('p1')).toEqual(winner.record);
        expect((await store.readEvents('p1')).map((event) => event.seq)).toEqual(
          Array.from({ length: winner.record.version }, (_, index) => index + 1),
        );
      });

      it('keeps versions contiguous across many commits', async () => {
        const pip = new FixturePip('p1');
        for (let index = 0; index < 20; index += 1) await create(pip, (index % 3) + 1);
        const events = await store.readEvents('p1');
        expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
        expect((await store.load('p1'))?.version).toBe(events.length);
      });
    });

    describe('idempotency', () => {
      it('returns the first result for a recorded idempotency key', async () => {
        const pip = new FixturePip('p1');
        const commit = await create(pip, 2, { key: 'key-1' });
        expect(await store.getIdempotency('key-1')).toEqual(commit.idempotency);
        expect(await store.getIdempotency('key-2')).toBeUndefined();
      });

      it('refuses a second commit under a recorded key and writes nothing', async () => {
        const pip = new FixturePip('p1');
        await create(pip, 1, { key: 'key-1' });
        const other = new FixturePip('p2');
        await expect(store.commit(other.commit(1, { key: 'key-1' }))).rejects.toBeInstanceOf(
          IdempotencyKeyReusedError,
        );
        expect(await store.load('p2')).toBeUndefined();
        expect(await store.readEvents('p2')).toEqual([]);
      });
    });

    describe('atomicity', () => {
      it('rolls back events, snapshot, timers and outbox together when a commit is refused', async () => {
        const pip = new FixturePip('p1');
        await create(pip, 1, { deadlines: [deadline('planEnd', 10)], key: 'first' });
        const refused = pip.commit(2, {
          deadlines: [deadline('checkIn:1', 5)],
          clear: ['planEnd'],
          outbox: 2,
          key: 'first',
        });
        await expect(store.commit(refused)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
        expect((await store.load('p1'))?.version).toBe(1);
        expect(await store.readEvents('p1')).toHaveLength(1);
        expect((await store.dueTimers(at(1000), 10)).map((timer) => timer.timerId)).toEqual([
          'p1/planEnd',
        ]);
        expect(await store.pendingOutbox(10)).toEqual([]);
      });
    });

    describe('timers', () => {
      it('returns timers due at or before the given instant, earliest first', async () => {
        await create(new FixturePip('a'), 1, {
          deadlines: [deadline('planEnd', 30), deadline('checkIn:1', 10)],
        });
        await create(new FixturePip('b'), 1, {
          deadlines: [deadline('planEnd', 20), deadline('checkIn:1', 40)],
        });
        const due = await store.dueTimers(at(30), 10);
        expect(due.map((timer) => timer.timerId)).toEqual([
          'a/checkIn:1',
          'b/planEnd',
          'a/planEnd',
        ]);
        expect(due[0]).toEqual({
          timerId: 'a/checkIn:1',
          pipId: 'a',
          deadlineId: 'checkIn:1',
          kind: 'checkIn',
          dueAt: at(10),
        });
        expect(await store.dueTimers(at(9), 10)).toEqual([]);
      });

      it('returns at most `limit` timers', async () => {
        for (let index = 0; index < 5; index += 1) {
          await create(new FixturePip(`p${index}`), 1, { deadlines: [deadline('planEnd', index)] });
        }
        expect(await store.dueTimers(at(100), 3)).toHaveLength(3);
      });

      it('replaces a timer with the same id and removes cleared timers', async () => {
        const pip = new FixturePip('p1');
        await create(pip, 1, { deadlines: [deadline('planEnd', 10), deadline('checkIn:1', 5)] });
        await create(pip, 1, { deadlines: [deadline('planEnd', 50)], clear: ['checkIn:1'] });
        expect(await store.dueTimers(at(40), 10)).toEqual([]);
        expect((await store.dueTimers(at(50), 10)).map((timer) => timer.dueAt)).toEqual([at(50)]);
      });
    });

    describe('outbox', () => {
      it('returns undelivered messages oldest first and forgets delivered ones', async () => {
        const pip = new FixturePip('p1');
        await create(pip, 1, { outbox: 2 });
        await create(pip, 1, { outbox: 1 });
        const pending = await store.pendingOutbox(10);
        expect(pending.map((message) => message.id)).toEqual(['p1:1:0', 'p1:1:1', 'p1:2:0']);
        await store.markOutboxDelivered(['p1:1:0', 'unknown']);
        expect((await store.pendingOutbox(10)).map((message) => message.id)).toEqual([
          'p1:1:1',
          'p1:2:0',
        ]);
        expect(await store.pendingOutbox(1)).toHaveLength(1);
      });
    });

    describe('listing', () => {
      it('filters by state, employee and manager, ordered by id, with keyset paging', async () => {
        await create(new FixturePip('c', 'emp-1', 'mgr-1'), 1, { state: 'active' });
        await create(new FixturePip('a', 'emp-2', 'mgr-1'), 1, { state: 'draft' });
        await create(new FixturePip('b', 'emp-1', 'mgr-2'), 1, { state: 'active' });
        const ids = async (query: Parameters<PipStore['list']>[0]) =>
          (await store.list(query)).map((pip) => pip.pipId);
        expect(await ids({})).toEqual(['a', 'b', 'c']);
        expect(await ids({ state: 'active' })).toEqual(['b', 'c']);
        expect(await ids({ employeeId: 'emp-1' })).toEqual(['b', 'c']);
        expect(await ids({ managerId: 'mgr-1' })).toEqual(['a', 'c']);
        expect(await ids({ afterPipId: 'a', limit: 1 })).toEqual(['b']);
      });
    });

    describe('limits and order', () => {
      it('caps a list at 1000, defaults to 100, treats a negative limit as none, and orders ids bytewise', async () => {
        const id = (n: number) => `p-${String(n).padStart(4, '0')}`;
        const ids = [...Array.from({ length: 1005 }, (_, n) => id(n + 1)), 'P-upper', 'p_under'];
        await Promise.all(ids.map((pipId) => store.commit(new FixturePip(pipId).commit(1))));
        expect(await store.list()).toHaveLength(LIST_LIMITS.default);
        expect(await store.list({ limit: 5000 })).toHaveLength(LIST_LIMITS.max);
        expect(await store.list({ limit: -1 })).toEqual([]);
        expect(await store.dueTimers('2100-01-01T00:00:00Z', -1)).toEqual([]);
        expect(await store.pendingOutbox(-1)).toEqual([]);
        // Bytewise, as JavaScript compares strings: '-' (0x2d) < '_' (0x5f); 'P' before 'p'.
        const page = await store.list({ afterPipId: 'p-1000', limit: 10 });
        expect(page.map((record) => record.pipId)).toEqual([
          'p-1001',
          'p-1002',
          'p-1003',
          'p-1004',
          'p-1005',
          'p_under',
        ]);
        expect((await store.list({ limit: 1 })).map((record) => record.pipId)).toEqual(['P-upper']);
      });
    });

    describe('through the engine', () => {
      it('runs a whole PIP lifecycle exactly as the memory store does, and every chain verifies', async () => {
        const reference = memoryStore();
        await runReferenceLifecycle(reference);
        const { engine, passed } = await runReferenceLifecycle(store);
        expect(passed.pip.state).toBe('passed.watching');
        expect(await referenceContents(store)).toEqual(await referenceContents(reference));
        const verification = await engine.verify(REFERENCE_PIP_ID, { actor: referenceActors.hr });
        expect(verification).toMatchObject({ ok: true, replayMatches: true });
      });
    });

    if (options.leasing) {
      describe('timer leases', () => {
        const claim = (owner: string, limit: number, leaseMs = 60_000, minute = 1000) => {
          if (!store.claimDueTimers)
            throw new Error('options.leasing is set but the store has no claimDueTimers');
          return store.claimDueTimers(at(minute), limit, { owner, leaseMs });
        };
        const seed = async (count: number) => {
          for (let index = 0; index < count; index += 1) {
            await create(new FixturePip(`p${String(index).padStart(2, '0')}`), 1, {
              deadlines: [deadline('planEnd', index)],
            });
          }
        };

        it('claims each due timer once across concurrent sweepers', async () => {
          await seed(20);
          const [first, second] = await Promise.all([
            claim('sweeper-a', 15),
            claim('sweeper-b', 15),
          ]);
          const ids = [...(first ?? []), ...(second ?? [])].map((timer) => timer.timerId);
          expect(ids).toHaveLength(20);
          expect(new Set(ids).size).toBe(20);
        });

        it('never claims a timer that is not due', async () => {
          await seed(5);
          expect((await claim('sweeper-a', 10, 60_000, 2)).map((timer) => timer.timerId)).toEqual([
            'p00/planEnd',
            'p01/planEnd',
            'p02/planEnd',
          ]);
        });

        it("skips another sweeper's live lease but returns its own again", async () => {
          await seed(3);
          expect(await claim('sweeper-a', 10)).toHaveLength(3);
          expect(await claim('sweeper-b', 10)).toEqual([]);
          expect(await claim('sweeper-a', 10)).toHaveLength(3);
        });

        it('makes a timer claimable again when its lease has ended', async () => {
          await seed(2);
          expect(await claim('crashed-sweeper', 10, 0)).toHaveLength(2);
          expect((await claim('sweeper-b', 10)).map((timer) => timer.timerId)).toEqual([
            'p00/planEnd',
            'p01/planEnd',
          ]);
        });
      });
    }

    if (options.batching) {
      describe('batched commits', () => {
        const commitMany = (requests: CommitRequest[]) => {
          if (!store.commitMany)
            throw new Error('options.batching is set but the store has no commitMany');
          return store.commitMany(requests);
        };

        it('commits every request of a batch as if each were alone', async () => {
          const pips = Array.from({ length: 5 }, (_, index) => new FixturePip(`p${index}`));
          const first = pips.map((pip) => pip.commit(1, { deadlines: [deadline('planEnd', 5)] }));
          expect(await commitMany(first)).toEqual([
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
          ]);
          first.forEach((commit, index) => pips[index]?.accept(commit));
          const second = pips.map((pip) => pip.commit(2, { outbox: 1, key: `k-${pip.pipId}` }));
          expect(await commitMany(second)).toEqual(second.map(() => undefined));
          for (const pip of pips) {
            expect((await store.load(pip.pipId))?.version).toBe(3);
            expect((await store.readEvents(pip.pipId)).map((event) => event.seq)).toEqual([
              1, 2, 3,
            ]);
            expect((await store.getIdempotency(`k-${pip.pipId}`))?.version).toBe(3);
          }
          expect(await store.dueTimers(at(10), 10)).toHaveLength(5);
          expect(await store.pendingOutbox(10)).toHaveLength(5);
        });

        it('refuses a stale, a reused-key, a malformed or a late-failing request alone, writing nothing of it', async () => {
          const ok = new FixturePip('ok');
          const stale = new FixturePip('stale');
          const keyed = new FixturePip('keyed');
          await create(stale, 1);
          await create(keyed, 1, { key: 'taken' });
          // A request that already won once is stale when it comes again.
          const staleRequest = stale.accept(stale.commit(1));
          await store.commit(staleRequest);
          const before = await store.readEvents('stale');
          const reused = keyed.commit(1, { key: 'taken', outbox: 1 });
          const okCommit = ok.commit(2, { deadlines: [deadline('planEnd', 1)], outbox: 1 });
          const malformed = { ...new FixturePip('bad').commit(2), expectedVersion: 5 };
          // Passes every check, then fails as it writes: its outbox id is already stored.
          await create(new FixturePip('first'), 1, { outbox: 1 });
          const late = new FixturePip('late').commit(1, { outbox: 1 });
          const failsLate: CommitRequest = {
            ...late,
            outbox: late.outbox.map((message) => ({ ...message, id: 'first:1:0' })),
          };
          const outcomes = await commitMany([staleRequest, reused, okCommit, malformed, failsLate]);
          expect(outcomes[0]).toBeInstanceOf(VersionConflictError);
          expect(outcomes[1]).toBeInstanceOf(IdempotencyKeyReusedError);
          expect(outcomes[2]).toBeUndefined();
          expect(outcomes[3]).toBeInstanceOf(Error);
          expect(outcomes[4]).toBeInstanceOf(Error);
          expect(await store.readEvents('stale')).toEqual(before);
          expect((await store.load('keyed'))?.version).toBe(1);
          expect(await store.load('bad')).toBeUndefined();
          expect(await store.load('late')).toBeUndefined();
          expect(await store.readEvents('late')).toEqual([]);
          expect((await store.load('ok'))?.version).toBe(2);
          expect((await store.pendingOutbox(10)).map((message) => message.pipId)).toEqual([
            'first',
            'ok',
          ]);
          expect((await store.dueTimers(at(10), 10)).map((timer) => timer.pipId)).toEqual(['ok']);
        });
      });
    }

    if (options.purging) {
      describe('purging', () => {
        const purge = (pipId: string, expectedVersion: number) => {
          if (!store.purge) throw new Error('options.purging is set but the store has no purge');
          return store.purge(pipId, expectedVersion);
        };
        const seedTwo = async () => {
          const gone = new FixturePip('gone');
          const kept = new FixturePip('kept');
          for (const pip of [gone, kept]) {
            await create(pip, 1, { deadlines: [deadline('planEnd', 5)], outbox: 1 });
            await create(pip, 1, { outbox: 1, key: `key-${pip.pipId}` });
          }
          return { gone, kept };
        };

        it("deletes every row of one PIP and nothing of another's", async () => {
          const { kept } = await seedTwo();
          const keptBefore = {
            record: await store.load('kept'),
            events: await store.readEvents('kept'),
          };
          await purge('gone', 2);
          expect(await store.load('gone')).toBeUndefined();
          expect(await store.readEvents('gone')).toEqual([]);
          expect(await store.getIdempotency('key-gone')).toBeUndefined();
          expect((await store.dueTimers(at(100), 10)).map((timer) => timer.pipId)).toEqual([
            'kept',
          ]);
          expect(new Set((await store.pendingOutbox(10)).map((message) => message.pipId))).toEqual(
            new Set(['kept']),
          );
          expect((await store.list()).map((pip) => pip.pipId)).toEqual(['kept']);
          expect(await store.load('kept')).toEqual(keptBefore.record);
          expect(await store.readEvents('kept')).toEqual(keptBefore.events);
          expect((await store.getIdempotency('key-kept'))?.pipId).toBe(kept.pipId);
          // The id is free again, as for a PIP that never existed.
          await create(new FixturePip('gone'), 1);
          expect((await store.load('gone'))?.version).toBe(1);
        });

        it('refuses a purge at a stale version, or of an unknown PIP, and deletes nothing', async () => {
          await seedTwo();
          const before = await store.readEvents('gone');
          const error: unknown = await purge('gone', 1).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(VersionConflictError);
          expect((error as VersionConflictError).actualVersion).toBe(2);
          expect(await store.readEvents('gone')).toEqual(before);
          await expect(purge('never', 1)).rejects.toBeInstanceOf(VersionConflictError);
        });
      });
    }

    if (options.outboxLeasing) {
      describe('outbox leases', () => {
        const claim = (owner: string, limit: number, leaseMs = 60_000) => {
          if (!store.claimOutbox)
            throw new Error('options.outboxLeasing is set but the store has no claimOutbox');
          return store.claimOutbox(limit, { owner, leaseMs });
        };
        const seed = async (pips: number, commits: number) => {
          const fixtures = Array.from({ length: pips }, (_, index) => new FixturePip(`p${index}`));
          for (let round = 0; round < commits; round += 1) {
            for (const pip of fixtures) await create(pip, 1, { outbox: 2 });
          }
        };

        it("claims each PIP's messages once across concurrent relays, whole and in order", async () => {
          await seed(6, 2);
          const [first, second] = await Promise.all([claim('relay-a', 4), claim('relay-b', 4)]);
          const all = [...(first ?? []), ...(second ?? [])];
          expect(all).toHaveLength(24);
          expect(new Set(all.map((message) => message.id)).size).toBe(24);
          for (const batch of [first ?? [], second ?? []]) {
            const pips = new Set(batch.map((message) => message.pipId));
            for (const pipId of pips) {
              // A relay holds all of a PIP's pending messages, in commit order.
              expect(
                batch.filter((message) => message.pipId === pipId).map((message) => message.id),
              ).toEqual([`${pipId}:1:0`, `${pipId}:1:1`, `${pipId}:2:0`, `${pipId}:2:1`]);
            }
          }
        });

        it("skips another relay's live lease and returns its own again", async () => {
          await seed(2, 1);
          expect(await claim('relay-a', 10)).toHaveLength(4);
          expect(await claim('relay-b', 10)).toEqual([]);
          expect(await claim('relay-a', 10)).toHaveLength(4);
          expect(await claim('crashed-relay', 10, 0)).toEqual([]);
          await store.markOutboxDelivered(['p0:1:0', 'p0:1:1']);
          expect(await claim('relay-b', 10)).toEqual([]);
        });

        it("never hands out a PIP's later message while an earlier one is leased elsewhere", async () => {
          const pip = new FixturePip('p0');
          await create(pip, 1, { outbox: 1 });
          expect((await claim('relay-a', 10)).map((message) => message.id)).toEqual(['p0:1:0']);
          await create(pip, 1, { outbox: 1 });
          expect(await claim('relay-b', 10)).toEqual([]);
          await store.markOutboxDelivered(['p0:1:0']);
          expect((await claim('relay-b', 10)).map((message) => message.id)).toEqual(['p0:2:0']);
        });

        it('makes messages claimable again when the lease has ended', async () => {
          await seed(1, 1);
          expect(await claim('crashed-relay', 10, 0)).toHaveLength(2);
          expect((await claim('relay-b', 10)).map((message) => message.id)).toEqual([
            'p0:1:0',
            'p0:1:1',
          ]);
        });
      });
    }

    if (options.parallelWriters) {
      describe('parallel writers', () => {
        it('accepts interleaved commits to different PIPs without loss', async () => {
          const pips = Array.from({ length: 8 }, (_, index) => new FixturePip(`p${index}`));
          for (let round = 0; round < 5; round += 1) {
            await Promise.all(pips.map((pip) => create(pip, 1)));
          }
          for (const pip of pips) expect((await store.load(pip.pipId))?.version).toBe(5);
        });
      });
    }
  });
}
