import {
  type Actor,
  actorSchema,
  type Clock,
  isTenantId,
  type PipkitIssue,
  systemClock,
} from '@pipkit/core';
import type { FastifyRequest } from 'fastify';
import {
  createRemoteJWKSet,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyObject,
} from 'jose';
import { HttpCodes, HttpProblem } from './problems.js';

/** Who is calling: the pipkit actor, the tenant they act in, and the subject rate limits key on. */
export interface Principal {
  readonly actor: Actor;
  readonly tenantId: string;
  /** The token's `sub` (or the header id in development): the rate limit's key. */
  readonly subject: string;
}

/** Turns a request into a {@link Principal}, or throws an {@link HttpProblem} (401, 403, 503). */
export type Authenticator = (request: FastifyRequest) => Promise<Principal>;

/** What a host's claim mapping returns; {@link bearerAuthenticator} validates every field. */
export interface MappedClaims {
  /** The pipkit actor id: 1 to 200 characters, no control characters. */
  readonly id: unknown;
  /** One of pipkit's roles. */
  readonly role: unknown;
  /** The tenant; absent means the service's own tenant. */
  readonly tenantId?: unknown;
}

/** Maps a verified token's claims to the pipkit actor and tenant (the host's directory rules). */
export type ClaimMapping = (claims: JWTPayload) => MappedClaims | Promise<MappedClaims>;

/**
 * The default claim mapping: the actor id is `sub`, the role is the `role` claim (a string, or
 * the first pipkit role in an array of roles), and the tenant is the `tenant` claim. Name other
 * claims for role and tenant with the options (`PIPKIT_AUTH_ROLE_CLAIM`, `PIPKIT_AUTH_TENANT_CLAIM`).
 *
 * @example
 * ```ts
 * const mapClaims = defaultClaimMapping({ roleClaim: 'https://hr.example/role' });
 * ```
 */
export function defaultClaimMapping(
  options: { readonly roleClaim?: string; readonly tenantClaim?: string } = {},
): ClaimMapping {
  const roleClaim = options.roleClaim ?? 'role';
  const tenantClaim = options.tenantClaim ?? 'tenant';
  return (claims) => {
    const role = claims[roleClaim];
    const roles = Array.isArray(role) ? role : [role];
    return {
      id: claims.sub,
      role: roles.find((entry) => actorSchema.shape.role.safeParse(entry).success) ?? role,
      tenantId: claims[tenantClaim],
    };
  };
}

/** Where the verification keys come from: an identity provider's JWKS URL, or one local key. */
export type VerificationKeys =
  | { readonly jwksUrl: string; readonly timeoutMs?: number }
  | { readonly key: CryptoKey | KeyObject | JWK | Uint8Array };

/** How {@link bearerAuthenticator} verifies tokens. */
export interface BearerOptions {
  readonly keys: VerificationKeys;
  /** The `iss` every token must carry. */
  readonly issuer: string;
  /** The `aud` every token must carry (one of them). */
  readonly audience: string | readonly string[];
  /** Algorithms accepted (default RS256, ES256, EdDSA); `none` is never accepted. */
  readonly algorithms?: readonly string[];
  /** Seconds of clock skew tolerated on `exp` and `nbf` (default 30). */
  readonly clockToleranceSec?: number;
  /** The clock `exp` and `nbf` are checked against; tests inject a test clock. */
  readonly clock?: Clock;
  /** Claims to actor and tenant; default {@link defaultClaimMapping}. */
  readonly mapClaims?: ClaimMapping;
  /** The tenant this service's store holds; a token for another tenant is a 403. */
  readonly tenantId: string;
  /**
   * `true` when the service serves every tenant its store holds (`engine.forTenant` per
   * request): the token's tenant is then taken as is, and `tenantId` is the default for tokens
   * without one. Default false: one tenant, and a token for another is a 403.
   */
  readonly tenantsFromToken?: boolean;
}

/** The longest `Authorization` header read; larger is malformed, not verified. */
export const MAX_TOKEN_LENGTH = 8192;

const unauthenticated = (issueCode: string, message: string, path: (string | number)[]) =>
  new HttpProblem(401, HttpCodes.UNAUTHENTICATED, message, [
    { code: issueCode, path, message },
  ] satisfies PipkitIssue[]);

/** Reads `Authorization: Bearer <token>` (RFC 6750 section 2.1). */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw unauthenticated('TOKEN_MISSING', 'Send Authorization: Bearer <token>.', [
      'headers',
      'authorization',
    ]);
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!match?.[1] || header.length > MAX_TOKEN_LENGTH) {
    throw unauthenticated('TOKEN_MALFORMED', 'The Authorization header is not a bearer token.', [
      'headers',
      'authorization',
    ]);
  }
  return match[1];
}

// jose's error codes (https://github.com/panva/jose/blob/main/docs/util/errors) as issue codes.
const JOSE_ISSUES: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'TOKEN_EXPIRED',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'TOKEN_SIGNATURE_INVALID',
  ERR_JOSE_ALG_NOT_ALLOWED: 'TOKEN_ALGORITHM_NOT_ALLOWED',
  ERR_JOSE_NOT_SUPPORTED: 'TOKEN_ALGORITHM_NOT_ALLOWED',
  ERR_JWKS_NO_MATCHING_KEY: 'TOKEN_KEY_UNKNOWN',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'TOKEN_KEY_UNKNOWN',
  ERR_JWS_INVALID: 'TOKEN_MALFORMED',
  ERR_JWT_INVALID: 'TOKEN_MALFORMED',
  ERR_JWK_INVALID: 'TOKEN_MALFORMED',
};

