import { GENESIS_HASH, hashEvent, type PipRecord, type PipStore } from '@pipkit/core';
import type { CommitRequest } from '@pipkit/core/adapter';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hr, sha } from './__fixtures__/lifecycle.js';
import { openPip } from './__fixtures__/append.js';
import { testDatabase } from './__fixtures__/database.js';
import { postgresStore } from './postgresStore.js';

const db = testDatabase('commit_all');
afterAll(() => db.dropAll());

const PIPS = Array.from({ length: 40 }, (_, n) => `pip-${n}`);
const TIMER_NAMES = ['a', 'b'];

/** One generated request, before it is built against the PIPs' current state. */
interface Draft {
  /** The PIP: -1 for the request's own (its position in the batch), so most batches are distinct. */
  readonly pip: number;
  /** 0: at the PIP's version as the batch so far leaves it; 1: one behind (stale). */
  readonly stale: boolean;
  readonly events: readonly number[];
  /** Timers set and cleared, as [pip, name]: mostly the request's own PIP, sometimes another's. */
  readonly set: readonly (readonly [number, number])[];
  readonly clear: readonly (readonly [number, number])[];
  readonly outbox: number;
  /** 'none', a fresh key, or one of a few shared keys (a duplicate within the batch or taken). */
  readonly key: 'none' | 'fresh' | 'shared-0' | 'shared-1';
  readonly outboxId: 'own' | 'shared';
}

const timerRef = fc.tuple(fc.nat(PIPS.length - 1), fc.nat(TIMER_NAMES.length - 1));
const draft: fc.Arbitrary<Draft> = fc.record({
  pip: fc.oneof({ weight: 6, arbitrary: fc.constant(-1) }, fc.nat(PIPS.length - 1)),
  stale: fc.nat(19).map((value) => value === 0),
  events: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
  set: fc.array(timerRef, { maxLength: 2 }),
  clear: fc.array(timerRef, { maxLength: 2 }),
  outbox: fc.nat(2),
  key: fc.oneof(
    { weight: 8, arbitrary: fc.constant('fresh' as const) },
    fc.constantFrom('none' as const, 'shared-0' as const, 'shared-1' as const),
  ),
  outboxId: fc.oneof(
    { weight: 15, arbitrary: fc.constant('own' as const) },
    fc.constant('shared' as const),
  ),
});

/** Builds the drafts into requests against the PIPs' records and hashes, as a batch would. */
function buildBatch(
  drafts: readonly Draft[],
  heads: Map<string, { record: PipRecord; hashes: string[] }>,
  batchNo: number,
): CommitRequest[] {
  const next = new Map([...heads].map(([id, head]) => [id, { ...head, hashes: [...head.hashes] }]));
  return drafts.map((d, index) => {
    const pipId = PIPS[d.pip < 0 ? index % PIPS.length : d.pip] as string;
    const head = next.get(pipId) as { record: PipRecord; hashes: string[] };
    const expected =
      d.stale && head.hashes.length > 1 ? head.hashes.length - 1 : head.hashes.length;
    let prevHash = head.hashes[expected - 1] ?? GENESIS_HASH;
    const events = d.events.map((documents, offset) => {
      const seq = expected + offset + 1;
      const event = {
        type: 'DOCUMENTS_ATTACHED' as const,
        at: '2026-07-03T00:00:00.000Z',
        actor: hr,
        documents: Array.from({ length: documents }, (_, n) => ({
          kind: 'note',
          ref: `dms://b${batchNo}/r${index}/e${offset}/d${n}`,
          sha256: sha(`${batchNo}-${index}-${offset}-${n}`),
        })),
      };
      const hash = hashEvent(pipId, seq, event, prevHash);
      const stored = { pipId, seq, event, prevHash, hash };
      prevHash = hash;
      return stored;
    });
    const last = events[events.length - 1] as { seq: number; hash: string };
    const record = { ...head.record, version: last.seq, lastHash: last.hash };
    if (!d.stale)
      next.set(pipId, { record, hashes: [...head.hashes, ...events.map((e) => e.hash)] });
    const timerId = ([pip, name]: readonly [number, number]) => `${PIPS[pip]}/${TIMER_NAMES[name]}`;
    return {
      pipId,
      expectedVersion: expected,
      record,
      events,
      timers: {
        set: d.set.map((ref) => ({
          timerId: timerId(ref),
          pipId: PIPS[ref[0]] as string,
          deadlineId: `${TIMER_NAMES[ref[1]]}-b${batchNo}`,
          kind: 'checkIn' as const,
          dueAt: `2026-08-0${(index % 9) + 1}T09:00:00.000Z`,
        })),
        clear: d.clear.map(timerId),
      },
      outbox: Array.from({ length: d.outbox }, (_, n) => ({
        id: d.outboxId === 'shared' ? `shared-${n}` : `b${batchNo}-r${index}-m${n}`,
        pipId,
        type: 'notification',
        payload: { n, index },
        createdAt: '2026-07-03T00:00:00.000Z',
      })),
      idempotency:
        d.key === 'none'
          ? undefined
          : {
              key: d.key === 'fresh' ? `k-b${batchNo}-r${index}` : d.key,
              pipId,
              requestHash: sha(`${batchNo}-${index}`),
              version: last.seq,
              seqs: events.map((e) => e.seq),
            },
    } as CommitRequest;
  });
}

