/**
 * `createEngine`: wiring only. Every write goes through `execute` (engine/execute.ts), every
 * deadline through `sweep`, every read through the authorizer.
 */
import { z } from 'zod';
import { parseInput } from '../errors/zodIssues.js';
import { actorSchema, hostIdSchema } from '../model/actor.js';
import { commandSchema, openPipSchema } from '../model/commands.js';
import type { Actor } from '../model/actor.js';
import type { Report, ReportName, ReportRequest } from '../query/reports.js';
import type { Engine, EngineOptions } from './engineApi.js';
import { createEngineContext, type EngineContext } from './engineContext.js';
import { execute, type WriteOptions } from './execute.js';
import { refusalPage } from './refusalReads.js';
import { verifyStoredRefusals } from '../store/refusalLog.js';
import { commandTypeOf, observeExplain, observeWrite } from './observedWrites.js';
import { observeRelay } from './observedRelay.js';
import { observeTick } from './observedSweep.js';
import { assertCallerKey, commandKey, openKey } from './idempotency.js';
import { count, deadlinesOf, query, report } from './queries.js';
import { explain, list, listPage, planMigration } from './reads.js';
import { relay } from './relay.js';
import { unpark } from './parking.js';
import { listDeadLetters, settleDeadLetter } from './deadLetters.js';
import { purge } from './retention.js';
import { sweep, sweepInstant } from './sweep.js';
import { verifyPip } from './verify.js';
import {
  relayTenants,
  type TenantRegistry,
  tenantRegistry,
  type TenantScope,
  tickTenants,
} from './tenants.js';

const idempotencyKeySchema = hostIdSchema.optional();

const dispatchOptionsSchema = z
  .object({
    actor: actorSchema,
    expectedVersion: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    idempotencyKey: idempotencyKeySchema,
    retries: z.number().int().min(0).max(10).optional(),
  })
  .strict();
const openOptionsSchema = z
  .object({ actor: actorSchema, idempotencyKey: idempotencyKeySchema })
  .strict();
const readOptionsSchema = z.object({ actor: actorSchema }).strict();
// The page itself (afterSeq, limit) is checked by refusalPage.
const refusalOptionsSchema = z.object({ actor: actorSchema }).catchall(z.unknown());
const migrateOptionsSchema = z
  .object({
    actor: actorSchema,
    expectedVersion: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    idempotencyKey: idempotencyKeySchema,
  })
  .strict();
const migrateInputSchema = z
  .object({ toVersion: z.number().int().positive().max(1_000_000) })
  .strict();
const migrationPlanSchema = z
  .object({
    policyId: hostIdSchema,
    fromVersion: z.number().int().positive().max(1_000_000),
    toVersion: z.number().int().positive().max(1_000_000),
  })
  .strict();
const tickOptionsSchema = z
  .object({
    limit: z.number().int().positive().max(10_000).optional(),
    leaseMs: z.number().int().positive().max(86_400_000).optional(),
    parkAfter: z.number().int().positive().max(1000).optional(),
    maxRounds: z.number().int().positive().max(1_000_000).optional(),
  })
  .strict();
const relayOptionsSchema = z
  .object({
    limit: z.number().int().positive().max(10_000).optional(),
    leaseMs: z.number().int().positive().max(86_400_000).optional(),
  })
  .strict();
const pipIdSchema = z.string().min(1).max(200);
const deadLetterQuerySchema = z
  .object({
    pipId: pipIdSchema.optional(),
    afterId: z.string().min(1).max(1000).optional(),
    limit: z.number().int().positive().max(1000).optional(),
  })
  .strict();
const deadLetterTargetSchema = z
  .object({ pipId: pipIdSchema, messageId: z.string().min(1).max(1000) })
  .strict();

/** Parses input at the public boundary: a typed `INVALID_INPUT` listing every problem. */
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseInput<z.ZodType<T>>(schema, value, what);
}

/** The caller's key, checked and scoped. */
function scopedKey(key: string | undefined, scope: (key: string) => string) {
  if (key === undefined) return {};
  assertCallerKey(key);
  return { idempotency: { stored: scope(key), shown: key } };
}

