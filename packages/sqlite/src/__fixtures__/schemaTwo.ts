/**
 * Test helper: copies a current pipkit database into a new file at schema version 2 (before the
 * query columns), with each record as the release before summaries wrote it (no `summary`).
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../migrations.js';
import { registerEventText } from './eventText.js';
import { HEX_EVENT_VALUES } from './schemaThree.js';

/** The columns each table had at schema version 2, and what to copy into them. */
const SCHEMA_TWO: Readonly<Record<string, readonly [columns: string, values: string]>> = {
  pipkit_pips: [
    'pip_id, employee_id, manager_id, state, version, record, updated_at, policy_id, policy_version',
    "pip_id, employee_id, manager_id, state, version, json_remove(record, '$.summary'), updated_at, policy_id, policy_version",
  ],
  pipkit_events: ['pip_id, seq, event, prev_hash, hash', HEX_EVENT_VALUES],
  pipkit_timers: [
    'timer_id, pip_id, deadline_id, kind, due_at, attempts, parked_code',
    'timer_id, pip_id, deadline_id, kind, due_at, attempts, parked_code',
  ],
  pipkit_outbox: [
    'position, id, pip_id, type, payload, created_at, delivered_at',
    'position, id, pip_id, type, payload, created_at, delivered_at',
  ],
  pipkit_idempotency: [
    'key, pip_id, request_hash, version, seqs',
    'key, pip_id, request_hash, version, seqs',
  ],
};

/** Writes `target` at schema 2 with every row of the (closed) pipkit database at `source`. */
export function copyAtSchemaTwo(source: string, target: string): void {
  const database = new Database(target);
  registerEventText(database);
  migrate(database, MIGRATIONS.slice(0, 2));
  database.prepare('ATTACH DATABASE ? AS source').run(source);
  database.transaction(() => {
    for (const [table, [columns, values]] of Object.entries(SCHEMA_TWO)) {
      database.exec(`INSERT INTO main.${table} (${columns}) SELECT ${values} FROM source.${table}`);
    }
  })();
  database.exec('DETACH DATABASE source');
  database.close();
}
