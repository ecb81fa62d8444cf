import type { OutboxMessage, StoredTimerRow, TimerRow } from '@pipkit/core/adapter';
import type { ConformanceContext } from './conformanceContext.js';
import { deadline, FixturePip } from './fixturePip.js';

const byTimerId = (left: TimerRow, right: TimerRow) => (left.timerId < right.timerId ? -1 : 1);
const byId = (left: OutboxMessage, right: OutboxMessage) => (left.id < right.id ? -1 : 1);

/** A PIP at version 3 with one timer moved, one cleared, one kept, and three messages. */
async function seedInspected(context: ConformanceContext) {
  const pip = new FixturePip('p1', 'emp-7', 'mgr-3');
  await context.create(pip, 1, {
    deadlines: [deadline('checkIn:1', 10), deadline('checkIn:2', 20), deadline('planEnd', 30)],
    outbox: 2,
  });
  await context.create(pip, 2, {
    state: 'active',
    deadlines: [deadline('checkIn:2', 25)],
    clear: ['checkIn:1'],
    outbox: 1,
  });
  // Another PIP's rows must not show.
  await context.create(new FixturePip('p2'), 1, {
    deadlines: [deadline('planEnd', 5)],
    outbox: 1,
  });
  const timers = [deadline('checkIn:2', 25), deadline('planEnd', 30)].map((due) =>
    pip.timerRow(due),
  );
  return { pip, timers };
}

/**
 * Registers "inspect": the raw rows `engine.verify` compares with the events. An optional
 * capability: each test holds a store to it only when the store has `inspect`.
 */
export function registerInspectFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('inspect', () => {
    it('returns nothing for a PIP that does not exist', async () => {
      const { store } = context;
      if (!store.inspect) return;
      await context.create(new FixturePip('p2'), 1);
      expect(await store.inspect('missing')).toBeUndefined();
    });

    it("returns one PIP's envelope columns, its pending timers with no faults and its outbox rows as committed", async () => {
      const { store } = context;
      if (!store.inspect) return;
      const { timers } = await seedInspected(context);
      const messages = (await store.pendingOutbox(10)).filter((message) => message.pipId === 'p1');
      const rows = await store.inspect('p1');
      expect(rows?.columns).toMatchObject({
        employeeId: 'emp-7',
        managerId: 'mgr-3',
        policyId: 'fixture',
        policyVersion: 1,
        state: 'active',
        version: 3,
      });
      const stored = [...(rows?.timers ?? [])].sort(byTimerId);
      expect(stored).toEqual(timers.map((timer) => ({ ...timer, attempts: 0 })));
      expect(stored.map((timer: StoredTimerRow) => timer.parkedCode)).toEqual([
        undefined,
        undefined,
      ]);
      expect(messages.map((message) => message.id)).toEqual(['p1:1:0', 'p1:1:1', 'p1:3:0']);
      expect([...(rows?.outbox ?? [])].sort(byId)).toEqual(
        messages.map((message) => ({ ...message, delivered: false })),
      );
    });

    it('shows an outbox row as delivered once it is marked delivered, and keeps it', async () => {
      const { store } = context;
      if (!store.inspect) return;
      await seedInspected(context);
      await store.markOutboxDelivered(['p1:1:1', 'p2:1:0']);
      const outbox = [...((await store.inspect('p1'))?.outbox ?? [])].sort(byId);
      expect(outbox.map((message) => [message.id, message.delivered])).toEqual([
        ['p1:1:0', false],
        ['p1:1:1', true],
        ['p1:3:0', false],
      ]);
    });
  });
}
