import { createEngine, defaultPolicy, StoreErrorReasons } from '@pipkit/core';
import { EVENT_COMPRESSION_MIN_LENGTH } from '@pipkit/core/adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { openPip } from './__fixtures__/append.js';
import { copyRows } from './__fixtures__/copyRows.js';
import { testDatabase } from './__fixtures__/database.js';
import { document, hr, manager, PIP_ID, runLifecycle } from './__fixtures__/lifecycle.js';
import { overduePips } from '@pipkit/core/testing';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { postgresStore } from './postgresStore.js';

const db = testDatabase('upgrade');
afterAll(() => db.dropAll());

const OTHER = 'pip-other';
const CORRUPT = 'pip-corrupt';

describe('postgres schema upgrades', () => {
  // 9: the last before event compression (migration 10); the one before the latest.
  for (const previous of [...new Set([1, 9, SCHEMA_VERSION - 1])]) {
    it(`moves a schema written at version ${previous} forward: its PIPs load, verify, inspect and take commands`, async () => {
      // The rows as an earlier release wrote them: same tables, that version's columns.
      const source = postgresStore({ pool: db.pool, schema: db.newSchema() });
      await runLifecycle(source);
      await openPip(source, OTHER);
      const target = db.newSchema();
      const connection = await db.pool.connect();
      try {
        await migrate(connection, { schema: target, migrations: MIGRATIONS.slice(0, previous) });
      } finally {
        connection.release();
      }
      await copyRows(db.pool, source.schema, target);
      // One row no release could read: the upgrade must not stop on it.
      await db.pool.query(
        `INSERT INTO "${target}".pipkit_pips
           (tenant_id, pip_id, employee_id, manager_id, state, version, record, updated_at)
         VALUES ('default', $1, 'e', 'm', 'draft', 1, '{not json', 'now')`,
        [CORRUPT],
      );

      const store = postgresStore({ pool: db.pool, schema: target });
      expect(await store.ready()).toEqual(
        MIGRATIONS.slice(previous).map((migration) => migration.version),
      );
      // Migration 8: every hash is 32 bytes and every previous hash is implied by the sequence.
      const layout = await db.pool.query(
        `SELECT count(prev_hash)::int AS kept, min(octet_length(hash)) AS shortest,
                max(octet_length(hash)) AS longest
           FROM "${target}".pipkit_events WHERE tenant_id = 'default'`,
      );
      expect(layout.rows).toEqual([{ kept: 0, shortest: 32, longest: 32 }]);
      const engine = createEngine({ store, policies: [defaultPolicy] });
      for (const pipId of [PIP_ID, OTHER]) {
        expect(await store.load(pipId)).toEqual(await source.load(pipId));
        expect(await store.readEvents(pipId)).toEqual(await source.readEvents(pipId));
        const check = await engine.verify(pipId, { actor: hr });
        expect(check.ok, JSON.stringify(check)).toBe(true);
        const record = await store.load(pipId);
        const rows = await store.inspect(pipId);
        expect(rows?.columns).toEqual({
          employeeId: record?.employeeId,
          managerId: record?.managerId,
          policyId: record?.policyId,
          policyVersion: record?.policyVersion,
          state: record?.state,
          version: record?.version,
          tenantId: 'default',
        });
        expect(rows?.timers.map(({ attempts, parkedCode, ...timer }) => timer)).toEqual(
          (await source.inspect(pipId))?.timers.map(({ attempts, parkedCode, ...timer }) => timer),
        );
      }
      expect(await store.dueTimers('2100-01-01T00:00:00.000Z', 100)).toEqual(
        await source.dueTimers('2100-01-01T00:00:00.000Z', 100),
      );
      // Migration 9: messages written before it are pending and untried; one that fails is
      // dead-lettered on a log that still verifies, and the PIP's later messages go.
      const pending = await source.pendingOutbox(100);
      expect(await store.pendingOutbox(100, { now: '2026-06-01T00:00:00.000Z' })).toEqual(pending);
      const [first] = pending;
      const relaying = createEngine({
        store,
        policies: [defaultPolicy],
        delivery: { maxAttempts: 1 },
      });
      const round = await relaying.relay((message) => {
        if (message.id === first?.id) throw new Error('webhook down');
      });
      expect(round.deadLettered.map((letter) => letter.id)).toEqual([first?.id]);
      expect(round.delivered).toEqual(pending.slice(1).map((message) => message.id));
      expect((await engine.verify(first?.pipId ?? '', { actor: hr })).ok).toBe(true);
      // The unreadable row: its policy columns stay empty and only it fails to load.
      expect((await store.inspect(CORRUPT))?.columns).toMatchObject({
        policyId: '',
        policyVersion: 0,
      });
      await expect(store.load(CORRUPT)).rejects.toMatchObject({
        reason: StoreErrorReasons.CORRUPT_ROW,
      });
      // A new command commits on the upgraded schema and writes the new columns.
      const before = (await store.load(OTHER))?.version ?? 0;
      await engine.dispatch(
        OTHER,
        { type: 'SUBMIT_FOR_APPROVAL', documents: [document('planDocument', 'plan')] },
        { actor: manager },
      );
      expect((await engine.verify(OTHER, { actor: hr })).ok).toBe(true);
      const after = (await store.load(OTHER))?.version ?? 0;
      expect(after).toBeGreaterThan(before);
      // Migration 10: the events written before it keep their text; the new command's are
      // compressed unless shorter than core's threshold (a schema already at 10 wrote every
      // event compressed).
      const bodies = await db.pool.query(
        `SELECT seq > $2 AS added, count(event)::int AS text, count(event_deflated)::int AS deflated
           FROM "${target}".pipkit_events WHERE tenant_id = 'default' AND pip_id = $1
          GROUP BY 1 ORDER BY 1`,
        [OTHER, before],
      );
      const textBefore = previous < 10 ? before : 0;
      const added = await store.readEvents(OTHER, { afterSeq: before });
      const shortAdded = added.filter(
        (event) => JSON.stringify(event.event).length < EVENT_COMPRESSION_MIN_LENGTH,
      ).length;
      expect(shortAdded).toBeGreaterThan(0);
      expect(shortAdded).toBeLessThan(after - before);
      expect(bodies.rows).toEqual([
        { added: false, text: textBefore, deflated: before - textBefore },
        { added: true, text: shortAdded, deflated: after - before - shortAdded },
      ]);
      expect((await store.inspect(OTHER))?.columns).toMatchObject({
        version: after,
        state: 'pendingApproval',
        policyId: defaultPolicy.id,
      });
      // Migration 11: refused attempts on an upgraded PIP start its refusal chain at 1.
      const stranger = { id: 'mgr-stranger', role: 'manager' } as const;
      await expect(engine.get(OTHER, { actor: stranger })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(
        engine.dispatch(OTHER, { type: 'APPROVE' }, { actor: manager }),
      ).rejects.toThrow();
      expect((await store.readRefusals(OTHER)).map((refusal) => refusal.seq)).toEqual([1, 2]);
      expect(await engine.verify(OTHER, { actor: hr })).toMatchObject({
        ok: true,
        refusals: { ok: true, count: 2 },
      });
      await source.close();
      await store.close();
    });
  }

  it('fills the query columns of overdue PIPs written at version 6, records without a summary included, while two processes migrate', async () => {
    const source = postgresStore({ pool: db.pool, schema: db.newSchema() });
    await overduePips(source, { count: 6, overdue: 3 });
    const target = db.newSchema();
    const connection = await db.pool.connect();
    try {
      await migrate(connection, { schema: target, migrations: MIGRATIONS.slice(0, 6) });
    } finally {
      connection.release();
    }
    await copyRows(db.pool, source.schema, target);
    // Records an earlier release wrote had no summary: take it out of all but pip-5.
    const { rows } = await db.pool.query(`SELECT pip_id, record FROM "${target}".pipkit_pips`);
    for (const row of rows as { pip_id: string; record: string }[]) {
      if (row.pip_id === 'pip-5') continue;
      const { summary: _summary, ...record } = JSON.parse(row.record) as Record<string, unknown>;
      await db.pool.query(`UPDATE "${target}".pipkit_pips SET record = $2 WHERE pip_id = $1`, [
        row.pip_id,
        JSON.stringify(record),
      ]);
    }

    const [first, second] = [0, 1].map(() => postgresStore({ pool: db.pool, schema: target }));
    const applied = await Promise.all([first?.ready(), second?.ready()]);
    expect(applied.flat()).toEqual(MIGRATIONS.slice(6).map((migration) => migration.version));
    const store = first as NonNullable<typeof first>;
    const engine = createEngine({ store, policies: [defaultPolicy] });
    const overdue = await engine.query({ overdue: true, sort: 'nextDeadline' }, { actor: hr });
    expect(overdue.pips.map((pip) => pip.pipId)).toEqual(['pip-0', 'pip-1', 'pip-2']);
    expect(await engine.count({ overdue: false }, { actor: hr })).toBe(3);
    for (let i = 0; i < 6; i++) {
      const pipId = `pip-${i}`;
      const check = await engine.verify(pipId, { actor: hr });
      expect(check.ok, JSON.stringify(check)).toBe(true);
      expect((await store.load(pipId))?.summary).toEqual((await source.load(pipId))?.summary);
      expect((await store.inspect(pipId))?.queryColumns).toEqual(
        (await source.inspect(pipId))?.queryColumns,
      );
    }
    const queue = await db.pool.query('SELECT to_regclass($1) AS queue', [
      `"${target}".pipkit_query_backfill`,
    ]);
    expect(queue.rows).toEqual([{ queue: null }]);
    await Promise.all([source.close(), first?.close(), second?.close()]);
  });
});
