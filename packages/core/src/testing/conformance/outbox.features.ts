import type { ConformanceContext } from './conformanceContext.js';
import { FixturePip } from './fixturePip.js';

/**
 * Registers "outbox": pending messages oldest first, delivered ones forgotten, and (for stores
 * with `compactOutbox`) delivered messages deleted after the host's retention.
 */
export function registerOutboxFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('outbox', () => {
    it('returns undelivered messages oldest first and forgets delivered ones', async () => {
      const { store } = context;
      const pip = new FixturePip('p1');
      await context.create(pip, 1, { outbox: 2 });
      await context.create(pip, 1, { outbox: 1 });
      const pending = await store.pendingOutbox(10);
      expect(pending.map((message) => message.id)).toEqual(['p1:1:0', 'p1:1:1', 'p1:2:0']);
      await store.markOutboxDelivered(['p1:1:0', 'unknown']);
      expect((await store.pendingOutbox(10)).map((message) => message.id)).toEqual([
        'p1:1:1',
        'p1:2:0',
      ]);
      expect(await store.pendingOutbox(1)).toHaveLength(1);
    });

    // A capability that tests itself when the store has it.
    it('compacts only messages delivered before the cutoff, never a pending one, and remembers the cutoff', async () => {
      const { store } = context;
      if (!store.compactOutbox) return;
      const pip = new FixturePip('p1');
      await context.create(pip, 1, { outbox: 3 });
      await store.markOutboxDelivered(['p1:1:0', 'p1:1:2']);
      const ids = async () => (await store.inspect?.('p1'))?.outbox.map((row) => row.id);
      expect(await store.compactOutbox({ deliveredBefore: '2000-01-01T00:00:00.000Z' })).toBe(0);
      if (store.inspect) expect(await ids()).toEqual(['p1:1:0', 'p1:1:1', 'p1:1:2']);
      expect(await store.compactOutbox({ deliveredBefore: '2999-01-01T00:00:00.000Z' })).toBe(2);
      expect((await store.pendingOutbox(10)).map((message) => message.id)).toEqual(['p1:1:1']);
      if (store.inspect) {
        expect(await ids()).toEqual(['p1:1:1']);
        expect((await store.inspect('p1'))?.outboxCompactedBefore).toBe('2999-01-01T00:00:00.000Z');
      }
      // An earlier cutoff later does not move the remembered one back.
      expect(await store.compactOutbox({ deliveredBefore: '2001-01-01T00:00:00.000Z' })).toBe(0);
      if (store.inspect) {
        expect((await store.inspect('p1'))?.outboxCompactedBefore).toBe('2999-01-01T00:00:00.000Z');
      }
    });
  });
}

/**
 * Registers "outbox leases" when `options.outboxLeasing` is set: `claimOutbox` hands each PIP's
 * messages to one relay at a time, whole and in order.
 */
export function registerOutboxLeaseFeatures(context: ConformanceContext): void {
  if (!context.options.outboxLeasing) return;
  const { describe, it, expect } = context.test;
  describe('outbox leases', () => {
    const claim = (owner: string, limit: number, leaseMs = 60_000) => {
      const { store } = context;
      if (!store.claimOutbox)
        throw new Error('options.outboxLeasing is set but the store has no claimOutbox');
      return store.claimOutbox(limit, { owner, leaseMs });
    };
    const seed = async (pips: number, commits: number) => {
      const fixtures = Array.from({ length: pips }, (_, index) => new FixturePip(`p${index}`));
      for (let round = 0; round < commits; round += 1) {
        for (const pip of fixtures) await context.create(pip, 1, { outbox: 2 });
      }
    };

    it("claims each PIP's messages once across concurrent relays, whole and in order", async () => {
      await seed(6, 2);
      const [first, second] = await Promise.all([claim('relay-a', 4), claim('relay-b', 4)]);
      const all = [...(first ?? []), ...(second ?? [])];
      expect(all).toHaveLength(24);
      expect(new Set(all.map((message) => message.id)).size).toBe(24);
      for (const batch of [first ?? [], second ?? []]) {
        const pips = new Set(batch.map((message) => message.pipId));
        for (const pipId of pips) {
          // A relay holds all of a PIP's pending messages, in commit order.
          expect(
            batch.filter((message) => message.pipId === pipId).map((message) => message.id),
          ).toEqual([`${pipId}:1:0`, `${pipId}:1:1`, `${pipId}:2:0`, `${pipId}:2:1`]);
        }
      }
    });

    it("skips another relay's live lease and returns its own again", async () => {
      await seed(2, 1);
      expect(await claim('relay-a', 10)).toHaveLength(4);
      expect(await claim('relay-b', 10)).toEqual([]);
      expect(await claim('relay-a', 10)).toHaveLength(4);
      expect(await claim('crashed-relay', 10, 0)).toEqual([]);
      await context.store.markOutboxDelivered(['p0:1:0', 'p0:1:1']);
      expect(await claim('relay-b', 10)).toEqual([]);
    });

    it("never hands out a PIP's later message while an earlier one is leased elsewhere", async () => {
      const pip = new FixturePip('p0');
      await context.create(pip, 1, { outbox: 1 });
      expect((await claim('relay-a', 10)).map((message) => message.id)).toEqual(['p0:1:0']);
      await context.create(pip, 1, { outbox: 1 });
      expect(await claim('relay-b', 10)).toEqual([]);
      await context.store.markOutboxDelivered(['p0:1:0']);
      expect((await claim('relay-b', 10)).map((message) => message.id)).toEqual(['p0:2:0']);
    });

    it('makes messages claimable again when the lease has ended', async () => {
      await seed(1, 1);
      expect(await claim('crashed-relay', 10, 0)).toHaveLength(2);
      expect((await claim('relay-b', 10)).map((message) => message.id)).toEqual([
        'p0:1:0',
        'p0:1:1',
      ]);
    });
  });
}
