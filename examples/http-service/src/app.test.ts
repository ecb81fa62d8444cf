import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  COMMAND_TYPES,
  memoryStore,
  type PipStore,
  StoreError,
  type StoredEvent,
  VersionConflictError,
} from '@pipkit/core';
import { postgresStore } from '@pipkit/postgres';
import { type SqliteDatabase, sqliteStore } from '@pipkit/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  document,
  openBody,
  people,
  PG_URL,
  startService,
  T0,
  type TestService,
  testDatabase,
} from './__fixtures__/service.js';

// A second SQLite connection, typed by the slice @pipkit/sqlite declares (no @types/better-sqlite3).
const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  path: string,
) => SqliteDatabase;

const db = testDatabase('app');
const files: string[] = [];
const tempFile = () => {
  const path = join(tmpdir(), `pipkit-http-${randomBytes(6).toString('hex')}.db`);
  files.push(path);
  return path;
};
afterAll(async () => {
  await db.dropAll();
  for (const path of files) rmSync(path, { force: true });
  for (const path of files) rmSync(`${path}-wal`, { force: true });
  for (const path of files) rmSync(`${path}-shm`, { force: true });
});

const PROBLEM = 'application/problem+json';
const plan = document('planDocument', 'the plan');
const BODY_LIMIT = 4096;

const backends = [
  {
    name: 'sqlite',
    open: (): PipStore & { close(): Promise<void> } => sqliteStore({ path: tempFile() }),
  },
  {
    name: 'postgres',
    open: (): PipStore & { close(): Promise<void> } =>
      postgresStore({ connectionString: PG_URL, schema: db.newSchema() }),
  },
];

