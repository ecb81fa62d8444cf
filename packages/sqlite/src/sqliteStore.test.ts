import {
  createEngine,
  defaultPolicy,
  GENESIS_HASH,
  hashEvent,
  IdempotencyKeyReusedError,
  memoryStore,
  StoreError,
  ValidationError,
  VersionConflictError,
} from '@pipkit/core';
import {
  describeStoreConformance,
  REFERENCE_PIP_ID,
  referenceActors,
  referenceContents,
  referenceDocument,
  runReferenceLifecycle,
} from '@pipkit/core/testing';
import Database from 'better-sqlite3';
import { tamperSqliteRefusals } from './__fixtures__/tamperRefusals.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, SCHEMA_VERSION } from './migrations.js';
import { sqliteStore, type SqliteStore } from './sqliteStore.js';

const directory = mkdtempSync(join(tmpdir(), 'pipkit-sqlite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
/** A fresh database file path in this run's temporary directory. */
const newFile = () => join(directory, `store-${(files += 1)}.db`);

describeStoreConformance('sqlite (memory)', () => sqliteStore({ path: ':memory:' }), {
  batching: true,
  batchLoading: true,
  purging: true,
  queries: true,
  refusalLog: true,
  tamperRefusals: tamperSqliteRefusals,
});
describeStoreConformance('sqlite (file)', () => sqliteStore({ path: newFile() }), {
  batching: true,
  batchLoading: true,
  purging: true,
  queries: true,
  refusalLog: true,
  tamperRefusals: tamperSqliteRefusals,
});

const { hr } = referenceActors;
const PIP_ID = REFERENCE_PIP_ID;
const runLifecycle = runReferenceLifecycle;
const contents = referenceContents;
const document = referenceDocument;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sqliteStore', () => {
  describe('migrations', () => {
    it('numbers migrations 1..n without gaps', () => {
      expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
        MIGRATIONS.map((_, index) => index + 1),
      );
      expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    });

    it('applies each migration once and keeps the data when a file is reopened', async () => {
      const path = newFile();
      const first = sqliteStore({ path });
      await runLifecycle(first);
      const before = await contents(first);
      const applied = first.database
        .prepare('SELECT version, applied_at FROM pipkit_migrations ORDER BY version')
        .all();
      expect(applied).toHaveLength(SCHEMA_VERSION);
      await first.close();

      const reopened = sqliteStore({ path });
      expect(migrate(reopened.database)).toEqual([]);
      expect(
        reopened.database
          .prepare('SELECT version, applied_at FROM pipkit_migrations ORDER BY version')
          .all(),
      ).toEqual(applied);
      expect(await contents(reopened)).toEqual(before);
      await reopened.close();
    });

    it('refuses a database written by a newer @pipkit/sqlite and leaves it untouched', () => {
      const path = newFile();
      const database = new Database(path);
      migrate(database);
      database.prepare("INSERT INTO pipkit_migrations VALUES (999, 'from the future', 'x')").run();
      database.close();
      expect(() => sqliteStore({ path })).toThrow(/schema version 999.*Upgrade/);
      const check = new Database(path);
      expect(check.prepare('SELECT count(*) AS n FROM pipkit_migrations').get()).toEqual({
        n: SCHEMA_VERSION + 1,
      });
      check.close();
    });

    it('rolls back a failing migration whole', () => {
      const database = new Database(':memory:');
      const broken = [
        ...MIGRATIONS,
        {
          version: MIGRATIONS.length + 1,
          name: 'broken',
          sql: 'CREATE TABLE half (a); SELECT * FROM missing_table;',
        },
      ];
      expect(() => migrate(database, broken)).toThrow(/missing_table/);
      expect(
        database
          .prepare("SELECT name FROM sqlite_master WHERE name IN ('half', 'pipkit_pips')")
          .all(),
      ).toEqual([]);
      database.close();
    });
  });

  describe('connection settings', () => {
    it('opens a file in WAL mode with synchronous=FULL, foreign keys and a 5 s busy timeout', async () => {
      const store = sqliteStore({ path: newFile() });
      const pragma = (name: string) => store.database.pragma(name, { simple: true });
      expect(pragma('journal_mode')).toBe('wal');
      expect(pragma('synchronous')).toBe(2);
      expect(pragma('foreign_keys')).toBe(1);
      expect(pragma('busy_timeout')).toBe(5000);
      await store.close();
    });

    it('uses synchronous=NORMAL and another busy timeout only when asked', async () => {
      const store = sqliteStore({ path: newFile(), synchronous: 'NORMAL', busyTimeoutMs: 250 });
      expect(store.database.pragma('synchronous', { simple: true })).toBe(1);
      expect(store.database.pragma('busy_timeout', { simple: true })).toBe(250);
      expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
      await store.close();
    });

    it('refuses invalid options with a ValidationError listing every problem', () => {
      const error = (() => {
        try {
          sqliteStore({
            path: ':memory:',
            synchronous: 'OFF' as 'FULL',
            busyTimeoutMs: -1,
          });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.code)).toEqual([
        'INVALID_SYNCHRONOUS',
        'INVALID_BUSY_TIMEOUT',
      ]);
      expect(() => sqliteStore({} as { path: string })).toThrow(ValidationError);
    });
  });

  describe('an injected Database', () => {
    it('works on a host-owned better-sqlite3 Database and leaves it open on close', async () => {
      const path = newFile();
      const database = new Database(path);
      const store = sqliteStore({ database });
      expect(store.database).toBe(database);
      expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
      const { engine } = await runLifecycle(store);
      expect((await engine.verify(PIP_ID, { actor: hr })).ok).toBe(true);
      await store.close();
      expect(database.open).toBe(true);
      expect(database.prepare('SELECT count(*) AS n FROM pipkit_pips').get()).toEqual({ n: 1 });
      database.close();
    });
  });

  describe('concurrency between connections', () => {
    it("sees another connection's commits and refuses its stale writes", async () => {
      const path = newFile();
      const a = sqliteStore({ path });
      const b = sqliteStore({ path });
      await runLifecycle(a);
      const loaded = await b.load(PIP_ID);
      expect(loaded?.state).toBe('passed.watching');
      const [last] = (await b.readEvents(PIP_ID, { afterSeq: (loaded?.version ?? 1) - 1 })).slice(
        -1,
      );
      expect(last?.hash).toBe(loaded?.lastHash);
      // b writes the next event; a, still at the old version, must lose.
      const next = (store: SqliteStore, expectedVersion: number, ref: string) => {
        const event = {
          type: 'DOCUMENTS_ATTACHED' as const,
          at: '2026-07-03T00:00:00.000Z',
          actor: hr,
          documents: [{ kind: 'note', ref, sha256: sha(ref) }],
        };
        const seq = expectedVersion + 1;
        const prevHash = loaded?.lastHash ?? GENESIS_HASH;
        const hash = hashEvent(PIP_ID, seq, event, prevHash);
        return store.commit({
          pipId: PIP_ID,
          expectedVersion,
          record: { ...(loaded as NonNullable<typeof loaded>), version: seq, lastHash: hash },
          events: [{ pipId: PIP_ID, seq, event, prevHash, hash }],
          timers: { set: [], clear: [] },
          outbox: [],
        });
      };
      const version = loaded?.version ?? 0;
      await next(b, version, 'from-b');
      const error: unknown = await next(a, version, 'from-a').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as VersionConflictError).actualVersion).toBe(version + 1);
      expect((await a.readEvents(PIP_ID)).at(-1)?.event).toMatchObject({
        type: 'DOCUMENTS_ATTACHED',
        documents: [{ ref: 'from-b' }],
      });
      expect((await a.load(PIP_ID))?.version).toBe(version + 1);
      await a.close();
      await b.close();
    });

    it('turns a clash on the (pip_id, seq) key into a VersionConflictError and writes nothing', async () => {
      const store = sqliteStore({ path: ':memory:' });
      await runLifecycle(store);
      const record = await store.load(PIP_ID);
      const version = record?.version ?? 0;
      // A stray row at the next seq (what a racing writer would have appended).
      store.database
        .prepare(
          "INSERT INTO pipkit_events (pip_id, seq, event, prev_hash, hash) VALUES (?, ?, '{}', 'x', 'y')",
        )
        .run(PIP_ID, version + 1);
      const event = {
        type: 'DOCUMENTS_ATTACHED' as const,
        at: '2026-07-03T00:00:00.000Z',
        actor: hr,
        documents: [{ kind: 'note', ref: 'late', sha256: sha('late') }],
      };
      const hash = hashEvent(PIP_ID, version + 1, event, record?.lastHash ?? GENESIS_HASH);
      const commit = store.commit({
        pipId: PIP_ID,
        expectedVersion: version,
        record: { ...(record as NonNullable<typeof record>), version: version + 1, lastHash: hash },
        events: [
          { pipId: PIP_ID, seq: version + 1, event, prevHash: record?.lastHash ?? '', hash },
        ],
        timers: { set: [], clear: [] },
        outbox: [
          {
            id: `${PIP_ID}:${version + 1}:0`,
            pipId: PIP_ID,
            type: 'notification',
            payload: {},
            createdAt: event.at,
          },
        ],
        idempotency: {
          key: 'late-key',
          pipId: PIP_ID,
          requestHash: 'c'.repeat(64),
          version: version + 1,
          seqs: [version + 1],
        },
      });
      await expect(commit).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store.load(PIP_ID)).toEqual(record);
      expect(await store.getIdempotency('late-key')).toBeUndefined();
      expect(
        (await store.pendingOutbox(1000)).some(
          (message) => message.id === `${PIP_ID}:${version + 1}:0`,
        ),
      ).toBe(false);
      await store.close();
    });
  });

  describe('atomicity on SQLite', () => {
    it('rolls back events, envelope and timers already written when a later insert fails', async () => {
      const store = sqliteStore({ path: ':memory:' });
      await runLifecycle(store);
      const before = await contents(store);
      const record = await store.load(PIP_ID);
      const version = record?.version ?? 0;
      const event = {
        type: 'DOCUMENTS_ATTACHED' as const,
        at: '2026-07-03T00:00:00.000Z',
        actor: hr,
        documents: [{ kind: 'note', ref: 'dup', sha256: sha('dup') }],
      };
      const prevHash = record?.lastHash ?? GENESIS_HASH;
      const hash = hashEvent(PIP_ID, version + 1, event, prevHash);
      const message = {
        id: `${PIP_ID}:${version + 1}:0`,
        pipId: PIP_ID,
        type: 'notification',
        payload: {},
        createdAt: event.at,
      };
      // The second outbox row repeats the first one's id: the failure comes after the events,
      // the envelope and the timer rows were written inside the transaction.
      const commit = store.commit({
        pipId: PIP_ID,
        expectedVersion: version,
        record: { ...(record as NonNullable<typeof record>), version: version + 1, lastHash: hash },
        events: [{ pipId: PIP_ID, seq: version + 1, event, prevHash, hash }],
        timers: {
          set: [
            {
              timerId: `${PIP_ID}/extra`,
              pipId: PIP_ID,
              deadlineId: 'extra',
              kind: 'planEnd',
              dueAt: '2026-08-01T00:00:00.000Z',
            },
          ],
          clear: before.timers.map((timer) => timer.timerId),
        },
        outbox: [message, message],
      });
      await expect(commit).rejects.toThrow(/UNIQUE/);
      expect(await contents(store)).toEqual(before);
      await store.close();
    });
  });

  describe('backup', () => {
    it('writes a file that opens with the same PIPs, events, timers and outbox', async () => {
      const store = sqliteStore({ path: newFile() });
      await runLifecycle(store);
      const target = newFile();
      await store.backup(target);
      const copy = sqliteStore({ path: target });
      expect(await contents(copy)).toEqual(await contents(store));
      expect(copy.database.pragma('integrity_check', { simple: true })).toBe('ok');
      await copy.close();
      await store.close();
    });

    it('backs up an in-memory store too', async () => {
      const store = sqliteStore({ path: ':memory:' });
      await runLifecycle(store);
      const target = newFile();
      await store.backup(target);
      const copy = sqliteStore({ path: target });
      expect((await copy.readEvents(PIP_ID)).length).toBe((await store.load(PIP_ID))?.version);
      await copy.close();
      await store.close();
    });
  });

  describe('the engine on SQLite', () => {
    it('runs a PIP from draft to outcome and verifies, exactly as on the memory store', async () => {
      const store = sqliteStore({ path: newFile() });
      const { engine, missed, review, passed } = await runLifecycle(store);
      expect(missed.fired.length).toBeGreaterThan(0);
      expect(review.fired.length).toBeGreaterThan(0);
      expect(passed.pip.state).toBe('passed.watching');
      const verification = await engine.verify(PIP_ID, { actor: hr });
      expect(verification).toMatchObject({ ok: true, replayMatches: true, chain: { ok: true } });

      const reference = memoryStore();
      await runLifecycle(reference);
      expect(await contents(store)).toEqual(await contents(reference));
      await store.close();
    });

    it('replays an idempotent command after the file is reopened instead of acting twice', async () => {
      const path = newFile();
      const first = sqliteStore({ path });
      await runLifecycle(first);
      await first.close();
      const store = sqliteStore({ path });
      const engine = createEngine({ store, policies: [defaultPolicy] });
      const note = document('note', 'after reopen');
      const once = await engine.dispatch(
        PIP_ID,
        { type: 'ATTACH_DOCUMENT', documents: [note] },
        { actor: hr, idempotencyKey: 'attach-1' },
      );
      const twice = await engine.dispatch(
        PIP_ID,
        { type: 'ATTACH_DOCUMENT', documents: [note] },
        { actor: hr, idempotencyKey: 'attach-1' },
      );
      expect(twice.replayed).toBe(true);
      expect(twice.pip.version).toBe(once.pip.version);
      expect((await store.readEvents(PIP_ID)).length).toBe(once.pip.version);
      // The store itself refuses a second write under the key.
      // (The engine may scope a caller's key to the PIP: `pip:<pipId>:<key>`.)
      const recorded =
        (await store.getIdempotency('attach-1')) ??
        (await store.getIdempotency(`pip:${PIP_ID}:attach-1`));
      expect(recorded).toMatchObject({ pipId: PIP_ID, version: once.pip.version });
      await expect(
        engine.dispatch(
          PIP_ID,
          { type: 'ATTACH_DOCUMENT', documents: [document('note', 'different')] },
          { actor: hr, idempotencyKey: 'attach-1' },
        ),
      ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await store.close();
    });
  });
});

