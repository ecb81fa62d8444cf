/**
 * Test helper: copies a current pipkit database into a new file at schema version 1 (the tables
 * and columns the first release wrote), as a database written by that release would be.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../migrations.js';
import { registerEventText } from './eventText.js';
import { HEX_EVENT_VALUES } from './schemaThree.js';

/** The columns each table had at schema version 1. */
const SCHEMA_ONE_COLUMNS: Readonly<Record<string, string>> = {
  pipkit_pips: 'pip_id, employee_id, manager_id, state, version, record, updated_at',
  pipkit_events: 'pip_id, seq, event, prev_hash, hash',
  pipkit_timers: 'timer_id, pip_id, deadline_id, kind, due_at',
  pipkit_outbox: 'position, id, pip_id, type, payload, created_at, delivered_at',
  pipkit_idempotency: 'key, pip_id, request_hash, version, seqs',
};

/** Writes `target` at schema 1 with every row of the (closed) pipkit database at `source`. */
export function copyAtSchemaOne(source: string, target: string): void {
  const database = new Database(target);
  registerEventText(database);
  migrate(database, MIGRATIONS.slice(0, 1));
  database.prepare('ATTACH DATABASE ? AS source').run(source);
  database.transaction(() => {
    for (const [table, columns] of Object.entries(SCHEMA_ONE_COLUMNS)) {
      database.exec(
        `INSERT INTO main.${table} (${columns}) SELECT ${table === 'pipkit_events' ? HEX_EVENT_VALUES : columns} FROM source.${table}`,
      );
    }
  })();
  database.exec('DETACH DATABASE source');
  database.close();
}
