import { createEngine, defaultPolicy, type Engine } from '@pipkit/core';
import { sqliteStore, type SqliteStore } from '@pipkit/sqlite';

/** A PIP to open: its id, its employee and its manager (who opens it). */
export interface OpenedPip {
  readonly pipId: string;
  readonly employeeId: string;
  readonly managerId: string;
}

/**
 * Writes a SQLite file at `path` holding `pips`, each opened by its manager on the default policy
 * (employee in Europe/London) on 1 June 2026 at noon UTC. `then` gets the engine and the store
 * before the store closes, for what a test adds (refused attempts, rows edited around the store).
 */
export async function writeOpenedPips(
  path: string,
  pips: readonly OpenedPip[],
  then?: (engine: Engine, store: SqliteStore) => Promise<void> | void,
): Promise<void> {
  const store = sqliteStore({ path });
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => new Date('2026-06-01T12:00:00Z') },
  });
  for (const { pipId, employeeId, managerId } of pips) {
    await engine.open(
      {
        pipId,
        employee: { id: employeeId, timeZone: 'Europe/London' },
        managerId,
        policy: { id: defaultPolicy.id },
      },
      { actor: { id: managerId, role: 'manager' } },
    );
  }
  await then?.(engine, store);
  await store.close();
}