describe('typed store errors', () => {
  it('refuses a file that is not a SQLite database with a non-retryable STORE_ERROR, leaving it untouched', async () => {
    const path = newFile();
    const { writeFileSync, readFileSync } = await import('node:fs');
    writeFileSync(path, 'this is a spreadsheet, not a database '.repeat(200));
    const before = readFileSync(path);
    let caught: unknown;
    try {
      sqliteStore({ path });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect(caught).toMatchObject({
      code: 'STORE_ERROR',
      reason: 'STORE_NOT_A_PIPKIT_DATABASE',
      retryable: false,
    });
    expect((caught as Error).message).toMatch(/not a SQLite database, or it is corrupt/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('turns a writer that cannot get the lock into a retryable STORE_ERROR, writing nothing', async () => {
    const path = newFile();
    const store = sqliteStore({ path, busyTimeoutMs: 0 });
    await runLifecycle(store);
    const before = await contents(store);
    // Another connection holds the write lock.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const record = (await store.load(PIP_ID)) as NonNullable<
        Awaited<ReturnType<SqliteStore['load']>>
      >;
      const event = {
        type: 'DOCUMENTS_ATTACHED' as const,
        at: '2026-06-01T00:00:00.000Z',
        actor: hr,
        documents: [{ kind: 'note', ref: 'busy', sha256: sha('busy') }],
      };
      const hash = hashEvent(PIP_ID, record.version + 1, event, record.lastHash);
      const error: unknown = await store
        .commit({
          pipId: PIP_ID,
          expectedVersion: record.version,
          record: { ...record, version: record.version + 1, lastHash: hash },
          events: [
            { pipId: PIP_ID, seq: record.version + 1, event, prevHash: record.lastHash, hash },
          ],
          timers: { set: [], clear: [] },
          outbox: [],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'STORE_ERROR', reason: 'STORE_BUSY', retryable: true });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await contents(store)).toEqual(before);
    await store.close();
  });
});
