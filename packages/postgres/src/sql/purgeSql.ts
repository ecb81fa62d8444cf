/**
 * The purge family: `pipkit_purge`. Each export is a function of the
 * quoted schema name returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import { SET_TENANT } from './shared.js';

/** Version 1 of `pipkit_purge`: deletes one PIP at its expected version. */
export const purgeV1 = (s: string): string => `
      -- Deletes everything about one PIP, only at the expected version (PK409 otherwise, DETAIL
      -- the actual one); the row lock makes a concurrent commit wait or lose.
      CREATE FUNCTION ${s}.pipkit_purge(p_tenant text, p_pip_id text, p_expected integer)
      RETURNS void LANGUAGE plpgsql AS $fn$
      DECLARE
        v_actual integer;
      BEGIN
        ${SET_TENANT}
        SELECT version INTO v_actual FROM ${s}.pipkit_pips
         WHERE tenant_id = p_tenant AND pip_id = p_pip_id FOR UPDATE;
        IF v_actual IS NULL OR v_actual <> p_expected THEN
          RAISE EXCEPTION 'PIP % is not at version %', p_pip_id, p_expected
            USING ERRCODE = 'PK409', DETAIL = coalesce(v_actual, 0)::text;
        END IF;
        DELETE FROM ${s}.pipkit_idempotency WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_outbox WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_timers WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_events WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
        DELETE FROM ${s}.pipkit_pips WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
      END
      $fn$;
`;
