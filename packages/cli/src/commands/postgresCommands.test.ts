import { createEngine, defaultPolicy, DeliveryError, type PipStore } from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import { sqliteStore } from '@pipkit/sqlite';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedCli } from '../__fixtures__/captured.js';
import { runDemo } from '../demo/runDemo.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `pipkit_cli_pg_${randomBytes(4).toString('hex')}`;
const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-postgres-'));
const cli = capturedCli({ cwd: folder });
const TENANT = 'acme';
const UNDELIVERABLE = 'pip-undeliverable';
let deadLetterIds: string[] = [];

/** A PIP approved on the store, then a relay round whose every delivery is refused for good. */
async function deadLetters(store: PipStore): Promise<string[]> {
  const manager = { id: 'grace.hopper', role: 'manager' } as const;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => new Date('2026-03-02T15:00:00Z') },
  });
  await engine.open(
    {
      pipId: UNDELIVERABLE,
      employee: { id: 'alan.turing', timeZone: 'Europe/London' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g', description: 'Ship', measure: 'weekly' }],
    },
    { actor: manager },
  );
  const plan = { kind: 'planDocument', ref: 'dms://p', sha256: 'a'.repeat(64) };
  await engine.dispatch(
    UNDELIVERABLE,
    { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    { actor: manager },
  );
  await engine.dispatch(UNDELIVERABLE, { type: 'APPROVE' }, { actor: { id: 'hr-1', role: 'hr' } });
  const round = await engine.relay(() => {
    throw new DeliveryError('DELIVERY_UNKNOWN_RECIPIENT', 'No address in the directory.', {
      retryable: false,
    });
  });
  return round.deadLettered.map((letter) => letter.id);
}

beforeAll(async () => {
  // The same demo PIP on SQLite and on Postgres (default tenant), and dead letters for tenant acme.
  const sqlite = sqliteStore({ path: join(folder, 'demo.db') });
  await runDemo({ store: sqlite });
  await sqlite.close();
  const store = postgresStore({ pool, schema });
  await runDemo({ store });
  deadLetterIds = await deadLetters(store.forTenant(TENANT));
  await store.close();
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe('pipkit verify on PostgreSQL', () => {
  it('prints what it prints for the same PIPs on SQLite', async () => {
    const onPostgres = await cli('verify', '--store', url);
    const onSqlite = await cli('verify', '--db', 'demo.db');
    expect(onPostgres.code).toBe(0);
    expect(onPostgres.stdout).toBe(onSqlite.stdout);
    expect(onPostgres.stdout).toMatch(/All 1 PIP\(s\) verified: \d+ events\. OK/);
    const json = await cli('verify', '--store', url, 'pip-2026-0042', '--json');
    expect(JSON.parse(json.stdout)).toEqual(
      JSON.parse((await cli('verify', '--db', 'demo.db', 'pip-2026-0042', '--json')).stdout),
    );
  });

  it("reads only the --tenant's PIPs", async () => {
    const acme = await cli('list', '--store', url, '--tenant', TENANT, '--json');
    expect((JSON.parse(acme.stdout) as { pipId: string }[]).map((pip) => pip.pipId)).toEqual([
      UNDELIVERABLE,
    ]);
    const verified = await cli('verify', '--store', url, '--tenant', TENANT);
    expect(verified.stdout).toContain(`OK      ${UNDELIVERABLE}:`);
  });

  it('names the broken event of a PIP whose stored hash was edited, and exits 1', async () => {
    const tampered = `${schema}_tampered`;
    await pool.query(`CREATE SCHEMA "${tampered}"`);
    try {
      const copy = postgresStore({ pool, schema: tampered });
      await runDemo({ store: copy });
      await copy.close();
      await pool.query(
        `UPDATE "${tampered}".pipkit_events SET hash = decode(repeat('00', 32), 'hex') WHERE pip_id = 'pip-2026-0042' AND seq = 3`,
      );
      const run = await cli(
        'verify',
        '--store',
        `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${tampered}`,
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('FAILED  pip-2026-0042: hash chain broken at event 3');
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${tampered}" CASCADE`);
    }
  });
});

describe('pipkit dead-letters on PostgreSQL', () => {
  it('lists, retries and discards the dead letters of the --tenant', async () => {
    expect(deadLetterIds.length).toBeGreaterThan(1);
    const [first, second] = deadLetterIds as [string, string];
    const none = await cli('dead-letters', 'list', '--store', url);
    expect(none.stdout).toContain('0 dead letter(s).');
    const listed = await cli('dead-letters', 'list', '--store', url, '--tenant', TENANT, '--json');
    expect(listed.code).toBe(0);
    expect(
      (JSON.parse(listed.stdout) as { deadLetters: { id: string }[] }).deadLetters.map((l) => l.id),
    ).toEqual(deadLetterIds);
    const retried = await cli('dead-letters', 'retry', first, '--store', url, '--tenant', TENANT);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Retried ${first} of ${UNDELIVERABLE}`);
    const discarded = await cli(
      'dead-letters',
      'discard',
      second,
      '--store',
      url,
      '--tenant',
      TENANT,
      '--json',
    );
    expect(JSON.parse(discarded.stdout)).toMatchObject({ messageId: second, action: 'discarded' });
    const again = await cli('dead-letters', 'retry', second, '--store', url, '--tenant', TENANT);
    expect([again.code, again.stderr]).toEqual([
      2,
      expect.stringContaining('DEAD_LETTER_NOT_FOUND'),
    ]);
    const store = postgresStore({ pool, schema, tenantId: TENANT });
    expect((await store.pendingOutbox(10)).map((message) => message.id)).toContain(first);
    await store.close();
  });
});

describe('pipkit tick on PostgreSQL', () => {
  it("fires the --tenant's due deadlines through the engine", async () => {
    const run = await cli(
      'tick',
      '--store',
      url,
      '--tenant',
      TENANT,
      '--now',
      '2026-05-01T00:00:00Z',
      '--json',
    );
    expect(run.code).toBe(0);
    const fired = (JSON.parse(run.stdout) as { fired: { timerId: string }[] }).fired;
    expect(fired.map((timer) => timer.timerId)).toContain(`${UNDELIVERABLE}/acknowledgement`);
  });
});
