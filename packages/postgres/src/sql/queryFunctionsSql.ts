/**
 * Version 7's read functions: `pipkit_query_pips`, `pipkit_count_pips`, `pipkit_report_pips`
 * and the new `pipkit_inspect`. Each takes the tenant and one jsonb document (see `queryDocument`
 * in `queries.ts`); the filters are static SQL on PL/pgSQL variables, and each function runs
 * with `plan_cache_mode = force_custom_plan`, so every call is planned with its values as
 * constants: a filter that was not given folds away, and the remaining conditions meet the
 * indexes (PostgreSQL docs, "PREPARE", Notes; "43.11.2. Plan Caching"). Released: never changes.
 * @module
 */
import { isoOf, SET_TENANT } from './shared.js';

/**
 * An array from the document, where the store sends it as an array literal (`{"a","b"}`): a
 * cast, so PL/pgSQL evaluates it as a simple expression without starting a query.
 */
const textArray = (key: string): string => `(p_query->>'${key}')::text[]`;

/** The variables every function reads its document into. */
const DECLARE_FILTER = `
        v_scope_all boolean := coalesce((p_query->>'scope_all')::boolean, false);
        v_scope_employees text[] := ${textArray('scope_employees')};
        v_scope_managers text[] := ${textArray('scope_managers')};
        -- One manager (a manager's own queue): equality, so the index returns its order.
        v_scope_manager text := CASE WHEN cardinality(v_scope_managers) = 1
                                     THEN v_scope_managers[1] END;
        v_states text[] := ${textArray('states')};
        v_outcomes text[] := ${textArray('outcomes')};
        v_reasons text[] := ${textArray('outcome_reasons')};
        v_employees text[] := ${textArray('employee_ids')};
        v_managers text[] := ${textArray('manager_ids')};
        v_org_units text[] := ${textArray('org_unit_ids')};
        v_scope_org_units text[] := ${textArray('scope_org_units')};
        v_policy_ids text[] := ${textArray('policy_ids')};
        v_policy_versions integer[] := (p_query->>'policy_versions')::integer[];
        v_overdue boolean := (p_query->>'overdue')::boolean;
        v_next boolean := p_query ? 'next';
        v_next_from text := p_query->'next'->>'from';
        v_next_to text := p_query->'next'->>'to';
        v_next_kinds text[] := (p_query->>'next_kinds')::text[];
        v_opened boolean := p_query ? 'opened';
        v_opened_from text := p_query->'opened'->>'from';
        v_opened_to text := p_query->'opened'->>'to';
        v_closed boolean := p_query ? 'closed';
        v_closed_from text := p_query->'closed'->>'from';
        v_closed_to text := p_query->'closed'->>'to';
        v_since boolean := p_query ? 'state_since';
        v_since_from text := p_query->'state_since'->>'from';
        v_since_to text := p_query->'state_since'->>'to';`;

/**
 * The scope and every filter on `pipkit_pips p`, as core's `inScope` and `matchesFilter` define
 * them: a range is half-open and never matches a missing value; a scope with no ids selects
 * nothing. Written so each absent part folds to TRUE.
 */
const FILTER_WHERE = `p.tenant_id = p_tenant
          AND (v_scope_all
               OR (v_scope_employees IS NOT NULL AND p.employee_id = ANY (v_scope_employees))
               OR (v_scope_manager IS NOT NULL AND p.manager_id = v_scope_manager)
               OR (v_scope_manager IS NULL AND v_scope_managers IS NOT NULL
                   AND p.manager_id = ANY (v_scope_managers))
               OR (v_scope_org_units IS NOT NULL AND p.org_unit_id = ANY (v_scope_org_units)))
          AND (v_states IS NULL OR p.state = ANY (v_states))
          AND (v_outcomes IS NULL OR p.outcome_status = ANY (v_outcomes))
          AND (v_reasons IS NULL OR p.outcome_reason = ANY (v_reasons))
          AND (v_employees IS NULL OR p.employee_id = ANY (v_employees))
          AND (v_managers IS NULL OR p.manager_id = ANY (v_managers))
          AND (v_org_units IS NULL OR p.org_unit_id = ANY (v_org_units))
          AND (v_policy_ids IS NULL OR EXISTS (
                 SELECT 1 FROM unnest(v_policy_ids, v_policy_versions) AS q (id, version)
                  WHERE q.id = p.policy_id AND (q.version IS NULL OR q.version = p.policy_version)))
          AND (v_overdue IS NULL OR (v_overdue AND p.overdue_since IS NOT NULL)
               OR (NOT v_overdue AND p.overdue_since IS NULL))
          AND (NOT v_next OR p.next_due_at IS NOT NULL)
          AND (v_next_from IS NULL OR p.next_due_at >= v_next_from)
          AND (v_next_to IS NULL OR p.next_due_at < v_next_to)
          AND (v_next_kinds IS NULL OR p.next_kind = ANY (v_next_kinds))
          AND (NOT v_opened OR p.created_at IS NOT NULL)
          AND (v_opened_from IS NULL OR p.created_at >= v_opened_from)
          AND (v_opened_to IS NULL OR p.created_at < v_opened_to)
          AND (NOT v_closed OR p.outcome_at IS NOT NULL)
          AND (v_closed_from IS NULL OR p.outcome_at >= v_closed_from)
          AND (v_closed_to IS NULL OR p.outcome_at < v_closed_to)
          AND (NOT v_since OR p.state_since IS NOT NULL)
          AND (v_since_from IS NULL OR p.state_since >= v_since_from)
          AND (v_since_to IS NULL OR p.state_since < v_since_to)`;

