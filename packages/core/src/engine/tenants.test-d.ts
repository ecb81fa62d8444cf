import { describe, expectTypeOf, it } from 'vitest';
import {
  createEngine,
  defaultPolicy,
  type Engine,
  type MemoryStore,
  memoryStore,
  type PipStore,
  type TenantTickResult,
} from '../index.js';

const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy] });

describe('tenant types', () => {
  it('scopes an engine to an engine, and a memory store to a memory store', () => {
    expectTypeOf(engine.forTenant('acme')).toEqualTypeOf<Engine>();
    expectTypeOf(memoryStore().forTenant('acme')).toEqualTypeOf<MemoryStore>();
    expectTypeOf<MemoryStore>().toExtend<PipStore>();
    expectTypeOf<PipStore['forTenant']>().toEqualTypeOf<
      ((tenantId: string) => PipStore) | undefined
    >();
  });

  it('names the tenant of every item a cross-tenant sweep returns', () => {
    expectTypeOf<TenantTickResult['fired'][number]['tenantId']>().toEqualTypeOf<string>();
    expectTypeOf<TenantTickResult['faults'][number]['tenantId']>().toEqualTypeOf<string>();
    expectTypeOf(engine.tickTenants({ tenants: ['a'] })).resolves.toEqualTypeOf<TenantTickResult>();
    // @ts-expect-error: the host lists the tenants; there is no sweep of "every tenant".
    void engine.tickTenants({});
    void engine.relayTenants(
      (message, tenant) => {
        expectTypeOf(tenant.tenantId).toEqualTypeOf<string>();
        expectTypeOf(message.pipId).toEqualTypeOf<string>();
      },
      { tenants: () => Promise.resolve(['a']) },
    );
  });
});
