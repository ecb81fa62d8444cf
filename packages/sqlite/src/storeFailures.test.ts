import { createEngine, defaultPolicy, isPipkitError, StoreErrorReasons } from '@pipkit/core';
import {
  createTestClock,
  REFERENCE_PIP_ID,
  referenceContents,
  runReferenceLifecycle,
} from '@pipkit/core/testing';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Fault, faultyDatabase } from './__fixtures__/faultyDatabase.js';
import { nextCommit } from './__fixtures__/nextCommit.js';
import { SCHEMA_VERSION } from './migrations.js';
import { sqliteStore } from './sqliteStore.js';

const directory = mkdtempSync(join(tmpdir(), 'pipkit-sqlite-failures-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `store-${(files += 1)}.db`);
const PIP_ID = REFERENCE_PIP_ID;
/** Personal data planted in a row: no error message may repeat it. */
const SECRET = 'Jane Q. Employee, on sick leave for depression';

const caught = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

/** A store over a wrapped connection whose statements can be made to fail, with a PIP in it. */
async function storeWithFault() {
  const real = new Database(':memory:');
  const fault: Fault = {};
  const store = sqliteStore({ database: faultyDatabase(real, fault) });
  await runReferenceLifecycle(store);
  return { store, fault, real };
}

describe('typed store failures', () => {
  it('reports a full disk as a retryable DISK_FULL and writes nothing', async () => {
    const store = sqliteStore({ path: newFile() });
    await runReferenceLifecycle(store);
    const before = await referenceContents(store);
    const pages = Number(store.database.pragma('page_count', { simple: true }));
    store.database.pragma(`max_page_count = ${pages}`);
    // Random text: events are stored compressed (schema 6), and a repeated letter would fit.
    const big = await nextCommit(store, PIP_ID, randomBytes(150_000).toString('base64'));
    const error = await caught(() => store.commit(big));
    expect(error).toMatchObject({
      code: 'STORE_ERROR',
      reason: StoreErrorReasons.DISK_FULL,
      retryable: true,
    });
    expect((error as Error).message).toMatch(/full/);
    expect(await referenceContents(store)).toEqual(before);
    await store.close();
  });

  it('reports SQLITE_IOERR_WRITE as a non-retryable IO_ERROR and rolls the commit back', async () => {
    const { store, fault, real } = await storeWithFault();
    const before = await referenceContents(store);
    const request = await nextCommit(store, PIP_ID, 'io');
    Object.assign(fault, { code: 'SQLITE_IOERR_WRITE', statement: /INSERT INTO pipkit_events/ });
    const error = await caught(() => store.commit(request));
    expect(error).toMatchObject({ reason: StoreErrorReasons.IO_ERROR, retryable: false });
    expect((error as Error).message).toContain('SQLITE_IOERR_WRITE');
    fault.code = undefined;
    expect(await referenceContents(store)).toEqual(before);
    // The same request succeeds once the device recovers: nothing half-written stood in its way.
    await store.commit(request);
    await store.close();
    real.close();
  });

  it('reports SQLITE_LOCKED as retryable BUSY and SQLITE_READONLY_DBMOVED as READ_ONLY', async () => {
    const { store, fault, real } = await storeWithFault();
    Object.assign(fault, { code: 'SQLITE_LOCKED_SHAREDCACHE', statement: /FROM pipkit_pips/ });
    expect(await caught(() => store.load(PIP_ID))).toMatchObject({
      reason: StoreErrorReasons.BUSY,
      retryable: true,
    });
    const request = await (async () => {
      fault.code = undefined;
      return nextCommit(store, PIP_ID, 'moved');
    })();
    Object.assign(fault, { code: 'SQLITE_READONLY_DBMOVED', statement: /^\s*(INSERT|UPDATE)/ });
    expect(await caught(() => store.commit(request))).toMatchObject({
      reason: StoreErrorReasons.READ_ONLY,
      retryable: false,
    });
    const [slot] = (await store.commitMany?.([request])) ?? [];
    expect(slot).toMatchObject({ reason: StoreErrorReasons.READ_ONLY });
    await store.close();
    real.close();
  });

  it('wraps any other failure as a non-retryable REFUSED StoreError naming only the code', async () => {
    const { store, fault, real } = await storeWithFault();
    Object.assign(fault, { code: 'SQLITE_CONSTRAINT_CHECK', statement: /pipkit_outbox/ });
    const error = await caught(() => store.pendingOutbox(10));
    expect(isPipkitError(error, 'STORE_ERROR')).toBe(true);
    expect(error).toMatchObject({ reason: StoreErrorReasons.REFUSED, retryable: false });
    expect((error as Error).message).toContain('SQLITE_CONSTRAINT_CHECK');
    await store.close();
    real.close();
  });

  it('refuses a database from a newer @pipkit/sqlite with SCHEMA_TOO_NEW, saying to upgrade', async () => {
    const path = newFile();
    await sqliteStore({ path }).close();
    const database = new Database(path);
    database
      .prepare("INSERT INTO pipkit_migrations VALUES (?, 'from the future', 'x')")
      .run(SCHEMA_VERSION + 1);
    database.close();
    const error = await caught(() => Promise.resolve().then(() => sqliteStore({ path })));
    expect(error).toMatchObject({
      code: 'STORE_ERROR',
      reason: StoreErrorReasons.SCHEMA_TOO_NEW,
      retryable: false,
    });
    expect((error as Error).message).toMatch(/Upgrade @pipkit\/sqlite/);
  });

  describe('a row that cannot be parsed', () => {
    const corrupt = async (sql: string) => {
      const path = newFile();
      const store = sqliteStore({ path });
      await runReferenceLifecycle(store);
      const other = new Database(path);
      other.prepare(sql).run(`{"name": "${SECRET}"`, PIP_ID);
      other.close();
      return store;
    };
    const expectCorrupt = (error: unknown, table: string) => {
      expect(error).toMatchObject({
        code: 'STORE_ERROR',
        reason: StoreErrorReasons.CORRUPT_ROW,
        retryable: false,
      });
      const { message, cause } = error as Error;
      expect(message).toContain(PIP_ID);
      expect(message).toContain(table);
      expect(message).not.toContain('Jane');
      expect(message).not.toContain('name');
      expect(JSON.stringify(error)).not.toContain('Jane');
      expect(cause).toBeUndefined();
    };

    it('names only the PIP and pipkit_pips for a corrupt record, in load and list', async () => {
      const store = await corrupt('UPDATE pipkit_pips SET record = ? WHERE pip_id = ?');
      expectCorrupt(await caught(() => store.load(PIP_ID)), 'pipkit_pips');
      expectCorrupt(await caught(() => store.list()), 'pipkit_pips');
      await store.close();
    });

    it('pages past a corrupt record with engine.listPage, naming it to readers who may see it', async () => {
      const store = await corrupt('UPDATE pipkit_pips SET record = ? WHERE pip_id = ?');
      const engine = createEngine({
        store,
        policies: [defaultPolicy],
        clock: createTestClock('2026-03-20T15:00:00Z'),
        ids: () => 'pip-z-other',
      });
      const manager = { id: 'm-2', role: 'manager' } as const;
      await engine.open(
        {
          employee: { id: 'e-2', timeZone: 'Europe/London' },
          managerId: manager.id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g', description: 'Ship', measure: 'weekly' }],
        },
        { actor: manager },
      );
      await expect(engine.list({}, { actor: { id: 'hr-1', role: 'hr' } })).rejects.toMatchObject({
        reason: StoreErrorReasons.CORRUPT_ROW,
      });
      const page = await engine.listPage({}, { actor: { id: 'hr-1', role: 'hr' } });
      expect(page.pips.map((pip) => pip.pipId)).toEqual(['pip-z-other']);
      expect(page.unreadable).toEqual([{ pipId: PIP_ID, code: StoreErrorReasons.CORRUPT_ROW }]);
      expect(page.nextAfterPipId).toBeUndefined();
      expect(JSON.stringify(page.unreadable)).not.toContain('Jane');
      // Another manager may read neither the corrupt PIP nor learn it exists.
      const theirs = await engine.listPage({}, { actor: manager });
      expect(theirs).toEqual({
        pips: [expect.objectContaining({ pipId: 'pip-z-other' })],
        unreadable: [],
      });
      // Paging one at a time walks past the unreadable row.
      const first = await engine.listPage({ limit: 1 }, { actor: { id: 'hr-1', role: 'hr' } });
      expect(first).toMatchObject({ pips: [], nextAfterPipId: PIP_ID });
      const second = await engine.listPage(
        { limit: 1, afterPipId: PIP_ID },
        { actor: { id: 'hr-1', role: 'hr' } },
      );
      expect(second.pips.map((pip) => pip.pipId)).toEqual(['pip-z-other']);
      await store.close();
    });

    it('names only the PIP and pipkit_events for a corrupt event', async () => {
      const store = await corrupt(
        'UPDATE pipkit_events SET event = ? WHERE pip_id = ? AND seq = 2',
      );
      expectCorrupt(await caught(() => store.readEvents(PIP_ID)), 'pipkit_events');
      expect(await store.readEvents(PIP_ID, { afterSeq: 2 })).not.toHaveLength(0);
      await store.close();
    });

    it('names only the PIP and pipkit_outbox for a corrupt payload', async () => {
      const store = await corrupt(
        'UPDATE pipkit_outbox SET payload = ?, delivered_at = NULL WHERE pip_id = ?',
      );
      const pending = await store.pendingOutbox(10);
      expect(pending.length).toBeGreaterThan(0);
      for (const message of pending) {
        expect(message).toMatchObject({
          pipId: PIP_ID,
          payload: {},
          unreadable: 'STORE_CORRUPT_ROW',
        });
      }
      expect(JSON.stringify(pending)).not.toContain('Jane');
      await store.close();
    });

    it("relays every other PIP past a corrupt payload, never hands it over, and dead-letters it at once so that PIP's later messages go", async () => {
      const store = sqliteStore({ path: newFile() });
      await runReferenceLifecycle(store);
      const manager = { id: 'm-2', role: 'manager' } as const;
      const engine = createEngine({
        store,
        policies: [defaultPolicy],
        clock: createTestClock('2026-03-02T15:00:00Z'),
        ids: () => 'pip-other',
      });
      await engine.open(
        {
          employee: { id: 'e-2', timeZone: 'Europe/London' },
          managerId: manager.id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g', description: 'Ship', measure: 'weekly' }],
        },
        { actor: manager },
      );
      store.database.prepare('UPDATE pipkit_outbox SET delivered_at = NULL').run();
      // Opening writes no message, so pip-other gets two written as a commit would write them
      // (messages of the catalogue: the relay hands over nothing else).
      const insert = store.database.prepare(
        `INSERT INTO pipkit_outbox (id, pip_id, type, payload, created_at) VALUES (?, 'pip-other', 'pip.issued', '{"notify":["employee"],"employeeId":"e-2","managerId":"m-2","seq":1}', '2026-03-02T15:00:00.000Z')`,
      );
      insert.run('pip-other:1:0');
      insert.run('pip-other:1:1');
      const { id: first, type: firstType } = store.database
        .prepare('SELECT id, type FROM pipkit_outbox WHERE pip_id = ? ORDER BY position LIMIT 1')
        .get(PIP_ID) as { id: string; type: string };
      store.database
        .prepare('UPDATE pipkit_outbox SET payload = ? WHERE id = ?')
        .run(`{"name": "${SECRET}"`, first);
      const later = (
        store.database
          .prepare('SELECT id FROM pipkit_outbox WHERE pip_id = ? ORDER BY position')
          .all(PIP_ID) as { id: string }[]
      )
        .map((row) => row.id)
        .slice(1);
      const others = (
        store.database
          .prepare("SELECT id FROM pipkit_outbox WHERE pip_id = 'pip-other' ORDER BY position")
          .all() as { id: string }[]
      ).map((row) => row.id);
      expect(others.length).toBeGreaterThan(0);

      const handled: string[] = [];
      const result = await engine.relay((message) => {
        handled.push(message.id);
      });
      expect(handled).toEqual([...later, ...others]);
      expect(result.delivered).toEqual([...later, ...others]);
      expect(result.failed).toEqual([]);
      expect(result.deadLettered).toEqual([
        { id: first, pipId: PIP_ID, type: firstType, attempts: 1, code: 'STORE_CORRUPT_ROW' },
      ]);
      const {
        deadLetters: [letter],
      } = await engine.deadLetters({}, { actor: { id: 'hr-1', role: 'hr' } });
      expect(letter?.lastError?.message).toMatch(/cannot be read back/);
      expect(JSON.stringify(letter)).not.toContain('Jane');
      const events = await store.readEvents(PIP_ID);
      expect(events.at(-1)?.event).toMatchObject({
        type: 'MESSAGE_DEAD_LETTERED',
        messageId: first,
        code: 'STORE_CORRUPT_ROW',
      });
      expect(await store.pendingOutbox(100)).toEqual([]);
      await store.close();
    });

    it('treats valid JSON of the wrong shape as corrupt too', async () => {
      const store = sqliteStore({ path: ':memory:' });
      await runReferenceLifecycle(store);
      store.database.prepare("UPDATE pipkit_pips SET record = 'null'").run();
      expectCorrupt(await caught(() => store.load(PIP_ID)), 'pipkit_pips');
      await store.close();
    });
  });
});
