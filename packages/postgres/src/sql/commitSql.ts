/**
 * The commit family: `pipkit_commit` and `pipkit_commit_many`, as each migration defines them. Each export is a function of the
 * quoted schema name returning DDL; a released one never changes (see `MIGRATIONS`).
 * @module
 */
import { compactEventsInsert } from './eventsSql.js';
import { commitQueryFragments } from './querySql.js';
import { SET_TENANT } from './shared.js';

/** Version 1 of `pipkit_commit`: one command's writes from 28 positional arguments (replaced in version 2). */
export const commitV1 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_commit(
        p_tenant text, p_pip_id text, p_expected integer,
        p_employee_id text, p_manager_id text, p_state text, p_version integer,
        p_record text, p_updated_at text,
        p_seqs integer[], p_events text[], p_prev_hashes text[], p_hashes text[],
        p_timer_clear text[],
        p_timer_ids text[], p_timer_pips text[], p_timer_deadlines text[], p_timer_kinds text[],
        p_timer_due timestamptz[],
        p_outbox_ids text[], p_outbox_pips text[], p_outbox_types text[],
        p_outbox_payloads text[], p_outbox_created text[],
        p_idem_key text, p_idem_pip text, p_idem_hash text, p_idem_version integer,
        p_idem_seqs text
      ) RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE
        v_actual integer;
      BEGIN
        ${SET_TENANT}
        -- The key first: a concurrent duplicate waits for the first and then finds it taken.
        IF p_idem_key IS NOT NULL THEN
          INSERT INTO ${s}.pipkit_idempotency (tenant_id, key, pip_id, request_hash, version, seqs)
          VALUES (p_tenant, p_idem_key, p_idem_pip, p_idem_hash, p_idem_version, p_idem_seqs)
          ON CONFLICT (tenant_id, key) DO NOTHING;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'idempotency key % is already recorded', p_idem_key
              USING ERRCODE = 'PK422';
          END IF;
        END IF;
        IF p_expected = 0 THEN
          -- A racing creator waits for the first one's outcome, then finds the PIP there.
          INSERT INTO ${s}.pipkit_pips
            (tenant_id, pip_id, employee_id, manager_id, state, version, record, updated_at)
          VALUES (p_tenant, p_pip_id, p_employee_id, p_manager_id, p_state, p_version, p_record,
                  p_updated_at);
        ELSE
          -- READ COMMITTED: a row a concurrent writer changed is re-checked against the version,
          -- so the loser updates nothing.
          UPDATE ${s}.pipkit_pips
             SET employee_id = p_employee_id, manager_id = p_manager_id, state = p_state,
                 version = p_version, record = p_record, updated_at = p_updated_at
           WHERE tenant_id = p_tenant AND pip_id = p_pip_id AND version = p_expected;
          IF NOT FOUND THEN
            SELECT version INTO v_actual FROM ${s}.pipkit_pips
             WHERE tenant_id = p_tenant AND pip_id = p_pip_id;
            RAISE EXCEPTION 'PIP % is not at version %', p_pip_id, p_expected
              USING ERRCODE = 'PK409', DETAIL = coalesce(v_actual, 0)::text;
          END IF;
        END IF;
        INSERT INTO ${s}.pipkit_events (tenant_id, pip_id, seq, event, prev_hash, hash)
        SELECT p_tenant, p_pip_id, e.seq, e.event, e.prev_hash, e.hash
          FROM unnest(p_seqs, p_events, p_prev_hashes, p_hashes) AS e (seq, event, prev_hash, hash);
        IF cardinality(p_timer_clear) > 0 THEN
          DELETE FROM ${s}.pipkit_timers
           WHERE tenant_id = p_tenant AND timer_id = ANY (p_timer_clear);
        END IF;
        IF cardinality(p_timer_ids) > 0 THEN
          INSERT INTO ${s}.pipkit_timers (tenant_id, timer_id, pip_id, deadline_id, kind, due_at)
          SELECT p_tenant, t.timer_id, t.pip_id, t.deadline_id, t.kind, t.due_at
            FROM unnest(p_timer_ids, p_timer_pips, p_timer_deadlines, p_timer_kinds, p_timer_due)
                 AS t (timer_id, pip_id, deadline_id, kind, due_at)
          ON CONFLICT (tenant_id, timer_id) DO UPDATE
            SET pip_id = excluded.pip_id, deadline_id = excluded.deadline_id,
                kind = excluded.kind, due_at = excluded.due_at,
                leased_by = NULL, leased_until = NULL;
        END IF;
        IF cardinality(p_outbox_ids) > 0 THEN
          INSERT INTO ${s}.pipkit_outbox (tenant_id, id, pip_id, type, payload, created_at)
          SELECT p_tenant, m.id, m.pip_id, m.type, m.payload, m.created_at
            FROM unnest(p_outbox_ids, p_outbox_pips, p_outbox_types, p_outbox_payloads,
                        p_outbox_created) WITH ORDINALITY AS m (id, pip_id, type, payload, created_at, n)
           ORDER BY m.n;
        END IF;
        RETURN p_version;
      END
      $fn$;
