import type pg from 'pg';

/** The columns of each table at schema version 1 (and 2, which changed only functions). */
export const V1_COLUMNS: Readonly<Record<string, string>> = {
  pipkit_pips: 'tenant_id, pip_id, employee_id, manager_id, state, version, record, updated_at',
  pipkit_events: 'tenant_id, pip_id, seq, event, prev_hash, hash',
  pipkit_timers: 'tenant_id, timer_id, pip_id, deadline_id, kind, due_at, leased_by, leased_until',
  pipkit_outbox:
    'tenant_id, id, pip_id, type, payload, created_at, delivered_at, leased_by, leased_until',
  pipkit_idempotency: 'tenant_id, key, pip_id, request_hash, version, seqs',
};

/**
 * Copies every row of `from` into `to` with version 1's columns, as a pool that bypasses row
 * security (a superuser) sees them: the rows an earlier release wrote, byte for byte.
 */
export async function copyRows(pool: pg.Pool, from: string, to: string): Promise<void> {
  for (const [table, columns] of Object.entries(V1_COLUMNS)) {
    const order = table === 'pipkit_outbox' ? ' ORDER BY position' : '';
    await pool.query(
      `INSERT INTO "${to}".${table} (${columns}) SELECT ${columns} FROM "${from}".${table}${order}`,
    );
  }
}
