import { decompressEventJson } from '@pipkit/core/adapter';
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
 * The event columns as versions 1 to 7 kept them, from a version 8 table: the hash as hex text,
 * and the previous hash written out (the previous event's hash, or 64 zeros for event 1).
 */
const HEX_EVENT_VALUES: Readonly<Record<string, string>> = {
  hash: `encode(hash, 'hex')`,
  prev_hash: `coalesce(prev_hash,
    encode(lag(hash) OVER (PARTITION BY tenant_id, pip_id ORDER BY seq), 'hex'),
    '${'0'.repeat(64)}')`,
};

/** True when the schema's events keep their hashes as bytes (version 8 on). */
async function compactEvents(pool: pg.Pool, schema: string): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT data_type FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = 'pipkit_events' AND column_name = 'hash'`,
    [schema],
  );
  return (rows[0] as { data_type: string } | undefined)?.data_type === 'bytea';
}

/**
 * Copies every row of `from` into `to` with the columns `to` has (of those the current schema
 * has: version 1's, and what later versions added), as a pool that bypasses row security (a
 * superuser) sees them: the rows an earlier release wrote, byte for byte (events in the hex
 * layout of versions 1 to 7 when `to` is older than version 8, and as JSON text when `to` is
 * older than version 10). The outbox's
 * `position` is left to `to`'s own sequence, so later inserts there do not clash.
 */
export async function copyRows(pool: pg.Pool, from: string, to: string): Promise<void> {
  for (const table of Object.keys(V1_COLUMNS)) {
    const { rows } = await pool.query(
      `SELECT column_name FROM information_schema.columns t
        WHERE t.table_schema = $1 AND t.table_name = $3 AND t.column_name <> 'position'
          AND EXISTS (SELECT 1 FROM information_schema.columns f
                       WHERE f.table_schema = $2 AND f.table_name = $3
                         AND f.column_name = t.column_name)
        ORDER BY t.ordinal_position`,
      [to, from, table],
    );
    const names = (rows as { column_name: string }[]).map((row) => row.column_name);
    const columns = names.join(', ');
    const textEvents = table === 'pipkit_events' && !names.includes('event_deflated');
    const values = (
      table === 'pipkit_events' && !(await compactEvents(pool, to))
        ? names.map((name) => HEX_EVENT_VALUES[name] ?? name)
        : names
    ).map((value) => (textEvents && value === 'event' ? "coalesce(event, '')" : value));
    const order = table === 'pipkit_outbox' ? ' ORDER BY position' : '';
    await pool.query(
      `INSERT INTO "${to}".${table} (${columns}) SELECT ${values.join(', ')} FROM "${from}".${table}${order}`,
    );
    if (textEvents) await writeEventText(pool, from, to);
  }
}

/**
 * Before version 10 every event is JSON text: writes the text of each event `from` keeps
 * compressed into `to`'s copy, as the release that wrote it would have.
 */
async function writeEventText(pool: pg.Pool, from: string, to: string): Promise<void> {
  const { rows } = await pool.query(
    `SELECT tenant_id, pip_id, seq, event_deflated FROM "${from}".pipkit_events
      WHERE event_deflated IS NOT NULL`,
  );
  for (const row of rows as {
    tenant_id: string;
    pip_id: string;
    seq: number;
    event_deflated: Buffer;
  }[]) {
    await pool.query(
      `UPDATE "${to}".pipkit_events SET event = $4 WHERE tenant_id = $1 AND pip_id = $2 AND seq = $3`,
      [row.tenant_id, row.pip_id, row.seq, decompressEventJson(row.event_deflated)],
    );
  }
}
