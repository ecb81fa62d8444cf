import { createEngine, defaultPolicy, isPipkitError, StoreErrorReasons } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from './sqliteStore.js';

describe('sqliteStore and tenants', () => {
  it('is one embedded tenant: an engine over it refuses forTenant and tickTenants with STORE_UNSUPPORTED', async () => {
    const store = sqliteStore({ path: ':memory:' });
    try {
      expect('forTenant' in store).toBe(false);
      const engine = createEngine({ store, policies: [defaultPolicy] });
      let refusal: unknown;
      try {
        engine.forTenant('acme');
      } catch (error) {
        refusal = error;
      }
      expect(isPipkitError(refusal, 'STORE_ERROR')).toBe(true);
      expect((refusal as { reason?: string }).reason).toBe(StoreErrorReasons.UNSUPPORTED);
      await expect(engine.tickTenants({ tenants: ['acme'] })).rejects.toMatchObject({
        code: 'STORE_ERROR',
        reason: StoreErrorReasons.UNSUPPORTED,
      });
      await expect(
        engine.relayTenants(() => undefined, { tenants: ['acme'] }),
      ).rejects.toMatchObject({ code: 'STORE_ERROR', reason: StoreErrorReasons.UNSUPPORTED });
    } finally {
      await store.close();
    }
  });
});
