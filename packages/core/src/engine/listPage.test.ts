import { describe, expect, it } from 'vitest';
import { type Actor, createEngine, defaultPolicy, memoryStore } from '../index.js';
import { createTestClock } from '../testing/index.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };

/** Six PIPs, managers alternating between two people. */
async function sixPips() {
  const ids = ['pip-1', 'pip-2', 'pip-3', 'pip-4', 'pip-5', 'pip-6'];
  let next = 0;
  const engine = createEngine({
    store: memoryStore(),
    policies: [defaultPolicy],
    clock: createTestClock('2026-03-02T15:00:00Z'),
    ids: () => ids[next++] as string,
  });
  for (const [index] of ids.entries()) {
    const managerId = index % 2 === 0 ? 'mgr-a' : 'mgr-b';
    await engine.open(
      {
        employee: { id: `emp-${index}`, timeZone: 'Europe/London' },
        managerId,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Ship', measure: 'weekly' }],
      },
      { actor: { id: managerId, role: 'manager' } },
    );
  }
  return engine;
}

describe('engine.listPage', () => {
  it('pages through every PIP with nextAfterPipId, even when a page holds none the actor may read', async () => {
    const engine = await sixPips();
    const seen: string[] = [];
    const sizes: number[] = [];
    let afterPipId: string | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await engine.listPage(
        { limit: 1, ...(afterPipId ? { afterPipId } : {}) },
        { actor: { id: 'mgr-b', role: 'manager' } },
      );
      seen.push(...page.pips.map((pip) => pip.pipId));
      sizes.push(page.pips.length);
      expect(page.unreadable).toEqual([]);
      if (page.nextAfterPipId === undefined) break;
      afterPipId = page.nextAfterPipId;
    }
    expect(seen).toEqual(['pip-2', 'pip-4', 'pip-6']);
    // Pages of one that held another manager's PIP came back empty, and paging went on.
    expect(sizes.slice(0, 6)).toEqual([0, 1, 0, 1, 0, 1]);
    const all = await engine.listPage({ limit: 1000 }, { actor: hr });
    expect(all.pips).toHaveLength(6);
    expect(all.nextAfterPipId).toBeUndefined();
    expect(await engine.list({}, { actor: hr })).toEqual(all.pips);
  });

  it('refuses a caller without read options, like list', async () => {
    const engine = await sixPips();
    await expect(engine.listPage({}, {} as unknown as { actor: Actor })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
