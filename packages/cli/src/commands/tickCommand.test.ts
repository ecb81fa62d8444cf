import { createEngine, defaultPolicy } from '@pipkit/core';
import { sqliteStore } from '@pipkit/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { capturedCli } from '../__fixtures__/captured.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-tick-'));
const cli = capturedCli({ cwd: folder });
const PIP = 'pip-parked';
const LATER = '2026-04-01T00:00:00Z';

beforeAll(async () => {
  const store = sqliteStore({ path: join(folder, 'pips.db') });
  const manager = { id: 'grace.hopper', role: 'manager' } as const;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => new Date('2026-03-02T15:00:00Z') },
  });
  await engine.open(
    {
      pipId: PIP,
      employee: { id: 'alan.turing', timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Ship', measure: 'weekly' }],
    },
    { actor: manager },
  );
  const plan = { kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) };
  await engine.dispatch(
    PIP,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager },
  );
  await engine.dispatch(PIP, { type: 'APPROVE' }, { actor: { id: 'hr-1', role: 'hr' } });
  // As five failed sweeps would have left it: parked, out of the sweep.
  store.database
    .prepare(
      "UPDATE pipkit_timers SET attempts = 5, parked_code = 'POLICY_NOT_FOUND' WHERE pip_id = ?",
    )
    .run(PIP);
  await store.close();
});

describe('pipkit tick --unpark', () => {
  it('leaves a parked deadline alone, then fires it once an operator unparks the PIP', async () => {
    const parked = await cli('tick', '--db', 'pips.db', '--now', LATER, '--json');
    expect(parked.code).toBe(0);
    expect(JSON.parse(parked.stdout)).toMatchObject({ fired: [], faults: [] });
    const run = await cli('tick', '--db', 'pips.db', '--now', LATER, '--unpark', PIP);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Unparked ${PIP}: 1 deadline(s) back in the sweep.`);
    expect(run.stdout).toMatch(/fired {4}pip-parked\/acknowledgement/);
  });

  it('refuses to unpark a PIP that does not exist, with its code', async () => {
    const run = await cli('tick', '--db', 'pips.db', '--now', LATER, '--unpark', 'pip-nope');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('pip-nope');
  });
});
