/**
 * One round of a worker: one bounded turn of the timer sweep, then one of the outbox relay, for
 * the engine's own store or for every tenant it serves, each tenant at most `maxPerTenant` items.
 */
import type { Engine } from '../engine/engineApi.js';
import { failureCode } from '../engine/sweep.js';
import type { TenantFailure, TenantList } from '../engine/tenantApi.js';
import type { WorkerDelivery, WorkerRound, WorkerTenantTurn } from './workerApi.js';

/** What a round needs. @internal */
export interface RoundSettings {
  readonly engine: Engine;
  readonly deliver: WorkerDelivery;
  readonly tenants?: TenantList | undefined;
  readonly maxPerTenant: number;
  readonly leaseMs?: number | undefined;
}

/** What a round reports before the loop knows its number, cause and the wait after it. @internal */
export type RoundReport = Omit<WorkerRound, 'round' | 'cause' | 'nextInMs'> & {
  /** True when the round did work, so more may be waiting: the next round starts at once. */
  readonly busy: boolean;
};

const EMPTY = {
  fired: 0,
  skipped: 0,
  faults: 0,
  delivered: 0,
  failed: 0,
  deadLettered: 0,
  firedDeadlines: [],
  deliveredMessages: [],
  tenants: [] as WorkerTenantTurn[],
  tenantFailures: [] as TenantFailure[],
};

/**
 * Runs one round. `turn` rotates the tenants' order by that many places, so the first tenant
 * listed is not always served first. `forced` is asked between the sweep and the relay: when it
 * says true the relay is left for the next run. Never throws: a failure of the round as a whole
 * is its `error`. @internal
 */
export async function runRound(
  settings: RoundSettings,
  turn: number,
  forced: () => boolean,
  at: () => string,
): Promise<RoundReport> {
  try {
    return settings.tenants === undefined
      ? await ownRound(settings, forced)
      : await tenantRound(settings, settings.tenants, turn, forced);
  } catch (error) {
    return { ...EMPTY, at: at(), error: { code: failureCode(error), error }, busy: false };
  }
}

/** A round of the engine's own store. */
async function ownRound(settings: RoundSettings, forced: () => boolean): Promise<RoundReport> {
  const { engine, deliver, maxPerTenant, leaseMs } = settings;
  const lease = leaseMs === undefined ? {} : { leaseMs };
  const tick = await engine.tick(undefined, { limit: maxPerTenant, maxRounds: 1, ...lease });
  const source = engine.tenantId === undefined ? {} : { tenantId: engine.tenantId };
  const relay = forced()
    ? undefined
    : await engine.relay((message) => deliver(message, source), {
        limit: maxPerTenant,
        ...lease,
      });
  const delivered = relay?.delivered.length ?? 0;
  return {
    ...EMPTY,
    at: tick.now,
    fired: tick.fired.length,
    skipped: tick.skipped.length,
    faults: tick.faults.length,
    delivered,
    failed: relay?.failed.length ?? 0,
    deadLettered: relay?.deadLettered.length ?? 0,
    firedDeadlines: tick.fired.map(({ timerId, dueAt }) => ({ timerId, dueAt, ...source })),
    deliveredMessages: (relay?.delivered ?? []).map((id) => ({ id, ...source })),
    busy: tick.fired.length > 0 || delivered > 0 || (relay?.deadLettered.length ?? 0) > 0,
  };
}

/** The tenant ids of this round, in turn order: the list rotated by `turn` places. */
async function rotatedTenants(list: TenantList, turn: number): Promise<readonly string[]> {
  const ids: unknown = typeof list === 'function' ? await list() : list;
  // Not an array: the sweep refuses it with its own typed error.
  if (!Array.isArray(ids) || ids.length === 0) return ids as readonly string[];
  const unique = [...new Set(ids as string[])];
  const start = turn % unique.length;
  return [...unique.slice(start), ...unique.slice(0, start)];
}

/** A round of every tenant: one turn each of the sweep, then one each of the relay. */
async function tenantRound(
  settings: RoundSettings,
  list: TenantList,
  turn: number,
  forced: () => boolean,
): Promise<RoundReport> {
  const { engine, deliver, maxPerTenant, leaseMs } = settings;
  const tenants = await rotatedTenants(list, turn);
  const bounded = {
    tenants,
    budgetPerTenant: maxPerTenant,
    maxRounds: 1,
    ...(leaseMs === undefined ? {} : { leaseMs }),
  };
  const tick = await engine.tickTenants(bounded);
  const relay = forced() ? undefined : await engine.relayTenants(deliver, bounded);
  const turns = new Map<string, { tenantId: string; fired: number; delivered: number }>(
    tenants.map((tenantId) => [tenantId, { tenantId, fired: 0, delivered: 0 }]),
  );
  for (const fired of tick.fired) {
    const counted = turns.get(fired.tenantId);
    if (counted) counted.fired += 1;
  }
  for (const sent of relay?.delivered ?? []) {
    const counted = turns.get(sent.tenantId);
    if (counted) counted.delivered += 1;
  }
  const tenantFailures = [...tick.tenantFailures, ...(relay?.tenantFailures ?? [])];
  const failedTenants = new Set(tick.tenantFailures.map((failure) => failure.tenantId));
  const delivered = relay?.delivered.length ?? 0;
  const deadLettered = relay?.deadLettered.length ?? 0;
  const report: RoundReport = {
    at: tick.now,
    fired: tick.fired.length,
    skipped: tick.skipped.length,
    faults: tick.faults.length,
    delivered,
    failed: relay?.failed.length ?? 0,
    deadLettered,
    firedDeadlines: tick.fired.map(({ timerId, dueAt, tenantId }) => ({
      timerId,
      dueAt,
      tenantId,
    })),
    deliveredMessages: relay?.delivered ?? [],
    tenants: [...turns.values()],
    tenantFailures,
    busy: tick.fired.length > 0 || delivered > 0 || deadLettered > 0,
  };
  // One tenant's failure is its own (the others went on); every tenant failing is the round's.
  const first = tick.tenantFailures[0];
  if (first && tenants.length > 0 && tenants.every((tenantId) => failedTenants.has(tenantId))) {
    return { ...report, error: { code: first.code, error: first.error } };
  }
  return report;
}