/** Every row the commits wrote, in a stable order; the outbox in the order of its positions. */
async function dump(schema: string): Promise<unknown> {
  const q = async (sql: string): Promise<unknown[]> =>
    (await db.pool.query(sql.replaceAll('$s', `"${schema}"`))).rows as unknown[];
  return {
    pips: await q('SELECT * FROM $s.pipkit_pips ORDER BY pip_id'),
    events: await q('SELECT * FROM $s.pipkit_events ORDER BY pip_id, seq'),
    timers: await q('SELECT * FROM $s.pipkit_timers ORDER BY timer_id'),
    outbox: await q(
      'SELECT id, pip_id, type, payload, created_at, delivered_at FROM $s.pipkit_outbox ORDER BY position',
    ),
    keys: await q('SELECT * FROM $s.pipkit_idempotency ORDER BY key'),
  };
}

/** `ok`, or the error's stable code (its message when it has none). */
const codeOf = (outcome: unknown): string => {
  if (outcome === undefined) return 'ok';
  const { code, message } = outcome as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message);
};

/** Heads of the PIPs as the store holds them: the record and every event hash. */
async function headsOf(store: PipStore) {
  const heads = new Map<string, { record: PipRecord; hashes: string[] }>();
  for (const pipId of PIPS) {
    const record = (await store.load(pipId)) as PipRecord;
    heads.set(pipId, { record, hashes: (await store.readEvents(pipId)).map((e) => e.hash) });
  }
  return heads;
}

describe('postgres commitMany in one statement (pipkit_commit_all)', () => {
  it('writes exactly what committing each request in order writes, and refuses the same ones', async () => {
    let wholeBatches = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          // Small rounds take the loop; rounds of more than 32 the set form.
          fc.oneof(
            fc.array(draft, { minLength: 1, maxLength: 6 }),
            fc.array(draft, { minLength: 33, maxLength: PIPS.length }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        async (batches) => {
          const grouped = postgresStore({ pool: db.pool, schema: db.newSchema() });
          const oneByOne = postgresStore({ pool: db.pool, schema: db.newSchema() });
          // Both stores start from the same rows: the PIPs opened through one, their commits
          // repeated on the other.
          const opening: CommitRequest[] = [];
          const capturing: PipStore = {
            ...grouped,
            commit: (request) => {
              opening.push(request);
              return grouped.commit(request);
            },
          };
          for (const pipId of PIPS) await openPip(capturing, pipId);
          for (const request of opening) await oneByOne.commit(request);
          const taken = { key: 'shared-1', pipId: 'pip-0', requestHash: sha('x'), seqs: [1] };
          for (const store of [grouped, oneByOne]) {
            const request = buildBatch([{ ...BASE, pip: 0, key: 'none' }], await headsOf(store), 0);
            const first = request[0] as CommitRequest;
            await store.commit({
              ...first,
              idempotency: { ...taken, version: first.record.version },
            });
          }
          for (const [number, drafts] of batches.entries()) {
            const requests = buildBatch(drafts, await headsOf(grouped), number + 1);
            const outcomes = (await grouped.commitMany(requests)).map(codeOf);
            const expected: string[] = [];
            for (const request of requests) {
              expected.push(
                codeOf(await oneByOne.commit(request).catch((error: unknown) => error)),
              );
            }
            expect(outcomes).toEqual(expected);
            const pips = new Set(requests.map((request) => request.pipId));
            // More than 32 requests on distinct PIPs, all committed: the set form's rounds.
            if (pips.size > 32 && outcomes.every((code) => code === 'ok')) wholeBatches += 1;
            expect(await dump(grouped.schema)).toEqual(await dump(oneByOne.schema));
            // Every timer leased and failing, so a timer set again must come back clean.
            for (const store of [grouped, oneByOne]) {
              await db.pool.query(
                `UPDATE "${store.schema}".pipkit_timers SET attempts = 2, parked_code = 'P',
                        leased_by = 'w', leased_until = '2026-01-01T00:00:00Z'`,
              );
            }
          }
          await grouped.close();
          await oneByOne.close();
        },
      ),
      { numRuns: 10, examples: [[[CLEAN_ROUND, TIMER_ORDER_ROUND, CLEAN_ROUND]]] },
    );
    // At least the example's clean rounds took the set form.
    expect(wholeBatches).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

const BASE: Draft = {
  pip: 0,
  stale: false,
  events: [1],
  set: [],
  clear: [],
  outbox: 0,
  key: 'none',
  outboxId: 'own',
};

/** 36 requests on 36 PIPs, two events each (one long enough to be compressed), all clean. */
const CLEAN_ROUND: Draft[] = Array.from({ length: 36 }, (_, index) => ({
  ...BASE,
  pip: -1,
  events: [1, 3],
  set: [[index, 0]],
  clear: [[index, 1]],
  outbox: 2,
  key: 'fresh',
}));

/** A round where one request sets a timer of the PIP the next request clears it for. */
const TIMER_ORDER_ROUND: Draft[] = CLEAN_ROUND.map((draft, index) => {
  if (index === 0) return { ...draft, set: [[1, 0]] };
  return index === 1 ? { ...draft, set: [], clear: [[1, 0]] } : draft;
});
