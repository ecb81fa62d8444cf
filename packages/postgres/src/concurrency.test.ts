import {
  type Actor,
  createEngine,
  defaultPolicy,
  type DispatchResult,
  type Engine,
  IdempotencyKeyReusedError,
  type PipStore,
  VersionConflictError,
} from '@pipkit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from './__fixtures__/database.js';
import { document, hr, manager } from './__fixtures__/lifecycle.js';
import { postgresStore, type PostgresStore } from './postgresStore.js';

/**
 * Eight engine instances write the same few PIPs on real Postgres. fast-check's scheduler picks
 * the order in which their store calls start (each call then runs for real, concurrently with
 * whatever else is in flight), so every run is a different, reproducible interleaving.
 */

/** 50 runs by default; `PIPKIT_PG_INTERLEAVINGS=500` for a soak (never fewer than 50). */
const RUNS = Math.max(50, Number(process.env.PIPKIT_PG_INTERLEAVINGS ?? 0) || 0);
const WRITERS = 8;
const PIPS = 3;
const COMMANDS_PER_WRITER = 2;
const ATTEMPTS = 3;

const db = testDatabase('race');
const schema = db.newSchema();
let stores: PostgresStore[] = [];
beforeAll(async () => {
  stores = Array.from({ length: WRITERS }, () => postgresStore({ pool: db.pool, schema }));
  await Promise.all(stores.map((store) => store.ready()));
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await db.dropAll();
});

/** The store as one engine sees it: every call waits for the scheduler before it starts. */
function scheduled(store: PipStore, scheduler: fc.Scheduler, label: string): PipStore {
  const gate =
    <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await scheduler.schedule(Promise.resolve(), `${label}.${name}`);
      return call(...args);
    };
  return {
    load: gate('load', (pipId: string) => store.load(pipId)),
    readEvents: gate('readEvents', (pipId: string, options?: { readonly afterSeq?: number }) =>
      store.readEvents(pipId, options),
    ),
    commit: gate('commit', (request: Parameters<PipStore['commit']>[0]) => store.commit(request)),
    getIdempotency: gate('getIdempotency', (key: string) => store.getIdempotency(key)),
    list: (query) => store.list(query),
    dueTimers: (now, limit) => store.dueTimers(now, limit),
    pendingOutbox: (limit) => store.pendingOutbox(limit),
    markOutboxDelivered: (ids) => store.markOutboxDelivered(ids),
  };
}

type Outcome =
  | { readonly kind: 'won'; readonly result: DispatchResult; readonly ref: string }
  | { readonly kind: 'lost'; readonly error: VersionConflictError }
  | { readonly kind: 'replayed'; readonly ref: string };

let run = 0;

