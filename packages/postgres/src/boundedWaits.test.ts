import { isPipkitError, StoreErrorReasons } from '@pipkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRequest, openPip } from './__fixtures__/append.js';
import { testDatabase } from './__fixtures__/database.js';
import { PIP_ID, runLifecycle } from './__fixtures__/lifecycle.js';
import { postgresStore } from './postgresStore.js';
import { toStoreError } from './storeErrors.js';

const db = testDatabase('bounded');
afterAll(() => db.dropAll());

const OTHER = 'pip-other';

/** Resolves with what `promise` rejected with (and fails the test if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A schema holding the lifecycle's PIP and one more, and a connection holding a row lock. */
async function lockedPip(options: { lockTimeoutMs: number; statementTimeoutMs?: number }) {
  const schema = db.newSchema();
  const store = postgresStore({ pool: db.pool, schema, ...options });
  await runLifecycle(store);
  await openPip(store, OTHER);
  const holder = await db.pool.connect();
  await holder.query('BEGIN');
  await holder.query(`SELECT 1 FROM "${schema}".pipkit_pips WHERE pip_id = $1 FOR UPDATE`, [
    PIP_ID,
  ]);
  const release = async () => {
    await holder.query('ROLLBACK');
    holder.release();
  };
  return { schema, store, release };
}

const reasonOf = (error: unknown) => (error as { reason?: unknown }).reason;

