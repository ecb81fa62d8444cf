import {
  createEngine,
  DEADLINE_PARKED_MESSAGE,
  defaultPolicy,
  StoreErrorReasons,
} from '@pipkit/core';
import { parkedMessage } from '@pipkit/core/adapter';
import {
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
import { nextCommit } from './__fixtures__/nextCommit.js';
import { copyAtSchemaFour } from './__fixtures__/schemaFour.js';
import { copyAtSchemaOne } from './__fixtures__/schemaOne.js';
import { SCHEMA_VERSION } from './migrations.js';
import { sqliteStore } from './sqliteStore.js';

const directory = mkdtempSync(join(tmpdir(), 'pipkit-sqlite-schema-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `store-${(files += 1)}.db`);
const PIP_ID = REFERENCE_PIP_ID;
const { hr } = referenceActors;

/** A database at schema 1 holding the reference lifecycle, and what the current schema held. */
async function schemaOneFile() {
  const path = newFile();
  const store = sqliteStore({ path });
  await runReferenceLifecycle(store);
  const contents = await referenceContents(store);
  const rows = await store.inspect?.(PIP_ID);
  await store.close();
  const old = newFile();
  copyAtSchemaOne(path, old);
  return { path: old, contents, rows };
}

describe('schema migrations', () => {
  it('moves a database at schema 1 forward, keeping every row, and it still verifies and accepts commands', async () => {
    const { path, contents, rows } = await schemaOneFile();
    const store = sqliteStore({ path });
    expect(
      store.database.prepare('SELECT version FROM pipkit_migrations ORDER BY version').all(),
    ).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })));
    expect(await referenceContents(store)).toEqual(contents);
    // The new policy columns were filled from the records; the timers have no faults.
    expect(await store.inspect?.(PIP_ID)).toEqual(rows);
    expect(rows?.columns).toMatchObject({ policyId: defaultPolicy.id });
    const engine = createEngine({ store, policies: [defaultPolicy] });
    expect(await engine.verify(PIP_ID, { actor: hr })).toMatchObject({ ok: true });
    await engine.dispatch(
      PIP_ID,
      { type: 'ATTACH_DOCUMENT', documents: [referenceDocument('note', 'after migration')] },
      { actor: hr },
    );
    expect(await engine.verify(PIP_ID, { actor: hr })).toMatchObject({ ok: true });
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });

  it('migrates past a record that does not parse: that PIP alone reads as CORRUPT_ROW', async () => {
    const { path, rows } = await schemaOneFile();
    const old = new Database(path);
    old.prepare("UPDATE pipkit_pips SET record = 'not json' WHERE pip_id = ?").run(PIP_ID);
    old.close();
    const store = sqliteStore({ path });
    await expect(store.load(PIP_ID)).rejects.toMatchObject({
      reason: StoreErrorReasons.CORRUPT_ROW,
    });
    expect((await store.inspect?.(PIP_ID))?.columns).toMatchObject({
      policyId: '',
      version: rows?.columns.version,
    });
    await store.close();
  });
});

describe('schema 5: outbox delivery state', () => {
  it('moves a database at schema 4 forward: its pending messages stay pending, untried, and a failing one is dead-lettered on a log that still verifies', async () => {
    const path = newFile();
    const source = sqliteStore({ path });
    await runReferenceLifecycle(source);
    const pending = await source.pendingOutbox(100);
    expect(pending.length).toBeGreaterThan(1);
    await source.close();
    const old = newFile();
    copyAtSchemaFour(path, old);

    // Read-only on schema 4 (it cannot migrate): every undelivered message is pending, none dead.
    const reader = sqliteStore({ path: old, readOnly: true });
    expect(await reader.pendingOutbox(100, { now: '2100-01-01T00:00:00.000Z' })).toEqual(pending);
    expect(await reader.listDeadLetters?.({ limit: 10 })).toEqual([]);
    await reader.close();

    const store = sqliteStore({ path: old });
    expect(
      store.database.prepare('SELECT max(version) AS version FROM pipkit_migrations').get(),
    ).toEqual({ version: SCHEMA_VERSION });
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(5);
    expect(await store.pendingOutbox(100, { now: '2026-06-01T00:00:00.000Z' })).toEqual(pending);
    const engine = createEngine({ store, policies: [defaultPolicy], delivery: { maxAttempts: 1 } });
    const [first, ...later] = pending;
    const round = await engine.relay((message) => {
      if (message.id === first?.id) throw new Error('webhook down');
    });
    expect(round.deadLettered.map((letter) => letter.id)).toEqual([first?.id]);
    expect(round.delivered).toEqual(later.map((message) => message.id));
    expect(await engine.verify(PIP_ID, { actor: hr })).toMatchObject({ ok: true });
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });
});

