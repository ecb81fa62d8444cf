import type { Wakeup } from '@pipkit/core/adapter';
import type { ConformanceContext } from './conformanceContext.js';
import { deadline, FixturePip } from './fixturePip.js';

/** How long a test waits for a wake-up that must come (a bound, not a sleep: it fails the test). */
const WAKEUP_BOUND_MS = 5000;

/**
 * Registers "wake-ups", a capability that tests itself when the store has `wakeups`: a commit
 * that writes an outbox message or sets a deadline already due wakes the subscribers, naming
 * only the tenant and the kind; a commit that leaves nothing to do now wakes no one.
 */
export function registerWakeupFeatures(context: ConformanceContext): void {
  const { describe, it, expect } = context.test;
  describe('wake-ups', () => {
    it('wakes subscribers for a deadline due by the commit and for an outbox message, not for a later deadline', async () => {
      const { store } = context;
      if (!store.wakeups) return;
      const seen: Wakeup[] = [];
      let heard: () => void = () => undefined;
      const unsubscribe = store.wakeups.subscribe((wakeup) => {
        seen.push(wakeup);
        heard();
      });
      try {
        await store.wakeups.ready?.();
        const hear = (count: number) =>
          new Promise<void>((resolve, reject) => {
            const bound = setTimeout(
              () => reject(new Error(`Heard ${seen.length} wake-ups, not ${count}.`)),
              WAKEUP_BOUND_MS,
            );
            heard = () => {
              if (seen.length < count) return;
              clearTimeout(bound);
              resolve();
            };
            heard();
          });
        const pip = new FixturePip('p1');
        // Created at minute 0 with a deadline an hour later and no message: nothing to do now.
        await context.create(pip, 1, { deadlines: [deadline('planEnd', 60)] });
        // At minute 1, a check-in due at minute 1: due when written.
        await context.create(pip, 1, { deadlines: [deadline('checkIn1', 1)] });
        await hear(1);
        await context.create(pip, 1, { outbox: 2 });
        await hear(2);
        const tenant = store.tenantId === undefined ? {} : { tenantId: store.tenantId };
        expect(seen).toEqual([
          { kind: 'timer', ...tenant },
          { kind: 'outbox', ...tenant },
        ]);
      } finally {
        unsubscribe();
      }
      // Unsubscribed: a later commit is not heard.
      await context.create(new FixturePip('p2'), 1, { outbox: 1 });
      expect(seen).toHaveLength(2);
    });
  });
}
