import { type PipStore, memoryStore } from '@pipkit/core';
import { sqliteStore } from '@pipkit/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a simulation keeps its PIPs. */
export type SimulationStore = 'memory' | 'sqlite';

/** A fresh store for one simulation, and how to close (and, for SQLite, delete) it. */
export function openStore(kind: SimulationStore): { store: PipStore; close: () => Promise<void> } {
  if (kind === 'memory') return { store: memoryStore(), close: async () => {} };
  const folder = mkdtempSync(join(tmpdir(), 'pipkit-simulate-'));
  const store = sqliteStore({ path: join(folder, 'scenario.db'), synchronous: 'NORMAL' });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
