import { memoryStore } from '@pipkit/core';
import { createTestClock } from '@pipkit/core/testing';
import type { FastifyRequest } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER } from './__fixtures__/identity.js';
import {
  openBody,
  people,
  type Response,
  startService,
  T0,
  type TestService,
} from './__fixtures__/service.js';
import {
  bearerAuthenticator,
  defaultClaimMapping,
  devHeaderAuthenticator,
  type Principal,
} from './authentication.js';
import { HttpProblem } from './problems.js';

const PROBLEM = 'application/problem+json';

/** A problem answer: typed code, no stack trace, and none of the `secrets` echoed back. */
const expectProblem = (
  response: Response,
  status: number,
  code: string,
  issue?: string,
  secrets: readonly string[] = [],
) => {
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  expect(response.headers.get('content-type')).toContain(PROBLEM);
  expect(response.json).toMatchObject({ status, code });
  if (issue) expect((response.json.issues as { code: string }[])[0]?.code).toBe(issue);
  const text = JSON.stringify(response.json);
  expect(text).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
  for (const secret of secrets) expect(text).not.toContain(secret);
};

describe('bearer authentication over HTTP', () => {
  const store = memoryStore();
  let service: TestService;
  const bearer = (token: string) => ({ as: null, headers: { authorization: `Bearer ${token}` } });
  const now = () => Math.floor(new Date(T0).getTime() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'mgr-9',
    role: 'manager',
    iat: now(),
    exp: now() + 600,
    ...extra,
  });

  beforeAll(async () => {
    service = await startService(store);
  });
  afterAll(() => service.close());

  it('accepts a valid token and acts as its subject in its role', async () => {
    const opened = await service.request('POST', '/pips', { body: openBody('pip-token') });
    expect(opened.status).toBe(201);
    const events = (opened.json.events as { event: { actor: unknown } }[])[0];
    expect(events?.event.actor).toEqual(people.manager);
  });

  it.each([
    ['no Authorization header', {}, 'TOKEN_MISSING'],
    ['a Basic credential', { authorization: 'Basic bWdyLTk6cGFzcw==' }, 'TOKEN_MALFORMED'],
    ['a bearer that is not a JWT', { authorization: 'Bearer not-a-jwt' }, 'TOKEN_MALFORMED'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'TOKEN_MALFORMED'],
    ['a bearer with spaces', { authorization: 'Bearer a b c' }, 'TOKEN_MALFORMED'],
    ['an oversized bearer', { authorization: `Bearer ${'a'.repeat(9000)}` }, 'TOKEN_MALFORMED'],
    ['development headers', { 'x-actor-id': 'hr-7', 'x-actor-role': 'hr' }, 'TOKEN_MISSING'],
  ])('refuses %s with 401 and WWW-Authenticate, writing nothing', async (_name, headers, issue) => {
    const before = (await store.list({ limit: 1000 })).length;
    const response = await service.request('POST', '/pips', {
      as: null,
      headers,
      body: openBody('pip-never'),
    });
    expectProblem(response, 401, 'UNAUTHENTICATED', issue);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await store.list({ limit: 1000 })).length).toBe(before);
  });

  it('refuses tokens that fail verification, each with its issue code', async () => {
    const cases: [string, Promise<string>, string][] = [
      ['expired', service.identity.sign(claims({ exp: now() - 3600 })), 'TOKEN_EXPIRED'],
      [
        'not yet valid',
        service.identity.sign(claims({ nbf: now() + 3600 })),
        'TOKEN_NOT_YET_VALID',
      ],
      [
        'another issuer',
        service.identity.sign(claims({ iss: 'https://evil.test/' })),
        'TOKEN_CLAIM_INVALID',
      ],
      [
        'another audience',
        service.identity.sign(claims({ aud: 'payroll' })),
        'TOKEN_CLAIM_INVALID',
      ],
      ['no subject', service.identity.sign(claims({ sub: undefined })), 'TOKEN_CLAIM_INVALID'],
      ['no expiry', service.identity.sign(claims({ exp: undefined })), 'TOKEN_CLAIM_INVALID'],
      [
        'a key the provider never published',
        service.identity.sign(claims(), { foreignKey: true }),
        'TOKEN_SIGNATURE_INVALID',
      ],
      [
        'alg none',
        Promise.resolve(new UnsecuredJWT(claims()).encode()),
        'TOKEN_ALGORITHM_NOT_ALLOWED',
      ],
      [
        'HS256 with a guessed secret',
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode('x'.repeat(32))),
        'TOKEN_ALGORITHM_NOT_ALLOWED',
      ],
    ];
    for (const [name, token, issue] of cases) {
      const response = await service.request('GET', '/pips/pip-token', bearer(await token));
      expect(response.status, name).toBe(401);
      expectProblem(response, 401, 'UNAUTHENTICATED', issue, ['mgr-9']);
    }
  });

  it('checks exp and nbf against the injected clock, with the clock tolerance', async () => {
    const token = await service.identity.token(people.manager);
    expect((await service.request('GET', '/pips/pip-token', bearer(token))).status).toBe(200);
    service.clock.advance({ minutes: 15 });
    // 15 minutes is the token's lifetime; 30 seconds of tolerance still accepts it.
    expect((await service.request('GET', '/pips/pip-token', bearer(token))).status).toBe(200);
    service.clock.advance({ minutes: 1 });
    const expired = await service.request('GET', '/pips/pip-token', bearer(token));
    expectProblem(expired, 401, 'UNAUTHENTICATED', 'TOKEN_EXPIRED');
    service.clock.set(T0);
  });

  it('refuses claims that name no pipkit actor, and a token for another tenant', async () => {
    const badRole = await service.identity.sign(claims({ role: 'ceo' }));
    expectProblem(
      await service.request('GET', '/pips/pip-token', bearer(badRole)),
      401,
      'UNAUTHENTICATED',
      'CLAIM_INVALID',
    );
    const controlled = await service.identity.sign(claims({ sub: 'mgr\u0000-9' }));
    expectProblem(
      await service.request('GET', '/pips/pip-token', bearer(controlled)),
      401,
      'UNAUTHENTICATED',
      'CLAIM_INVALID',
    );
    const otherTenant = await service.identity.token(people.hr, { tenant: 'globex' });
    expectProblem(
      await service.request('GET', '/pips/pip-token', bearer(otherTenant)),
      403,
      'TENANT_MISMATCH',
    );
    // No tenant claim: the service's own tenant.
    const noTenant = await service.identity.token(people.hr, { tenant: null });
    expect((await service.request('GET', '/pips/pip-token', bearer(noTenant))).status).toBe(200);
  });

  it('answers 503 AUTH_UNAVAILABLE when the identity provider cannot be reached', async () => {
    const unreachable = await startService(memoryStore(), {
      authenticate: bearerAuthenticator({
        keys: { jwksUrl: 'http://127.0.0.1:1/jwks.json', timeoutMs: 500 },
        issuer: ISSUER,
        audience: AUDIENCE,
        tenantId: 'default',
      }),
    });
    try {
      const response = await unreachable.request('GET', '/pips/pip-token');
      expectProblem(response, 503, 'AUTH_UNAVAILABLE');
      expect(response.headers.get('retry-after')).toBe('1');
    } finally {
      await unreachable.close();
    }
  });
});

