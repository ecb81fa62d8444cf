/**
 * Bounded calls and fair rounds: `maxRounds` bounds one sweep or relay, and for any backlog a
 * worker serves every tenant in every round it has work, never more than `maxPerTenant` of it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorker, isPipkitError, memoryStore, type WorkerRound } from '../index.js';
import { createManualTimers } from '../testing/manualTimers.js';
import { engineOn, issue, LATER, settle } from './__fixtures__/workerSetup.js';

describe('maxRounds', () => {
  it('bounds tick to that many batches, leaving the rest due for the next call', async () => {
    const { engine, clock } = engineOn(memoryStore());
    for (const pipId of ['a', 'b', 'c', 'd', 'e']) await issue(engine, pipId);
    clock.set(LATER);
    const first = await engine.tick(undefined, { limit: 2, maxRounds: 1 });
    expect(first.fired).toHaveLength(2);
    const second = await engine.tick(undefined, { limit: 2, maxRounds: 2 });
    expect(second.fired).toHaveLength(3);
    expect((await engine.tick()).fired).toEqual([]);
  });

  it('bounds tickTenants and relayTenants to one turn per tenant with maxRounds 1', async () => {
    const { engine, clock } = engineOn(memoryStore());
    for (const pipId of ['a', 'b', 'c']) await issue(engine.forTenant('big'), pipId);
    await issue(engine.forTenant('small'), 'a');
    clock.set(LATER);
    const options = { tenants: ['big', 'small'], budgetPerTenant: 1, maxRounds: 1 };
    const ticked = await engine.tickTenants(options);
    expect(ticked.fired.map((fire) => fire.tenantId)).toEqual(['big', 'small']);
    const relayed = await engine.relayTenants(() => undefined, options);
    expect(relayed.delivered.map((sent) => sent.tenantId)).toEqual(['big', 'small']);
  });

  it('refuses a maxRounds that is not a positive whole number', async () => {
    const { engine } = engineOn(memoryStore());
    for (const maxRounds of [0, 1.5, -1]) {
      const refused = await engine.tick(undefined, { maxRounds }).catch((error: unknown) => error);
      expect(isPipkitError(refused, 'INVALID_INPUT')).toBe(true);
    }
  });
});

describe('worker fairness, for any backlog', () => {
  it('serves each tenant with due deadlines in every round until it is done, at most maxPerTenant each', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (backlogs, maxPerTenant) => {
          const { engine, clock } = engineOn(memoryStore());
          const tenants = backlogs.map((_, index) => `tenant-${index}`);
          for (const [index, count] of backlogs.entries()) {
            for (let pip = 0; pip < count; pip++) {
              await issue(engine.forTenant(tenants[index] as string), `pip-${pip}`);
            }
          }
          clock.set(LATER);
          const rounds: WorkerRound[] = [];
          const manual = createManualTimers();
          const worker = createWorker({
            engine,
            tenants,
            maxPerTenant,
            deliver: () => undefined,
            timers: manual.timers,
            onRound: (round) => rounds.push(round),
          });
          const running = worker.run();
          await settle(() => manual.pending().length === 1);
          await worker.stop();
          await running;
          for (const [index, count] of backlogs.entries()) {
            const fired = rounds.map(
              (round) => round.tenants.find((turn) => turn.tenantId === tenants[index])?.fired ?? 0,
            );
            // Served in each of the first ceil(count / max) rounds, never above the limit.
            const needed = Math.ceil(count / maxPerTenant);
            expect(fired.slice(0, needed).every((n) => n > 0)).toBe(true);
            expect(fired.every((n) => n <= maxPerTenant)).toBe(true);
            expect(fired.reduce((sum, n) => sum + n, 0)).toBe(count);
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});
