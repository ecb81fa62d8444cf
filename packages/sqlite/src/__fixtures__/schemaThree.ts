/**
 * Test helper: copies a current pipkit database into a new file at schema version 3 (before
 * event hashes were stored as bytes), as a database written by that release would be: every
 * event with its previous hash and its hash as hex text.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../migrations.js';
import { registerEventText } from './eventText.js';

/**
 * The event columns as schema 1 to 3 kept them, from a current table: the event as JSON text
 * (`registerEventText`), the hash as hex text, and the previous hash written out (the previous event's hash, or 64 zeros for event 1).
 */
export const HEX_EVENT_VALUES = `pip_id, seq, pipkit_event_text(event),
  coalesce(prev_hash, nullif(lower(hex(lag(hash) OVER (PARTITION BY pip_id ORDER BY seq))), ''), '${'0'.repeat(64)}'),
  lower(hex(hash))`;

/** Writes `target` at schema 3 with every row of the (closed) pipkit database at `source`. */
export function copyAtSchemaThree(source: string, target: string): void {
  const database = new Database(target);
  registerEventText(database);
  migrate(database, MIGRATIONS.slice(0, 3));
  database.prepare('ATTACH DATABASE ? AS source').run(source);
  database.transaction(() => {
    for (const table of ['pipkit_pips', 'pipkit_timers', 'pipkit_idempotency']) {
      database.exec(`INSERT INTO main.${table} SELECT * FROM source.${table}`);
    }
    // The outbox as schemas 1 to 4 kept it: no delivery state (schema 5).
    const outbox = 'position, id, pip_id, type, payload, created_at, delivered_at';
    database.exec(
      `INSERT INTO main.pipkit_outbox (${outbox}) SELECT ${outbox} FROM source.pipkit_outbox`,
    );
    database.exec(
      `INSERT INTO main.pipkit_events (pip_id, seq, event, prev_hash, hash)
       SELECT ${HEX_EVENT_VALUES} FROM source.pipkit_events`,
    );
  })();
  database.exec('DETACH DATABASE source');
  database.close();
}
