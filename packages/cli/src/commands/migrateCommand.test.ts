import { createEngine, defaultPolicy, type PipStore } from '@pipkit/core';
import { postgresStore, SCHEMA_VERSION as PG_VERSION } from '@pipkit/postgres';
import { SCHEMA_VERSION as SQLITE_VERSION, sqliteStore } from '@pipkit/sqlite';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { capturedCli } from '../__fixtures__/captured.js';

const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-migrate-'));
const cli = capturedCli({ cwd: folder });
const prefix = `pipkit_cli_migrate_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
const schemas: string[] = [];

function newSchema(): string {
  const schema = `${prefix}_${schemas.length + 1}`;
  schemas.push(schema);
  return schema;
}

function withSchema(schema: string): string {
  return `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

/** Opens a PIP through an engine on the store: the store accepts the schema for writing. */
async function openOnePip(store: PipStore): Promise<void> {
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => new Date('2026-06-01T12:00:00Z') },
  });
  await engine.open(
    {
      pipId: 'pip-migrated',
      employee: { id: 'alan.turing', timeZone: 'Europe/London' },
      managerId: 'grace.hopper',
      policy: { id: defaultPolicy.id },
    },
    { actor: { id: 'grace.hopper', role: 'manager' } },
  );
  expect((await store.load('pip-migrated'))?.state).toBe('draft');
}

interface StatusJson {
  current: number;
  latest: number;
  upToDate: boolean;
  pending: { version: number }[];
  applied?: number[];
}

describe('pipkit migrate on SQLite', () => {
  it('applying the printed SQL by hand gives a database the store accepts and status reports current', async () => {
    const sql = await cli('migrate', '--print-sql', '--store', 'sqlite:by-hand.db');
    expect(sql.code).toBe(0);
    // The latest step, schema 7: the refusal log.
    expect(sql.stdout).toContain('CREATE TABLE pipkit_refusals');
    const path = join(folder, 'by-hand.db');
    const database = new Database(path);
    database.exec(`BEGIN IMMEDIATE;\n${sql.stdout}\nCOMMIT;`);
    database.close();
    const status = await cli('migrate', 'status', '--store', 'sqlite:by-hand.db', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      kind: 'sqlite',
      current: SQLITE_VERSION,
      latest: SQLITE_VERSION,
      upToDate: true,
      pending: [],
    });
    const store = sqliteStore({ path });
    await openOnePip(store);
    await store.close();
  });

  it('--from prints only the later steps, each followed by the row that records it', async () => {
    const all = (await cli('migrate', '--print-sql', '--db', 'x.db')).stdout;
    const last = await cli(
      'migrate',
      '--print-sql',
      '--db',
      'x.db',
      '--from',
      String(SQLITE_VERSION - 1),
    );
    expect(last.stdout).toContain(`-- Version ${SQLITE_VERSION}:`);
    expect(last.stdout).not.toContain(`-- Version ${SQLITE_VERSION - 1}:`);
    expect(last.stdout).toMatch(new RegExp(`VALUES \\(${SQLITE_VERSION}, '[^']+', strftime`));
    expect(all.match(/^-- Version \d+:/gm)).toHaveLength(SQLITE_VERSION);
    expect((await cli('migrate', '--print-sql', '--db', 'x.db', '--from', 'eight')).code).toBe(2);
  });

  it('apply creates a missing file at the latest version; status before says what is pending', async () => {
    const missing = await cli('migrate', 'status', '--db', 'fresh.db');
    expect([missing.code, missing.stderr]).toEqual([
      2,
      expect.stringContaining('CLI_STORE_NOT_FOUND'),
    ]);
    const applied = await cli('migrate', '--db', 'fresh.db', '--json');
    expect(applied.code).toBe(0);
    const run = JSON.parse(applied.stdout) as StatusJson;
    expect(run.applied).toEqual(Array.from({ length: SQLITE_VERSION }, (_, index) => index + 1));
    expect(run.upToDate).toBe(true);
    const again = await cli('migrate', 'apply', '--db', 'fresh.db');
    expect(again.stdout.split('\n').slice(0, 2)).toEqual([
      'Nothing to apply.',
      `Store: ${join(folder, 'fresh.db')}`,
    ]);
  });

  it('status lists the steps a database older than this CLI still needs, and exits 1', async () => {
    const path = join(folder, 'old.db');
    const database = new Database(path);
    const from = SQLITE_VERSION - 2;
    const script = (await cli('migrate', '--print-sql', '--db', 'old.db')).stdout;
    // Everything up to the start of version `from + 1`: a database as an older release left it.
    database.exec(script.slice(0, script.indexOf(`-- Version ${from + 1}:`)));
    database.close();
    const status = await cli('migrate', 'status', '--db', 'old.db');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(
      `Schema version ${from} of ${SQLITE_VERSION}: 2 pending migration(s).`,
    );
    const applied = await cli('migrate', '--db', 'old.db');
    expect(applied.stdout).toContain(`Applied 2 migration(s): ${from + 1}, ${from + 2}.`);
  });
});

describe('pipkit migrate on PostgreSQL', () => {
  it('applying the printed SQL in one transaction gives a schema the store accepts, and status reports current', async () => {
    const schema = newSchema();
    const sql = await cli('migrate', '--print-sql', '--store', withSchema(schema));
    expect(sql.code).toBe(0);
    expect(sql.stdout).toContain(`CREATE SCHEMA IF NOT EXISTS "${schema}";`);
    // The latest step, migration 11: the refusal log under row security.
    expect(sql.stdout).toContain(`CREATE TABLE "${schema}".pipkit_refusals`);
    expect(sql.stdout).toContain(`CREATE POLICY pipkit_tenant ON "${schema}".pipkit_refusals`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(sql.stdout);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const status = await cli('migrate', 'status', '--store', withSchema(schema), '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      kind: 'postgres',
      schema,
      current: PG_VERSION,
      upToDate: true,
    });
    const store = postgresStore({ pool, schema });
    expect(await store.ready()).toEqual([]);
    await openOnePip(store);
    await store.close();
  });

  it('status on an empty schema lists every step; apply runs them and a second apply has nothing to do', async () => {
    const schema = newSchema();
    const url = withSchema(schema);
    const before = await cli('migrate', 'status', '--store', url, '--json');
    expect(before.code).toBe(1);
    expect((JSON.parse(before.stdout) as StatusJson).pending).toHaveLength(PG_VERSION);
    const applied = await cli('migrate', '--store', url, '--json');
    expect(applied.code).toBe(0);
    expect((JSON.parse(applied.stdout) as StatusJson).applied).toHaveLength(PG_VERSION);
    const again = await cli('migrate', '--store', url);
    expect(again.stdout).toContain('Nothing to apply.');
    expect(again.stdout).toContain(`Schema version ${PG_VERSION} of ${PG_VERSION}: up to date.`);
  });

  it('a command that only reads refuses a schema that is not migrated, and never creates it', async () => {
    const schema = newSchema();
    const list = await cli('list', '--store', withSchema(schema));
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('CLI_STORE_SCHEMA_NOT_READY');
    expect(list.stderr).toContain('pipkit migrate');
    const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(rows).toEqual([]);
  });
});
