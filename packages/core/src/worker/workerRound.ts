/**
 * One round of a worker: one bounded turn of the timer sweep, then one of the outbox relay, for
 * the engine's own store or for every tenant it serves, each tenant at most `maxPerTenant` items.
 */
import type { Engine } from '../engine/engineApi.js';
import { failureCode } from '../engine/sweep.js';
import type { TenantFailure, TenantList } from '../engine/tenantApi.js';
import type { WorkerDelivery, WorkerItem, WorkerRound, WorkerTenantTurn } from './workerApi.js';

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

/** One turn of the sweep, as a round counts it: items already named by their tenant, if any. */
interface SweepTurn {
  readonly now: string;
  readonly fired: readonly WorkerItem<{ readonly timerId: string; readonly dueAt: string }>[];
  readonly skipped: readonly unknown[];
  readonly faults: readonly unknown[];
  readonly tenantFailures?: readonly TenantFailure[];
}

/** One turn of the relay, as a round counts it. */
interface RelayTurn {
  readonly delivered: readonly WorkerItem<{ readonly id: string }>[];
  readonly failed: readonly unknown[];
  readonly deadLettered: readonly unknown[];
  readonly tenantFailures?: readonly TenantFailure[];
}

/**
 * Runs the sweep's turn, then the relay's unless `forced` says to leave it for the next run, and
 * counts both as one round: the same for the engine's own store and for every tenant, which
 * differ only in the operations they run. Returns the sweep's turn beside the report, for the
 * failures that are the sweep's alone.
 */
async function runTurns(
  sweep: () => Promise<SweepTurn>,
  relay: () => Promise<RelayTurn>,
  forced: () => boolean,
): Promise<{ readonly swept: SweepTurn; readonly report: RoundReport }> {
  const swept = await sweep();
  const related = forced() ? undefined : await relay();
  const delivered = related?.delivered ?? [];
  const deadLettered = related?.deadLettered.length ?? 0;
  const report: RoundReport = {
    ...EMPTY,
    at: swept.now,
    fired: swept.fired.length,
    skipped: swept.skipped.length,
    faults: swept.faults.length,
    delivered: delivered.length,
    failed: related?.failed.length ?? 0,
    deadLettered,
    firedDeadlines: swept.fired,
    deliveredMessages: delivered,
    tenantFailures: [...(swept.tenantFailures ?? []), ...(related?.tenantFailures ?? [])],
    busy: swept.fired.length > 0 || delivered.length > 0 || deadLettered > 0,
  };
  return { swept, report };
}

/** A round of the engine's own store. */
async function ownRound(settings: RoundSettings, forced: () => boolean): Promise<RoundReport> {
  const { engine, deliver, maxPerTenant, leaseMs } = settings;
  const lease = leaseMs === undefined ? {} : { leaseMs };
  const source = engine.tenantId === undefined ? {} : { tenantId: engine.tenantId };
  const { report } = await runTurns(
    async () => {
      const tick = await engine.tick(undefined, { limit: maxPerTenant, maxRounds: 1, ...lease });
      return {
        ...tick,
        fired: tick.fired.map(({ timerId, dueAt }) => ({ timerId, dueAt, ...source })),
      };
    },
    async () => {
      const relay = await engine.relay((message) => deliver(message, source), {
        limit: maxPerTenant,
        ...lease,
      });
      return { ...relay, delivered: relay.delivered.map((id) => ({ id, ...source })) };
    },
    forced,
  );
  return report;
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
  const { swept, report } = await runTurns(
    async () => {
      const tick = await engine.tickTenants(bounded);
      return {
        ...tick,
        fired: tick.fired.map(({ timerId, dueAt, tenantId }) => ({ timerId, dueAt, tenantId })),
      };
    },
    () => engine.relayTenants(deliver, bounded),
    forced,
  );
  const counted = { ...report, tenants: tenantTurns(tenants, report) };
  // One tenant's failure is its own (the others went on); every tenant failing is the round's.
  const failedTenants = new Set(swept.tenantFailures?.map((failure) => failure.tenantId));
  const first = swept.tenantFailures?.[0];
  if (first && tenants.length > 0 && tenants.every((tenantId) => failedTenants.has(tenantId))) {
    return { ...counted, error: { code: first.code, error: first.error } };
  }
  return counted;
}

/** Each tenant's turn: how many of the round's deadlines fired and messages went out are its. */
function tenantTurns(tenants: readonly string[], report: RoundReport): WorkerTenantTurn[] {
  const byTenant = (items: readonly WorkerItem<object>[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const { tenantId } of items) {
      if (tenantId !== undefined) counts.set(tenantId, (counts.get(tenantId) ?? 0) + 1);
    }
    return counts;
  };
  const fired = byTenant(report.firedDeadlines);
  const delivered = byTenant(report.deliveredMessages);
  return tenants.map((tenantId) => ({
    tenantId,
    fired: fired.get(tenantId) ?? 0,
    delivered: delivered.get(tenantId) ?? 0,
  }));
}
