import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimerRow } from './pipStore.js';
import { TimerIndex } from './timerIndex.js';

const row = (id: number, minute: number): TimerRow => ({
  timerId: `p${id}/planEnd`,
  pipId: `p${id}`,
  deadlineId: 'planEnd',
  kind: 'planEnd',
  dueAt: new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString(),
});

describe('TimerIndex', () => {
  it('returns the same due rows, in the same order, as sorting every live row (model-based)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('set' as const), id: fc.nat(300), minute: fc.nat(5000) }),
            fc.record({ op: fc.constant('clear' as const), id: fc.nat(300) }),
          ),
          { maxLength: 3000 },
        ),
        fc.nat(5000),
        fc.integer({ min: 1, max: 400 }),
        (operations, nowMinute, limit) => {
          const index = new TimerIndex();
          const live = new Map<string, TimerRow>();
          for (const operation of operations) {
            const id = `p${operation.id}/planEnd`;
            const existing = live.get(id);
            if (existing) index.remove(existing);
            live.delete(id);
            if (operation.op === 'set') {
              const next = row(operation.id, operation.minute);
              index.insert(next);
              live.set(id, next);
            }
          }
          const now = row(0, nowMinute).dueAt;
          const expected = [...live.values()]
            .filter((timer) => timer.dueAt <= now)
            .sort((a, b) =>
              a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.timerId < b.timerId) ? -1 : 1,
            )
            .slice(0, limit);
          expect(index.due(now, limit)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps order across chunk splits with 20,000 timers inserted out of order', () => {
    const index = new TimerIndex();
    const rows = Array.from({ length: 20_000 }, (_, id) => row(id, (id * 7919) % 20_000));
    for (const timer of rows) index.insert(timer);
    for (const timer of rows.filter((_, id) => id % 3 === 0)) index.remove(timer);
    const due = index.due(row(0, 20_000).dueAt, 100_000);
    expect(due).toHaveLength(20_000 - Math.ceil(20_000 / 3));
    for (let position = 1; position < due.length; position += 1) {
      expect((due[position - 1] as TimerRow).dueAt <= (due[position] as TimerRow).dueAt).toBe(true);
    }
  });
});
