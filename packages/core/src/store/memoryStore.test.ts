import { describeStoreConformance } from '../testing/index.js';
import { memoryStore } from './memoryStore.js';

describeStoreConformance('memory', () => memoryStore(), {
  leasing: true,
  batching: true,
  batchLoading: true,
  purging: true,
  queries: true,
  tenants: true,
  // No tamperRefusals: the memory store hands out frozen records and has no raw rows to edit.
  refusalLog: true,
});