describe.each(backends)('the HTTP service on $name', ({ name, open }) => {
  let store: PipStore & { close(): Promise<void> };
  let service: TestService;

  beforeAll(async () => {
    store = open();
    service = await startService(store, { storeName: name, bodyLimit: BODY_LIMIT });
  });
  afterAll(async () => {
    await service.close();
    await store.close();
  });

  /** What the store holds for a PIP: its version and number of events (or nothing). */
  const stored = async (pipId: string) => {
    const record = await store.load(pipId);
    return { version: record?.version, events: (await store.readEvents(pipId)).length };
  };
  const pipCount = async () => (await store.list({ limit: 1000 })).length;

  const openPip = async (pipId: string) => {
    const response = await service.request('POST', '/pips', { body: openBody(pipId) });
    expect(response.status).toBe(201);
    return response;
  };

  const expectProblem = (
    response: { status: number; headers: Headers; json: Record<string, unknown> },
    status: number,
    code: string,
  ) => {
    expect(response.status, JSON.stringify(response.json)).toBe(status);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(response.json).toMatchObject({ status, code });
    expect(String(response.json.type)).toMatch(/^tag:pipkit\.dev,2026:problem:/);
    expect((response.json.issues as unknown[]).length).toBeGreaterThan(0);
  };

  it('answers /healthz with the store it runs on', async () => {
    const response = await service.request('GET', '/healthz', { as: null });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok', store: name });
  });

  it('opens a PIP with 201, a Location and an ETag, and reads it back with the same ETag', async () => {
    const created = await openPip('pip-open');
    expect(created.headers.get('location')).toBe('/pips/pip-open');
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.json).toMatchObject({ pip: { pipId: 'pip-open', state: 'draft', version: 1 } });

    const read = await service.request('GET', '/pips/pip-open');
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.json).toMatchObject({ pipId: 'pip-open', employeeId: people.employee.id });
  });

  it('accepts commands pinned with If-Match and returns each new version as the ETag', async () => {
    await openPip('pip-flow');
    const submitted = await service.request('POST', '/pips/pip-flow/commands', {
      body: { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      headers: { 'if-match': '"1"' },
    });
    expect(submitted.status).toBe(200);
    const version = (submitted.json.pip as { version: number }).version;
    expect(version).toBeGreaterThan(1);
    expect(submitted.headers.get('etag')).toBe(`"${version}"`);

    const approved = await service.request('POST', '/pips/pip-flow/commands', {
      as: people.hr,
      body: { type: 'APPROVE' },
      headers: { 'if-match': `"${version}"` },
    });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ pip: { state: 'opened' }, replayed: false });
    expect(approved.headers.get('etag')).toBe(
      `"${(approved.json.pip as { version: number }).version}"`,
    );
    expect(await stored('pip-flow')).toEqual({
      version: (approved.json.pip as { version: number }).version,
      events: (approved.json.pip as { version: number }).version,
    });
  });

  it('refuses malformed JSON with 400 problem+json and writes nothing', async () => {
    await openPip('pip-malformed');
    const before = await stored('pip-malformed');
    const count = await pipCount();

    const opening = await service.request('POST', '/pips', { raw: '{"employee": {"id": ' });
    expectProblem(opening, 400, 'MALFORMED_JSON');
    const command = await service.request('POST', '/pips/pip-malformed/commands', {
      raw: "{type: 'ATTACH_DOCUMENT'}",
      headers: { 'if-match': '"1"' },
    });
    expectProblem(command, 400, 'MALFORMED_JSON');
    const empty = await service.request('POST', '/pips/pip-malformed/commands', {
      raw: '',
      headers: { 'if-match': '"1"' },
    });
    expectProblem(empty, 400, 'MALFORMED_JSON');

    expect(await pipCount()).toBe(count);
    expect(await stored('pip-malformed')).toEqual(before);
  });

  it('refuses a body that fails its schema with 400 and the path of every problem', async () => {
    await openPip('pip-invalid');
    const count = await pipCount();
    const opening = await service.request('POST', '/pips', {
      body: {
        ...openBody('pip-never'),
        employee: { id: 'emp-1', timeZone: 'Mars/Olympus_Mons' },
        goals: [{ id: 'g' }],
      },
    });
    expectProblem(opening, 400, 'INVALID_INPUT');
    const paths = (opening.json.issues as { path: unknown[] }[]).map((issue) => issue.path);
    expect(paths).toContainEqual(['body', 'employee', 'timeZone']);
    expect(paths).toContainEqual(['body', 'goals', 0, 'description']);

    const command = await service.request('POST', '/pips/pip-invalid/commands', {
      body: { type: 'EXTEND', amount: -3, reason: 'x' },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(command, 400, 'INVALID_INPUT');
    const unknownType = await service.request('POST', '/pips/pip-invalid/commands', {
      body: { type: 'FIRE_EVERYONE' },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(unknownType, 400, 'INVALID_INPUT');
    const badList = await service.request('GET', '/pips?state=sacked&limit=0');
    expectProblem(badList, 400, 'INVALID_INPUT');

    expect(await pipCount()).toBe(count);
    expect(await stored('pip-invalid')).toEqual({ version: 1, events: 1 });
    expect(await stored('pip-never')).toEqual({ version: undefined, events: 0 });
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await service.request('POST', '/pips', {
      raw: 'employee=emp-1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses an oversize body with 413 and writes nothing', async () => {
    await openPip('pip-oversize');
    const count = await pipCount();
    const huge = 'x'.repeat(BODY_LIMIT);
    const opening = await service.request('POST', '/pips', {
      body: { ...openBody('pip-huge'), goals: [{ id: 'g', description: huge }] },
    });
    expectProblem(opening, 413, 'BODY_TOO_LARGE');
    const command = await service.request('POST', '/pips/pip-oversize/commands', {
      body: { type: 'UPDATE_PLAN', goals: [{ id: 'g', description: huge }] },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(command, 413, 'BODY_TOO_LARGE');
    expect(await pipCount()).toBe(count);
    expect(await stored('pip-oversize')).toEqual({ version: 1, events: 1 });
  });

  it('answers 404 problem+json for an unknown PIP on every route', async () => {
    const pinned = { 'if-match': '"1"' };
    const responses = await Promise.all([
      service.request('GET', '/pips/no-such-pip'),
      service.request('GET', '/pips/no-such-pip/timeline'),
      service.request('GET', '/pips/no-such-pip/verify'),
      service.request('POST', '/pips/no-such-pip/commands', {
        body: { type: 'ISSUE' },
        headers: pinned,
      }),
      service.request('POST', '/pips/no-such-pip/explain', { body: { type: 'ISSUE' } }),
    ]);
    for (const response of responses) expectProblem(response, 404, 'PIP_NOT_FOUND');
    expect(await stored('no-such-pip')).toEqual({ version: undefined, events: 0 });
    expectProblem(await service.request('GET', '/nowhere'), 404, 'ROUTE_NOT_FOUND');
  });

  it('refuses a stale If-Match with 412 and writes nothing', async () => {
    await openPip('pip-stale');
    const attached = await service.request('POST', '/pips/pip-stale/commands', {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'first')] },
      headers: { 'if-match': '"1"' },
    });
    expect(attached.status).toBe(200);
    const before = await stored('pip-stale');

    const stale = await service.request('POST', '/pips/pip-stale/commands', {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'second')] },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(stale, 412, 'PRECONDITION_FAILED');
    expect(stale.json.retryable).toBe(true);
    expect(await stored('pip-stale')).toEqual(before);
  });

  it('requires If-Match on commands (428), and If-Match: * acts on the current version', async () => {
    await openPip('pip-ifmatch');
    const missing = await service.request('POST', '/pips/pip-ifmatch/commands', {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'a')] },
    });
    expectProblem(missing, 428, 'PRECONDITION_REQUIRED');
    const malformed = await service.request('POST', '/pips/pip-ifmatch/commands', {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'a')] },
      headers: { 'if-match': 'W/"1"' },
    });
    expectProblem(malformed, 400, 'INVALID_INPUT');
    expect(await stored('pip-ifmatch')).toEqual({ version: 1, events: 1 });

    const any = await service.request('POST', '/pips/pip-ifmatch/commands', {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'a')] },
      headers: { 'if-match': '*' },
    });
    expect(any.status).toBe(200);
    expect(any.headers.get('etag')).toBe('"2"');
  });

  it('of concurrent commands pinned to one version, exactly one wins and the rest get 412', async () => {
    await openPip('pip-race');
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        service.request('POST', '/pips/pip-race/commands', {
          body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', `racer ${index}`)] },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    expect(await stored('pip-race')).toEqual({ version: 2, events: 2 });
  });

  it('replays an idempotent open and command: the first result, written once', async () => {
    const key = { 'idempotency-key': `open-${name}` };
    const first = await service.request('POST', '/pips', { body: openBody(), headers: key });
    expect(first.status).toBe(201);
    const count = await pipCount();
    const again = await service.request('POST', '/pips', { body: openBody(), headers: key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.pip).toEqual(first.json.pip);
    expect(await pipCount()).toBe(count);

    const pipId = (first.json.pip as { pipId: string }).pipId;
    const command = {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'once')] },
      headers: { 'if-match': '"1"', 'idempotency-key': `attach-${name}` },
    };
    const sent = await service.request('POST', `/pips/${pipId}/commands`, command);
    expect(sent.status).toBe(200);
    const resent = await service.request('POST', `/pips/${pipId}/commands`, command);
    expect(resent.status).toBe(200);
    expect(resent.headers.get('idempotent-replayed')).toBe('true');
    expect(resent.json.events).toEqual(sent.json.events);
    expect(await stored(pipId)).toEqual({ version: 2, events: 2 });

    const reused = await service.request('POST', `/pips/${pipId}/commands`, {
      ...command,
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'different')] },
    });
    expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await stored(pipId)).toEqual({ version: 2, events: 2 });
  });

  it('refuses a command the state or policy does not allow with 422 and every issue', async () => {
    await openPip('pip-refused');
    const refused = await service.request('POST', '/pips/pip-refused/commands', {
      body: { type: 'EXTEND', amount: 10, reason: 'workload' },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(refused, 422, 'COMMAND_REFUSED');
    expect(refused.json.issues).toEqual([
      expect.objectContaining({ code: 'NOT_ALLOWED_IN_STATE', path: ['type'] }),
    ]);
    const undocumented = await service.request('POST', '/pips/pip-refused/commands', {
      body: { type: 'SUBMIT_FOR_APPROVAL' },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(undocumented, 422, 'COMMAND_REFUSED');
    expect(await stored('pip-refused')).toEqual({ version: 1, events: 1 });
  });

  it('answers 401 without a bearer token and 403 for an actor who may not act', async () => {
    await openPip('pip-auth');
    expectProblem(
      await service.request('GET', '/pips/pip-auth', { as: null }),
      401,
      'UNAUTHENTICATED',
    );
    const badRole = await service.request('GET', '/pips/pip-auth', {
      as: null,
      headers: {
        authorization: `Bearer ${await service.identity.token({ id: 'someone', role: 'hr' }, { claims: { role: 'ceo' } })}`,
      },
    });
    expectProblem(badRole, 401, 'UNAUTHENTICATED');
    // The development headers are not accepted when the service verifies tokens.
    const headers = await service.request('GET', '/pips/pip-auth', {
      as: null,
      headers: { 'x-actor-id': 'hr-7', 'x-actor-role': 'hr' },
    });
    expectProblem(headers, 401, 'UNAUTHENTICATED');
    // Authentication runs before the body is read: a bad body without a token is still a 401.
    const anonymous = await service.request('POST', '/pips', { as: null, raw: '{' });
    expectProblem(anonymous, 401, 'UNAUTHENTICATED');

    const approve = await service.request('POST', '/pips/pip-auth/commands', {
      as: people.employee,
      body: { type: 'APPROVE' },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(approve, 403, 'FORBIDDEN');
    expect((approve.json.issues as { code: string }[]).map((issue) => issue.code)).toContain(
      'ROLE_NOT_ALLOWED',
    );
    const stranger = await service.request('GET', '/pips/pip-auth', {
      as: { id: 'mgr-other', role: 'manager' },
    });
    expectProblem(stranger, 403, 'FORBIDDEN');
    expect(await stored('pip-auth')).toEqual({ version: 1, events: 1 });
  });

  it('rejects opening an id that exists with 409', async () => {
    await openPip('pip-twice');
    const again = await service.request('POST', '/pips', { body: openBody('pip-twice') });
    expectProblem(again, 409, 'PIP_ALREADY_EXISTS');
    expect(await stored('pip-twice')).toEqual({ version: 1, events: 1 });
  });

  it('explains a command without writing anything', async () => {
    await openPip('pip-explain');
    const refused = await service.request('POST', '/pips/pip-explain/explain', {
      body: { type: 'EXTEND', amount: 10, reason: 'workload' },
    });
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ accepted: false, state: 'draft', events: [] });
    const accepted = await service.request('POST', '/pips/pip-explain/explain', {
      body: { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
    });
    expect(accepted.json).toMatchObject({
      accepted: true,
      nextState: 'pendingApproval',
      issues: [],
    });
    expect(await stored('pip-explain')).toEqual({ version: 1, events: 1 });
  });

  it('returns the timeline, verifies the chain, and lists with filters and keyset paging', async () => {
    await openPip('pip-list-a');
    await openPip('pip-list-b');
    const other = await service.request('POST', '/pips', {
      body: openBody('pip-list-c', 'emp-77'),
    });
    expect(other.status).toBe(201);

    const timeline = await service.request('GET', '/pips/pip-list-a/timeline', { as: people.hr });
    expect(timeline.status).toBe(200);
    const events = timeline.json.events as StoredEvent[];
    expect(events.map((stored) => [stored.seq, stored.event.type])).toEqual([[1, 'PIP_CREATED']]);
    const verified = await service.request('GET', '/pips/pip-list-a/verify', { as: people.hr });
    expect(verified.json).toMatchObject({ pipId: 'pip-list-a', ok: true, replayMatches: true });

    const byEmployee = await service.request('GET', '/pips?employeeId=emp-77', { as: people.hr });
    expect((byEmployee.json.items as { pipId: string }[]).map((pip) => pip.pipId)).toEqual([
      'pip-list-c',
    ]);
    const ids: string[] = [];
    let after = 'pip-list-';
    for (let page = 0; page < 5; page += 1) {
      const response = await service.request('GET', `/pips?state=draft&limit=2&after=${after}`, {
        as: people.hr,
      });
      expect(response.status).toBe(200);
      ids.push(...(response.json.items as { pipId: string }[]).map((pip) => pip.pipId));
      if (typeof response.json.nextAfter !== 'string') break;
      after = response.json.nextAfter;
    }
    expect(ids.filter((id) => id.startsWith('pip-list-'))).toEqual([
      'pip-list-a',
      'pip-list-b',
      'pip-list-c',
    ]);
    // An employee sees only their own plans.
    const own = await service.request('GET', '/pips', {
      as: { id: 'emp-77', role: 'employee' },
    });
    expect((own.json.items as { pipId: string }[]).map((pip) => pip.pipId)).toEqual(['pip-list-c']);
  });

  it('returns the timeline as rows in German or English, with the version as ETag', async () => {
    await openPip('pip-rows');
    const german = await service.request('GET', '/pips/pip-rows/timeline/rows?locale=de', {
      as: people.hr,
    });
    expect(german.status).toBe(200);
    expect(german.headers.get('etag')).toBe('"1"');
    expect(german.json).toEqual({
      pipId: 'pip-rows',
      locale: 'de',
      timeZone: 'America/Chicago',
      rows: [
        {
          seq: 1,
          at: T0,
          localDate: 'Mo., 2. März 2026',
          localTime: 'Mo., 2. März 2026, 09:00 GMT-6',
          type: 'PIP_CREATED',
          actor: people.manager,
          text: 'hat den Plan als Entwurf mit 1 Ziel nach pipkit-default@1 angelegt',
        },
      ],
    });
    const english = await service.request('GET', '/pips/pip-rows/timeline/rows');
    expect(english.json).toMatchObject({
      locale: 'en',
      rows: [{ localTime: 'Mon 2 Mar 2026 09:00 CST' }],
    });
    expect(JSON.stringify(english.json.rows)).toContain('draft with 1 goal under');
    expectProblem(
      await service.request('GET', '/pips/pip-rows/timeline/rows?locale=fr'),
      400,
      'INVALID_INPUT',
    );
    expectProblem(
      await service.request('GET', '/pips/pip-rows/timeline/rows', {
        as: { id: 'emp-77', role: 'employee' },
      }),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await service.request('GET', '/pips/pip-nobody/timeline/rows'),
      404,
      'PIP_NOT_FOUND',
    );
  });

  it('serves the OpenAPI document built from pipkit schemas, and Swagger UI from local assets', async () => {
    const spec = await service.request('GET', '/openapi.json');
    expect(spec.status).toBe(200);
    const paths = spec.json.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths).sort()).toEqual([
      '/healthz',
      '/pips',
      '/pips/count',
      '/pips/query',
      '/pips/{id}',
      '/pips/{id}/commands',
      '/pips/{id}/deadlines',
      '/pips/{id}/explain',
      '/pips/{id}/invites.ics',
      '/pips/{id}/timeline',
      '/pips/{id}/timeline/rows',
      '/pips/{id}/verify',
      '/reports',
    ]);
    const schemas = (spec.json.components as { schemas: Record<string, { oneOf?: unknown[] }> })
      .schemas;
    expect(schemas.CommandInput?.oneOf).toHaveLength(COMMAND_TYPES.length);
    expect(schemas.OpenPipInput).toBeDefined();
    expect(JSON.stringify(paths['/pips/{id}/commands'])).toContain('application/problem+json');

    const ui = await service.request('GET', '/docs/');
    expect(ui.status).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    const token = await service.identity.token(people.hr);
    const bundle = await fetch(`${service.url}/docs/static/swagger-ui-bundle.js`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });
});

describe('when the store is unavailable', () => {
  it('answers 503 with Retry-After when Postgres cannot be reached', async () => {
    const url = new URL(PG_URL);
    url.port = '1';
    const store = postgresStore({ connectionString: url.toString(), schema: 'unreachable' });
    const service = await startService(store, { storeName: 'postgres' });
    try {
      const health = await service.request('GET', '/healthz', { as: null });
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toBe('1');
      expect(health.json).toMatchObject({ code: 'STORE_ERROR', retryable: true });
      const opening = await service.request('POST', '/pips', { body: openBody('pip-offline') });
      expect(opening.status).toBe(503);
      expect(opening.headers.get('content-type')).toContain(PROBLEM);
    } finally {
      await service.close();
      await store.close();
    }
  });

  it('answers 503 when another process holds the SQLite write lock, and writes nothing', async () => {
    const path = tempFile();
    const store = sqliteStore({ path, busyTimeoutMs: 50 });
    const service = await startService(store, { storeName: 'sqlite' });
    const other = new Database(path);
    try {
      expect((await service.request('POST', '/pips', { body: openBody('pip-busy') })).status).toBe(
        201,
      );
      other.exec('BEGIN IMMEDIATE');
      const busy = await service.request('POST', '/pips/pip-busy/commands', {
        body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'busy')] },
        headers: { 'if-match': '"1"' },
      });
      expect(busy.status).toBe(503);
      expect(busy.json).toMatchObject({ code: 'STORE_ERROR', retryable: true });
      expect(busy.headers.get('retry-after')).toBe('1');
      other.exec('ROLLBACK');
      expect((await store.readEvents('pip-busy')).length).toBe(1);
    } finally {
      other.close();
      await service.close();
      await store.close();
    }
  });
});