describe('postgres bounded waits', () => {
  it('fails a commit on a PIP whose row another transaction locks with a retryable TIMEOUT, while a commit on another PIP succeeds', async () => {
    const { store, release } = await lockedPip({ lockTimeoutMs: 200 });
    try {
      const version = (await store.load(PIP_ID))?.version ?? 0;
      const blocked = await appendRequest(store, version, 'blocked');
      const otherVersion = (await store.load(OTHER))?.version ?? 0;
      const free = await appendRequest(store, otherVersion, 'free', OTHER);

      const [error] = await Promise.all([rejection(store.commit(blocked)), store.commit(free)]);
      expect(isPipkitError(error, 'STORE_ERROR')).toBe(true);
      expect(reasonOf(error)).toBe(StoreErrorReasons.TIMEOUT);
      expect((error as { retryable: boolean }).retryable).toBe(true);
      expect((await store.load(OTHER))?.version).toBe(otherVersion + 1);
      expect((await store.load(PIP_ID))?.version).toBe(version);

      // In a batch the locked PIP's slot times out alone; the retry after the lock goes through.
      const [slot] = await store.commitMany([blocked]);
      expect(reasonOf(slot)).toBe(StoreErrorReasons.TIMEOUT);
      await release();
      await store.commit(blocked);
      expect((await store.load(PIP_ID))?.version).toBe(version + 1);
    } finally {
      await release().catch(() => undefined);
    }
  });

  it('ends a commit that waits longer than statementTimeoutMs with a retryable TIMEOUT', async () => {
    const { store, release } = await lockedPip({ lockTimeoutMs: 0, statementTimeoutMs: 250 });
    try {
      const version = (await store.load(PIP_ID))?.version ?? 0;
      const error = await rejection(store.commit(await appendRequest(store, version, 'slow')));
      expect(reasonOf(error)).toBe(StoreErrorReasons.TIMEOUT);
      expect((error as { retryable: boolean }).retryable).toBe(true);
    } finally {
      await release();
    }
  });

  it("bounds a host client's commit in its savepoint and gives the host back its own settings", async () => {
    const { schema, release } = await lockedPip({ lockTimeoutMs: 200 });
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SET LOCAL lock_timeout = '7s'");
      const store = postgresStore({ client, schema, lockTimeoutMs: 200 });
      const version = (await store.load(PIP_ID))?.version ?? 0;
      const error = await rejection(store.commit(await appendRequest(store, version, 'host')));
      expect(reasonOf(error)).toBe(StoreErrorReasons.TIMEOUT);
      const otherVersion = (await store.load(OTHER))?.version ?? 0;
      await store.commit(await appendRequest(store, otherVersion, 'host-free', OTHER));
      const { rows } = await client.query(
        "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement",
      );
      expect(rows).toEqual([{ lock: '7s', statement: '0' }]);
      await client.query('COMMIT');
      expect((await postgresStore({ pool: db.pool, schema }).load(OTHER))?.version).toBe(
        otherVersion + 1,
      );
    } finally {
      client.release();
      await release();
    }
  });

  it('claims due timers without waiting for rows another sweeper has locked (SKIP LOCKED)', async () => {
    const schema = db.newSchema();
    const store = postgresStore({ pool: db.pool, schema, lockTimeoutMs: 200 });
    await openPip(store, OTHER);
    const version = (await store.load(OTHER))?.version ?? 0;
    const request = await appendRequest(store, version, 'timers', OTHER);
    const set = ['a', 'b', 'c'].map((deadlineId, index) => ({
      timerId: `${OTHER}/${deadlineId}`,
      pipId: OTHER,
      deadlineId,
      kind: 'checkIn' as const,
      dueAt: `2026-04-0${index + 1}T00:00:00.000Z`,
    }));
    await store.commit({ ...request, timers: { set, clear: [] } });
    const timers = await store.dueTimers('2099-01-01T00:00:00.000Z', 100);
    expect(timers.length).toBeGreaterThan(1);
    const [locked] = timers;
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".pipkit_timers WHERE timer_id = $1 FOR UPDATE`, [
        locked?.timerId,
      ]);
      const claimed = await store.claimDueTimers('2099-01-01T00:00:00.000Z', 100, {
        owner: 'sweeper',
        leaseMs: 60_000,
      });
      expect(claimed.map((timer) => timer.timerId)).toEqual(
        timers.slice(1).map((timer) => timer.timerId),
      );
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('maps SQLSTATEs and lost connections to StoreError reasons', () => {
    const cases: [string, string, boolean][] = [
      ['55P03', StoreErrorReasons.TIMEOUT, true],
      ['57014', StoreErrorReasons.TIMEOUT, true],
      ['40001', StoreErrorReasons.BUSY, true],
      ['40P01', StoreErrorReasons.BUSY, true],
      ['53100', StoreErrorReasons.DISK_FULL, true],
      ['53300', StoreErrorReasons.UNAVAILABLE, true],
      ['57P01', StoreErrorReasons.UNAVAILABLE, true],
      ['08006', StoreErrorReasons.UNAVAILABLE, true],
      ['ECONNREFUSED', StoreErrorReasons.UNAVAILABLE, true],
      ['58030', StoreErrorReasons.IO_ERROR, false],
      ['25006', StoreErrorReasons.READ_ONLY, false],
      ['42501', StoreErrorReasons.REFUSED, false],
    ];
    for (const [code, reason, retryable] of cases) {
      const error = toStoreError(Object.assign(new Error(`failed ${code}`), { code }), 'testing');
      expect({
        code,
        reason: reasonOf(error),
        retryable: (error as { retryable?: unknown }).retryable,
      }).toEqual({
        code,
        reason,
        retryable,
      });
    }
  });

  it('refuses timeouts that are not whole non-negative milliseconds', () => {
    const error = (() => {
      try {
        postgresStore({ pool: db.pool, lockTimeoutMs: -1, statementTimeoutMs: 1.5 });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isPipkitError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as { issues: { path: string[] }[] }).issues.map((issue) => issue.path)).toEqual([
      ['lockTimeoutMs'],
      ['statementTimeoutMs'],
    ]);
  });

  it('reports an unreadable stored row as CORRUPT_ROW naming only its PIP; other PIPs still load', async () => {
    const schema = db.newSchema();
    const store = postgresStore({ pool: db.pool, schema });
    await runLifecycle(store);
    await openPip(store, OTHER);
    const secret = '{"employeeId": "ada.lovelace", broken';
    await db.pool.query(`UPDATE "${schema}".pipkit_pips SET record = $1 WHERE pip_id = $2`, [
      secret,
      PIP_ID,
    ]);
    const error = await rejection(store.load(PIP_ID));
    expect(reasonOf(error)).toBe(StoreErrorReasons.CORRUPT_ROW);
    expect((error as Error).message).toContain(PIP_ID);
    expect((error as Error).message).not.toContain('ada.lovelace');
    expect((error as { cause?: unknown }).cause).toBeUndefined();
    expect((await store.load(OTHER))?.pipId).toBe(OTHER);
    const listed = await rejection(store.list());
    expect(reasonOf(listed)).toBe(StoreErrorReasons.CORRUPT_ROW);
    expect((listed as Error).message).toContain(PIP_ID);
  });

  it('lists an unreadable record as its own entry through listEntries, with its columns', async () => {
    const schema = db.newSchema();
    const store = postgresStore({ pool: db.pool, schema });
    await runLifecycle(store);
    await openPip(store, OTHER);
    await db.pool.query(`UPDATE "${schema}".pipkit_pips SET record = $1 WHERE pip_id = $2`, [
      '{"employeeId": "ada.lovelace", broken',
      PIP_ID,
    ]);
    const entries = await store.listEntries({});
    expect(entries.map((entry) => entry.pipId).sort()).toEqual([OTHER, PIP_ID].sort());
    const unreadable = entries.find((entry) => entry.pipId === PIP_ID);
    expect(unreadable).toMatchObject({
      unreadable: true,
      error: { reason: StoreErrorReasons.CORRUPT_ROW },
    });
    const columns = (unreadable as { columns?: { employeeId?: unknown; version?: unknown } })
      .columns;
    expect(typeof columns?.employeeId).toBe('string');
    expect(columns?.version).toBeGreaterThan(0);
    expect(entries.find((entry) => entry.pipId === OTHER)).toMatchObject({ pipId: OTHER });
    expect(JSON.stringify(entries)).not.toContain('broken');
  });

  it('hands back an unreadable outbox payload marked, so the relay holds only its PIP', async () => {
    const schema = db.newSchema();
    const store = postgresStore({ pool: db.pool, schema });
    await runLifecycle(store);
    await db.pool.query(`UPDATE "${schema}".pipkit_outbox SET delivered_at = NULL`);
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT id FROM "${schema}".pipkit_outbox WHERE pip_id = $1 ORDER BY position LIMIT 1`,
      [PIP_ID],
    );
    const corrupt = rows[0]?.id ?? '';
    await db.pool.query(`UPDATE "${schema}".pipkit_outbox SET payload = $1 WHERE id = $2`, [
      '{"employeeId": "ada.lovelace", broken',
      corrupt,
    ]);
    for (const listed of [
      await store.pendingOutbox(100),
      await store.claimOutbox(100, { owner: 'relay-1', leaseMs: 60_000 }),
    ]) {
      const marked = listed.find((message) => message.id === corrupt);
      expect(marked).toMatchObject({ payload: {}, unreadable: StoreErrorReasons.CORRUPT_ROW });
      expect(listed.filter((message) => message.unreadable !== undefined)).toHaveLength(1);
      expect(JSON.stringify(listed)).not.toContain('broken');
    }
  });
});
