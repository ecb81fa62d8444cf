/**
 * What a round reports: the deadlines it fired and the messages it delivered, each named by its
 * tenant when there is one, for the engine's own store as for every tenant; and when the failure
 * of every tenant fails the round as a whole.
 */
import { describe, expect, it } from 'vitest';
import {
  createWorker,
  type Engine,
  memoryStore,
  StoreErrorReasons,
  type WorkerOptions,
  type WorkerRound,
} from '../index.js';
import { createManualTimers } from '../testing/manualTimers.js';
import {
  engineOn,
  issue,
  LATER,
  roundLog,
  settle,
  storeWithBrokenTenants,
} from './__fixtures__/workerSetup.js';

/** The first round of a worker on `engine`: run, wait for one round, stop. */
async function firstRound(
  engine: Engine,
  options: Partial<WorkerOptions> = {},
): Promise<{ round: WorkerRound | undefined; delivered: { id: string; tenantId?: string }[] }> {
  const log = roundLog();
  const delivered: { id: string; tenantId?: string }[] = [];
  const worker = createWorker({
    engine,
    deliver: (message, source) => void delivered.push({ id: message.id, ...source }),
    timers: createManualTimers().timers,
    onRound: log.onRound,
    ...options,
  });
  const running = worker.run();
  await settle(() => log.rounds.length >= 1);
  void worker.stop();
  await running;
  return { round: log.rounds[0], delivered };
}

describe('a worker round', () => {
  it('lists the deadlines fired and the messages delivered by id, without a tenant on a store that has none', async () => {
    const { engine, clock } = engineOn(memoryStore());
    await issue(engine, 'pip-1');
    clock.set(LATER);
    const { round, delivered } = await firstRound(engine);
    expect(round?.fired).toBe(1);
    expect(round?.firedDeadlines).toEqual([
      {
        timerId: expect.stringContaining('pip-1') as unknown,
        dueAt: expect.any(String) as unknown,
      },
    ]);
    expect(Object.keys(round?.firedDeadlines[0] ?? {}).sort()).toEqual(['dueAt', 'timerId']);
    expect(round?.delivered).toBe(delivered.length);
    expect(round?.deliveredMessages).toEqual(delivered.map(({ id }) => ({ id })));
    expect(round?.tenants).toEqual([]);
    expect(round?.tenantFailures).toEqual([]);
  });

  it("names the engine's own tenant on every deadline and message of a tenant engine", async () => {
    const { engine, clock } = engineOn(memoryStore());
    const acme = engine.forTenant('acme');
    await issue(acme, 'pip-1');
    clock.set(LATER);
    const { round, delivered } = await firstRound(acme);
    expect(round?.firedDeadlines.map((fired) => fired.tenantId)).toEqual(['acme']);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((message) => message.tenantId === 'acme')).toBe(true);
    expect(round?.deliveredMessages).toEqual(delivered);
  });

  it('names the tenant of every deadline and message when serving several, and counts each turn', async () => {
    const { engine, clock } = engineOn(memoryStore());
    await issue(engine.forTenant('acme'), 'pip-1');
    await issue(engine.forTenant('globex'), 'pip-1');
    await issue(engine.forTenant('globex'), 'pip-2');
    clock.set(LATER);
    const { round, delivered } = await firstRound(engine, { tenants: ['acme', 'globex'] });
    expect(round?.firedDeadlines.map((fired) => fired.tenantId).sort()).toEqual([
      'acme',
      'globex',
      'globex',
    ]);
    expect(round?.firedDeadlines.every((fired) => fired.timerId.includes('pip-'))).toBe(true);
    expect(round?.deliveredMessages).toEqual(delivered);
    const sent = (tenantId: string) => delivered.filter((m) => m.tenantId === tenantId).length;
    expect(round?.tenants).toEqual([
      { tenantId: 'acme', fired: 1, delivered: sent('acme') },
      { tenantId: 'globex', fired: 2, delivered: sent('globex') },
    ]);
    expect(sent('acme')).toBeGreaterThan(0);
    expect(sent('globex')).toBeGreaterThan(0);
  });

  it("fails the round as a whole with the first tenant's code when every tenant's sweep fails", async () => {
    const { engine } = engineOn(storeWithBrokenTenants(['north', 'south']));
    const { round } = await firstRound(engine, { tenants: ['north', 'south'] });
    expect(round?.error?.code).toBe(StoreErrorReasons.UNAVAILABLE);
    expect(round?.tenantFailures.map((failure) => failure.tenantId)).toEqual(['north', 'south']);
    expect(round?.tenants).toEqual([
      { tenantId: 'north', fired: 0, delivered: 0 },
      { tenantId: 'south', fired: 0, delivered: 0 },
    ]);
  });
});