describe('when the store fails in other ways', () => {
  it('answers 409 when other writers keep winning a command sent with If-Match: *', async () => {
    const inner = memoryStore();
    let commits = 0;
    const store: PipStore = {
      ...inner,
      commit: async (request) => {
        if (request.expectedVersion === 0) return inner.commit(request);
        commits += 1;
        throw new VersionConflictError(request.pipId, request.expectedVersion);
      },
    };
    const service = await startService(store);
    try {
      expect((await service.request('POST', '/pips', { body: openBody('pip-busy') })).status).toBe(
        201,
      );
      const contested = await service.request('POST', '/pips/pip-busy/commands', {
        body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'contested')] },
        headers: { 'if-match': '*' },
      });
      expect(contested.status).toBe(409);
      expect(contested.json).toMatchObject({ code: 'VERSION_CONFLICT', retryable: true });
      // The first try and 3 re-decisions (core may add one more when it trusted a cached read).
      expect(commits).toBeGreaterThanOrEqual(4);
    } finally {
      await service.close();
    }
  });

  it('answers 500 without the internal message for an unexpected error or a corrupt store', async () => {
    const inner = memoryStore();
    const store: PipStore = {
      ...inner,
      load: async (pipId) => {
        if (pipId === 'pip-bug') throw new Error('SECRET internal detail');
        if (pipId === 'pip-corrupt') throw new StoreError('not a database', { retryable: false });
        return inner.load(pipId);
      },
    };
    const service = await startService(store);
    try {
      const bug = await service.request('GET', '/pips/pip-bug');
      expect(bug.status).toBe(500);
      expect(bug.json).toMatchObject({ code: 'INTERNAL', retryable: false });
      expect(JSON.stringify(bug.json)).not.toContain('SECRET');
      const corrupt = await service.request('GET', '/pips/pip-corrupt');
      expect(corrupt.status).toBe(500);
      expect(corrupt.json).toMatchObject({ code: 'STORE_ERROR', retryable: false });
      expect(service.logs.text()).toContain('"msg":"request failed"');
    } finally {
      await service.close();
    }
  });
});