/** Maps a jose failure to a 401 (the token's fault) or a 503 (the key set could not be fetched). */
function verificationProblem(error: unknown): HttpProblem {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const named = (error as { claim?: unknown }).claim;
    const claim = typeof named === 'string' ? named : 'claims';
    const issue = claim === 'nbf' ? 'TOKEN_NOT_YET_VALID' : 'TOKEN_CLAIM_INVALID';
    return unauthenticated(issue, `The token's ${claim} claim is not accepted.`, ['token', claim]);
  }
  const issue = typeof code === 'string' ? JOSE_ISSUES[code] : undefined;
  if (issue) return unauthenticated(issue, 'The bearer token is not accepted.', ['token']);
  // A failed or slow fetch of the key set: not the caller's fault, and retrying may succeed.
  return new HttpProblem(
    503,
    HttpCodes.AUTH_UNAVAILABLE,
    'The identity provider keys cannot be fetched.',
  );
}

/**
 * Checks mapped claims and the tenant: a missing or invalid id or role is a 401, a token for
 * another tenant a 403 (`TENANT_MISMATCH`).
 */
export function toPrincipal(
  mapped: MappedClaims,
  tenantId: string,
  subject: string,
  tenantsFromToken = false,
): Principal {
  const actor = actorSchema.safeParse({ id: mapped.id, role: mapped.role });
  if (!actor.success) {
    throw new HttpProblem(
      401,
      HttpCodes.UNAUTHENTICATED,
      'The credentials do not name a pipkit actor (an id and a role).',
      actor.error.issues.map((issue) => ({
        code: 'CLAIM_INVALID',
        path: ['token', String(issue.path[0] ?? 'claims')],
        message: issue.message,
      })),
    );
  }
  const claimed = mapped.tenantId ?? tenantId;
  if (tenantsFromToken) {
    if (!isTenantId(claimed)) {
      const message = 'The tenant claim is not a tenant id.';
      throw new HttpProblem(401, HttpCodes.UNAUTHENTICATED, message, [
        { code: 'CLAIM_INVALID', path: ['token', 'tenant'], message },
      ]);
    }
    return { actor: actor.data, tenantId: claimed, subject };
  }
  if (claimed !== tenantId) {
    throw new HttpProblem(
      403,
      HttpCodes.TENANT_MISMATCH,
      'The credentials are for another tenant.',
    );
  }
  return { actor: actor.data, tenantId, subject };
}

/**
 * Verifies `Authorization: Bearer` JWTs with jose: signature (a JWKS URL or a local key),
 * issuer, audience, algorithm, `exp` and `nbf` against the injected clock, then maps the claims
 * to the pipkit actor and tenant.
 *
 * @example
 * ```ts
 * const authenticate = bearerAuthenticator({
 *   keys: { jwksUrl: 'https://login.example.com/.well-known/jwks.json' },
 *   issuer: 'https://login.example.com/',
 *   audience: 'pipkit',
 *   tenantId: 'default',
 * });
 * ```
 */
export function bearerAuthenticator(options: BearerOptions): Authenticator {
  const keys: JWTVerifyGetKey | CryptoKey | KeyObject | JWK | Uint8Array =
    'jwksUrl' in options.keys
      ? createRemoteJWKSet(new URL(options.keys.jwksUrl), {
          timeoutDuration: options.keys.timeoutMs ?? 5000,
        })
      : options.keys.key;
  const clock = options.clock ?? systemClock;
  const mapClaims = options.mapClaims ?? defaultClaimMapping();
  const algorithms = [...(options.algorithms ?? ['RS256', 'ES256', 'EdDSA'])];
  return async (request) => {
    const token = bearerToken(request);
    let claims: JWTPayload;
    try {
      const verifyOptions = {
        issuer: options.issuer,
        audience: [...[options.audience].flat()],
        algorithms,
        clockTolerance: options.clockToleranceSec ?? 30,
        currentDate: clock.now(),
        requiredClaims: ['sub', 'exp'],
      };
      // jose overloads on the key's type; both branches verify the same way.
      claims =
        typeof keys === 'function'
          ? (await jwtVerify(token, keys, verifyOptions)).payload
          : (await jwtVerify(token, keys, verifyOptions)).payload;
    } catch (error) {
      throw verificationProblem(error);
    }
    const mapped = await mapClaims(claims);
    return toPrincipal(mapped, options.tenantId, String(claims.sub), options.tenantsFromToken);
  };
}

/**
 * DEVELOPMENT ONLY: the actor from the `X-Actor-Id` and `X-Actor-Role` headers, which anyone can
 * set. The service accepts it only with `PIPKIT_AUTH=dev-headers`, refuses it when
 * `NODE_ENV=production`, and logs a warning at start.
 */
export function devHeaderAuthenticator(tenantId: string): Authenticator {
  return (request) =>
    Promise.resolve().then(() => {
      const id = request.headers['x-actor-id'];
      if (id === undefined) {
        throw unauthenticated('ACTOR_HEADERS_MISSING', 'Send X-Actor-Id and X-Actor-Role.', [
          'headers',
          'x-actor-id',
        ]);
      }
      return toPrincipal({ id, role: request.headers['x-actor-role'] }, tenantId, String(id));
    });
}
