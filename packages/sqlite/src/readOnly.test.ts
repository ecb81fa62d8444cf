import {
  createEngine,
  defaultPolicy,
  isPipkitError,
  StoreErrorReasons,
  ValidationError,
} from '@pipkit/core';
import {
  REFERENCE_PIP_ID,
  referenceActors,
  referenceContents,
  runReferenceLifecycle,
} from '@pipkit/core/testing';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nextCommit } from './__fixtures__/nextCommit.js';
import { copyAtSchemaOne } from './__fixtures__/schemaOne.js';
import { SCHEMA_VERSION } from './migrations.js';
import { sqliteStore } from './sqliteStore.js';

const directory = mkdtempSync(join(tmpdir(), 'pipkit-sqlite-readonly-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `store-${(files += 1)}.db`);
const PIP_ID = REFERENCE_PIP_ID;
const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** The files beside `path` that SQLite may create: journal, WAL, shared memory. */
const sidecars = (path: string) =>
  readdirSync(directory).filter((name) => name.startsWith(`${path.split('/').at(-1) ?? ''}-`));

const failure = async (work: () => unknown): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

/** A closed pipkit database file holding the reference lifecycle, and its contents. */
async function pipkitFile() {
  const path = newFile();
  const store = sqliteStore({ path });
  await runReferenceLifecycle(store);
  const contents = await referenceContents(store);
  const rows = await store.inspect?.(PIP_ID);
  await store.close();
  return { path, contents, rows };
}

describe('read-only store', () => {
  it('refuses a plain SQLite file with an unrelated table as NOT_A_PIPKIT_DATABASE, leaving it byte-for-byte unchanged', async () => {
    const path = newFile();
    const plain = new Database(path);
    plain.exec(
      "CREATE TABLE payroll (name TEXT, salary INTEGER); INSERT INTO payroll VALUES ('a', 1)",
    );
    plain.close();
    const before = hashOf(path);
    expect(sidecars(path)).toEqual([]);
    const error = await failure(() => sqliteStore({ path, readOnly: true }));
    expect(error).toMatchObject({
      code: 'STORE_ERROR',
      reason: StoreErrorReasons.NOT_A_PIPKIT_DATABASE,
      retryable: false,
    });
    expect(hashOf(path)).toBe(before);
    // No WAL switch, no journal: nothing beside the file either.
    expect(sidecars(path)).toEqual([]);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'pipkit%'").all()).toEqual(
      [],
    );
    check.close();
  });

  it('refuses a missing file instead of creating one, and ":memory:" as options', async () => {
    const path = newFile();
    const error = await failure(() => sqliteStore({ path, readOnly: true }));
    expect(isPipkitError(error, 'STORE_ERROR')).toBe(true);
    expect(existsSync(path)).toBe(false);
    const invalid = await failure(() => sqliteStore({ path: ':memory:', readOnly: true }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).issues.map((issue) => issue.code)).toEqual([
      'INVALID_READ_ONLY',
    ]);
  });

  it('reads a pipkit database exactly as read-write does, and verify passes, without changing the file', async () => {
    const { path, contents, rows } = await pipkitFile();
    const before = hashOf(path);
    const store = sqliteStore({ path, readOnly: true });
    expect(await referenceContents(store)).toEqual(contents);
    expect(await store.inspect?.(PIP_ID)).toEqual(rows);
    const engine = createEngine({ store, policies: [defaultPolicy] });
    expect(await engine.verify(PIP_ID, { actor: referenceActors.hr })).toMatchObject({ ok: true });
    await store.close();
    expect(hashOf(path)).toBe(before);
  });

  it('refuses every write with READ_ONLY and writes nothing', async () => {
    const { path, contents } = await pipkitFile();
    const writer = sqliteStore({ path });
    const request = await nextCommit(writer, PIP_ID, 'read-only');
    await writer.close();
    const store = sqliteStore({ path, readOnly: true });
    const [timer] = contents.timers;
    const attempts = [
      () => store.commit(request),
      () => store.commitMany?.([request]),
      () => store.purge?.(PIP_ID, request.expectedVersion),
      () => store.markOutboxDelivered(contents.outbox.map((message) => message.id)),
      () =>
        store.recordTimerFault?.(
          {
            timerId: timer?.timerId ?? 'none',
            pipId: PIP_ID,
            dueAt: timer?.dueAt ?? '',
            code: 'X',
            at: '2026-01-01T00:00:00.000Z',
          },
          { parkAfter: 1 },
        ),
    ];
    for (const attempt of attempts) {
      expect(await failure(attempt)).toMatchObject({
        code: 'STORE_ERROR',
        reason: StoreErrorReasons.READ_ONLY,
        retryable: false,
      });
    }
    expect(await referenceContents(store)).toEqual(contents);
    await store.close();
  });

  it('refuses a database from a newer @pipkit/sqlite with SCHEMA_TOO_NEW', async () => {
    const { path } = await pipkitFile();
    const database = new Database(path);
    database
      .prepare("INSERT INTO pipkit_migrations VALUES (?, 'from the future', 'x')")
      .run(SCHEMA_VERSION + 1);
    database.close();
    const before = hashOf(path);
    expect(await failure(() => sqliteStore({ path, readOnly: true }))).toMatchObject({
      reason: StoreErrorReasons.SCHEMA_TOO_NEW,
    });
    expect(hashOf(path)).toBe(before);
  });

  it('reads a database at schema version 1 without migrating it', async () => {
    const { path, contents, rows } = await pipkitFile();
    const old = newFile();
    copyAtSchemaOne(path, old);
    const before = hashOf(old);
    const store = sqliteStore({ path: old, readOnly: true });
    expect(await referenceContents(store)).toEqual(contents);
    // The policy columns come from the record where schema 1 has none; no faults yet; no query
    // columns to compare (schema 3 adds them), and queries say why they cannot run.
    const { queryColumns: _none, ...older } = rows ?? { queryColumns: undefined };
    expect(await store.inspect?.(PIP_ID)).toEqual(older);
    await expect(store.countPips?.({ filter: {}, scope: 'all' })).rejects.toMatchObject({
      reason: StoreErrorReasons.UNSUPPORTED,
    });
    await store.close();
    expect(hashOf(old)).toBe(before);
    const check = new Database(old, { readonly: true });
    expect(check.prepare('SELECT max(version) AS v FROM pipkit_migrations').get()).toEqual({
      v: 1,
    });
    check.close();
  });

  it('is read-only by default over an injected Database opened read-only', async () => {
    const { path, contents } = await pipkitFile();
    const database = new Database(path, { readonly: true, fileMustExist: true });
    const store = sqliteStore({ database });
    expect(await referenceContents(store)).toEqual(contents);
    expect(await failure(() => store.markOutboxDelivered(['x']))).toMatchObject({
      reason: StoreErrorReasons.READ_ONLY,
    });
    await store.close();
    expect(database.open).toBe(true);
    database.close();
  });
});