describe('tenants from the token (engine.forTenant)', () => {
  it('keeps each tenant to its own PIPs, with one service over one store', async () => {
    const service = await startService(memoryStore(), {
      tenancy: 'perToken',
      tenantsFromToken: true,
    });
    const as = async (tenant: string) => ({
      as: null,
      headers: {
        authorization: `Bearer ${await service.identity.token(people.manager, { tenant })}`,
      },
    });
    try {
      const opened = await service.request('POST', '/pips', {
        ...(await as('acme')),
        body: openBody('pip-t'),
      });
      expect(opened.status).toBe(201);
      expect((await service.request('GET', '/pips/pip-t', await as('acme'))).status).toBe(200);
      expectProblem(
        await service.request('GET', '/pips/pip-t', await as('globex')),
        404,
        'PIP_NOT_FOUND',
      );
      const again = await service.request('POST', '/pips', {
        ...(await as('globex')),
        body: openBody('pip-t'),
      });
      expect(again.status).toBe(201);
      expectProblem(
        await service.request('GET', '/pips/pip-t', await as('bad\u0001tenant')),
        401,
        'UNAUTHENTICATED',
        'CLAIM_INVALID',
      );
    } finally {
      await service.close();
    }
  });
});

describe('the authenticators', () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

  it('verifies a local key, mapping roles from an array and the tenant from a named claim', async () => {
    const clock = createTestClock(T0);
    const { publicKey, privateKey } = await generateKeyPair('EdDSA');
    const authenticate = bearerAuthenticator({
      keys: { key: await exportJWK(publicKey) },
      issuer: ISSUER,
      audience: [AUDIENCE, 'other'],
      clock,
      tenantId: 'acme',
      mapClaims: defaultClaimMapping({ roleClaim: 'roles', tenantClaim: 'org' }),
    });
    const token = await new SignJWT({ roles: ['admin', 'hr'], org: 'acme' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('hr-7')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(clock.now().getTime() / 1000) + 60)
      .sign(privateKey);
    const principal: Principal = await authenticate(request({ authorization: `bearer ${token}` }));
    expect(principal).toEqual({
      actor: { id: 'hr-7', role: 'hr' },
      tenantId: 'acme',
      subject: 'hr-7',
    });
  });

  it('takes development headers only when asked, and still validates them', async () => {
    const authenticate = devHeaderAuthenticator('default');
    expect(
      await authenticate(request({ 'x-actor-id': 'hr-7', 'x-actor-role': 'hr' })),
    ).toMatchObject({
      actor: people.hr,
    });
    await expect(authenticate(request({}))).rejects.toBeInstanceOf(HttpProblem);
    await expect(
      authenticate(request({ 'x-actor-id': 'a', 'x-actor-role': 'ceo' })),
    ).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });
});
