/**
 * The read family: `pipkit_load`, `pipkit_read_events`, `pipkit_get_idempotency`, `pipkit_list`. Each export is a function of the
 * quoted schema name returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import { isoOf, SET_TENANT } from './shared.js';

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

/**
 * `pipkit_inspect`: one PIP's rows besides its events, as JSON text, in one statement (one
 * snapshot): the envelope columns as stored (tenant included, not from the record), its pending
 * timers with their fault counts, and its outbox rows with whether they were delivered. No row
 * when the PIP does not exist.
 */
export const inspectV3 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_inspect(p_tenant text, p_pip_id text)
      RETURNS TABLE (document text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY
          SELECT jsonb_build_object(
                   'tenant_id', p.tenant_id, 'employee_id', p.employee_id,
                   'manager_id', p.manager_id, 'policy_id', p.policy_id,
                   'policy_version', p.policy_version, 'state', p.state, 'version', p.version,
                   'timers', coalesce((
                     SELECT jsonb_agg(jsonb_build_object(
                              'timer_id', t.timer_id, 'pip_id', t.pip_id,
                              'deadline_id', t.deadline_id, 'kind', t.kind,
                              'due_at', ${isoOf('t.due_at')}, 'attempts', t.attempts,
                              'parked_code', t.parked_code) ORDER BY t.timer_id)
                       FROM ${s}.pipkit_timers t
                      WHERE t.tenant_id = p_tenant AND t.pip_id = p_pip_id), '[]'::jsonb),
                   'outbox', coalesce((
                     SELECT jsonb_agg(jsonb_build_object(
                              'id', o.id, 'pip_id', o.pip_id, 'type', o.type,
                              'payload', o.payload, 'created_at', o.created_at,
                              'delivered', o.delivered_at IS NOT NULL) ORDER BY o.position)
                       FROM ${s}.pipkit_outbox o
                      WHERE o.tenant_id = p_tenant AND o.pip_id = p_pip_id), '[]'::jsonb)
                 )::text
            FROM ${s}.pipkit_pips p
           WHERE p.tenant_id = p_tenant AND p.pip_id = p_pip_id;
      END
      $fn$;
`;

/**
 * `pipkit_load_many`: the envelope text of several PIPs in one statement (the sweep reads a
 * round's PIPs at once). One row per PIP that exists, with its id; absent PIPs have no row.
 */
export const loadManyV4 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_load_many(p_tenant text, p_pip_ids text[])
      RETURNS TABLE (pip_id text, record text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT p.pip_id::text, p.record FROM ${s}.pipkit_pips p
                      WHERE p.tenant_id = p_tenant AND p.pip_id = ANY (p_pip_ids);
      END
      $fn$;
`;
