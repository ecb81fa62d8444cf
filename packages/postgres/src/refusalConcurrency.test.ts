import { type Actor, createEngine, defaultPolicy, verifyRefusalChain } from '@pipkit/core';
import { createTestClock, referenceDocument } from '@pipkit/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, testDatabase } from './__fixtures__/database.js';
import { postgresStore } from './postgresStore.js';

const db = testDatabase('refusals');
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db.dropAll();
});

const manager: Actor = { id: 'mgr-1', role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };

describe('the refusal log on Postgres, written by several engines at once', () => {
  it('never forks a chain or repeats a seq, while another PIP takes commands', async () => {
    const schema = db.newSchema();
    // Each engine on a pool of its own: separate processes would look like this to the server.
    const engines = Array.from({ length: 4 }, () => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
      pools.push(pool);
      return createEngine({
        store: postgresStore({ pool, schema }),
        policies: [defaultPolicy],
        clock: createTestClock('2026-03-02T15:00:00Z'),
      });
    });
    const [first] = engines as [ReturnType<typeof createEngine>];
    for (const pipId of ['pip-spammed', 'pip-quiet']) {
      await first.open(
        {
          pipId,
          employee: { id: `emp-${pipId}`, timeZone: 'Europe/London' },
          managerId: manager.id,
          policy: { id: defaultPolicy.id },
          goals: [{ id: 'g1', description: 'Close tickets', measure: '90% within SLA' }],
        },
        { actor: manager },
      );
    }
    const perEngine = 6;
    const refused = engines.flatMap((engine, index) =>
      Array.from({ length: perEngine }, (_, attempt) =>
        engine
          .get('pip-spammed', { actor: { id: `stranger-${index}-${attempt}`, role: 'manager' } })
          .then(
            () => 'read',
            (error: { code: string }) => error.code,
          ),
      ),
    );
    const attached = first.dispatch(
      'pip-quiet',
      { type: 'SUBMIT_FOR_APPROVAL', documents: [referenceDocument('planDocument', 'plan')] },
      { actor: manager },
    );
    expect(new Set(await Promise.all(refused))).toEqual(new Set(['FORBIDDEN']));
    expect((await attached).pip.state).toBe('pendingApproval');

    const store = postgresStore({ pool: db.pool, schema });
    const records = await store.readRefusals('pip-spammed', { limit: 1000 });
    const total = engines.length * perEngine;
    expect(records.map((record) => record.seq)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );
    expect(new Set(records.map((record) => record.actor.id)).size).toBe(total);
    expect(verifyRefusalChain(records, { pipId: 'pip-spammed' })).toMatchObject({ ok: true });
    const rows = await db.pool.query(
      `SELECT count(*)::int AS rows, count(DISTINCT seq)::int AS seqs
         FROM "${schema}".pipkit_refusals WHERE pip_id = 'pip-spammed'`,
    );
    expect(rows.rows).toEqual([{ rows: total, seqs: total }]);
    expect(await first.verify('pip-spammed', { actor: hr })).toMatchObject({
      ok: true,
      refusals: { ok: true, count: total },
    });
    await store.close();
  }, 60_000);
});
