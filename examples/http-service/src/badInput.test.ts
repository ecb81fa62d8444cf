import { memoryStore } from '@pipkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  document,
  openBody,
  people,
  startService,
  type TestService,
} from './__fixtures__/service.js';

/** Personal values the bad requests carry: no answer and no log line may repeat them. */
const SECRET = 'SECRET-jane-roe';

type Case = readonly [
  name: string,
  method: string,
  path: string,
  options: Parameters<TestService['request']>[2],
  status: number,
  code: string,
];

const CASES: readonly Case[] = [
  // tokens and claims
  [
    'a token signed by nobody',
    'POST',
    '/pips',
    { as: null, headers: { authorization: `Bearer e30.e30.${SECRET}` } },
    401,
    'UNAUTHENTICATED',
  ],
  [
    'a token in the query',
    'GET',
    `/pips?access_token=${SECRET}`,
    { as: null },
    401,
    'UNAUTHENTICATED',
  ],
  // headers
  [
    'a malformed If-Match',
    'POST',
    '/pips/pip-bad/commands',
    { body: { type: 'ISSUE' }, headers: { 'if-match': `"${SECRET}"` } },
    400,
    'INVALID_INPUT',
  ],
  [
    'an oversize Idempotency-Key',
    'POST',
    '/pips',
    { body: openBody('pip-key'), headers: { 'idempotency-key': SECRET.repeat(20) } },
    400,
    'INVALID_INPUT',
  ],
  [
    'a form body',
    'POST',
    '/pips',
    { raw: `employee=${SECRET}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  // ids
  [
    'an id with a space',
    'GET',
    `/pips/${encodeURIComponent(`pip ${SECRET}`)}`,
    {},
    400,
    'INVALID_INPUT',
  ],
  ['an id with a control character', 'GET', '/pips/pip%00x', {}, 400, 'INVALID_INPUT'],
  [
    'a pipId too long to route',
    'POST',
    '/pips',
    { body: openBody(`p${'x'.repeat(200)}`) },
    400,
    'INVALID_INPUT',
  ],
  // bodies
  ['JSON that is not an object', 'POST', '/pips', { raw: `"${SECRET}"` }, 400, 'INVALID_INPUT'],
  [
    'truncated JSON',
    'POST',
    '/pips',
    { raw: `{"employee":{"id":"${SECRET}"` },
    400,
    'MALFORMED_JSON',
  ],
  [
    'a prototype-poisoning body',
    'POST',
    '/pips',
    { raw: `{"__proto__":{"x":"${SECRET}"}}` },
    400,
    'MALFORMED_JSON',
  ],
  [
    'an unknown field',
    'POST',
    '/pips',
    { body: { ...openBody('pip-extra'), salary: SECRET } },
    400,
    'INVALID_INPUT',
  ],
  [
    'a command of no known type',
    'POST',
    '/pips/pip-bad/commands',
    { body: { type: SECRET }, headers: { 'if-match': '"1"' } },
    400,
    'INVALID_INPUT',
  ],
  [
    'a document without its hash',
    'POST',
    '/pips/pip-bad/commands',
    {
      body: { type: 'ATTACH_DOCUMENT', documents: [{ kind: 'notes', ref: SECRET }] },
      headers: { 'if-match': '"1"' },
    },
    400,
    'INVALID_INPUT',
  ],
  // filters
  ['an unknown list filter', 'GET', `/pips?salary=${SECRET}`, {}, 400, 'INVALID_INPUT'],
  ['a list limit over 1000', 'GET', '/pips?limit=5000', {}, 400, 'INVALID_INPUT'],
  [
    'an unknown query sort',
    'POST',
    '/pips/query',
    { body: { sort: SECRET } },
    400,
    'INVALID_INPUT',
  ],
  ['a foreign cursor', 'POST', '/pips/query', { body: { cursor: SECRET } }, 400, 'INVALID_INPUT'],
  ['an unknown report', 'POST', '/reports', { body: { name: SECRET } }, 400, 'INVALID_INPUT'],
  ['an unknown locale', 'GET', '/pips/pip-bad/timeline/rows?locale=xx', {}, 400, 'INVALID_INPUT'],
];

describe('bad input', () => {
  const store = memoryStore();
  let service: TestService;
  beforeAll(async () => {
    service = await startService(store);
    const opened = await service.request('POST', '/pips', { body: openBody('pip-bad') });
    expect(opened.status).toBe(201);
    const attached = await service.request('POST', '/pips/pip-bad/commands', {
      body: { type: 'ATTACH_DOCUMENT', documents: [document('notes', 'ok')] },
      headers: { 'if-match': '"1"' },
    });
    expect(attached.status).toBe(200);
  });
  afterAll(() => service.close());

  it.each(CASES)(
    'answers %s with a typed problem, no stack and no personal data, and writes nothing',
    async (_name, method, path, options, status, code) => {
      const before = {
        pips: (await store.list({ limit: 1000 })).map((pip) => `${pip.pipId}@${pip.version}`),
        outbox: (await store.pendingOutbox(1000)).length,
      };
      const response = await service.request(method, path, options);
      expect(response.status, JSON.stringify(response.json)).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.json).toMatchObject({ status, code });
      expect((response.json.issues as unknown[]).length).toBeGreaterThan(0);
      const text = JSON.stringify(response.json);
      expect(text).not.toMatch(/\n\s+at |node:internal|\.ts:\d+|stack/);
      expect(text).not.toContain(SECRET);
      expect({
        pips: (await store.list({ limit: 1000 })).map((pip) => `${pip.pipId}@${pip.version}`),
        outbox: (await store.pendingOutbox(1000)).length,
      }).toEqual(before);
    },
  );

  it('keeps the personal values of every bad request out of the log', () => {
    expect(service.logs.text()).toContain('request refused');
    expect(service.logs.text()).not.toContain(SECRET);
  });

  it('still serves the good requests after all of them', async () => {
    const read = await service.request('GET', '/pips/pip-bad', { as: people.hr });
    expect(read.status).toBe(200);
    expect(read.json.version).toBe(2);
  });
});
