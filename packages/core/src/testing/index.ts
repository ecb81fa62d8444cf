/**
 * @pipkit/core/testing: what adapter authors and host test suites need. The store conformance
 * suite (registers its `describe` blocks with vitest, Jest, or a test API you pass; importing
 * this entry loads no test runner) and a clock that tests move by hand.
 * @packageDocumentation
 */
export { describeStoreConformance } from './storeConformance.js';
export type { StoreConformanceOptions, StoreFactory } from './storeConformance.js';
export type { RefusalTamper, RefusalTamperer } from './conformance/refusals.features.js';
export { storeSelected } from './storeSelected.js';
export type {
  ConformanceAssertion,
  ConformanceMatchers,
  ConformanceRejectsMatchers,
  ConformanceTestApi,
} from './conformanceTestApi.js';
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
export { createManualTimers } from './manualTimers.js';
export type { ManualTimers } from './manualTimers.js';
export { OVERDUE_AT, OVERDUE_HR, overduePips } from './overduePips.js';
