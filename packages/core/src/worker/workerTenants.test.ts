/**
 * One worker for every tenant: each tenant takes one bounded turn per round, in an order that
 * rotates, so a tenant with many due deadlines never starves a small one.
 */
import { describe, expect, it } from 'vitest';
import { createWorker, memoryStore, StoreErrorReasons, type WorkerRound } from '../index.js';
import { createManualTimers } from '../testing/manualTimers.js';
import {
  engineOn,
  issue,
  LATER,
  roundLog,
  settle,
  storeWithBrokenTenants,
} from './__fixtures__/workerSetup.js';

/** A round's turns as `tenant:fired` in turn order. */
const turnsOf = (round: WorkerRound | undefined) =>
  round?.tenants.map((turn) => `${turn.tenantId}:${turn.fired}`);

describe('createWorker across tenants', () => {
  it('gives every tenant one turn of at most maxPerTenant per round, so a large tenant starves no one', async () => {
    const { engine, clock } = engineOn(memoryStore());
    const big = engine.forTenant('big');
    const small = engine.forTenant('small');
    for (let i = 0; i < 7; i++) await issue(big, `pip-${i}`);
    await issue(small, 'pip-a');
    await issue(small, 'pip-b');
    clock.set(LATER);
    const manual = createManualTimers();
    const log = roundLog();
    const delivered = new Map<string, number>();
    let listed = 0;
    const worker = createWorker({
      engine,
      // Read every round: before the second, the small tenant gets new messages to deliver.
      tenants: async () => {
        listed += 1;
        if (listed === 2) await issue(small, 'pip-c');
        return ['big', 'small'];
      },
      maxPerTenant: 3,
      deliver: (_message, source) => {
        const tenant = source.tenantId ?? '(none)';
        delivered.set(tenant, (delivered.get(tenant) ?? 0) + 1);
      },
      timers: manual.timers,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => log.rounds.at(-1)?.nextInMs === 30_000);
    const totals = await worker.stop();
    await running;
    // Round 1: the small tenant's two overdue acknowledgements fire beside three of the big's;
    // then the big tenant's backlog takes two more rounds, three deadlines at most per turn.
    expect(log.rounds.slice(0, 3).map(turnsOf)).toEqual([
      ['big:3', 'small:2'],
      ['small:0', 'big:3'],
      ['big:1', 'small:0'],
    ]);
    // The small tenant's new messages went in round 2, while the big tenant still had work.
    const smallRound2 = log.rounds[1]?.tenants.find((turn) => turn.tenantId === 'small');
    expect(smallRound2?.delivered).toBeGreaterThan(0);
    for (const round of log.rounds) {
      for (const turn of round.tenants) expect(turn.fired).toBeLessThanOrEqual(3);
      for (const turn of round.tenants) expect(turn.delivered).toBeLessThanOrEqual(3);
    }
    expect(totals.fired).toBe(9);
    expect(totals.delivered).toBe([...delivered.values()].reduce((sum, n) => sum + n, 0));
    expect([...delivered.keys()].sort()).toEqual(['big', 'small']);
  });

  it("reports one tenant's failure and serves the others in the same round", async () => {
    const store = storeWithBrokenTenants(['broken']);
    const { engine, clock } = engineOn(store);
    await issue(engine.forTenant('acme'), 'pip-1');
    clock.set(LATER);
    const log = roundLog();
    const worker = createWorker({
      engine,
      tenants: () => ['broken', 'acme'],
      deliver: () => undefined,
      timers: createManualTimers().timers,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => log.rounds.length >= 1);
    void worker.stop();
    await running;
    expect(log.rounds[0]?.error).toBeUndefined();
    expect(turnsOf(log.rounds[0])).toEqual(['broken:0', 'acme:1']);
    expect(
      log.rounds[0]?.tenantFailures.map((failure) => [failure.tenantId, failure.code]),
    ).toEqual([['broken', StoreErrorReasons.UNAVAILABLE]]);
  });

  it('fails the round as a whole when the tenant list is invalid, and backs off', async () => {
    const { engine } = engineOn(memoryStore());
    const log = roundLog();
    const worker = createWorker({
      engine,
      tenants: ['acme', 'line\nbreak'],
      deliver: () => undefined,
      timers: createManualTimers().timers,
      onRound: log.onRound,
    });
    const running = worker.run();
    await settle(() => log.rounds.length >= 1);
    void worker.stop();
    await running;
    expect(log.rounds[0]?.error?.code).toBe('INVALID_INPUT');
  });
});
