import {
  createEngine,
  defaultPolicy,
  memoryStore,
  type StoredEvent,
  ValidationError,
  VersionConflictError,
} from '@pipkit/core';
import { describeStoreConformance } from '@pipkit/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, testDatabase } from './__fixtures__/database.js';
import { appendRequest } from './__fixtures__/append.js';
import { tamperPostgresRefusals } from './__fixtures__/tamperRefusals.js';
import { contents, hr, PIP_ID, runLifecycle, sha } from './__fixtures__/lifecycle.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { DEFAULT_CONCURRENT_COMMITS, postgresStore, type PostgresStore } from './postgresStore.js';

const db = testDatabase('store');
afterAll(() => db.dropAll());

/** A store on the file's shared pool, in a schema of its own. */
const freshStore = (): PostgresStore => postgresStore({ pool: db.pool, schema: db.newSchema() });

describeStoreConformance('postgres', freshStore, {
  parallelWriters: true,
  leasing: true,
  outboxLeasing: true,
  purging: true,
  batching: true,
  batchLoading: true,
  queries: true,
  tenants: true,
  refusalLog: true,
  tamperRefusals: tamperPostgresRefusals(db.pool),
});

describe('postgresStore', () => {
  describe('migrations', () => {
    it('numbers migrations 1..n without gaps', () => {
      expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
        MIGRATIONS.map((_, index) => index + 1),
      );
      expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    });

    it('migrates a schema once when several engine instances start on it together', async () => {
      const schema = db.newSchema();
      const stores = Array.from({ length: 5 }, () => postgresStore({ pool: db.pool, schema }));
      // Each store's first call triggers its own lazy migration, all at once.
      const firstCalls = await Promise.all(stores.map((store) => store.load('nobody')));
      expect(firstCalls).toEqual([undefined, undefined, undefined, undefined, undefined]);
      const applied = await Promise.all(stores.map((store) => store.ready()));
      expect(applied.filter((versions) => versions.length > 0)).toEqual([
        MIGRATIONS.map((migration) => migration.version),
      ]);
      const { rows } = await db.pool.query(
        `SELECT version FROM "${schema}".pipkit_migrations ORDER BY version`,
      );
      expect(rows).toEqual(MIGRATIONS.map((migration) => ({ version: migration.version })));
      await Promise.all(stores.map((store) => store.close()));
    });

    it('keeps the data and applies nothing when a schema is opened again', async () => {
      const schema = db.newSchema();
      const first = postgresStore({ pool: db.pool, schema });
      await runLifecycle(first);
      const before = await contents(first);
      await first.close();
      const again = postgresStore({ pool: db.pool, schema });
      expect(await again.ready()).toEqual([]);
      expect(await contents(again)).toEqual(before);
    });

    it('refuses a schema written by a newer @pipkit/postgres and leaves it untouched', async () => {
      const schema = db.newSchema();
      await postgresStore({ pool: db.pool, schema }).ready();
      await db.pool.query(
        `INSERT INTO "${schema}".pipkit_migrations (version, name) VALUES (999, 'from the future')`,
      );
      const store = postgresStore({ pool: db.pool, schema });
      await expect(store.load('p1')).rejects.toThrow(/schema version 999/);
      await expect(store.load('p1')).rejects.toMatchObject({ reason: 'STORE_SCHEMA_TOO_NEW' });
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n FROM "${schema}".pipkit_migrations`,
      );
      expect(rows).toEqual([{ n: SCHEMA_VERSION + 1 }]);
    });

    it('rolls back a failing migration whole', async () => {
      const schema = db.newSchema();
      const broken = [
        ...MIGRATIONS,
        {
          version: 2,
          name: 'broken',
          sql: (s: string) => `CREATE TABLE ${s}.half (a int); SELECT * FROM missing_table;`,
        },
      ];
      const connection = await db.pool.connect();
      try {
        await expect(migrate(connection, { schema, migrations: broken })).rejects.toThrow(
          /missing_table/,
        );
        const { rows } = await connection.query(
          'SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1',
          [schema],
        );
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        connection.release();
      }
    });
  });

  describe('options', () => {
    it('refuses invalid options with a ValidationError listing every problem', () => {
      const error = (() => {
        try {
          postgresStore({ pool: db.pool, schema: 'Robert"; DROP TABLE students;--' });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.code)).toEqual([
        'INVALID_SCHEMA',
      ]);
      expect(() => postgresStore({} as { pool: pg.Pool })).toThrow(ValidationError);
      expect(() =>
        postgresStore({ pool: db.pool, connectionString: PG_URL } as unknown as { pool: pg.Pool }),
      ).toThrow(ValidationError);
      for (const schema of ['', '1abc', 'UPPER', 'a'.repeat(64), 'has space']) {
        expect(() => postgresStore({ pool: db.pool, schema }), schema).toThrow(ValidationError);
      }
    });

    it('tells the sweep how many commits it runs at once: 2 on a pool unless given, 1 on a host client', async () => {
      expect(postgresStore({ pool: db.pool }).concurrentCommits).toBe(DEFAULT_CONCURRENT_COMMITS);
      expect(postgresStore({ pool: db.pool, concurrentCommits: 2 }).concurrentCommits).toBe(2);
      const client = await db.pool.connect();
      try {
        expect(postgresStore({ client, concurrentCommits: 8 }).concurrentCommits).toBe(1);
      } finally {
        client.release();
      }
      for (const concurrentCommits of [0, 1.5, 65, Number.NaN]) {
        expect(() => postgresStore({ pool: db.pool, concurrentCommits })).toThrow(
          expect.objectContaining({
            issues: [expect.objectContaining({ code: 'INVALID_CONCURRENT_COMMITS' })],
          }),
        );
      }
    });

    it('keeps a host-owned Pool open after close', async () => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
      const store = postgresStore({ pool, schema: db.newSchema() });
      await runLifecycle(store);
      await store.close();
      await store.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await pool.end();
    });

    it('creates, uses and closes its own Pool from a connection string', async () => {
      const store = postgresStore({ connectionString: PG_URL, schema: db.newSchema() });
      const { engine } = await runLifecycle(store);
      expect((await engine.verify(PIP_ID, { actor: hr })).ok).toBe(true);
      await store.close();
      await expect(store.load(PIP_ID)).rejects.toThrow();
    });
  });

  describe('a host client in its own transaction', () => {
    it("commits the PIP's writes with the host's transaction, through savepoints", async () => {
      const schema = db.newSchema();
      await postgresStore({ pool: db.pool, schema }).ready();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('CREATE TEMPORARY TABLE host_audit (note text) ON COMMIT DROP');
        const store = postgresStore({ client, schema });
        const { engine } = await runLifecycle(store);
        await client.query("INSERT INTO host_audit VALUES ('pip opened')");
        // Another connection sees nothing until the host commits.
        const outside = postgresStore({ pool: db.pool, schema });
        expect(await outside.load(PIP_ID)).toBeUndefined();
        expect((await engine.verify(PIP_ID, { actor: hr })).ok).toBe(true);
        await client.query('COMMIT');
        expect((await outside.load(PIP_ID))?.state).toBe('passed.watching');
        await store.close();
        // The host's client stays open.
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await client.end();
      }
    });

    it("leaves the host's transaction usable after a refused commit, and rolls back with it", async () => {
      const schema = db.newSchema();
      const reference = postgresStore({ pool: db.pool, schema });
      await runLifecycle(reference);
      const before = await contents(reference);
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query('BEGIN');
        const store = postgresStore({ client, schema });
        const record = await store.load(PIP_ID);
        if (!record) throw new Error('no PIP');
        const stale = {
          pipId: PIP_ID,
          expectedVersion: record.version - 1,
          record: { ...record },
          events: [(await store.readEvents(PIP_ID)).at(-1) as StoredEvent],
          timers: { set: [], clear: [] },
          outbox: [],
        };
        const error: unknown = await store.commit(stale).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(VersionConflictError);
        expect((error as VersionConflictError).actualVersion).toBe(record.version);
        // The refusal rolled back only its savepoint: the host's transaction goes on.
        const engine = createEngine({ store, policies: [defaultPolicy] });
        await engine.dispatch(
          PIP_ID,
          { type: 'ATTACH_DOCUMENT', documents: [{ kind: 'note', ref: 'r', sha256: sha('r') }] },
          { actor: hr },
        );
        expect((await store.load(PIP_ID))?.version).toBe(record.version + 1);
        await client.query('ROLLBACK');
        expect(await contents(reference)).toEqual(before);
      } finally {
        await client.end();
      }
    });
  });

  describe('the engine on Postgres', () => {
    it('runs a PIP from draft to outcome and verifies, exactly as on the memory store', async () => {
      const store = freshStore();
      const { engine, missed, review, passed } = await runLifecycle(store);
      expect(missed.fired.length).toBeGreaterThan(0);
      expect(review.fired.length).toBeGreaterThan(0);
      expect(passed.pip.state).toBe('passed.watching');
      expect(await engine.verify(PIP_ID, { actor: hr })).toMatchObject({
        ok: true,
        replayMatches: true,
        chain: { ok: true },
      });
      const reference = memoryStore();
      await runLifecycle(reference);
      expect(await contents(store)).toEqual(await contents(reference));
    });
  });

  describe('conflicts', () => {
    const appendAt = appendRequest;

    it("sees another store's commits and refuses its stale writes with the actual version", async () => {
      const schema = db.newSchema();
      const a = postgresStore({ pool: db.pool, schema });
      const b = postgresStore({ connectionString: PG_URL, schema });
      await runLifecycle(a);
      const version = (await b.load(PIP_ID))?.version ?? 0;
      const fromA = await appendAt(a, version, 'from-a');
      await b.commit(await appendAt(b, version, 'from-b'));
      const error: unknown = await a.commit(fromA).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as VersionConflictError).actualVersion).toBe(version + 1);
      expect((error as VersionConflictError).retryable).toBe(true);
      expect(await a.getIdempotency('append-from-a')).toBeUndefined();
      await b.close();
    });

    it('turns a clash on the (pip_id, seq) key into a VersionConflictError and writes nothing', async () => {
      const schema = db.newSchema();
      const store = postgresStore({ pool: db.pool, schema });
      await runLifecycle(store);
      const before = await contents(store);
      const version = (await store.load(PIP_ID))?.version ?? 0;
      const commit = await appendAt(store, version, 'late');
      // A stray row at the next seq (what a racing writer would have appended).
      await db.pool.query(
        `INSERT INTO "${schema}".pipkit_events (tenant_id, pip_id, seq, event, prev_hash, hash)
         VALUES ('default', $1, $2, '{}', 'x', 'y')`,
        [PIP_ID, version + 1],
      );
      const error: unknown = await store.commit(commit).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as VersionConflictError).actualVersion).toBe(version);
      await db.pool.query(`DELETE FROM "${schema}".pipkit_events WHERE pip_id = $1 AND seq = $2`, [
        PIP_ID,
        version + 1,
      ]);
      expect(await contents(store)).toEqual(before);
      expect(await store.getIdempotency('append-late')).toBeUndefined();
    });

    it('commits a batch request holding a NUL character on its own, byte-exact', async () => {
      const store = freshStore();
      await runLifecycle(store);
      const version = (await store.load(PIP_ID))?.version ?? 0;
      const ref = 'scan\u0000page-2';
      const request = await appendAt(store, version, ref);
      const [outcome] = await store.commitMany([
        { ...request, idempotency: { ...request.idempotency, key: 'append-nul' } },
      ]);
      expect(outcome).toBeUndefined();
      const last = (await store.readEvents(PIP_ID)).at(-1);
      expect(last?.event).toMatchObject({ documents: [{ ref }] });
      expect((await store.load(PIP_ID))?.version).toBe(version + 1);
    });

    it('rolls back events, envelope, timers and idempotency when a later insert fails', async () => {
      const store = freshStore();
      await runLifecycle(store);
      const before = await contents(store);
      const version = (await store.load(PIP_ID))?.version ?? 0;
      const commit = await appendAt(store, version, 'dup');
      const [message] = commit.outbox;
      // The second outbox row repeats the first one's id: the failure comes after the key, the
      // envelope, the events and the timer rows were written inside the transaction.
      const failing = {
        ...commit,
        timers: {
          set: [
            {
              timerId: `${PIP_ID}/extra`,
              pipId: PIP_ID,
              deadlineId: 'extra',
              kind: 'planEnd' as const,
              dueAt: '2026-08-01T00:00:00.000Z',
            },
          ],
          clear: before.timers.map((timer) => timer.timerId),
        },
        outbox: [message, message] as typeof commit.outbox,
      };
      await expect(store.commit(failing)).rejects.toThrow(/duplicate key/);
      expect(await contents(store)).toEqual(before);
      expect(await store.getIdempotency('append-dup')).toBeUndefined();
      // The pool's connection is usable afterwards: the same commit, fixed, goes through.
      await store.commit(commit);
      expect((await store.load(PIP_ID))?.version).toBe(version + 1);
    });
  });

  describe('formats', () => {
    it('returns due times in the port format whatever the session time zone', async () => {
      const pool = new pg.Pool({
        connectionString: PG_URL,
        max: 1,
        options: '-c timezone=Pacific/Chatham',
      });
      const store = postgresStore({ pool, schema: db.newSchema() });
      await runLifecycle(store);
      const timers = await store.dueTimers('2100-01-01T00:00:00.000Z', 10);
      expect(timers.length).toBeGreaterThan(0);
      for (const timer of timers) expect(timer.dueAt).toBe(new Date(timer.dueAt).toISOString());
      const claimed = await store.claimDueTimers('2100-01-01T00:00:00.000Z', 10, {
        owner: 'a',
        leaseMs: 1000,
      });
      expect(claimed).toEqual(timers);
      await pool.end();
    });
  });
});