`;

/** Version 1 of `pipkit_commit_many`: a JSON array of `pipkit_commit` argument lists (replaced in version 2). */
export const commitManyV1 = (s: string): string => `
      -- Several commits in one statement, one transaction, one WAL flush: each request runs in its
      -- own subtransaction (a BEGIN ... EXCEPTION block), so a refused one leaves nothing and the
      -- others go on. p_requests is a JSON array of pipkit_commit's arguments after the tenant,
      -- in order. Returns one row per refused request: its position and the error's fields.
      CREATE FUNCTION ${s}.pipkit_commit_many(p_tenant text, p_requests json)
      RETURNS TABLE (request_index integer, sql_state text, error_detail text, error_message text,
                     error_constraint text)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        r json;
        i integer := 0;
      BEGIN
        FOR r IN SELECT value FROM json_array_elements(p_requests) LOOP
          BEGIN
            PERFORM ${s}.pipkit_commit(
              p_tenant, r->>0, (r->>1)::integer, r->>2, r->>3, r->>4, (r->>5)::integer, r->>6,
              r->>7,
              ARRAY(SELECT json_array_elements_text(r->8))::integer[],
              ARRAY(SELECT json_array_elements_text(r->9)),
              ARRAY(SELECT json_array_elements_text(r->10)),
              ARRAY(SELECT json_array_elements_text(r->11)),
              ARRAY(SELECT json_array_elements_text(r->12)),
              ARRAY(SELECT json_array_elements_text(r->13)),
              ARRAY(SELECT json_array_elements_text(r->14)),
              ARRAY(SELECT json_array_elements_text(r->15)),
              ARRAY(SELECT json_array_elements_text(r->16)),
              ARRAY(SELECT json_array_elements_text(r->17))::timestamptz[],
              ARRAY(SELECT json_array_elements_text(r->18)),
              ARRAY(SELECT json_array_elements_text(r->19)),
              ARRAY(SELECT json_array_elements_text(r->20)),
              ARRAY(SELECT json_array_elements_text(r->21)),
              ARRAY(SELECT json_array_elements_text(r->22)),
              r->>23, r->>24, r->>25, (r->>26)::integer, r->>27);
          EXCEPTION WHEN OTHERS THEN
            request_index := i;
            GET STACKED DIAGNOSTICS sql_state = RETURNED_SQLSTATE,
              error_detail = PG_EXCEPTION_DETAIL, error_message = MESSAGE_TEXT,
              error_constraint = CONSTRAINT_NAME;
            RETURN NEXT;
          END;
          i := i + 1;
        END LOOP;
      END
      $fn$;
`;

/** Version 1's `pipkit_commit` and `pipkit_commit_many` signatures, dropped by version 2. */
export const dropCommitV1 = (s: string): string => `
      DROP FUNCTION ${s}.pipkit_commit_many(text, json);
      DROP FUNCTION ${s}.pipkit_commit(
        text, text, integer, text, text, text, integer, text, text,
        integer[], text[], text[], text[], text[], text[], text[], text[], text[], timestamptz[],
        text[], text[], text[], text[], text[], text, text, text, integer, text);
