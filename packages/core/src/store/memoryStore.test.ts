import { describeStoreConformance } from '../testing/index.js';
import { memoryStore } from './memoryStore.js';

describeStoreConformance('memory', () => memoryStore(), {
  leasing: true,
  batching: true,
  batchLoading: true,
  purging: true,
  queries: true,
  tenants: true,
});
