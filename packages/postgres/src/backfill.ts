/**
 * Version 7's backfill: the query columns of PIPs written before them, in batches after the
 * migration commits, so a large table is never locked for long.
 * @module
 */
import { createHash } from 'node:crypto';
import { type PipRecord, type StoredEvent, summarize } from '@pipkit/core/adapter';
import { queryDocument } from './commitDocument.js';
import type { PgQueryable } from './pgDriver.js';
import { inTransaction, type TransactionMode } from './transaction.js';

/** PIPs per backfill transaction. */
export const BACKFILL_BATCH = 500;

/** The advisory lock a batch holds shared and the final drop of the queue holds exclusively. */
function backfillLockKey(schema: string): string {
  return createHash('sha256')
    .update(`pipkit:backfill:${schema}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * True while the schema still has PIPs waiting for their query columns. Read from `pg_class` with
 * the statement's snapshot, not the catalog cache (`to_regclass`), which an advisory lock does
 * not refresh: a queue another process just dropped is seen as gone.
 */
export async function backfillPending(db: PgQueryable, schema: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = 'pipkit_query_backfill') AS present`,
    [schema],
  );
  return (rows[0] as { present: boolean }).present;
}

/** One stored row the backfill reads. */
interface StoredPip {
  pip_id: string;
  version: number;
  record: string;
}

/**
 * The columns (and, for a record without a summary whose log replays, the record with its
 * summary) of one PIP whose record parsed.
 */
function backfilled(
  row: StoredPip,
  record: PipRecord,
  events: readonly StoredEvent['event'][] | undefined,
): Record<string, unknown> {
  const key = { pip_id: row.pip_id, version: row.version };
  if (record.summary !== undefined) return { ...key, ...queryDocument(record) };
  try {
    const withSummary: PipRecord = { ...record, summary: summarize(events ?? []) };
    return { ...key, record: JSON.stringify(withSummary), ...queryDocument(withSummary) };
  } catch {
    // A log that does not replay: the summary-derived columns stay NULL; verify reports it.
    return { ...key, ...queryDocument(record) };
  }
}

