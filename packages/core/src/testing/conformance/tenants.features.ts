import type { PipStore } from '@pipkit/core/adapter';
import { codeOf, type ConformanceContext } from './conformanceContext.js';
import { at, deadline, FixturePip } from './fixturePip.js';

/**
 * Registers "tenants" when `options.tenants` is set: `forTenant` gives stores that share the
 * parent's connections and see only their own tenant's PIPs, events, timers, outbox and keys.
 */
export function registerTenantFeatures(context: ConformanceContext): void {
  if (!context.options.tenants) return;
  const { describe, it, expect } = context.test;
  describe('tenants', () => {
    const scoped = (tenantId: string): PipStore => {
      const { store } = context;
      if (!store.forTenant)
        throw new Error('options.tenants is set but the store has no forTenant');
      return store.forTenant(tenantId);
    };
    /** The same PIP id in two tenants, each with a timer, an outbox message and a key. */
    const seedTwo = async () => {
      const stores = { a: scoped('tenant-a'), b: scoped('tenant-b') };
      const pips = { a: new FixturePip('pip-1', 'emp-a'), b: new FixturePip('pip-1', 'emp-b') };
      for (const name of ['a', 'b'] as const) {
        const pip = pips[name];
        const commit = pip.commit(name === 'a' ? 2 : 1, {
          deadlines: [deadline(`planEnd`, name === 'a' ? 5 : 6)],
          outbox: 1,
          key: 'same-key',
        });
        await stores[name].commit(commit);
        pip.accept(commit);
      }
      return { stores, pips };
    };

    it('keeps the same PIP id in two tenants as two PIPs, with their own rows', async () => {
      const { stores } = await seedTwo();
      expect((await stores.a.load('pip-1'))?.employeeId).toBe('emp-a');
      expect((await stores.b.load('pip-1'))?.employeeId).toBe('emp-b');
      expect(await stores.a.readEvents('pip-1')).toHaveLength(2);
      expect(await stores.b.readEvents('pip-1')).toHaveLength(1);
      expect((await stores.a.list()).map((pip) => pip.employeeId)).toEqual(['emp-a']);
      expect((await stores.a.dueTimers(at(100), 10)).map((timer) => timer.dueAt)).toEqual([at(5)]);
      expect((await stores.b.dueTimers(at(100), 10)).map((timer) => timer.dueAt)).toEqual([at(6)]);
      expect((await stores.a.getIdempotency('same-key'))?.version).toBe(2);
      expect((await stores.b.getIdempotency('same-key'))?.version).toBe(1);
      const pendingA = await stores.a.pendingOutbox(10);
      expect(pendingA).toHaveLength(1);
      await stores.a.markOutboxDelivered(pendingA.map((message) => message.id));
      expect(await stores.a.pendingOutbox(10)).toEqual([]);
      expect(await stores.b.pendingOutbox(10)).toHaveLength(1);
    });

    it('shows nothing of its tenants to a tenant that has no rows, or to the parent store', async () => {
      await seedTwo();
      const empty = scoped('tenant-c');
      expect(await empty.load('pip-1')).toBeUndefined();
      expect(await empty.readEvents('pip-1')).toEqual([]);
      expect(await empty.list()).toEqual([]);
      expect(await empty.dueTimers(at(100), 10)).toEqual([]);
      expect(await empty.pendingOutbox(10)).toEqual([]);
      expect(await empty.getIdempotency('same-key')).toBeUndefined();
      expect(await context.store.load('pip-1')).toBeUndefined();
    });

    it("gives the same tenant's rows through every scoped store of it, and from a sibling", async () => {
      const { pips } = await seedTwo();
      const again = scoped('tenant-a');
      expect(await again.load('pip-1')).toEqual(pips.a.record);
      const sibling = scoped('tenant-b').forTenant?.('tenant-a');
      expect(await sibling?.load('pip-1')).toEqual(pips.a.record);
      // A commit through one scoped store is seen by another of the same tenant.
      const commit = pips.a.commit(1);
      await again.commit(commit);
      expect((await scoped('tenant-a').load('pip-1'))?.version).toBe(3);
      expect((await scoped('tenant-b').load('pip-1'))?.version).toBe(1);
    });

    it("refuses a commit at another tenant's version of the same PIP id", async () => {
      const { stores, pips } = await seedTwo();
      // Built at tenant a's version 2: tenant b's PIP is at version 1.
      const error: unknown = await stores.b.commit(pips.a.commit(1)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(codeOf(error)).toBe('VERSION_CONFLICT');
      expect(await stores.b.readEvents('pip-1')).toHaveLength(1);
    });

    it('refuses an invalid tenant id with INVALID_TENANT', async () => {
      for (const bad of ['', 'a\u0000b', 'x'.repeat(201)]) {
        let error: unknown;
        try {
          await Promise.resolve(scoped(bad));
        } catch (caught) {
          error = caught;
        }
        expect(codeOf(error)).toBe('INVALID_INPUT');
        expect((error as { issues?: { code: string }[] }).issues?.[0]?.code).toBe('INVALID_TENANT');
      }
    });
  });
}
