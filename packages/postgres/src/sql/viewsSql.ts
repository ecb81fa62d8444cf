/**
 * Version 7's views for BI tools (Metabase, Superset): readable columns over the query columns,
 * no record JSON and so no personal free text (goals, notes, reasons typed by people). DDL as a
 * function of the quoted schema name; released: never changes.
 * @module
 */

/**
 * `pipkit_plan_facts` (one row per PIP) and `pipkit_pending_deadlines` (one row per pending
 * deadline). Both are tenant-scoped twice: each filters on the session's `pipkit.tenant_id`
 * itself, so a view owned by a role that bypasses row security still shows one tenant (and
 * nothing without the setting); and on PostgreSQL 15 or later they are `security_invoker`, so
 * the tables' row security is checked as the querying role, not the view's owner (PostgreSQL
 * docs, "CREATE VIEW", security_invoker). A BI role gets its tenant with
 * `ALTER ROLE bi_acme SET pipkit.tenant_id = 'acme'`.
 */
export const viewsV7 = (s: string): string => `
      CREATE VIEW ${s}.pipkit_plan_facts AS
      SELECT p.tenant_id::text                             AS tenant_id,
             p.pip_id::text                                AS pip_id,
             p.employee_id                                 AS employee_id,
             p.manager_id                                  AS manager_id,
             p.org_unit_id                                 AS org_unit_id,
             p.policy_id                                   AS policy_id,
             p.policy_version                              AS policy_version,
             p.state                                       AS state,
             p.outcome_status IS NULL                      AS is_open,
             p.version                                     AS event_count,
             p.created_at::timestamptz                     AS opened_at,
             p.issued_at::timestamptz                      AS issued_at,
             p.issued_on::date                             AS issued_on,
             p.state_since::timestamptz                    AS state_since,
             p.updated_at::timestamptz                     AS last_change_at,
             p.plan_start::date                            AS plan_start,
             p.plan_end::date                              AS plan_end,
             p.plan_end::date - p.plan_start::date         AS plan_days,
             p.next_due_at::timestamptz                    AS next_deadline_at,
             p.next_kind                                   AS next_deadline_kind,
             p.overdue_since IS NOT NULL                   AS is_overdue,
             p.overdue_since::timestamptz                  AS overdue_since,
             p.overdue_kind                                AS overdue_kind,
             p.outcome_status                              AS outcome_status,
             p.outcome_reason                              AS outcome_reason,
             p.outcome_at::timestamptz                     AS outcome_at,
             p.outcome_on::date                            AS outcome_on,
             to_char(p.outcome_on::date, 'YYYY-MM')        AS outcome_month,
             p.outcome_on::date - p.issued_on::date        AS days_to_outcome,
             p.extensions                                  AS extensions,
             p.paused_days                                 AS paused_days
        FROM ${s}.pipkit_pips p
       WHERE p.tenant_id = current_setting('pipkit.tenant_id', true);

      CREATE VIEW ${s}.pipkit_pending_deadlines AS
      SELECT t.tenant_id::text      AS tenant_id,
             t.pip_id::text         AS pip_id,
             t.deadline_id          AS deadline_id,
             t.kind                 AS kind,
             t.due_at               AS due_at,
             t.attempts             AS failed_fires,
             t.parked_code IS NOT NULL AS is_parked
        FROM ${s}.pipkit_timers t
       WHERE t.tenant_id = current_setting('pipkit.tenant_id', true);

      DO $views$
      BEGIN
        IF current_setting('server_version_num')::integer >= 150000 THEN
          EXECUTE 'ALTER VIEW ${s}.pipkit_plan_facts SET (security_invoker = true)';
          EXECUTE 'ALTER VIEW ${s}.pipkit_pending_deadlines SET (security_invoker = true)';
        END IF;
      END
      $views$;
`;
