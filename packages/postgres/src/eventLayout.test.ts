import { createEngine, defaultPolicy, StoreErrorReasons } from '@pipkit/core';
import {
  compressEventJson,
  decompressEventJson,
  EVENT_COMPRESSION_MIN_LENGTH,
} from '@pipkit/core/adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { openPip } from './__fixtures__/append.js';
import { testDatabase } from './__fixtures__/database.js';
import { hr, PIP_ID, runLifecycle } from './__fixtures__/lifecycle.js';
import { postgresStore } from './postgresStore.js';

const db = testDatabase('events');
afterAll(() => db.dropAll());

const OTHERS = ['pip-a', 'pip-b', 'pip-c'];

describe('the event log at migration 10', () => {
  it('stores each new event of 200 characters or more as compressed bytes and a shorter one as its text, in less than 0.6 of the JSON', async () => {
    const store = postgresStore({ pool: db.pool, schema: db.newSchema() });
    await runLifecycle(store);
    for (const pipId of OTHERS) await openPip(store, pipId);
    const events = (
      await Promise.all([PIP_ID, ...OTHERS].map((pipId) => store.readEvents(pipId)))
    ).flat();
    const json = events.reduce((sum, event) => sum + JSON.stringify(event.event).length, 0);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS events, count(event)::int AS text,
              sum(coalesce(octet_length(event_deflated), octet_length(event)))::int AS stored
         FROM "${store.schema}".pipkit_events`,
    );
    const [row] = rows as { events: number; text: number; stored: number }[];
    const short = events.filter(
      (event) => JSON.stringify(event.event).length < EVENT_COMPRESSION_MIN_LENGTH,
    );
    // Both kinds occur, so the rule is tested on each side of the line.
    expect(short.length).toBeGreaterThan(0);
    expect(short.length).toBeLessThan(events.length);
    expect(row).toMatchObject({ events: events.length, text: short.length });
    const kinds = await db.pool.query(
      `SELECT event IS NOT NULL AS text FROM "${store.schema}".pipkit_events
        ORDER BY pip_id, seq`,
    );
    expect(kinds.rows.map((kind) => (kind as { text: boolean }).text)).toEqual(
      [...events]
        .sort((a, b) => (a.pipId < b.pipId ? -1 : a.pipId > b.pipId ? 1 : a.seq - b.seq))
        .map((event) => JSON.stringify(event.event).length < EVENT_COMPRESSION_MIN_LENGTH),
    );
    expect(row?.stored).toBeLessThan(json * 0.6);
    const engine = createEngine({ store, policies: [defaultPolicy] });
    for (const pipId of [PIP_ID, ...OTHERS]) {
      expect(await engine.verify(pipId, { actor: hr })).toMatchObject({ ok: true });
    }
    await store.close();
  });

  it('keeps exactly one body per event: neither both nor none', async () => {
    const store = postgresStore({ pool: db.pool, schema: db.newSchema() });
    await openPip(store, 'pip-a');
    const table = `"${store.schema}".pipkit_events`;
    for (const change of [
      `UPDATE ${table} SET event = '{}'`,
      `UPDATE ${table} SET event_deflated = NULL`,
    ]) {
      await expect(db.pool.query(change)).rejects.toMatchObject({
        constraint: 'pipkit_events_one_body',
      });
    }
    await store.close();
  });

  it('finds an edited compressed event as HASH_MISMATCH, and damaged bytes as that PIP alone unreadable', async () => {
    const store = postgresStore({ pool: db.pool, schema: db.newSchema() });
    for (const pipId of OTHERS) await openPip(store, pipId);
    const table = `"${store.schema}".pipkit_events`;
    const first = async (pipId: string) =>
      (
        await db.pool.query(`SELECT event_deflated FROM ${table} WHERE pip_id = $1 AND seq = 1`, [
          pipId,
        ])
      ).rows[0] as { event_deflated: Buffer };
    const write = (pipId: string, bytes: Buffer) =>
      db.pool.query(`UPDATE ${table} SET event_deflated = $2 WHERE pip_id = $1 AND seq = 1`, [
        pipId,
        bytes,
      ]);
    const created = JSON.parse(
      decompressEventJson((await first('pip-a')).event_deflated) ?? '',
    ) as { goals: { description: string }[] };
    const easier = { ...created, goals: [{ ...created.goals[0], description: 'An easier goal' }] };
    await write('pip-a', compressEventJson(JSON.stringify(easier)));
    const damaged = Buffer.from((await first('pip-b')).event_deflated);
    damaged.fill(0xff, 2, 6);
    await write('pip-b', damaged);

    const engine = createEngine({ store, policies: [defaultPolicy] });
    const check = await engine.verify('pip-a', { actor: hr });
    expect(check).toMatchObject({ ok: false });
    expect(JSON.stringify(check)).toContain('HASH_MISMATCH');
    expect(await engine.verify('pip-c', { actor: hr })).toMatchObject({ ok: true });
    await expect(store.readEvents('pip-b')).rejects.toMatchObject({
      reason: StoreErrorReasons.CORRUPT_ROW,
    });
    await store.close();
  });
});