/**
 * The execute options a write on an existing PIP runs with (`dispatch`, `migrate`): the actor,
 * the span observer, the caller's idempotency key scoped to the PIP, and the version the caller
 * read, when it named one.
 */
function writeOptions(
  pipId: string,
  options: {
    readonly actor: Actor;
    readonly idempotencyKey?: string | undefined;
    readonly expectedVersion?: number | undefined;
  },
  observe: NonNullable<WriteOptions['observe']>,
): WriteOptions {
  return {
    actor: options.actor,
    observe,
    ...scopedKey(options.idempotencyKey, (key) => commandKey(pipId, key)),
    ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
  };
}

/**
 * Builds an engine. Stateless between calls: every command loads the PIP's envelope, decides,
 * and commits one transaction; nothing is kept alive, so any number of engines may share a store.
 *
 * @example
 * ```ts
 * import { createEngine, defaultPolicy, memoryStore } from '@pipkit/core';
 *
 * const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });
 * const hr = { id: 'hr-7', role: 'hr' } as const;
 * const { pip } = await engine.open(
 *   {
 *     employee: { id: 'emp-42', timeZone: 'America/Chicago' },
 *     managerId: 'mgr-9',
 *     policy: { id: 'pipkit-default' },
 *     goals: [{ id: 'g1', description: 'Close tickets on time', measure: '90% within SLA' }],
 *   },
 *   { actor: hr },
 * );
 * await engine.dispatch(pip.pipId, { type: 'SUBMIT_FOR_APPROVAL', documents: [planDoc] }, { actor: hr });
 * ```
 */
export function createEngine(options: EngineOptions): Engine {
  // The registry hands out the root for the store's own tenant, only ever after it is built.
  const tenants: TenantRegistry = tenantRegistry(
    options.store,
    options.tenantEngines,
    () => root,
    (store) => scopeOver({ ...options, store }, tenants),
  );
  const root = scopeOver(options, tenants);
  return root.engine;
}

/** An engine over `options.store`, one of the family whose tenants `tenants` keeps. */
function scopeOver(options: EngineOptions, tenants: TenantRegistry): TenantScope {
  const ctx = createEngineContext(options);
  return { ctx, engine: engineOver(ctx, tenants) };
}

