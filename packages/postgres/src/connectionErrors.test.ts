import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicy,
  ErrorCodes,
  StoreError,
} from '@pipkit/core';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, testDatabase } from './__fixtures__/database.js';
import { contents, hr, PIP_ID, runLifecycle, sha } from './__fixtures__/lifecycle.js';
import { postgresStore } from './postgresStore.js';

const db = testDatabase('errors');
afterAll(() => db.dropAll());

const withUrl = (change: (url: URL) => void) => {
  const url = new URL(PG_URL);
  change(url);
  return url.toString();
};

/** Resolves with what `promise` rejected with (and fails the test if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Polls until the server shows a backend waiting on a lock while running `pipkit_commit`. */
async function blockedCommitPid(schema: string): Promise<number> {
  for (let attempt = 0; attempt < 5000; attempt += 1) {
    const { rows } = await db.pool.query(
      `SELECT pid FROM pg_stat_activity
        WHERE query LIKE $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      [`%"${schema}".pipkit_commit%`],
    );
    const pid = (rows[0] as { pid: number } | undefined)?.pid;
    if (pid !== undefined) return pid;
  }
  throw new Error('the commit never blocked');
}

describe('@pipkit/postgres when the database is unreachable or the connection is lost', () => {
  it('reports an unreachable server as a retryable StoreError', async () => {
    const store = postgresStore({
      connectionString: withUrl((url) => (url.port = '1')),
      schema: db.newSchema(),
    });
    const error = await rejection(store.load('p1'));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(ErrorCodes.STORE_ERROR);
    expect((error as StoreError).retryable).toBe(true);
    expect((error as StoreError).message).toMatch(/could not be reached/);
    // Still unreachable, still typed: a failed migration is retried by the next call.
    expect(await rejection(store.ready())).toBeInstanceOf(StoreError);
    await store.close();
  });

  it('reports a missing database as a StoreError that is not retryable and names the fix', async () => {
    const store = postgresStore({
      connectionString: withUrl((url) => (url.pathname = '/pipkit_no_such_database')),
      schema: db.newSchema(),
    });
    const error = await rejection(store.load('p1'));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(false);
    expect((error as StoreError).message).toMatch(/does not exist.*check the connection string/);
    await store.close();
  });

  it("loses nothing but the host's own transaction when its connection dies mid-transaction", async () => {
    const schema = db.newSchema();
    const outside = postgresStore({ pool: db.pool, schema });
    await outside.ready();
    const client = new pg.Client({ connectionString: PG_URL });
    // The server ends the connection: pg reports it on the client; the test expects that.
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    const store = postgresStore({ client, schema });
    const engine = createEngine({ store, policies: [defaultPolicy], ids: () => PIP_ID });
    const manager: Actor = { id: 'grace.hopper', role: 'manager' };
    await engine.open(
      {
        employee: { id: 'ada.lovelace', timeZone: 'America/Chicago' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g', description: 'Review promptly', measure: '90% within a day' }],
      },
      { actor: manager },
    );
    const pid = ((await client.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number })
      .pid;
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const error = await rejection(
      engine.dispatch(
        PIP_ID,
        { type: 'ATTACH_DOCUMENT', documents: [{ kind: 'note', ref: 'r', sha256: sha('r') }] },
        { actor: hr },
      ),
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(true);
    // The host never committed: the PIP opened inside its transaction is gone with it.
    expect(await outside.load(PIP_ID)).toBeUndefined();
    await client.end().catch(() => undefined);
  });

  /** A store whose PIP row another session holds, so its next commit waits inside the server. */
  async function blockedCommit(connectionString: string) {
    const schema = db.newSchema();
    const store = postgresStore({ connectionString, schema });
    const { engine } = await runLifecycle(store);
    const before = await contents(store);
    const holder = await db.pool.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "${schema}".pipkit_pips WHERE pip_id = $1 FOR UPDATE`, [
      PIP_ID,
    ]);
    const command: Command = {
      type: 'ATTACH_DOCUMENT',
      documents: [{ kind: 'note', ref: 'late', sha256: sha('late') }],
    };
    const send = () => engine.dispatch(PIP_ID, command, { actor: hr, idempotencyKey: 'late' });
    const pending = rejection(send());
    const pid = await blockedCommitPid(schema);
    const release = async () => {
      await holder.query('ROLLBACK');
      holder.release();
    };
    return { store, engine, before, pending, pid, release, send };
  }

  it('reports a commit the server ends as retryable with nothing written, and the retry applies it once', async () => {
    const { store, before, pending, pid, release, send } = await blockedCommit(PG_URL);
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const error = await pending;
    await release();
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(true);
    expect((error as StoreError).message).toMatch(/Nothing was written; retry/);
    expect(await contents(store)).toEqual(before);
    expect((await send()).replayed).toBe(false);
    expect((await send()).replayed).toBe(true);
    expect((await store.load(PIP_ID))?.version).toBe(before.events.length + 1);
    await store.close();
  });

  it('reports a commit whose network connection drops as retryable with an unknown outcome; the retry with the same key never applies it twice', async () => {
    // A TCP proxy between the store and the server, so the test can cut the wire mid-commit.
    const target = new URL(PG_URL);
    const sockets = new Set<Socket>();
    const proxy = createServer((inbound) => {
      const outbound = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [inbound, outbound]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    const viaProxy = withUrl((url) => {
      url.hostname = '127.0.0.1';
      url.port = String(port);
    });
    const { store, before, pending, pid, release } = await blockedCommit(viaProxy);
    for (const socket of sockets) socket.destroy();
    const error = await pending;
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(true);
    expect((error as StoreError).message).toMatch(/may or may not have been committed/);
    // The server never heard the client go: once the row is free, it commits the command.
    await release();
    for (let attempt = 0; attempt < 5000; attempt += 1) {
      const { rows } = await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      if (rows.length === 0) break;
    }
    const reader = postgresStore({ pool: db.pool, schema: store.schema });
    expect((await reader.load(PIP_ID))?.version).toBe(before.events.length + 1);
    // The host retries with the same key: the first outcome comes back, nothing is applied twice.
    const retry = createEngine({ store: reader, policies: [defaultPolicy] });
    const replay = await retry.dispatch(
      PIP_ID,
      {
        type: 'ATTACH_DOCUMENT',
        documents: [{ kind: 'note', ref: 'late', sha256: sha('late') }],
      },
      { actor: hr, idempotencyKey: 'late' },
    );
    expect(replay.replayed).toBe(true);
    expect((await reader.load(PIP_ID))?.version).toBe(before.events.length + 1);
    await store.close().catch(() => undefined);
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
});
