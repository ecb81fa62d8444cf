import type { PipStore } from '@pipkit/core';
import { registerBatchLoadingFeatures } from './conformance/batchLoading.features.js';
import { registerBatchingFeatures } from './conformance/batching.features.js';
import {
  registerConcurrencyFeatures,
  registerParallelWriterFeatures,
} from './conformance/commits.features.js';
import { registerCommitPreconditionFeatures } from './conformance/commitPreconditions.features.js';
import { registerDeliveryFeatures } from './conformance/delivery.features.js';
import type { ConformanceContext } from './conformance/conformanceContext.js';
import { registerGroupCommitFeatures } from './conformance/groupCommit.features.js';
import type { FixtureCommitExtras, FixturePip } from './conformance/fixturePip.js';
import {
  registerAtomicityFeatures,
  registerIdempotencyFeatures,
} from './conformance/idempotency.features.js';
import { registerInspectFeatures } from './conformance/inspect.features.js';
import { registerLifecycleFeatures } from './conformance/lifecycle.features.js';
import { registerLimitFeatures, registerListingFeatures } from './conformance/listing.features.js';
import { registerLoadingFeatures } from './conformance/loading.features.js';
import {
  registerOutboxFeatures,
  registerOutboxLeaseFeatures,
} from './conformance/outbox.features.js';
import { registerPurgeFeatures } from './conformance/purge.features.js';
import { registerQueryFeatures } from './conformance/query.features.js';
import { type RefusalTamperer, registerRefusalFeatures } from './conformance/refusals.features.js';
import { registerTenantFeatures } from './conformance/tenants.features.js';
import { registerTimerFaultFeatures } from './conformance/timerFaults.features.js';
import {
  registerTimerFeatures,
  registerTimerLeaseFeatures,
} from './conformance/timers.features.js';
import { registerWakeupFeatures } from './conformance/wakeups.features.js';
import { type ConformanceTestApi, resolveConformanceTestApi } from './conformanceTestApi.js';
import { storeSelected } from './storeSelected.js';

export { storeSelected } from './storeSelected.js';

/** Options for {@link describeStoreConformance}: real differences between adapters, never forks. */
export interface StoreConformanceOptions {
  /**
   * True when two commits can really run at the same time (separate connections). Stores that
   * serialise everything in one thread still run the race test; it proves the same property.
   * Default false.
   */
  readonly parallelWriters?: boolean;
  /**
   * True when the store implements `claimDueTimers` (timer leases for several engine instances);
   * the leasing tests then run. Default false.
   */
  readonly leasing?: boolean;
  /**
   * True when the store implements `claimOutbox` (outbox leases for several relays); the outbox
   * leasing tests then run. Default false.
   */
  readonly outboxLeasing?: boolean;
  /**
   * True when the store implements `commitMany` (several commits in one transaction); the batch
   * tests then run. Default false.
   */
  readonly batching?: boolean;
  /**
   * True when the store implements `loadMany` (several envelopes in one read); the batch
   * loading tests then run. Default false.
   */
  readonly batchLoading?: boolean;
  /**
   * True when the store implements `purge` (deleting a PIP's whole record for
   * `engine.purge`); the purge tests then run. Default false.
   */
  readonly purging?: boolean;
  /**
   * True when the store implements `queryPips`, `countPips` and `reportPips` (queries, counts
   * and reports pushed into the store); the query tests then run. Default false.
   */
  readonly queries?: boolean;
  /**
   * True when the store implements `forTenant` (stores scoped to one tenant on shared
   * connections); the tenant isolation tests then run. Default false.
   */
  readonly tenants?: boolean;
  /**
   * True when the store implements `appendRefusal` and `readRefusals` (the hash-chained log of
   * refused attempts); the refusal log tests then run. Default false.
   */
  readonly refusalLog?: boolean;
  /**
   * With `refusalLog`: how the adapter edits, deletes and renumbers its own raw refusal rows
   * (see {@link RefusalTamperer}); the tests that `engine.verify` names each change then run.
   */
  readonly tamperRefusals?: RefusalTamperer;
  /**
   * The test runner to register with. Default: vitest's, found in the running vitest worker
   * (with or without `globals`), else Jest's (or any runner's) global `describe`, `it`,
   * `expect`, `beforeEach` and `afterEach`. Pass it under `node:test`, whose API is not global.
   * See {@link ConformanceTestApi}.
   */
  readonly testApi?: ConformanceTestApi;
}

/** Makes a fresh, empty store for one test. `close` is called after the test when present. */
export type StoreFactory = () => PipStore | Promise<PipStore>;

/**
 * Registers the conformance suite every {@link PipStore} adapter must pass: loading, optimistic
 * concurrency, idempotency, atomicity, the order of commit preconditions (a recorded key before
 * the version, for `commit` and each `commitMany` slot), timers, outbox and listing; and each
 * optional capability the options name. `inspect` and `recordTimerFault` (with `commitMany` for
 * the preconditions) need no option: each of their tests checks that the store has the method
 * and holds it to the contract whenever it does.
 * Call it from a test file; nothing runs until the runner runs the tests.
 *
 * The runner's API is looked up when this is called, never when `@pipkit/core/testing` is
 * imported: under vitest (globals or not) and Jest nothing needs passing; under `node:test`,
 * pass `options.testApi`.
 *
 * @example
 * ```ts
 * import { describeStoreConformance } from '@pipkit/core/testing';
 * import { sqliteStore } from '@pipkit/sqlite';
 *
 * describeStoreConformance('sqlite', () => sqliteStore({ path: ':memory:' }));
 * ```
 */
export function describeStoreConformance(
  name: string,
  factory: StoreFactory,
  options: StoreConformanceOptions = {},
): void {
  if (!storeSelected(name)) return;
  const test = resolveConformanceTestApi(options.testApi);
  test.describe(`${name} store conformance`, () => {
    const context = conformanceContext(test, factory, options);
    registerLoadingFeatures(context);
    registerConcurrencyFeatures(context);
    registerIdempotencyFeatures(context);
    registerAtomicityFeatures(context);
    registerCommitPreconditionFeatures(context);
    registerTimerFeatures(context);
    registerTimerFaultFeatures(context);
    registerOutboxFeatures(context);
    registerDeliveryFeatures(context);
    registerInspectFeatures(context);
    registerListingFeatures(context);
    registerLimitFeatures(context);
    registerLifecycleFeatures(context);
    registerTimerLeaseFeatures(context);
    registerBatchingFeatures(context);
    registerGroupCommitFeatures(context);
    registerQueryFeatures(context);
    registerBatchLoadingFeatures(context);
    registerPurgeFeatures(context);
    registerOutboxLeaseFeatures(context);
    registerParallelWriterFeatures(context);
    registerTenantFeatures(context);
    registerWakeupFeatures(context);
    registerRefusalFeatures(context);
  });
}

/** Opens a fresh store before each test of the enclosing group and closes it after. */
function conformanceContext(
  test: ConformanceTestApi,
  factory: StoreFactory,
  options: StoreConformanceOptions,
): ConformanceContext {
  let current: PipStore | undefined;
  test.beforeEach(async () => {
    current = await factory();
  });
  test.afterEach(async () => {
    await current?.close?.();
    current = undefined;
  });
  const context: ConformanceContext = {
    test,
    options,
    get store(): PipStore {
      if (!current) throw new Error('The conformance store is only there while a test runs.');
      return current;
    },
    async create(pip: FixturePip, count = 1, extra: FixtureCommitExtras = {}) {
      const commit = pip.commit(count, extra);
      await context.store.commit(commit);
      return pip.accept(commit);
    },
  };
  return context;
}