/** The engine's methods over its services. */
function engineOver(ctx: EngineContext, tenants: TenantRegistry): Engine {
  const { store } = ctx;
  return {
    // A plain property, not a spread: an object literal that starts with a spread is built
    // property by property, which measured about ten times slower per engine.
    tenantId: store.tenantId,
    forTenant: (tenantId) => tenants.scope(tenantId).engine,
    tickTenants: (rawOptions) =>
      observeTick(ctx, () => tickTenants(tenants, () => ctx.clock.now(), rawOptions)),
    relayTenants: (handler, rawOptions) => relayTenants(tenants, handler, rawOptions),
    open(rawInput, rawOptions) {
      return observeWrite(ctx, 'open', 'OPEN', async () => {
        const { actor, idempotencyKey } = parse(openOptionsSchema, rawOptions, 'open options');
        const input = parse(openPipSchema, rawInput, 'open request');
        return execute(
          ctx,
          { kind: 'open', pipId: input.pipId ?? ctx.newId(), input },
          { actor, ...scopedKey(idempotencyKey, openKey) },
        );
      });
    },

    dispatch(pipId, rawCommand, rawOptions) {
      const type = commandTypeOf('command', rawCommand);
      return observeWrite(ctx, 'command', type, async (observe) => {
        const id = parse(pipIdSchema, pipId, 'PIP id');
        const options = parse(dispatchOptionsSchema, rawOptions, 'dispatch options');
        const command = parse(commandSchema, rawCommand, 'command');
        return execute(
          ctx,
          { kind: 'command', pipId: id, command },
          {
            ...writeOptions(id, options, observe),
            ...(options.retries === undefined ? {} : { retries: options.retries }),
          },
        );
      });
    },

    explain(pipId, rawCommand, rawOptions) {
      return observeExplain(ctx, rawCommand, async () => {
        const id = parse(pipIdSchema, pipId, 'PIP id');
        const { actor } = parse(readOptionsSchema, rawOptions, 'explain options');
        const command = parse(commandSchema, rawCommand, 'command');
        return explain(ctx, id, command, actor);
      });
    },

    async get(pipId, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      return ctx.loadReadable(parse(pipIdSchema, pipId, 'PIP id'), actor);
    },

    async history(pipId, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      const id = parse(pipIdSchema, pipId, 'PIP id');
      await ctx.loadReadable(id, actor);
      return store.readEvents(id);
    },

    async list(query, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      return list(ctx, query, actor);
    },

    async listPage(query, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      return listPage(ctx, query, actor);
    },

    async query(rawQuery, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      return query(ctx, rawQuery, actor);
    },

    async count(filter, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      return count(ctx, filter, actor);
    },

    async report<N extends ReportName>(
      request: ReportRequest & { readonly name: N },
      rawOptions: { readonly actor: Actor },
    ) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      // The rows are those of the report named: the store answers the request it was given.
      return (await report(ctx, request, actor)) as Report<N>;
    },

    async deadlines(pipId, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      return deadlinesOf(ctx, parse(pipIdSchema, pipId, 'PIP id'), actor);
    },

    async verify(pipId, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'read options');
      const id = parse(pipIdSchema, pipId, 'PIP id');
      const record = await ctx.loadReadable(id, actor);
      const events = await store.readEvents(id);
      const rows = store.inspect ? await store.inspect(id) : undefined;
      return verifyPip(record, events, rows, await verifyStoredRefusals(store, id));
    },

    async refusals(pipId, rawOptions) {
      const { actor, ...page } = parse(refusalOptionsSchema, rawOptions, 'refusal options');
      return refusalPage(ctx, parse(pipIdSchema, pipId, 'PIP id'), actor, page);
    },

    async purge(pipId, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'purge options');
      return purge(ctx, parse(pipIdSchema, pipId, 'PIP id'), actor);
    },
    async unpark(pipId, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'unpark options');
      return unpark(ctx, parse(pipIdSchema, pipId, 'PIP id'), actor);
    },

    relay(handler, rawOptions = {}) {
      const options = parse(relayOptionsSchema, rawOptions, 'relay options');
      return observeRelay(ctx, handler, (observed) => relay(ctx, observed, options));
    },
    async deadLetters(rawQuery, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'dead letter options');
      return listDeadLetters(
        ctx,
        parse(deadLetterQuerySchema, rawQuery, 'dead letter query'),
        actor,
      );
    },
    async retryDeadLetter(rawTarget, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'dead letter options');
      const target = parse(deadLetterTargetSchema, rawTarget, 'dead letter');
      return settleDeadLetter(ctx, target, actor, 'retried');
    },
    async discardDeadLetter(rawTarget, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'dead letter options');
      const target = parse(deadLetterTargetSchema, rawTarget, 'dead letter');
      return settleDeadLetter(ctx, target, actor, 'discarded');
    },

    async planMigration(rawInput, rawOptions) {
      const { actor } = parse(readOptionsSchema, rawOptions, 'migration options');
      return planMigration(ctx, parse(migrationPlanSchema, rawInput, 'migration plan'), actor);
    },

    migrate(pipId, rawInput, rawOptions) {
      return observeWrite(ctx, 'migrate', 'MIGRATE', async (observe) => {
        const id = parse(pipIdSchema, pipId, 'PIP id');
        const options = parse(migrateOptionsSchema, rawOptions, 'migration options');
        const { toVersion } = parse(migrateInputSchema, rawInput, 'migration');
        return execute(
          ctx,
          { kind: 'migrate', pipId: id, toVersion },
          writeOptions(id, options, observe),
        );
      });
    },

    tick(at, rawOptions = {}) {
      return observeTick(ctx, async () => {
        const now = sweepInstant(at ?? ctx.clock.now());
        return sweep(ctx, now, parse(tickOptionsSchema, rawOptions, 'tick options'));
      });
    },
  };
}
