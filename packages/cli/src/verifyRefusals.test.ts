import { isPipkitError } from '@pipkit/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '@pipkit/sqlite';
import { capturedCli } from './__fixtures__/captured.js';
import { writeOpenedPips } from './__fixtures__/openedPips.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-refusals-'));
const db = join(folder, 'refusals.db');
const cli = capturedCli({ cwd: folder });

beforeAll(() =>
  writeOpenedPips(
    db,
    [{ pipId: 'pip-7', employeeId: 'ada', managerId: 'grace' }],
    async (engine) => {
      // Two refused attempts: the employee may not submit her own plan, nor approve it.
      for (const type of ['SUBMIT_FOR_APPROVAL', 'APPROVE'] as const) {
        const refused = await engine
          .dispatch('pip-7', { type }, { actor: { id: 'ada', role: 'employee' } })
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        expect(isPipkitError(refused)).toBe(true);
      }
      expect(
        (await engine.refusals('pip-7', { actor: { id: 'hr-1', role: 'hr' } })).refusals,
      ).toHaveLength(2);
    },
  ),
);

describe('pipkit verify and the refusal log', () => {
  it("checks each PIP's refusal chain beside its events, and fails when a refused attempt was edited", async () => {
    const clean = await cli('verify', '--db', 'refusals.db', 'pip-7');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('2 refused attempt(s), refusal chain verified');
    const cleanJson = JSON.parse((await cli('verify', '--db', 'refusals.db', '--json')).stdout) as {
      ok: boolean;
      pips: { refusals?: { ok: boolean; count: number } }[];
    };
    expect(cleanJson.ok).toBe(true);
    expect(cleanJson.pips[0]?.refusals).toMatchObject({ ok: true, count: 2 });

    // Someone with the database file rewrites the first refusal's codes to hide it.
    const raw = sqliteStore({ path: db });
    raw.database
      .prepare("UPDATE pipkit_refusals SET codes = '[]' WHERE pip_id = 'pip-7' AND seq = 1")
      .run();
    await raw.close();

    const tampered = await cli('verify', '--db', 'refusals.db');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(
      'pip-7: hash chain intact; replay matches; refusal chain broken at refusal 1 (REFUSAL_HASH_MISMATCH',
    );
    expect(tampered.stdout).toContain('1 of 1 PIP(s) FAILED verification');
  });
});
