import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { memoryStore, type PipStore } from '@pipkit/core';
import { type SqliteDatabase, sqliteStore } from '@pipkit/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  document,
  openBody,
  people,
  type Response,
  startService,
  type TestService,
} from './__fixtures__/service.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  path: string,
) => SqliteDatabase;

const expectProblem = (response: Response, status: number, code: string) => {
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.json).toMatchObject({ status, code });
};

describe('a hardened service', () => {
  const store = memoryStore();
  let service: TestService;
  beforeAll(async () => {
    service = await startService(store);
  });
  afterAll(() => service.close());

  it('sends security headers on every answer, problems included', async () => {
    for (const response of [
      await service.request('GET', '/healthz', { as: null }),
      await service.request('GET', '/pips/nothing-here'),
      await service.request('GET', '/pips', { as: null }),
    ]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('routes every id POST /pips accepts, and refuses longer ones with a typed problem', async () => {
    const longest = `p${'x'.repeat(127)}`;
    expect((await service.request('POST', '/pips', { body: openBody(longest) })).status).toBe(201);
    const read = await service.request('GET', `/pips/${longest}`);
    expect(read.status).toBe(200);
    expect(read.json.pipId).toBe(longest);
    const command = await service.request('POST', `/pips/${longest}/commands`, {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'a')] },
      headers: { 'if-match': '"1"' },
    });
    expect(command.status).not.toBe(414);

    const count = (await store.list({ limit: 1000 })).length;
    const tooLong = `${longest}y`;
    expectProblem(
      await service.request('POST', '/pips', { body: openBody(tooLong) }),
      400,
      'INVALID_INPUT',
    );
    const get = await service.request('GET', `/pips/${tooLong}`);
    expectProblem(get, 400, 'INVALID_INPUT');
    expect(get.json.issues).toContainEqual(expect.objectContaining({ path: ['params', 'id'] }));
    expectProblem(await service.request('GET', '/pips/bad%20id'), 400, 'INVALID_INPUT');
    expectProblem(await service.request('GET', `/pips/${'z'.repeat(1000)}`), 414, 'URI_TOO_LONG');
    expect((await store.list({ limit: 1000 })).length).toBe(count);
  });

  it('answers a wrong method on a known route with 405 and Allow', async () => {
    const deleted = await service.request('DELETE', '/pips/pip-any');
    expectProblem(deleted, 405, 'METHOD_NOT_ALLOWED');
    expect(deleted.headers.get('allow')).toBe('GET, HEAD');
    const put = await service.request('PUT', '/pips');
    expectProblem(put, 405, 'METHOD_NOT_ALLOWED');
    expect(put.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    expectProblem(
      await service.request('GET', '/pips/pip-any/commands'),
      405,
      'METHOD_NOT_ALLOWED',
    );
    expectProblem(await service.request('GET', '/nowhere'), 404, 'ROUTE_NOT_FOUND');
  });

  it('answers 304 to If-None-Match with the current ETag, and 200 once the PIP moves on', async () => {
    expect((await service.request('POST', '/pips', { body: openBody('pip-etag') })).status).toBe(
      201,
    );
    for (const path of [
      '/pips/pip-etag',
      '/pips/pip-etag/timeline',
      '/pips/pip-etag/timeline/rows',
    ]) {
      const first = await service.request('GET', path);
      expect(first.headers.get('etag')).toBe('"1"');
      const cached = await service.request('GET', path, { headers: { 'if-none-match': '"1"' } });
      expect(cached.status, path).toBe(304);
      expect(cached.body).toBe('');
      expect(cached.headers.get('etag')).toBe('"1"');
      const list = await service.request('GET', path, {
        headers: { 'if-none-match': '"7", W/"1"' },
      });
      expect(list.status).toBe(304);
    }
    const moved = await service.request('POST', '/pips/pip-etag/commands', {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'a')] },
      headers: { 'if-match': '"1"' },
    });
    expect(moved.status).toBe(200);
    const fresh = await service.request('GET', '/pips/pip-etag', {
      headers: { 'if-none-match': '"1"' },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"2"');
    // Authorization still runs first: a stranger holding the ETag learns nothing.
    const stranger = await service.request('GET', '/pips/pip-etag', {
      as: { id: 'mgr-other', role: 'manager' },
      headers: { 'if-none-match': '"2"' },
    });
    expectProblem(stranger, 403, 'FORBIDDEN');
    expectProblem(
      await service.request('GET', '/pips/pip-etag', {
        headers: { 'if-none-match': 'x'.repeat(2000) },
      }),
      400,
      'INVALID_INPUT',
    );
  });

  it('keeps a short X-Request-Id and replaces a long or odd one in every log line', async () => {
    await service.request('GET', '/pips/pip-etag', { headers: { 'x-request-id': 'trace-42.a' } });
    const odd = `evil ${'A'.repeat(300)}\t{"level":60}`;
    const response = await fetch(`${service.url}/healthz`, {
      headers: { 'x-request-id': odd.replace('\t', ' ') },
    });
    expect(response.status).toBe(200);
    const text = service.logs.text();
    expect(text).toContain('"reqId":"trace-42.a"');
    expect(text).not.toContain('AAAAAAAAAA');
  });
});

