/**
 * An authorization a host hands to `createEngine` in one piece: the authorizer, and the read
 * scope it implies for queries, counts and reports.
 */
import {
  createDefaultAuthorizer,
  type Authorizer,
  type DefaultAuthorizerOptions,
} from '../decide/authorize.js';
import type { Actor } from '../model/actor.js';
import { defaultReadScope, type ReadScope } from '../query/storeQuery.js';

/**
 * Which PIPs an actor may see at the instant `at` (in the tenant `tenantId`, when the store has one), pushed into the store's query so pages and
 * counts are right. Within `readScopeSchema`'s limits (at most 10,000 ids of each kind).
 */
export type ReadScopeProvider = (
  actor: Actor,
  attempt: { readonly at: string; readonly tenantId?: string },
) => ReadScope | Promise<ReadScope>;

/**
 * An authorizer and the read scope it implies, shaped like the engine's options of the same
 * names, so one object wires both: `createEngine({ store, policies, ...authorization })`.
 */
export interface Authorization {
  /** Decides every command and read. */
  readonly authorize: Authorizer;
  /** The PIPs an actor may see, for `query`, `count` and `report`. */
  readonly readScope: ReadScopeProvider;
}

/**
 * The default authorization with its options: {@link createDefaultAuthorizer} and the matching
 * {@link defaultReadScope}. Spread it into `createEngine`'s options. Invalid options throw
 * `INVALID_INPUT` listing every problem.
 *
 * @example
 * ```ts
 * // Only HR and the system read every plan; legal reads none it is not part of.
 * const engine = createEngine({
 *   store,
 *   policies: [defaultPolicy],
 *   ...defaultAuthorization({ tenantWideReaders: ['hr', 'system'] }),
 * });
 * ```
 */
export function defaultAuthorization(options: DefaultAuthorizerOptions = {}): Authorization {
  const authorize = createDefaultAuthorizer(options);
  const readers = options.tenantWideReaders;
  return {
    authorize,
    readScope: (actor) =>
      defaultReadScope(actor, readers === undefined ? {} : { tenantWideReaders: readers }),
  };
}
