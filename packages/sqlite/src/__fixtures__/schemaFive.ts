/**
 * Test helper: copies a current pipkit database into a new file at schema version 5 (before
 * event JSON was stored compressed), as a database written by that release would be.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../migrations.js';
import { registerEventText } from './eventText.js';

/** Writes `target` at schema 5 with every row of the (closed) pipkit database at `source`. */
export function copyAtSchemaFive(source: string, target: string): void {
  const database = new Database(target);
  registerEventText(database);
  migrate(database, MIGRATIONS.slice(0, 5));
  database.prepare('ATTACH DATABASE ? AS source').run(source);
  database.transaction(() => {
    for (const table of [
      'pipkit_pips',
      'pipkit_timers',
      'pipkit_outbox',
      'pipkit_idempotency',
      'pipkit_outbox_compaction',
    ]) {
      database.exec(`INSERT INTO main.${table} SELECT * FROM source.${table}`);
    }
    database.exec(
      `INSERT INTO main.pipkit_events (pip_id, seq, event, prev_hash, hash)
       SELECT pip_id, seq, pipkit_event_text(event), prev_hash, hash FROM source.pipkit_events`,
    );
  })();
  database.exec('DETACH DATABASE source');
  database.close();
}
