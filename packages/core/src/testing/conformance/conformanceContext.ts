import type { CommitRequest, PipStore } from '@pipkit/core/adapter';
import type { ConformanceTestApi } from '../conformanceTestApi.js';
import type { StoreConformanceOptions } from '../storeConformance.js';
import type { FixtureCommitExtras, FixturePip } from './fixturePip.js';

/**
 * What every feature file of the conformance suite registers its tests with: the runner's API,
 * the adapter's options, and the fresh store of the test that is running.
 */
export interface ConformanceContext {
  /** The test runner's `describe`, `it`, `expect`, `beforeEach`, `afterEach`. */
  readonly test: ConformanceTestApi;
  /** The adapter's differences, as {@link describeStoreConformance} received them. */
  readonly options: StoreConformanceOptions;
  /**
   * The running test's store (a fresh one per test). A getter: read it inside a test or a hook,
   * never while registering.
   */
  readonly store: PipStore;
  /** Commits `pip`'s next commit of `count` events and records it as accepted. */
  create(pip: FixturePip, count?: number, extra?: FixtureCommitExtras): Promise<CommitRequest>;
}

/**
 * The error's stable `code`, read without trusting its class: two copies of `@pipkit/core` (ESM
 * and CJS) may be loaded at once, and their classes differ.
 */
export function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { readonly code?: unknown }).code
    : undefined;
}

/**
 * Tries to change something a store returned. A store may return a copy (the change stays on
 * the copy) or a frozen object (the change throws a `TypeError` in strict mode); either way the
 * store must be unchanged afterwards, which the caller then checks. Any other error is a failure.
 */
export function tryToChange(change: () => void): void {
  try {
    change();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}