/** The record of a stored row, or `undefined` when it cannot be read (it stays as it is). */
function parsed(row: StoredPip): PipRecord | undefined {
  try {
    const record = JSON.parse(row.record) as PipRecord;
    return typeof record === 'object' && record !== null ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one tenant's PIPs of a batch, computes their columns and writes them. */
async function backfillTenant(
  db: PgQueryable,
  s: string,
  tenant: string,
  pipIds: readonly string[],
): Promise<void> {
  // Row security is forced for the tables' owner too: read and write as this tenant.
  await db.query("SELECT set_config('pipkit.tenant_id', $1, true)", [tenant]);
  const pips = (
    await db.query(
      `SELECT pip_id::text, version, record FROM ${s}.pipkit_pips
        WHERE tenant_id = $1 AND pip_id = ANY ($2) FOR UPDATE`,
      [tenant, pipIds],
    )
  ).rows as StoredPip[];
  const records = new Map(pips.map((row) => [row.pip_id, parsed(row)]));
  const needLogs = pips
    .filter((row) => {
      const record = records.get(row.pip_id);
      return record !== undefined && record.summary === undefined;
    })
    .map((row) => row.pip_id);
  const logs = new Map<string, StoredEvent['event'][]>();
  const broken = new Set<string>();
  if (needLogs.length > 0) {
    const events = await db.query(
      `SELECT pip_id::text, event FROM ${s}.pipkit_events
        WHERE tenant_id = $1 AND pip_id = ANY ($2) ORDER BY pip_id, seq`,
      [tenant, needLogs],
    );
    for (const row of events.rows as { pip_id: string; event: string }[]) {
      let event: StoredEvent['event'];
      try {
        event = JSON.parse(row.event) as StoredEvent['event'];
      } catch {
        // An unreadable event: no summary from this log; its columns stay NULL.
        broken.add(row.pip_id);
        continue;
      }
      const log = logs.get(row.pip_id) ?? [];
      log.push(event);
      logs.set(row.pip_id, log);
    }
  }
  const updates: Record<string, unknown>[] = [];
  for (const row of pips) {
    const record = records.get(row.pip_id);
    // An unreadable record keeps NULL columns; only that PIP is affected.
    if (record)
      updates.push(
        backfilled(row, record, broken.has(row.pip_id) ? undefined : logs.get(row.pip_id)),
      );
  }
  if (updates.length === 0) return;
  await db.query(
    `UPDATE ${s}.pipkit_pips p
        SET record = coalesce(u.record, p.record), created_at = u.created_at,
            org_unit_id = u.org_unit_id,
            issued_at = u.issued_at, issued_on = u.issued_on, state_since = u.state_since,
            next_due_at = u.next_due_at, next_kind = u.next_kind,
            overdue_since = u.overdue_since, overdue_kind = u.overdue_kind,
            outcome_status = u.outcome_status, outcome_reason = u.outcome_reason,
            outcome_at = u.outcome_at, outcome_on = u.outcome_on, plan_start = u.plan_start,
            plan_end = u.plan_end, extensions = u.extensions, paused_days = u.paused_days
       FROM jsonb_to_recordset($2::jsonb) AS u (
              pip_id text, version integer, record text, created_at text, org_unit_id text,
              issued_at text,
              issued_on text, state_since text, next_due_at text, next_kind text,
              overdue_since text, overdue_kind text, outcome_status text, outcome_reason text,
              outcome_at text, outcome_on text, plan_start text, plan_end text,
              extensions integer, paused_days integer)
      WHERE p.tenant_id = $1 AND p.pip_id = u.pip_id AND p.version = u.version`,
    [tenant, JSON.stringify(updates)],
  );
}

/**
 * Works through `pipkit_query_backfill` until it is empty, then drops it. Each batch is one
 * transaction: it takes up to {@link BACKFILL_BATCH} queued PIPs (`FOR UPDATE SKIP LOCKED`, so
 * two processes migrating at once share the work), computes each PIP's columns with core's
 * `queryColumns` (a record without a summary gets the one `summarize` gives its events, written
 * into the record too; a log that does not replay leaves the summary's columns NULL), writes
 * them only if the PIP is still at the version read (a commit since then wrote its own), and
 * removes the PIPs from the queue. A crash leaves the rest queued for the next `migrate`.
 */
export async function backfillQueryColumns(
  db: PgQueryable,
  schema: string,
  quotedSchema: string,
  mode: TransactionMode,
  batch = BACKFILL_BATCH,
): Promise<number> {
  const s = quotedSchema;
  const key = backfillLockKey(schema);
  let done = 0;
  for (;;) {
    const taken = await inTransaction(db, mode, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock_shared($1::bigint)', [key]);
      if (!(await backfillPending(tx, schema))) return -1;
      const { rows } = await tx.query(
        `DELETE FROM ${s}.pipkit_query_backfill q
          WHERE (q.tenant_id, q.pip_id) IN (
                 SELECT tenant_id, pip_id FROM ${s}.pipkit_query_backfill
                  ORDER BY tenant_id, pip_id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING q.tenant_id::text, q.pip_id::text`,
        [batch],
      );
      const byTenant = new Map<string, string[]>();
      for (const row of rows as { tenant_id: string; pip_id: string }[]) {
        byTenant.set(row.tenant_id, [...(byTenant.get(row.tenant_id) ?? []), row.pip_id]);
      }
      for (const [tenant, pipIds] of byTenant) await backfillTenant(tx, s, tenant, pipIds);
      return rows.length;
    });
    if (taken < 0) return done;
    done += taken;
    if (taken > 0) continue;
    // Empty (or every row held by another process's batch): drop it once no batch holds it.
    const dropped = await inTransaction(db, mode, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [key]);
      if (!(await backfillPending(tx, schema))) return true;
      const left = await tx.query(`SELECT 1 FROM ${s}.pipkit_query_backfill LIMIT 1`);
      if (left.rows.length > 0) return false;
      await tx.query(`DROP TABLE ${s}.pipkit_query_backfill`);
      return true;
    });
    if (dropped) return done;
  }
}
