import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthorizationRequest,
  type Authorizer,
  createEngine,
  defaultAuthorization,
  defaultAuthorizer,
  defaultPolicy,
  type EngineOptions,
  memoryStore,
  orgChartAuthorizer,
  type PipkitIssue,
  type SyncAuthorizer,
} from '../index.js';

describe('authorizer types', () => {
  it('takes a synchronous or an asynchronous authorizer, and keeps the default one synchronous', () => {
    const later: Authorizer = () => Promise.resolve([]);
    const now: Authorizer = () => [];
    expectTypeOf(later).toEqualTypeOf<Authorizer>();
    expectTypeOf(now).toEqualTypeOf<Authorizer>();
    expectTypeOf(defaultAuthorizer).toEqualTypeOf<SyncAuthorizer>();
    // A host wraps the default one without awaiting it.
    const wrapped: SyncAuthorizer = (request) => [...defaultAuthorizer(request)];
    expectTypeOf(wrapped).returns.toEqualTypeOf<readonly PipkitIssue[]>();
    // @ts-expect-error an authorizer answers with issues, not a verdict
    const verdict: Authorizer = () => true;
    void verdict;
  });

  it('tells the authorizer when the attempt is made, and the plan facts', () => {
    expectTypeOf<AuthorizationRequest['at']>().toEqualTypeOf<string>();
    expectTypeOf<AuthorizationRequest['pip']['orgUnitId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AuthorizationRequest['pip']['tenantId']>().toEqualTypeOf<string | undefined>();
  });

  it('spreads an authorization into the engine options in one piece', () => {
    const store = memoryStore();
    expectTypeOf(defaultAuthorization()).toMatchTypeOf<Partial<EngineOptions>>();
    const org = orgChartAuthorizer({
      managerChainLevels: 2,
      relationships: () => ({ managersAbove: [] }),
      reach: () => Promise.resolve({}),
      roles: { lineManager: { heldBy: { managerLevel: 1 }, actsAs: ['manager'], may: ['READ'] } },
    });
    expectTypeOf(org).toMatchTypeOf<Partial<EngineOptions>>();
    createEngine({ store, policies: [defaultPolicy], ...org });
  });
});
