/**
 * Tenants per request: engines scoped to one tenant, kept per tenant id, and the sweep and relay
 * across tenants in rounds, each tenant taking one turn per round with a budget.
 */
import type { OutboxHandler, RelayDeadLetter, RelayFailure } from './deliveryApi.js';
import { z } from 'zod';
import { ValidationError } from '../errors/pipkitError.js';
import { parseInput } from '../errors/zodIssues.js';
import type { PipStore } from '../store/pipStore.js';
import { assertTenantId, tenantIdIssues } from '../store/tenantId.js';
import type { Engine } from './engineApi.js';
import { type EngineContext, storeLacks } from './engineContext.js';
import { observeRelay } from './observedRelay.js';
import { relay } from './relay.js';
import { failureCode, sweeper, sweepInstant } from './sweep.js';
import type {
  TenantFailure,
  TenantList,
  TenantOutboxHandler,
  TenantRelayResult,
  TenantTickResult,
} from './tenantApi.js';

/** One tenant's engine and its services. @internal */
export interface TenantScope {
  readonly engine: Engine;
  readonly ctx: EngineContext;
}

/** The engines of one engine family, per tenant. @internal */
export interface TenantRegistry {
  /** The scope of `tenantId`: kept, or built over `store.forTenant(tenantId)`. */
  scope(tenantId: string): TenantScope;
  /** Refuses a store without tenants with `STORE_UNSUPPORTED`. */
  assertTenants(): void;
}

const DEFAULT_KEPT = 1000;

/**
 * The family's tenant engines, the most recently used kept (at most `capacity`). The root's own
 * tenant is the root itself. @internal
 */
export function tenantRegistry(
  store: PipStore,
  capacity: number | undefined,
  root: () => TenantScope,
  build: (store: PipStore) => TenantScope,
): TenantRegistry {
  const keep = capacity ?? DEFAULT_KEPT;
  if (!Number.isInteger(keep) || keep < 0 || keep > 1_000_000) {
    throw new ValidationError('Invalid tenantEngines option.', [
      {
        code: 'TENANT_ENGINES_OUT_OF_RANGE',
        path: ['tenantEngines'],
        message: `tenantEngines must be a whole number from 0 to 1,000,000, not ${String(capacity)}.`,
      },
    ]);
  }
  const kept = new Map<string, TenantScope>();
  const assertTenants = () => {
    if (!store.forTenant) throw storeLacks('forTenant', 'serve several tenants');
  };
  return {
    assertTenants,
    scope(tenantId) {
      assertTenantId(tenantId);
      assertTenants();
      if (tenantId === store.tenantId) return root();
      const found = kept.get(tenantId);
      if (found) {
        kept.delete(tenantId);
        kept.set(tenantId, found);
        return found;
      }
      const scope = build((store.forTenant as (id: string) => PipStore).call(store, tenantId));
      if (keep > 0) {
        kept.set(tenantId, scope);
        if (kept.size > keep) kept.delete(kept.keys().next().value as string);
      }
      return scope;
    },
  };
}

const tenantListSchema = z.custom<TenantList>(
  (value) => Array.isArray(value) || typeof value === 'function',
  { message: 'tenants must be an array of tenant ids or a function returning one' },
);
const budgetSchema = z.number().int().positive().max(10_000).optional();
const leaseSchema = z.number().int().positive().max(86_400_000).optional();
const roundsSchema = z.number().int().positive().max(1_000_000).optional();
const tickTenantsSchema = z
  .object({
    tenants: tenantListSchema,
    at: z.union([z.date(), z.string()]).optional(),
    budgetPerTenant: budgetSchema,
    leaseMs: leaseSchema,
    parkAfter: z.number().int().positive().max(1000).optional(),
    maxRounds: roundsSchema,
  })
  .strict();
const relayTenantsSchema = z
  .object({
    tenants: tenantListSchema,
    budgetPerTenant: budgetSchema,
    leaseMs: leaseSchema,
    maxRounds: roundsSchema,
  })
  .strict();

/** The tenant ids a list names, checked, without duplicates, in order. */
async function tenantIdsOf(list: TenantList): Promise<string[]> {
  const ids: unknown = typeof list === 'function' ? await list() : list;
  if (!Array.isArray(ids)) {
    throw new ValidationError('Invalid tenants.', [
      {
        code: 'INVALID_TENANTS',
        path: ['tenants'],
        message: 'The tenants function must return an array of tenant ids.',
      },
    ]);
  }
  const issues = ids.flatMap((id, index) => tenantIdIssues(id, ['tenants', index]));
  if (issues.length > 0) throw new ValidationError('Invalid tenant ids.', issues);
  return [...new Set(ids as string[])];
}