/**
 * What a page row returns: the id, the record and the sort key of the order (NULL for `pipId`).
 * The envelope columns of a row whose record cannot be read are read separately, when needed.
 */
const pageColumns = (key: string) => `p.pip_id::text, p.record, ${key}::text`;

/**
 * `pipkit_query_pips(tenant, query jsonb)`: one page in one of three orders, after a keyset
 * position: `pipId` ascending; `nextDeadline` ascending with NULLs last, then id;
 * `lastChange` by `(updated_at, pip_id)` descending.
 */
export const queryPipsV7 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_query_pips(p_tenant text, p_query jsonb)
      RETURNS TABLE (pip_id text, record text, sort_key text)
      LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $fn$
      DECLARE${DECLARE_FILTER}
        v_sort text := p_query->>'sort';
        v_after boolean := p_query ? 'after_id';
        v_after_id text := p_query->>'after_id';
        v_after_key text := p_query->>'after_key';
        v_limit integer := (p_query->>'limit')::integer;
      BEGIN
        ${SET_TENANT}
        IF v_sort = 'nextDeadline' THEN
          RETURN QUERY SELECT ${pageColumns('p.next_due_at')} FROM ${s}.pipkit_pips p
           WHERE ${FILTER_WHERE}
             AND (NOT v_after
                  OR (v_after_key IS NULL AND p.next_due_at IS NULL AND p.pip_id > v_after_id)
                  OR (v_after_key IS NOT NULL
                      AND (p.next_due_at IS NULL
                           OR (p.next_due_at, p.pip_id) > (v_after_key, v_after_id))))
           ORDER BY p.next_due_at, p.pip_id
           LIMIT v_limit;
        ELSIF v_sort = 'lastChange' THEN
          RETURN QUERY SELECT ${pageColumns('p.updated_at')} FROM ${s}.pipkit_pips p
           WHERE ${FILTER_WHERE}
             AND (NOT v_after OR (p.updated_at, p.pip_id) < (v_after_key, v_after_id))
           ORDER BY p.updated_at DESC, p.pip_id DESC
           LIMIT v_limit;
        ELSE
          RETURN QUERY SELECT ${pageColumns('NULL')} FROM ${s}.pipkit_pips p
           WHERE ${FILTER_WHERE}
             AND (NOT v_after OR p.pip_id > v_after_id)
           ORDER BY p.pip_id
           LIMIT v_limit;
        END IF;
      END
      $fn$;
`;

/** `pipkit_count_pips(tenant, query jsonb)`: how many PIPs the scope and filters select. */
export const countPipsV7 = (s: string): string => `
      CREATE FUNCTION ${s}.pipkit_count_pips(p_tenant text, p_query jsonb)
      RETURNS TABLE (count bigint)
      LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $fn$
      DECLARE${DECLARE_FILTER}
      BEGIN
        ${SET_TENANT}
        RETURN QUERY SELECT count(*) FROM ${s}.pipkit_pips p WHERE ${FILTER_WHERE};
      END
      $fn$;
