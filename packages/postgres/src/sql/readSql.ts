/**
 * The read family: `pipkit_load`, `pipkit_read_events`, `pipkit_get_idempotency`, `pipkit_list`. Each export is a function of the
 * quoted schema name returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import { SET_TENANT } from './shared.js';

/** Version 1 of `pipkit_load`: the envelope text of one PIP. */
export const loadV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_load(p_tenant text, p_pip_id text)
      RETURNS TABLE (record text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT p.record FROM ${s}.pipkit_pips p
                      WHERE p.tenant_id = p_tenant AND p.pip_id = p_pip_id;
      END
      $fn$;
`;

/** Version 1 of `pipkit_read_events`: a PIP's events after a sequence number. */
export const readEventsV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_read_events(p_tenant text, p_pip_id text, p_after integer)
      RETURNS TABLE (seq integer, event text, prev_hash text, hash text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT e.seq, e.event, e.prev_hash, e.hash FROM ${s}.pipkit_events e
                      WHERE e.tenant_id = p_tenant AND e.pip_id = p_pip_id AND e.seq > p_after
                      ORDER BY e.seq;
      END
      $fn$;
`;

/** Version 1 of `pipkit_get_idempotency`: the first outcome under a key. */
export const getIdempotencyV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_get_idempotency(p_tenant text, p_key text)
      RETURNS TABLE (pip_id text, request_hash text, version integer, seqs text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT i.pip_id::text, i.request_hash, i.version, i.seqs
                       FROM ${s}.pipkit_idempotency i
                      WHERE i.tenant_id = p_tenant AND i.key = p_key;
      END
      $fn$;
`;

/** Version 1 of `pipkit_list`: envelopes matching the filters, by id. */
export const listV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_list(
        p_tenant text, p_state text, p_employee_id text, p_manager_id text, p_after text,
        p_limit integer
      ) RETURNS TABLE (record text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT p.record FROM ${s}.pipkit_pips p
                      WHERE p.tenant_id = p_tenant
                        AND (p_state IS NULL OR p.state = p_state)
                        AND (p_employee_id IS NULL OR p.employee_id = p_employee_id)
                        AND (p_manager_id IS NULL OR p.manager_id = p_manager_id)
                        AND (p_after IS NULL OR p.pip_id > p_after)
                      ORDER BY p.pip_id
                      LIMIT p_limit;
      END
      $fn$;
`;

/**
 * Version 2 of `pipkit_list`: also returns each row's `pip_id`, so a row that cannot be read is
 * reported by its PIP id alone. Dropped and created again: its result columns change.
 */
export const listV2 = (s: string): string => `
      DROP FUNCTION ${s}.pipkit_list(text, text, text, text, text, integer);
      CREATE FUNCTION ${s}.pipkit_list(
        p_tenant text, p_state text, p_employee_id text, p_manager_id text, p_after text,
        p_limit integer
      ) RETURNS TABLE (pip_id text, record text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT p.pip_id::text, p.record FROM ${s}.pipkit_pips p
                      WHERE p.tenant_id = p_tenant
                        AND (p_state IS NULL OR p.state = p_state)
                        AND (p_employee_id IS NULL OR p.employee_id = p_employee_id)
                        AND (p_manager_id IS NULL OR p.manager_id = p_manager_id)
                        AND (p_after IS NULL OR p.pip_id > p_after)
                      ORDER BY p.pip_id
                      LIMIT p_limit;
      END
      $fn$;
`;
