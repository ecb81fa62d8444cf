/**
 * The timer family: `pipkit_due_timers` and `pipkit_claim_timers`. Each export is a function of the
 * quoted schema name returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import { isoOf, SET_TENANT } from './shared.js';

/** Version 1 of `pipkit_due_timers`: due timers, earliest first. */
export const dueTimersV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_due_timers(p_tenant text, p_now timestamptz, p_limit integer)
      RETURNS TABLE (timer_id text, pip_id text, deadline_id text, kind text, due_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT t.timer_id::text, t.pip_id::text, t.deadline_id, t.kind,
                            ${isoOf('t.due_at')}
                       FROM ${s}.pipkit_timers t
                      WHERE t.tenant_id = p_tenant AND t.due_at <= p_now
                      ORDER BY t.due_at, t.timer_id
                      LIMIT p_limit;
      END
      $fn$;
`;

/** Version 1 of `pipkit_claim_timers`: leases due timers with `FOR UPDATE SKIP LOCKED`. */
export const claimTimersV1 = (s: string): string => `
      -- Picks due timers that are free (no lease, an ended lease, or the caller's own), skipping
      -- rows another sweeper is claiming right now, and leases them. Due-ness uses the engine's
      -- now; leases use the database clock, the one clock every instance shares.
      CREATE FUNCTION ${s}.pipkit_claim_timers(
        p_tenant text, p_owner text, p_lease_ms double precision, p_now timestamptz,
        p_limit integer
      ) RETURNS TABLE (timer_id text, pip_id text, deadline_id text, kind text, due_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY
          UPDATE ${s}.pipkit_timers t
             SET leased_by = p_owner,
                 leased_until = now() + p_lease_ms * interval '1 millisecond'
           WHERE t.tenant_id = p_tenant
             AND t.timer_id IN (
                 SELECT c.timer_id FROM ${s}.pipkit_timers c
                  WHERE c.tenant_id = p_tenant AND c.due_at <= p_now
                    AND (c.leased_until IS NULL OR c.leased_until <= now() OR c.leased_by = p_owner)
                  ORDER BY c.due_at, c.timer_id
                  LIMIT p_limit
                    FOR UPDATE SKIP LOCKED)
          RETURNING t.timer_id::text, t.pip_id::text, t.deadline_id, t.kind, ${isoOf('t.due_at')};
      END
      $fn$;
`;

/** Version 3 of `pipkit_due_timers`: parked timers are not due. */
export const dueTimersV3 = (s: string): string => `
      CREATE OR REPLACE FUNCTION ${s}.pipkit_due_timers(
        p_tenant text, p_now timestamptz, p_limit integer
      ) RETURNS TABLE (timer_id text, pip_id text, deadline_id text, kind text, due_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT t.timer_id::text, t.pip_id::text, t.deadline_id, t.kind,
                            ${isoOf('t.due_at')}
                       FROM ${s}.pipkit_timers t
                      WHERE t.tenant_id = p_tenant AND t.due_at <= p_now
                        AND t.parked_code IS NULL
                      ORDER BY t.due_at, t.timer_id
                      LIMIT p_limit;
      END
      $fn$;
`;

/**
 * Version 3 of `pipkit_claim_timers`: as version 1 (due, free, `FOR UPDATE SKIP LOCKED`, leased
 * against the database clock), and never a parked timer.
 */
export const claimTimersV3 = (s: string): string => `
      CREATE OR REPLACE FUNCTION ${s}.pipkit_claim_timers(
        p_tenant text, p_owner text, p_lease_ms double precision, p_now timestamptz,
        p_limit integer
      ) RETURNS TABLE (timer_id text, pip_id text, deadline_id text, kind text, due_at text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY
          UPDATE ${s}.pipkit_timers t
             SET leased_by = p_owner,
                 leased_until = now() + p_lease_ms * interval '1 millisecond'
           WHERE t.tenant_id = p_tenant
             AND t.timer_id IN (
                 SELECT c.timer_id FROM ${s}.pipkit_timers c
                  WHERE c.tenant_id = p_tenant AND c.due_at <= p_now AND c.parked_code IS NULL
                    AND (c.leased_until IS NULL OR c.leased_until <= now() OR c.leased_by = p_owner)
                  ORDER BY c.due_at, c.timer_id
                  LIMIT p_limit
                    FOR UPDATE SKIP LOCKED)
          RETURNING t.timer_id::text, t.pip_id::text, t.deadline_id, t.kind, ${isoOf('t.due_at')};
      END
      $fn$;
`;

/**
 * `pipkit_count_timer_fault`: counts one failed fire of a timer at `p_due_at` under a row lock,
 * and parks it (records `p_code`) once the count reaches `p_park_after`. Returns JSON text
 * `{attempts, parked, pip_id, deadline_id, kind, due_at}`, `parked` true only for the fault
 * that parked it; NULL when the timer is gone or due at another time. A parked timer is not
 * counted again. The store writes the operators' message in the same transaction.
 */
export const countTimerFaultV3 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_count_timer_fault(
        p_tenant text, p_timer_id text, p_due_at timestamptz, p_code text,
        p_park_after double precision
      ) RETURNS text LANGUAGE plpgsql AS $fn$
      DECLARE
        v ${s}.pipkit_timers%ROWTYPE;
        v_parked boolean := false;
      BEGIN
        ${SET_TENANT}
        SELECT * INTO v FROM ${s}.pipkit_timers t
         WHERE t.tenant_id = p_tenant AND t.timer_id = p_timer_id AND t.due_at = p_due_at
           FOR UPDATE;
        IF NOT FOUND THEN
          RETURN NULL;
        END IF;
        IF v.parked_code IS NULL THEN
          v.attempts := v.attempts + 1;
          v_parked := v.attempts >= p_park_after;
          UPDATE ${s}.pipkit_timers t
             SET attempts = v.attempts, parked_code = CASE WHEN v_parked THEN p_code END
           WHERE t.tenant_id = p_tenant AND t.timer_id = p_timer_id;
        END IF;
        RETURN jsonb_build_object(
          'attempts', v.attempts, 'parked', v_parked, 'pip_id', v.pip_id,
          'deadline_id', v.deadline_id, 'kind', v.kind, 'due_at', ${isoOf('v.due_at')})::text;
      END
      $fn$;
`;

/**
 * Version 6 of `pipkit_reset_timer_faults`: an operator's retry of a PIP's failed or parked
 * timers. Their leases go too, so the next sweep of any engine claims them.
 */
export const resetTimerFaultsV6 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_reset_timer_faults(p_tenant text, p_pip_id text)
      RETURNS TABLE (reset_timer_id text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY UPDATE ${s}.pipkit_timers t
                        SET attempts = 0, parked_code = NULL, leased_by = NULL, leased_until = NULL
                      WHERE t.tenant_id = p_tenant AND t.pip_id = p_pip_id
                        AND (t.attempts > 0 OR t.parked_code IS NOT NULL)
                  RETURNING t.timer_id::text;
      END
      $fn$;
`;
