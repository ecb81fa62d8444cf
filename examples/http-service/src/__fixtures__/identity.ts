import { createServer, type Server } from 'node:http';
import type { Actor, Clock } from '@pipkit/core';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** The issuer and audience of every test token. */
export const ISSUER = 'https://idp.pipkit.test/';
export const AUDIENCE = 'pipkit-http-service';

/** A local identity provider: a key pair made in the test and its JWKS on a local port. */
export interface TestIdentity {
  /** `http://127.0.0.1:<port>/jwks.json`. */
  readonly jwksUrl: string;
  /** How many times the JWKS was fetched. */
  readonly fetches: () => number;
  /**
   * A signed token for `actor` at the clock's now, valid 15 minutes; `claims` add or override
   * claims (`exp`, `iss`, `role`...), `header` overrides the protected header.
   */
  token(
    actor: Actor,
    options?: { readonly claims?: JWTPayload; readonly tenant?: string | null },
  ): Promise<string>;
  /** Signs any claims with the provider's key (or another key pair's private key). */
  sign(claims: JWTPayload, options?: { readonly foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** Starts a {@link TestIdentity}; no internet, nothing outside this process. */
export async function startIdentity(clock: Clock): Promise<TestIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const foreign = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    fetches += 1;
    if (request.url !== '/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('No TCP address.');
  const now = () => Math.floor(clock.now().getTime() / 1000);

  const sign: TestIdentity['sign'] = (claims, options = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'JWT' })
      .sign(options.foreignKey ? foreign.privateKey : privateKey);

  return {
    jwksUrl: `http://127.0.0.1:${address.port}/jwks.json`,
    fetches: () => fetches,
    token: (actor, options = {}) =>
      sign({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: actor.id,
        role: actor.role,
        ...(options.tenant === null ? {} : { tenant: options.tenant ?? 'default' }),
        iat: now(),
        exp: now() + 15 * 60,
        ...options.claims,
      }),
    sign,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
