/**
 * Version 7's table changes: the query columns core's `queryColumns` derives, kept beside each
 * PIP's record, their indexes, and the queue the batched backfill works through. DDL as a
 * function of the quoted schema name; released: never changes.
 * @module
 */

/**
 * The query columns, snake_case, with their SQL type and the key the commit document carries
 * them under (`p_request->'query'->>key`). Text columns compare and sort bytewise
 * (`COLLATE "C"`), like the ids: instants are UTC ISO strings, dates local ISO dates, both kept
 * as the exact text core computed so `inspect` returns what was written.
 */
export const QUERY_COLUMNS: readonly (readonly [column: string, type: 'text' | 'integer'])[] = [
  ['created_at', 'text'],
  ['org_unit_id', 'text'],
  ['issued_at', 'text'],
  ['issued_on', 'text'],
  ['state_since', 'text'],
  ['next_due_at', 'text'],
  ['next_kind', 'text'],
  ['overdue_since', 'text'],
  ['overdue_kind', 'text'],
  ['outcome_status', 'text'],
  ['outcome_reason', 'text'],
  ['outcome_at', 'text'],
  ['outcome_on', 'text'],
  ['plan_start', 'text'],
  ['plan_end', 'text'],
  ['extensions', 'integer'],
  ['paused_days', 'integer'],
];

/** One column's value read from the commit document (NULL when an older client sent none). */
const valueOf = ([column, type]: readonly [string, string]): string =>
  type === 'integer'
    ? `(p_request->'query'->>'${column}')::integer`
    : `p_request->'query'->>'${column}'`;

/** The commit function's fragments that write the query columns: insert columns, values, SET. */
export const commitQueryFragments = (): readonly [string, string, string] => [
  `, ${QUERY_COLUMNS.map(([column]) => column).join(', ')}`,
  `,\n                  ${QUERY_COLUMNS.map(valueOf).join(',\n                  ')}`,
  `,\n                 ${QUERY_COLUMNS.map((entry) => `${entry[0]} = ${valueOf(entry)}`).join(',\n                 ')}`,
];

/**
 * Version 7's columns, indexes and backfill queue. `ADD COLUMN` without a default rewrites
 * nothing; `updated_at` becomes `COLLATE "C"` (text to text: no rewrite, no index on it yet) so
 * the `lastChange` order is bytewise like the others. Each index leads with `tenant_id`, as every
 * query names its tenant; partial indexes keep rows without the fact out.
 *
 * The queue lists every PIP the migration found; `backfillQueryColumns` empties it in batches
 * after the migration commits. Row security is enabled on it without a policy and not forced:
 * only its owner (the migrating role) sees it. Filling it needs every tenant's rows, so, as in
 * version 3, `NO FORCE` lifts row security for the owner inside this transaction only.
 */
export const queryTablesV7 = (s: string): string => `
      ALTER TABLE ${s}.pipkit_pips
        ${QUERY_COLUMNS.map(([column, type]) => `ADD COLUMN ${column} ${type}${type === 'text' ? ' COLLATE "C"' : ''}`).join(',\n        ')},
        ALTER COLUMN updated_at TYPE text COLLATE "C";
      -- A manager's queue by next deadline (the nextDeadline order, NULLs last), and the same
      -- for everyone; the lastChange order reads (updated_at, pip_id) backwards.
      CREATE INDEX pipkit_pips_manager_due ON ${s}.pipkit_pips (tenant_id, manager_id, next_due_at, pip_id);
      CREATE INDEX pipkit_pips_employee_due ON ${s}.pipkit_pips (tenant_id, employee_id, next_due_at, pip_id);
      CREATE INDEX pipkit_pips_next_due ON ${s}.pipkit_pips (tenant_id, next_due_at, pip_id);
      CREATE INDEX pipkit_pips_last_change ON ${s}.pipkit_pips (tenant_id, updated_at, pip_id);
      CREATE INDEX pipkit_pips_overdue ON ${s}.pipkit_pips (tenant_id, overdue_since)
        WHERE overdue_since IS NOT NULL;
      CREATE INDEX pipkit_pips_manager_overdue
        ON ${s}.pipkit_pips (tenant_id, manager_id, next_due_at, pip_id)
        WHERE overdue_since IS NOT NULL;
      CREATE INDEX pipkit_pips_outcome_on ON ${s}.pipkit_pips (tenant_id, outcome_on)
        WHERE outcome_on IS NOT NULL;
      CREATE INDEX pipkit_pips_outcome_at ON ${s}.pipkit_pips (tenant_id, outcome_at)
        WHERE outcome_at IS NOT NULL;
      CREATE INDEX pipkit_pips_created ON ${s}.pipkit_pips (tenant_id, created_at, pip_id);
      CREATE INDEX pipkit_pips_state_since ON ${s}.pipkit_pips (tenant_id, state, state_since);
      CREATE INDEX pipkit_pips_org_unit ON ${s}.pipkit_pips (tenant_id, org_unit_id, pip_id)
        WHERE org_unit_id IS NOT NULL;

      CREATE TABLE ${s}.pipkit_query_backfill (
        tenant_id text COLLATE "C" NOT NULL,
        pip_id    text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, pip_id)
      );
      ALTER TABLE ${s}.pipkit_query_backfill ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${s}.pipkit_pips NO FORCE ROW LEVEL SECURITY;
      INSERT INTO ${s}.pipkit_query_backfill (tenant_id, pip_id)
      SELECT tenant_id, pip_id FROM ${s}.pipkit_pips;
      ALTER TABLE ${s}.pipkit_pips FORCE ROW LEVEL SECURITY;
`;