`;

/** Calendar days between two local ISO dates stored as text. */
const days = (from: string, to: string) => `(${to}::date - ${from}::date)`;

/**
 * `pipkit_report_pips(tenant, query jsonb)`: one report's groups (`p_query->>'report'`) as
 * generic rows: up to four group keys, a count, sums and counts for means, a minimum, and
 * nearest-rank percentiles (`percentile_disc` takes the row at ceil(p * n), as core's
 * `nearestRank` does). The store turns them into the report's rows and computes means.
 */
export const reportPipsV7 = (s: string): string => {
  const from = `FROM ${s}.pipkit_pips p WHERE ${FILTER_WHERE}`;
  return `
      CREATE FUNCTION ${s}.pipkit_report_pips(p_tenant text, p_query jsonb)
      RETURNS TABLE (k1 text, k2 text, k3 text, k4 text, n bigint, sum1 bigint, sum2 bigint,
                     n1 bigint, n2 bigint, p50 integer, p90 integer)
      LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $fn$
      DECLARE${DECLARE_FILTER}
        v_report text := p_query->>'report';
        v_final text[] := ${textArray('final_states')};
        v_over integer := (p_query->>'over_days')::integer;
      BEGIN
        ${SET_TENANT}
        IF v_report = 'openByState' THEN
          RETURN QUERY SELECT p.state, NULL, NULL, NULL, count(*), NULL::bigint, NULL::bigint,
                 NULL::bigint, NULL::bigint, NULL::integer, NULL::integer
            ${from} AND NOT (p.state = ANY (v_final)) GROUP BY p.state;
        ELSIF v_report = 'overdueByKind' THEN
          RETURN QUERY SELECT p.overdue_kind::text, min(p.overdue_since)::text, NULL, NULL,
                 count(*), NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                 NULL::integer, NULL::integer
            ${from} AND p.overdue_kind IS NOT NULL GROUP BY p.overdue_kind;
        ELSIF v_report = 'outcomesByMonth' THEN
          RETURN QUERY SELECT left(p.outcome_on, 7), p.policy_id,
                 coalesce(p.outcome_status, '')::text, coalesce(p.outcome_reason, '')::text,
                 count(*), NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                 NULL::integer, NULL::integer
            ${from} AND p.outcome_on IS NOT NULL GROUP BY 1, 2, 3, 4;
        ELSIF v_report = 'timeToOutcome' THEN
          RETURN QUERY SELECT p.policy_id, coalesce(p.outcome_status, '')::text, NULL, NULL,
                 count(*), sum(${days('p.issued_on', 'p.outcome_on')})::bigint, NULL::bigint,
                 NULL::bigint, NULL::bigint,
                 percentile_disc(0.5) WITHIN GROUP (ORDER BY ${days('p.issued_on', 'p.outcome_on')}),
                 percentile_disc(0.9) WITHIN GROUP (ORDER BY ${days('p.issued_on', 'p.outcome_on')})
            ${from} AND p.issued_on IS NOT NULL AND p.outcome_on IS NOT NULL GROUP BY 1, 2;
        ELSIF v_report = 'extensionsAndPauses' THEN
          RETURN QUERY SELECT p.policy_id, NULL, NULL, NULL, count(*),
                 sum(p.extensions)::bigint, sum(p.paused_days)::bigint,
                 count(*) FILTER (WHERE p.extensions > 0),
                 count(*) FILTER (WHERE p.paused_days > 0), NULL::integer, NULL::integer
            ${from} AND p.issued_at IS NOT NULL GROUP BY p.policy_id;
        ELSIF v_report = 'longPlans' THEN
          RETURN QUERY SELECT p.policy_id, NULL, NULL, NULL, count(*), NULL::bigint,
                 NULL::bigint, NULL::bigint, NULL::bigint, NULL::integer, NULL::integer
            ${from} AND p.plan_start IS NOT NULL AND p.plan_end IS NOT NULL
                 AND ${days('p.plan_start', 'p.plan_end')} > v_over
           GROUP BY p.policy_id;
        END IF;
      END
      $fn$;
`;
};

/**
 * Version 7 of `pipkit_inspect`: version 3's document plus `query`, the query columns as stored
 * (keys as the columns are named), so `engine.verify` compares them with what the events imply.
 */
export const inspectV7 = (s: string): string => `
      CREATE OR REPLACE FUNCTION ${s}.pipkit_inspect(p_tenant text, p_pip_id text)
      RETURNS TABLE (document text) LANGUAGE plpgsql AS $fn$
      BEGIN
        ${SET_TENANT}
        RETURN QUERY
          SELECT jsonb_build_object(
                   'tenant_id', p.tenant_id, 'employee_id', p.employee_id,
                   'manager_id', p.manager_id, 'policy_id', p.policy_id,
                   'policy_version', p.policy_version, 'state', p.state, 'version', p.version,
                   'query', jsonb_build_object(
                     'org_unit_id', p.org_unit_id,
                     'issued_at', p.issued_at, 'issued_on', p.issued_on,
                     'state_since', p.state_since, 'next_due_at', p.next_due_at,
                     'next_kind', p.next_kind, 'overdue_since', p.overdue_since,
                     'overdue_kind', p.overdue_kind, 'outcome_status', p.outcome_status,
                     'outcome_reason', p.outcome_reason, 'outcome_at', p.outcome_at,
                     'outcome_on', p.outcome_on, 'plan_start', p.plan_start,
                     'plan_end', p.plan_end, 'extensions', p.extensions,
                     'paused_days', p.paused_days),
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