describe('concurrency on real Postgres', () => {
  it(`keeps versions contiguous with one winner per version across ${RUNS} scheduled interleavings of ${WRITERS} engines`, async () => {
    const started = performance.now();
    let totals = { won: 0, lost: 0, replayed: 0, events: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.nat(PIPS - 1), {
          minLength: WRITERS * COMMANDS_PER_WRITER,
          maxLength: WRITERS * COMMANDS_PER_WRITER,
        }),
        fc.array(fc.boolean(), {
          minLength: WRITERS * COMMANDS_PER_WRITER,
          maxLength: WRITERS * COMMANDS_PER_WRITER,
        }),
        async (scheduler, targets, duplicated) => {
          run += 1;
          const pipIds = Array.from({ length: PIPS }, (_, index) => `run-${run}-pip-${index}`);
          // Set up without the scheduler: the PIPs exist before the race starts.
          const setup = createEngine({
            store: stores[0] as PostgresStore,
            policies: [defaultPolicy],
          });
          for (const pipId of pipIds) {
            await setup.open(
              {
                pipId,
                employee: { id: `emp-${pipId}`, timeZone: 'UTC' },
                managerId: manager.id,
                policy: { id: defaultPolicy.id },
                goals: [{ id: 'g', description: 'Goal', measure: 'Measure' }],
              },
              { actor: manager },
            );
          }
          const engines: Engine[] = stores.map((store, index) =>
            createEngine({
              store: scheduled(store, scheduler, `engine${index}`),
              policies: [defaultPolicy],
            }),
          );
          /**
           * One command: read the version, dispatch pinned to it (no silent retry), and on a
           * conflict read again, up to ATTEMPTS times. Some commands are also sent by the next
           * engine under the same idempotency key, as a client retrying elsewhere would.
           */
          const send = async (engine: Engine, actor: Actor, pipId: string, ref: string) => {
            const outcomes: Outcome[] = [];
            for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
              const current = await engine.get(pipId, { actor });
              try {
                const result = await engine.dispatch(
                  pipId,
                  { type: 'ATTACH_DOCUMENT', documents: [document('note', ref)] },
                  { actor, expectedVersion: current.version, idempotencyKey: `key-${ref}` },
                );
                outcomes.push(
                  result.replayed ? { kind: 'replayed', ref } : { kind: 'won', result, ref },
                );
                return outcomes;
              } catch (error) {
                if (error instanceof IdempotencyKeyReusedError) throw error;
                if (!(error instanceof VersionConflictError)) throw error;
                outcomes.push({ kind: 'lost', error });
              }
            }
            return outcomes;
          };
          const jobs: Promise<Outcome[]>[] = [];
          for (let writer = 0; writer < WRITERS; writer += 1) {
            const engine = engines[writer] as Engine;
            const twin = engines[(writer + 1) % WRITERS] as Engine;
            jobs.push(
              (async () => {
                const outcomes: Outcome[] = [];
                for (let index = 0; index < COMMANDS_PER_WRITER; index += 1) {
                  const slot = writer * COMMANDS_PER_WRITER + index;
                  const pipId = pipIds[targets[slot] as number] as string;
                  const ref = `${pipId}/w${writer}c${index}`;
                  const sends = [send(engine, hr, pipId, ref)];
                  if (duplicated[slot]) sends.push(send(twin, hr, pipId, ref));
                  for (const result of await Promise.all(sends)) outcomes.push(...result);
                }
                return outcomes;
              })(),
            );
          }
          const outcomes = (await scheduler.waitFor(Promise.all(jobs))).flat();

          const won = outcomes.filter((outcome) => outcome.kind === 'won');
          const lost = outcomes.filter((outcome) => outcome.kind === 'lost');
          for (const loss of lost) {
            expect(loss.error.retryable).toBe(true);
            expect(loss.error.code).toBe('VERSION_CONFLICT');
          }
          const verifier = stores[1] as PostgresStore;
          const reader = createEngine({ store: verifier, policies: [defaultPolicy] });
          let events = 0;
          for (const pipId of pipIds) {
            const record = await verifier.load(pipId);
            const log = await verifier.readEvents(pipId);
            events += log.length;
            // Contiguous versions, and the envelope names the last one.
            expect(log.map((event) => event.seq)).toEqual(log.map((_, index) => index + 1));
            expect(record?.version).toBe(log.length);
            // Exactly one winner per version after the PIP's creation.
            const winners = won
              .filter((outcome) => outcome.kind === 'won' && outcome.result.pip.pipId === pipId)
              .map((outcome) => (outcome.kind === 'won' ? outcome.result.pip.version : 0))
              .sort((a, b) => a - b);
            expect(winners).toEqual(log.slice(1).map((event) => event.seq));
            // No duplicate events: each document reference is in the log at most once.
            const refs = log.flatMap((event) =>
              event.event.type === 'DOCUMENTS_ATTACHED'
                ? event.event.documents.map((attached) => attached.ref)
                : [],
            );
            expect(new Set(refs).size).toBe(refs.length);
            expect((await reader.verify(pipId, { actor: hr })).ok).toBe(true);
          }
          // Every replay names a command that won exactly once.
          for (const outcome of outcomes) {
            if (outcome.kind !== 'replayed') continue;
            expect(
              won.filter((entry) => entry.kind === 'won' && entry.ref === outcome.ref),
            ).toHaveLength(1);
          }
          totals = {
            won: totals.won + won.length,
            lost: totals.lost + lost.length,
            replayed:
              totals.replayed + outcomes.filter((outcome) => outcome.kind === 'replayed').length,
            events: totals.events + events,
          };
        },
      ),
      { numRuns: RUNS },
    );
    console.log(
      `concurrency: ${RUNS} interleavings x ${WRITERS} engines on ${PIPS} PIPs: ` +
        `${totals.won} winning commits, ${totals.lost} version conflicts (retryable), ` +
        `${totals.replayed} idempotent replays, ${totals.events} events, 0 duplicates, ` +
        `every chain verifies; ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 900_000);
});
