/**
 * The one rule for tenant ids, shared by every store with tenants and by `engine.forTenant`.
 * @module
 */
import { type PipkitIssue, ValidationError } from '../errors/pipkitError.js';

/** Any non-empty string of at most 200 characters without control characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const TENANT_ID = /^[^\u0000-\u001f\u007f]{1,200}$/;

/** True when `value` is a valid tenant id: a non-empty string of at most 200 characters without control characters. */
export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

/**
 * The `INVALID_TENANT` issue for a value that is not a valid tenant id (see {@link isTenantId}),
 * at `path`; empty when it is valid. Adapters collect it with their other option checks.
 */
export function tenantIdIssues(
  value: unknown,
  path: readonly (string | number)[] = ['tenantId'],
): PipkitIssue[] {
  if (isTenantId(value)) return [];
  return [
    {
      code: 'INVALID_TENANT',
      path,
      message: `tenantId must be a non-empty string of at most 200 characters without control characters, not ${JSON.stringify(value) ?? String(value)}.`,
    },
  ];
}

/**
 * Throws a `ValidationError` (`INVALID_INPUT`, with an `INVALID_TENANT` issue) unless `value` is a
 * valid tenant id. `forTenant` on stores and engines calls it before anything else.
 *
 * @example
 * ```ts
 * assertTenantId('acme'); // fine
 * assertTenantId(''); // throws INVALID_INPUT / INVALID_TENANT
 * ```
 */
export function assertTenantId(
  value: unknown,
  path: readonly (string | number)[] = ['tenantId'],
): asserts value is string {
  const issues = tenantIdIssues(value, path);
  if (issues.length > 0) throw new ValidationError('Invalid tenant id.', issues);
}