/** Scopes each tenant; one that cannot be scoped is a failure, not the call's. */
function scopesOf(registry: TenantRegistry, ids: readonly string[], failures: TenantFailure[]) {
  const scopes: { tenantId: string; ctx: EngineContext }[] = [];
  for (const tenantId of ids) {
    try {
      scopes.push({ tenantId, ctx: registry.scope(tenantId).ctx });
    } catch (error) {
      failures.push({ tenantId, code: failureCode(error), error });
    }
  }
  return scopes;
}

/**
 * Runs turns in rounds: each live tenant one turn per round, until none wants another or
 * `maxRounds` rounds have run.
 */
async function inRounds<T extends { readonly tenantId: string }>(
  turns: T[],
  turn: (entry: T) => Promise<boolean>,
  failures: TenantFailure[],
  maxRounds = Number.POSITIVE_INFINITY,
): Promise<void> {
  let live = turns;
  for (let round = 0; live.length > 0 && round < maxRounds; round++) {
    const again: T[] = [];
    for (const entry of live) {
      try {
        if (await turn(entry)) again.push(entry);
      } catch (error) {
        failures.push({ tenantId: entry.tenantId, code: failureCode(error), error });
      }
    }
    live = again;
  }
}

/** `engine.tickTenants`: every tenant's due deadlines, round-robin. @internal */
export async function tickTenants(
  registry: TenantRegistry,
  clockNow: () => Date,
  rawOptions: unknown,
): Promise<TenantTickResult> {
  const options = parseInput(tickTenantsSchema, rawOptions, 'tickTenants options');
  registry.assertTenants();
  const now = sweepInstant(options.at ?? clockNow());
  const ids = await tenantIdsOf(options.tenants);
  const result = {
    now,
    fired: [] as TenantTickResult['fired'][number][],
    skipped: [] as TenantTickResult['skipped'][number][],
    faults: [] as TenantTickResult['faults'][number][],
    tenantFailures: [] as TenantFailure[],
  };
  const settings = {
    limit: options.budgetPerTenant ?? 100,
    leaseMs: options.leaseMs,
    parkAfter: options.parkAfter,
  };
  const turns = scopesOf(registry, ids, result.tenantFailures).map(({ tenantId, ctx }) => ({
    tenantId,
    sweeping: sweeper(ctx, now, settings),
    taken: { fired: 0, skipped: 0, faults: 0 },
  }));
  /** Moves what a tenant's last turn did into the result, naming the tenant. */
  const collect = ({ tenantId, sweeping, taken }: (typeof turns)[number]) => {
    const done = sweeping.result();
    for (const fired of done.fired.slice(taken.fired)) result.fired.push({ ...fired, tenantId });
    for (const skip of done.skipped.slice(taken.skipped))
      result.skipped.push({ ...skip, tenantId });
    for (const fault of done.faults.slice(taken.faults)) result.faults.push({ ...fault, tenantId });
    Object.assign(taken, {
      fired: done.fired.length,
      skipped: done.skipped.length,
      faults: done.faults.length,
    });
  };
  await inRounds(
    turns,
    async (entry) => {
      try {
        return await entry.sweeping.next();
      } finally {
        collect(entry);
      }
    },
    result.tenantFailures,
    options.maxRounds,
  );
  return result;
}

/** `engine.relayTenants`: every tenant's pending outbox, round-robin. @internal */
export async function relayTenants(
  registry: TenantRegistry,
  handler: TenantOutboxHandler,
  rawOptions: unknown,
): Promise<TenantRelayResult> {
  const options = parseInput(relayTenantsSchema, rawOptions, 'relayTenants options');
  registry.assertTenants();
  const ids = await tenantIdsOf(options.tenants);
  const budget = options.budgetPerTenant ?? 100;
  const delivered: { tenantId: string; id: string }[] = [];
  const failed: (RelayFailure & { tenantId: string })[] = [];
  const deadLettered: (RelayDeadLetter & { tenantId: string })[] = [];
  const tenantFailures: TenantFailure[] = [];
  const turns = scopesOf(registry, ids, tenantFailures);
  await inRounds(
    turns,
    async ({ tenantId, ctx }) => {
      const tenant = Object.freeze({ tenantId });
      const settings = { limit: budget, leaseMs: options.leaseMs };
      const deliver: OutboxHandler = (message) => handler(message, tenant);
      const round = await observeRelay(ctx, deliver, (observed) => relay(ctx, observed, settings));
      for (const id of round.delivered) delivered.push({ tenantId, id });
      for (const failure of round.failed) failed.push({ tenantId, ...failure });
      for (const letter of round.deadLettered) deadLettered.push({ tenantId, ...letter });
      // Another turn only while this tenant's rounds are full and clean: a failing message
      // waits for the next call instead of being retried within this one.
      return round.failed.length === 0 && round.delivered.length >= budget;
    },
    tenantFailures,
    options.maxRounds,
  );
  return { delivered, failed, deadLettered, tenantFailures };
}