`;

/** The commit's fragments that write the envelope's policy columns (version 3 on): insert columns, values, SET. */
export const COMMIT_POLICY_FRAGMENTS: readonly [string, string, string] = [
  ', policy_id, policy_version',
  `,\n                  p_request->>'policy_id', (p_request->>'policy_version')::integer`,
  `,\n                 policy_id = p_request->>'policy_id',\n                 policy_version = (p_request->>'policy_version')::integer`,
];

/**
 * `pipkit_commit(tenant, request jsonb)`: one command's writes from one jsonb document (see
 * `commitDocument` in the store). Text that must round-trip byte-exact (the record, each event,
 * each payload, the idempotency seqs) travels as JSON strings and is read with `->>`, so jsonb
 * never reorders its keys. Preconditions in core's order, key first, then version: a failure
 * raises `PK412` with DETAIL `{"actualVersion": n, "recordedKey": bool}`, the facts core's
 * `commitPreconditionError` turns into the error every store throws. `timerReset` lists extra
 * assignments for a timer row that is set again, and `policyColumns` writes the envelope's policy
 * columns (version 3 adds both). `queryColumns` (version 7) also writes the query columns
 * the document's `query` object carries (core's `queryColumns` of the record, computed by the
 * store): they commit with the record, in the same statement. `compactEvents` (version 8) writes
 * each event's hash as bytes and its previous hash only where the sequence does not imply it;
 * `deflatedEvents` (version 10, with `compactEvents`) also takes an event's compressed bytes.
 */
export const commitFunction = (
  s: string,
  options: {
    readonly timerReset?: string;
    readonly policyColumns?: boolean;
    readonly queryColumns?: boolean;
    readonly compactEvents?: boolean;
    readonly deflatedEvents?: boolean;
  } = {},
): string => {
  const timerReset = options.timerReset ?? '';
  const [queryColumns, queryValues, querySet] = options.queryColumns
    ? commitQueryFragments()
    : ['', '', ''];
  const [policyColumns, policyValues, policySet] = options.policyColumns
    ? COMMIT_POLICY_FRAGMENTS
    : ['', '', ''];
  return `
      CREATE OR REPLACE FUNCTION ${s}.pipkit_commit(p_tenant text, p_request jsonb)
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE
        v_pip text := p_request->>'pip_id';
        v_expected integer := (p_request->>'expected')::integer;
        v_version integer := (p_request->>'version')::integer;
        v_idem jsonb := p_request->'idempotency';
        v_key_taken boolean := false;
        v_stale boolean := false;
        v_actual integer;${options.compactEvents ? '\n        v_prev text;' : ''}
      BEGIN
        ${SET_TENANT}
        -- The key first: a concurrent duplicate waits for the first and then finds it taken.
        IF jsonb_typeof(v_idem) = 'object' THEN
          INSERT INTO ${s}.pipkit_idempotency (tenant_id, key, pip_id, request_hash, version, seqs)
          VALUES (p_tenant, v_idem->>'key', v_idem->>'pip_id', v_idem->>'request_hash',
                  (v_idem->>'version')::integer, v_idem->>'seqs')
          ON CONFLICT (tenant_id, key) DO NOTHING;
          v_key_taken := NOT FOUND;
        END IF;
        IF NOT v_key_taken AND v_expected = 0 THEN
          -- A racing creator waits for the first one's outcome, then finds the PIP there.
          INSERT INTO ${s}.pipkit_pips
            (tenant_id, pip_id, employee_id, manager_id, state, version, record, updated_at${policyColumns}${queryColumns})
          VALUES (p_tenant, v_pip, p_request->>'employee_id', p_request->>'manager_id',
                  p_request->>'state', v_version, p_request->>'record', p_request->>'updated_at'${policyValues}${queryValues})
          ON CONFLICT (tenant_id, pip_id) DO NOTHING;
          v_stale := NOT FOUND;
        ELSIF NOT v_key_taken THEN
          -- READ COMMITTED: a row a concurrent writer changed is re-checked against the version,
          -- so the loser updates nothing.
          UPDATE ${s}.pipkit_pips
             SET employee_id = p_request->>'employee_id', manager_id = p_request->>'manager_id',
                 state = p_request->>'state', version = v_version,
                 record = p_request->>'record', updated_at = p_request->>'updated_at'${policySet}${querySet}
           WHERE tenant_id = p_tenant AND pip_id = v_pip AND version = v_expected;
          v_stale := NOT FOUND;
        END IF;
        IF v_key_taken OR v_stale THEN
          SELECT version INTO v_actual FROM ${s}.pipkit_pips
           WHERE tenant_id = p_tenant AND pip_id = v_pip;
          RAISE EXCEPTION 'a commit precondition failed for PIP %', v_pip
            USING ERRCODE = 'PK412',
                  DETAIL = jsonb_build_object('actualVersion', coalesce(v_actual, 0),
                                              'recordedKey', v_key_taken)::text;
        END IF;
