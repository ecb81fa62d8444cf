/**
 * Reading a PIP's refusal log: the page a host lists (authorized as a read of the PIP, the rule
 * `history` follows). `verify` reads the whole chain with the store layer's `verifyStoredRefusals`.
 */
import { z } from 'zod';
import type { RefusalRecord } from '../audit/refusalChain.js';
import { parseInput } from '../errors/zodIssues.js';
import type { Actor } from '../model/actor.js';
import { REFUSAL_LIMITS, type RefusalReadOptions } from '../store/refusalLog.js';
import { type EngineContext, storeLacks } from './engineContext.js';

/** Paging of {@link RefusalOperations.refusals}. */
export interface RefusalPageOptions extends RefusalReadOptions {
  readonly actor: Actor;
}

/** A page of {@link RefusalOperations.refusals}. */
export interface RefusalPage {
  /** The PIP's refused attempts after `afterSeq`, oldest first. */
  readonly refusals: readonly RefusalRecord[];
  /** The `afterSeq` of the next page; absent when this page was not full (it was the last). */
  readonly nextAfterSeq?: number;
}

/** The engine's refusal log surface. */
export interface RefusalOperations {
  /**
   * One page of the PIP's refused attempts (who tried what, when, the outcome and issue codes;
   * never messages), oldest first, each with its `seq` and its link in the PIP's refusal chain.
   * Authorized as a read of the PIP (`READ`, as `history` is): a caller who may not read it gets
   * `FORBIDDEN`, and that attempt is itself recorded. `PIP_NOT_FOUND` for an id with no PIP (a
   * refused `OPEN`, a purged PIP): those chains stay in the store, readable with its
   * `readRefusals`. Needs a store with the refusal log (`STORE_UNSUPPORTED` otherwise; memory,
   * SQLite and Postgres have it).
   *
   * @example
   * ```ts
   * let page = await engine.refusals(pipId, { actor: hr });
   * for (const refusal of page.refusals) console.log(refusal.seq, refusal.action, refusal.codes);
   * if (page.nextAfterSeq !== undefined)
   *   page = await engine.refusals(pipId, { actor: hr, afterSeq: page.nextAfterSeq });
   * ```
   */
  refusals(pipId: string, options: RefusalPageOptions): Promise<RefusalPage>;
}

const pageSchema = z
  .object({
    afterSeq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().positive().max(REFUSAL_LIMITS.max).optional(),
  })
  .strict();

/** One page of a PIP's refusals for an actor who may read the PIP. @internal */
export async function refusalPage(
  ctx: EngineContext,
  pipId: string,
  actor: Actor,
  rawPage: unknown,
): Promise<RefusalPage> {
  const page = parseInput(pageSchema, rawPage, 'refusal page');
  const { store } = ctx;
  if (!store.readRefusals) throw storeLacks('readRefusals', 'list refusals');
  await ctx.loadReadable(pipId, actor);
  const limit = page.limit ?? REFUSAL_LIMITS.default;
  const refusals = await store.readRefusals(pipId, { afterSeq: page.afterSeq ?? 0, limit });
  const last = refusals.at(-1);
  return refusals.length === limit && last ? { refusals, nextAfterSeq: last.seq } : { refusals };
}