describe('the rate limit', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService(memoryStore(), { rateLimit: { max: 3, timeWindowMs: 60_000 } });
  });
  afterAll(() => service.close());

  it('limits each principal on its own, with 429, Retry-After and a problem document', async () => {
    for (let index = 0; index < 3; index += 1) {
      expect((await service.request('GET', '/pips', { as: people.hr })).status).toBe(200);
    }
    const limited = await service.request('GET', '/pips', { as: people.hr });
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another person is not held back by the first one's requests.
    expect((await service.request('GET', '/pips', { as: people.manager })).status).toBe(200);
    for (let index = 0; index < 5; index += 1) {
      expect((await service.request('GET', '/healthz', { as: null })).status).toBe(200);
    }
  });

  it('limits requests that fail to authenticate by IP address', async () => {
    const bad = { as: null, headers: { authorization: 'Bearer not-a-jwt' } };
    for (let index = 0; index < 3; index += 1) {
      expectProblem(await service.request('GET', '/pips', bad), 401, 'UNAUTHENTICATED');
    }
    expectProblem(await service.request('GET', '/pips', bad), 429, 'RATE_LIMITED');
  });
});

describe('timeouts', () => {
  it('closes a connection whose body never finishes within the request timeout', async () => {
    const service = await startService(memoryStore(), {
      timeouts: { requestMs: 200, idleMs: 5_000, keepAliveMs: 1_000 },
    });
    try {
      const { port } = new URL(service.url);
      const token = await service.identity.token(people.manager);
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(
        'POST /pips HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `Authorization: Bearer ${token}\r\nContent-Length: 1000\r\n\r\n{"a":`,
      );
      await closed;
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await service.close();
    }
  });
});

describe('docs access', () => {
  it.each([
    ['public', 200, 200],
    ['authenticated', 401, 401],
    ['off', 401, 401],
  ] as const)(
    'with docs %s, /openapi.json and /docs answer %i and %i without a token',
    async (docs, spec, ui) => {
      const service = await startService(memoryStore(), { docs });
      try {
        expect((await service.request('GET', '/openapi.json', { as: null })).status).toBe(spec);
        expect((await service.request('GET', '/docs/', { as: null })).status).toBe(ui);
        const withToken = await service.request('GET', '/openapi.json');
        expect(withToken.status).toBe(docs === 'off' ? 404 : 200);
      } finally {
        await service.close();
      }
    },
  );
});

describe('a stored row that cannot be read', () => {
  const path = join(tmpdir(), `pipkit-corrupt-${randomBytes(6).toString('hex')}.db`);
  afterAll(() => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  });

  it('is a 500 STORE_ERROR with the reason STORE_CORRUPT_ROW, not a complaint about the body', async () => {
    const store: PipStore & { close(): Promise<void> } = sqliteStore({ path });
    const service = await startService(store);
    const raw = new Database(path);
    try {
      expect((await service.request('POST', '/pips', { body: openBody('pip-rot') })).status).toBe(
        201,
      );
      raw
        .prepare(
          'UPDATE pipkit_pips SET record = \'{"employeeId": "emp-42", broken\' WHERE pip_id = ?',
        )
        .run('pip-rot');
      const read = await service.request('GET', '/pips/pip-rot');
      expectProblem(read, 500, 'STORE_ERROR');
      expect(read.json.issues).toEqual([expect.objectContaining({ code: 'STORE_CORRUPT_ROW' })]);
      expect(JSON.stringify(read.json)).not.toContain('emp-42');
      expect(JSON.stringify(read.json)).not.toMatch(/body|JSON/);
    } finally {
      raw.close();
      await service.close();
      await store.close();
    }
  });
});