${
  options.compactEvents
    ? compactEventsInsert(s, options.deflatedEvents)
    : `        INSERT INTO ${s}.pipkit_events (tenant_id, pip_id, seq, event, prev_hash, hash)
        SELECT p_tenant, v_pip, e.seq, e.event, e.prev_hash, e.hash
          FROM jsonb_to_recordset(p_request->'events')
               AS e (seq integer, event text, prev_hash text, hash text);`
}
        IF jsonb_array_length(p_request->'clear') > 0 THEN
          DELETE FROM ${s}.pipkit_timers
           WHERE tenant_id = p_tenant
             AND timer_id = ANY (ARRAY(SELECT jsonb_array_elements_text(p_request->'clear')));
        END IF;
        IF jsonb_array_length(p_request->'timers') > 0 THEN
          INSERT INTO ${s}.pipkit_timers (tenant_id, timer_id, pip_id, deadline_id, kind, due_at)
          SELECT p_tenant, t.timer_id, t.pip_id, t.deadline_id, t.kind, t.due_at
            FROM jsonb_to_recordset(p_request->'timers')
                 AS t (timer_id text, pip_id text, deadline_id text, kind text, due_at timestamptz)
          ON CONFLICT (tenant_id, timer_id) DO UPDATE
            SET pip_id = excluded.pip_id, deadline_id = excluded.deadline_id,
                kind = excluded.kind, due_at = excluded.due_at,
                leased_by = NULL, leased_until = NULL${timerReset};
        END IF;
        IF jsonb_array_length(p_request->'outbox') > 0 THEN
          INSERT INTO ${s}.pipkit_outbox (tenant_id, id, pip_id, type, payload, created_at)
          SELECT p_tenant, m.value->>'id', m.value->>'pip_id', m.value->>'type',
                 m.value->>'payload', m.value->>'created_at'
            FROM jsonb_array_elements(p_request->'outbox') WITH ORDINALITY AS m (value, n)
           ORDER BY m.n;
        END IF;
        RETURN v_version;
      END
      $fn$;
`;
};

/**
 * `pipkit_commit_many(tenant, requests jsonb)`: a jsonb array of `pipkit_commit` documents in one
 * statement, one transaction, one WAL flush. Each runs in its own subtransaction (a
 * `BEGIN ... EXCEPTION` block: PostgreSQL docs, "43.6.8. Trapping Errors"), so a refused one
 * leaves nothing and the others go on. `OTHERS` does not trap `query_canceled`, so a statement
 * timeout ends the whole batch. Returns one row per refused request: its position and the
 * error's fields.
 */
export const commitManyV2 = (s: string): string => `
      CREATE OR REPLACE FUNCTION ${s}.pipkit_commit_many(p_tenant text, p_requests jsonb)
      RETURNS TABLE (request_index integer, sql_state text, error_detail text, error_message text,
                     error_constraint text)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        r jsonb;
        i integer := 0;
      BEGIN
        FOR r IN SELECT value FROM jsonb_array_elements(p_requests) LOOP
          BEGIN
            PERFORM ${s}.pipkit_commit(p_tenant, r);
          EXCEPTION WHEN OTHERS THEN
            request_index := i;
            GET STACKED DIAGNOSTICS sql_state = RETURNED_SQLSTATE,
              error_detail = PG_EXCEPTION_DETAIL, error_message = MESSAGE_TEXT,
              error_constraint = CONSTRAINT_NAME;
            RETURN NEXT;
          END;
          i := i + 1;
        END LOOP;
      END
      $fn$;
`;

/**
 * `pipkit_commit_all(tenant, requests jsonb)`: the fast path of `commitMany`. Every request of the
 * jsonb array through `pipkit_commit` in one statement, one transaction, one WAL flush, without a
 * subtransaction per request: any refusal or error fails the whole statement and writes nothing,
 * and the store then commits the batch again through `pipkit_commit_many`, where each request
 * fails alone. A subtransaction per request costs CPU, and past 64 in one transaction it makes
 * every concurrent snapshot consult `pg_subtrans` (PostgreSQL docs, "66.3. Subtransactions").
 * Returns how many requests it committed.
 */
export const commitAllV5 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_commit_all(p_tenant text, p_requests jsonb)
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE
        r jsonb;
        n integer := 0;
      BEGIN
        FOR r IN SELECT value FROM jsonb_array_elements(p_requests) LOOP
          PERFORM ${s}.pipkit_commit(p_tenant, r);
          n := n + 1;
        END LOOP;
        RETURN n;
      END
      $fn$;
`;