describe('timer faults on SQLite', () => {
  it('keeps a parked timer parked across a reopen, and frees it when a commit sets it again', async () => {
    const path = newFile();
    const first = sqliteStore({ path });
    await runReferenceLifecycle(first);
    const [timer] = (await referenceContents(first)).timers;
    if (!timer) throw new Error('the reference lifecycle leaves a timer pending');
    const fault = {
      timerId: timer.timerId,
      pipId: timer.pipId,
      dueAt: timer.dueAt,
      code: 'POLICY_NOT_FOUND',
      at: '2026-06-01T00:00:00.000Z',
    };
    expect(await first.recordTimerFault?.(fault, { parkAfter: 2 })).toEqual({
      attempts: 1,
      parked: false,
    });
    expect(await first.recordTimerFault?.(fault, { parkAfter: 2 })).toEqual({
      attempts: 2,
      parked: true,
    });
    await first.close();

    const store = sqliteStore({ path });
    const far = '2100-01-01T00:00:00.000Z';
    expect((await store.dueTimers(far, 100)).map((due) => due.timerId)).not.toContain(
      timer.timerId,
    );
    const parked = (await store.inspect?.(PIP_ID))?.timers.find(
      (row) => row.timerId === timer.timerId,
    );
    expect(parked).toMatchObject({ attempts: 2, parkedCode: 'POLICY_NOT_FOUND' });
    const message = (await store.pendingOutbox(100)).find(
      (pending) => pending.type === DEADLINE_PARKED_MESSAGE,
    );
    expect(message).toEqual(parkedMessage(timer, fault, 2));
    // A further fault on a parked timer counts nothing.
    expect(await store.recordTimerFault?.(fault, { parkAfter: 2 })).toEqual({
      attempts: 2,
      parked: false,
    });

    await store.commit(
      await nextCommit(store, PIP_ID, 'reset', { timers: { set: [timer], clear: [] } }),
    );
    expect(await store.dueTimers(far, 100)).toContainEqual(timer);
    const reset = (await store.inspect?.(PIP_ID))?.timers.find(
      (row) => row.timerId === timer.timerId,
    );
    expect(reset).toEqual({ ...timer, attempts: 0 });
    await store.close();
  });
});

describe('schema 7: the refusal log', () => {
  const stranger = { id: 'someone-else', role: 'manager' } as const;

  it('moves a database at schema 6 forward: its PIP still verifies and refused attempts chain from 1', async () => {
    const path = newFile();
    const source = sqliteStore({ path });
    await runReferenceLifecycle(source);
    const contents = await referenceContents(source);
    await source.close();
    // Schema 7 only adds the refusal table: without it and its ledger row, the file is at 6.
    const old = new Database(path);
    old.exec('DROP TABLE pipkit_refusals; DELETE FROM pipkit_migrations WHERE version = 7;');
    old.close();

    // Read-only on schema 6 (it cannot migrate): no refusal yet, and none can be written.
    const reader = sqliteStore({ path, readOnly: true });
    expect(await reader.readRefusals?.(PIP_ID)).toEqual([]);
    await expect(
      reader.appendRefusal?.({
        pipId: PIP_ID,
        at: '2026-06-01T00:00:00.000Z',
        actor: stranger,
        action: 'READ',
        outcome: 'FORBIDDEN',
        codes: ['NOT_THE_MANAGER'],
      }),
    ).rejects.toMatchObject({ reason: StoreErrorReasons.READ_ONLY });
    await reader.close();

    const store = sqliteStore({ path });
    expect(
      store.database.prepare('SELECT max(version) AS version FROM pipkit_migrations').get(),
    ).toEqual({ version: 7 });
    expect(await referenceContents(store)).toEqual(contents);
    const engine = createEngine({ store, policies: [defaultPolicy] });
    await expect(engine.get(PIP_ID, { actor: stranger })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      engine.dispatch(PIP_ID, { type: 'PASS', documents: [] }, { actor: stranger }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await store.readRefusals?.(PIP_ID))?.map((record) => record.action)).toEqual([
      'READ',
      'PASS',
    ]);
    expect(await engine.verify(PIP_ID, { actor: hr })).toMatchObject({
      ok: true,
      refusals: { ok: true, count: 2 },
    });
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });

  it("keeps a PIP's refusals through purge and a reopen", async () => {
    const path = newFile();
    const store = sqliteStore({ path });
    const { engine } = await runReferenceLifecycle(store);
    await expect(engine.get(PIP_ID, { actor: stranger })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const version = (await store.load(PIP_ID))?.version ?? 0;
    await store.purge?.(PIP_ID, version);
    await store.close();
    const reopened = sqliteStore({ path, readOnly: true });
    expect(await reopened.load(PIP_ID)).toBeUndefined();
    expect(await reopened.readRefusals?.(PIP_ID)).toEqual([
      expect.objectContaining({ seq: 1, actor: stranger, action: 'READ' }),
    ]);
    await reopened.close();
  });
});
