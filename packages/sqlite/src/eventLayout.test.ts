import {
  type Actor,
  createEngine,
  defaultPolicy,
  type PipStore,
  StoreErrorReasons,
} from '@pipkit/core';
import {
  compressEventJson,
  decompressEventJson,
  EVENT_COMPRESSION_MIN_LENGTH,
} from '@pipkit/core/adapter';
import {
  createTestClock,
  REFERENCE_PIP_ID,
  referenceActors,
  referenceContents,
  referenceDocument,
  runReferenceLifecycle,
} from '@pipkit/core/testing';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyAtSchemaFive } from './__fixtures__/schemaFive.js';
import { copyAtSchemaThree } from './__fixtures__/schemaThree.js';
import { SCHEMA_VERSION } from './migrations.js';
import { sqliteStore } from './sqliteStore.js';

const directory = mkdtempSync(join(tmpdir(), 'pipkit-sqlite-events-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `store-${(files += 1)}.db`);
const { hr } = referenceActors;
const OTHERS = ['pip-a', 'pip-b', 'pip-c'];

/** Opens three more PIPs beside the reference one and takes each through approval. */
async function writeOthers(store: PipStore): Promise<void> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  let next = 0;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => OTHERS[next++] ?? 'pip-extra',
  });
  for (const [index] of OTHERS.entries()) {
    const manager: Actor = { id: `mgr-${index}`, role: 'manager' };
    const { pip } = await engine.open(
      {
        employee: { id: `emp-${index}`, timeZone: 'Europe/Berlin' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Ship the report', measure: 'Weekly, on time' }],
        documents: [referenceDocument('planDocument', `plan ${index}`)],
      },
      { actor: manager },
    );
    await engine.dispatch(pip.pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
  }
}

/** Verifies every PIP of `path` through a read-only store; returns each PIP's result. */
async function verifyAll(path: string, readOnly: boolean) {
  const store = sqliteStore({ path, readOnly });
  const engine = createEngine({ store, policies: [defaultPolicy] });
  const results: Record<string, unknown> = {};
  for (const pipId of [REFERENCE_PIP_ID, ...OTHERS]) {
    results[pipId] = await engine.verify(pipId, { actor: hr });
  }
  await store.close();
  return results;
}

/** A closed database at schema 3 with four PIPs, and what the current schema read from it. */
async function schemaThreeFile() {
  const path = newFile();
  const store = sqliteStore({ path });
  await runReferenceLifecycle(store);
  await writeOthers(store);
  const contents = await referenceContents(store);
  const histories = await Promise.all(OTHERS.map((pipId) => store.readEvents(pipId)));
  await store.close();
  const old = newFile();
  copyAtSchemaThree(path, old);
  return { path: old, contents, histories };
}

const column = (path: string, sql: string): unknown[] => {
  const database = new Database(path, { readonly: true });
  const values = database.prepare(sql).pluck().all();
  database.close();
  return values;
};

describe('the event log at schema 4', () => {
  it('stores each hash as 32 bytes and no previous hash for the events pipkit writes', async () => {
    const path = newFile();
    const store = sqliteStore({ path });
    await runReferenceLifecycle(store);
    await writeOthers(store);
    await store.close();
    const lengths = column(path, 'SELECT DISTINCT length(hash) FROM pipkit_events');
    expect(lengths).toEqual([32]);
    expect(column(path, 'SELECT count(*) FROM pipkit_events WHERE prev_hash IS NOT NULL')).toEqual([
      0,
    ]);
    for (const result of Object.values(await verifyAll(path, false))) {
      expect(result).toMatchObject({ ok: true });
    }
  });

  it('moves a schema 3 database forward: every PIP reads back the same history, verifies, and takes new commits chained on the old events', async () => {
    const { path, contents, histories } = await schemaThreeFile();
    for (const result of Object.values(await verifyAll(path, true))) {
      expect(result).toMatchObject({ ok: true });
    }
    const store = sqliteStore({ path });
    expect(
      store.database.prepare('SELECT max(version) AS version FROM pipkit_migrations').get(),
    ).toEqual({ version: SCHEMA_VERSION });
    expect(await referenceContents(store)).toEqual(contents);
    expect(await Promise.all(OTHERS.map((pipId) => store.readEvents(pipId)))).toEqual(histories);
    expect(
      store.database
        .prepare('SELECT count(*) AS n FROM pipkit_events WHERE prev_hash IS NOT NULL')
        .get(),
    ).toEqual({ n: 0 });
    const engine = createEngine({ store, policies: [defaultPolicy] });
    const before = await store.load(REFERENCE_PIP_ID);
    await engine.dispatch(
      REFERENCE_PIP_ID,
      { type: 'ATTACH_DOCUMENT', documents: [referenceDocument('note', 'after schema 4')] },
      { actor: hr },
    );
    const [added] = await store.readEvents(REFERENCE_PIP_ID, { afterSeq: before?.version ?? 0 });
    expect(added?.prevHash).toBe(before?.lastHash);
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
    for (const result of Object.values(await verifyAll(path, false))) {
      expect(result).toMatchObject({ ok: true });
    }
  });

  it('keeps, through the migration, a previous hash the sequence does not imply and a hash that is not hex: verify names the same breaks before and after', async () => {
    const { path } = await schemaThreeFile();
    const old = new Database(path);
    old
      .prepare("UPDATE pipkit_events SET prev_hash = ? WHERE pip_id = 'pip-a' AND seq = 2")
      .run('f'.repeat(64));
    old
      .prepare("UPDATE pipkit_events SET hash = 'not a hash' WHERE pip_id = 'pip-b' AND seq = 1")
      .run();
    old.close();
    const before = await verifyAll(path, true);
    expect(before['pip-a']).toMatchObject({ ok: false });
    expect(before['pip-b']).toMatchObject({ ok: false });
    sqliteStore({ path }).database.close();
    // pip-a's event 2 keeps its odd link; pip-b's event 2 keeps the real hash of event 1, which
    // the stored (broken) hash of event 1 no longer implies. Every other link is implied.
    const kept =
      "SELECT pip_id || ':' || seq FROM pipkit_events WHERE prev_hash IS NOT NULL ORDER BY 1";
    expect(column(path, kept)).toEqual(['pip-a:2', 'pip-b:2']);
    const after = await verifyAll(path, false);
    expect(after).toEqual(before);
    expect(after[REFERENCE_PIP_ID]).toMatchObject({ ok: true });
  });
});

/** The JSON length and stored length of every event of `path`, and how many are BLOBs. */
/** Each event's stored type (`blob` or `text`), by PIP and seq. */
const storedKinds = (path: string): string[] => {
  const database = new Database(path, { readonly: true });
  const rows = database
    .prepare('SELECT typeof(event) AS kind FROM pipkit_events ORDER BY pip_id, seq')
    .all() as { kind: string }[];
  database.close();
  return rows.map((row) => row.kind);
};

const eventBodies = (path: string) => {
  const database = new Database(path, { readonly: true });
  const row = database
    .prepare(
      `SELECT count(*) AS events, sum(typeof(event) = 'blob') AS blobs,
              sum(length(CAST(event AS BLOB))) AS stored FROM pipkit_events`,
    )
    .get() as { events: number; blobs: number; stored: number };
  database.close();
  return row;
};

describe('the event log at schema 6', () => {
  it('stores each new event of 200 characters or more as compressed bytes and a shorter one as its text, in less than 0.6 of the JSON, and reads every event back as committed', async () => {
    const path = newFile();
    const store = sqliteStore({ path });
    await runReferenceLifecycle(store);
    await writeOthers(store);
    const histories = await Promise.all(
      [REFERENCE_PIP_ID, ...OTHERS].map((pipId) => store.readEvents(pipId)),
    );
    await store.close();
    const json = histories
      .flat()
      .reduce((sum, event) => sum + JSON.stringify(event.event).length, 0);
    const bodies = eventBodies(path);
    const texts = histories.flat().map((event) => JSON.stringify(event.event));
    const long = texts.filter((text) => text.length >= EVENT_COMPRESSION_MIN_LENGTH);
    // Both kinds occur in this history, so the rule is tested on each side of the line.
    expect(long.length).toBeGreaterThan(0);
    expect(long.length).toBeLessThan(texts.length);
    expect(bodies).toMatchObject({ events: texts.length, blobs: long.length });
    expect(storedKinds(path)).toEqual(
      [...histories.flat()]
        .sort((a, b) => a.pipId.localeCompare(b.pipId) || a.seq - b.seq)
        .map((event) =>
          JSON.stringify(event.event).length >= EVENT_COMPRESSION_MIN_LENGTH ? 'blob' : 'text',
        ),
    );
    expect(bodies.stored).toBeLessThan(json * 0.6);
    const reopened = sqliteStore({ path, readOnly: true });
    expect(
      await Promise.all([REFERENCE_PIP_ID, ...OTHERS].map((pipId) => reopened.readEvents(pipId))),
    ).toEqual(histories);
    await reopened.close();
    for (const result of Object.values(await verifyAll(path, false))) {
      expect(result).toMatchObject({ ok: true });
    }
  });

  it('moves a schema 5 database forward without rewriting an event: the old stay JSON text, new ones are compressed, and the chain verifies across both', async () => {
    const path = newFile();
    const source = sqliteStore({ path });
    await runReferenceLifecycle(source);
    await writeOthers(source);
    const histories = await Promise.all(OTHERS.map((pipId) => source.readEvents(pipId)));
    await source.close();
    const old = newFile();
    copyAtSchemaFive(path, old);
    const written = eventBodies(old);
    expect(written.blobs).toBe(0);

    const store = sqliteStore({ path: old });
    expect(
      store.database.prepare('SELECT max(version) AS version FROM pipkit_migrations').get(),
    ).toEqual({ version: SCHEMA_VERSION });
    expect(eventBodies(old)).toEqual(written);
    expect(await Promise.all(OTHERS.map((pipId) => store.readEvents(pipId)))).toEqual(histories);
    const engine = createEngine({ store, policies: [defaultPolicy] });
    const before = await store.load(REFERENCE_PIP_ID);
    await engine.dispatch(
      REFERENCE_PIP_ID,
      { type: 'ATTACH_DOCUMENT', documents: [referenceDocument('note', 'after schema 6')] },
      { actor: hr },
    );
    const [added] = await store.readEvents(REFERENCE_PIP_ID, { afterSeq: before?.version ?? 0 });
    expect(added?.prevHash).toBe(before?.lastHash);
    expect(eventBodies(old)).toMatchObject({ events: written.events + 1, blobs: 1 });
    await store.close();
    for (const result of Object.values(await verifyAll(old, false))) {
      expect(result).toMatchObject({ ok: true });
    }
  });

  it('finds an edited compressed event as HASH_MISMATCH, and damaged bytes as that PIP alone unreadable', async () => {
    const path = newFile();
    const store = sqliteStore({ path });
    await runReferenceLifecycle(store);
    await writeOthers(store);
    await store.close();
    const raw = new Database(path);
    const read = raw.prepare('SELECT event FROM pipkit_events WHERE pip_id = ? AND seq = 1');
    const write = raw.prepare('UPDATE pipkit_events SET event = ? WHERE pip_id = ? AND seq = 1');
    const created = JSON.parse(
      decompressEventJson((read.get('pip-a') as { event: Buffer }).event) ?? '',
    ) as { goals: { description: string }[] };
    const easier = { ...created, goals: [{ ...created.goals[0], description: 'An easier goal' }] };
    write.run(compressEventJson(JSON.stringify(easier)), 'pip-a');
    const damaged = Buffer.from((read.get('pip-b') as { event: Buffer }).event);
    damaged.fill(0xff, 2, 6);
    write.run(damaged, 'pip-b');
    raw.close();

    const reader = sqliteStore({ path, readOnly: true });
    const engine = createEngine({ store: reader, policies: [defaultPolicy] });
    const check = await engine.verify('pip-a', { actor: hr });
    expect(check).toMatchObject({ ok: false });
    expect(JSON.stringify(check)).toContain('HASH_MISMATCH');
    for (const pipId of [REFERENCE_PIP_ID, 'pip-c']) {
      expect(await engine.verify(pipId, { actor: hr })).toMatchObject({ ok: true });
    }
    await expect(reader.readEvents('pip-b')).rejects.toMatchObject({
      reason: StoreErrorReasons.CORRUPT_ROW,
    });
    expect(await reader.readEvents('pip-c')).toHaveLength(4);
    await reader.close();
  });
});
