/**
 * @pipkit/core/testing: what adapter authors and host test suites need. The store conformance
 * suite (registers vitest `describe` blocks) and a clock that tests move by hand.
 * @packageDocumentation
 */
export { describeStoreConformance, storeSelected } from './storeConformance.js';
export type { StoreConformanceOptions, StoreFactory } from './storeConformance.js';
export { createTestClock } from './testClock.js';
export {
  REFERENCE_PIP_ID,
  referenceActors,
  referenceContents,
  referenceDocument,
  runReferenceLifecycle,
} from './referenceLifecycle.js';
export type { ReferenceLifecycle } from './referenceLifecycle.js';
export type { TestClock } from './testClock.js';
