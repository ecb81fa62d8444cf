/**
 * Migration 11: the refusal log, a hash-chained chain of refused attempts per tenant and PIP,
 * with the same forced row-level security as every tenant table, and its functions. Each export
 * is a function of the quoted schema name returning DDL; a released one never changes (see
 * `MIGRATIONS`).
 * @module
 */
import { SET_TENANT } from './shared.js';

/** The columns of a refusal row, in the order the functions take and return them. */
const COLUMNS = 'pip_id, seq, at, actor_id, actor_role, action, outcome, codes, prev_hash, hash';

/**
 * Version 11's table and policy. No foreign key to `pipkit_pips`: a refused `OPEN` names a PIP
 * that never existed, and `pipkit_purge` leaves a PIP's refusals (the security trail). No
 * message or free-text column: issue codes only. The primary key on
 * `(tenant_id, pip_id, seq)` is the guard that no two appends share a `seq`.
 */
const refusalTableV11 = (s: string): string => `
      CREATE TABLE ${s}.pipkit_refusals (
        tenant_id  text COLLATE "C" NOT NULL,
        pip_id     text COLLATE "C" NOT NULL,
        seq        integer NOT NULL CHECK (seq >= 1),
        at         text NOT NULL,
        actor_id   text NOT NULL,
        actor_role text NOT NULL,
        action     text NOT NULL,
        outcome    text NOT NULL,
        codes      text NOT NULL,
        prev_hash  text NOT NULL,
        hash       text NOT NULL,
        PRIMARY KEY (tenant_id, pip_id, seq)
      );
      -- Row-level security as on every tenant table (migration 1): forced even for the owner.
      ALTER TABLE ${s}.pipkit_refusals ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${s}.pipkit_refusals FORCE ROW LEVEL SECURITY;
      CREATE POLICY pipkit_tenant ON ${s}.pipkit_refusals
        USING (tenant_id = current_setting('pipkit.tenant_id', true))
        WITH CHECK (tenant_id = current_setting('pipkit.tenant_id', true));
`;

/** `pipkit_refusal_head`: the last record of one chain (no row for an empty chain). */
const refusalHeadV11 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_refusal_head(p_tenant text, p_pip_id text)
      RETURNS TABLE (seq integer, hash text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT r.seq, r.hash FROM ${s}.pipkit_refusals r
                      WHERE r.tenant_id = p_tenant AND r.pip_id = p_pip_id
                      ORDER BY r.seq DESC LIMIT 1;
      END
      $fn$;
`;

/**
 * `pipkit_append_refusal`: inserts a record the engine chained onto the head it read, only if
 * the record it follows is still there and its `seq` is still free. Returns
 * whether it was appended and, when it was not (another engine appended first), the chain's
 * head now, so the caller chains again without another read.
 */
const appendRefusalV11 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_append_refusal(
        p_tenant text, p_pip_id text, p_seq integer, p_at text, p_actor_id text,
        p_actor_role text, p_action text, p_outcome text, p_codes text, p_prev_hash text,
        p_hash text
      ) RETURNS TABLE (appended boolean, head_seq integer, head_hash text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        IF p_seq = 1 OR EXISTS (
          SELECT 1 FROM ${s}.pipkit_refusals r
           WHERE r.tenant_id = p_tenant AND r.pip_id = p_pip_id
             AND r.seq = p_seq - 1 AND r.hash = p_prev_hash
        ) THEN
          INSERT INTO ${s}.pipkit_refusals (tenant_id, ${COLUMNS})
          VALUES (p_tenant, p_pip_id, p_seq, p_at, p_actor_id, p_actor_role, p_action,
                  p_outcome, p_codes, p_prev_hash, p_hash)
          ON CONFLICT (tenant_id, pip_id, seq) DO NOTHING;
          IF FOUND THEN
            RETURN QUERY SELECT true, p_seq, p_hash;
            RETURN;
          END IF;
        END IF;
        RETURN QUERY SELECT false, h.seq, h.hash FROM ${s}.pipkit_refusal_head(p_tenant, p_pip_id) h;
      END
      $fn$;
`;

/** `pipkit_read_refusals`: one page of one chain, after a `seq`, in order. */
const readRefusalsV11 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_read_refusals(
        p_tenant text, p_pip_id text, p_after integer, p_limit integer
      ) RETURNS TABLE (pip_id text, seq integer, at text, actor_id text, actor_role text,
                       action text, outcome text, codes text, prev_hash text, hash text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT r.pip_id::text, r.seq, r.at, r.actor_id, r.actor_role, r.action,
                            r.outcome, r.codes, r.prev_hash, r.hash
                       FROM ${s}.pipkit_refusals r
                      WHERE r.tenant_id = p_tenant AND r.pip_id = p_pip_id AND r.seq > p_after
                      ORDER BY r.seq
                      LIMIT p_limit;
      END
      $fn$;
`;

/** Migration 11 whole: the table, its policy, and its three functions. */
export const refusalsV11 = (s: string): string =>
  [refusalTableV11(s), refusalHeadV11(s), appendRefusalV11(s), readRefusalsV11(s)].join('');
