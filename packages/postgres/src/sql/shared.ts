/**
 * SQL fragments every function family shares.
 * @module
 */

/**
 * Sets the transaction-local tenant from a function's `p_tenant` argument, so row-level security
 * sees only that tenant's rows (`set_config(..., true)`: PostgreSQL docs, "9.27.1. Configuration
 * Settings Functions").
 */
export const SET_TENANT = `PERFORM set_config('pipkit.tenant_id', p_tenant, true);`;

/** The previous hash of a PIP's first event (64 zeros, core's `GENESIS_HASH`), as a SQL literal. */
export const GENESIS = `'${'0'.repeat(64)}'`;

/** A `timestamptz` column as a UTC ISO-8601 instant with milliseconds, as the port's strings. */
export const isoOf = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
