/**
 * Test helper: copies a current pipkit database into a new file at schema version 4 (before the
 * outbox kept delivery state), as a database written by that release would be.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../migrations.js';
import { registerEventText } from './eventText.js';

/** The outbox columns schemas 1 to 4 have. */
const OUTBOX_V4 = 'position, id, pip_id, type, payload, created_at, delivered_at';

/** Writes `target` at schema 4 with every row of the (closed) pipkit database at `source`. */
export function copyAtSchemaFour(source: string, target: string): void {
  const database = new Database(target);
  registerEventText(database);
  migrate(database, MIGRATIONS.slice(0, 4));
  database.prepare('ATTACH DATABASE ? AS source').run(source);
  database.transaction(() => {
    for (const table of [
      'pipkit_pips',
      'pipkit_timers',
      'pipkit_idempotency',
      'pipkit_outbox_compaction',
    ]) {
      database.exec(`INSERT INTO main.${table} SELECT * FROM source.${table}`);
    }
    database.exec(
      `INSERT INTO main.pipkit_events (pip_id, seq, event, prev_hash, hash)
       SELECT pip_id, seq, pipkit_event_text(event), prev_hash, hash FROM source.pipkit_events`,
    );
    database.exec(
      `INSERT INTO main.pipkit_outbox (${OUTBOX_V4}) SELECT ${OUTBOX_V4} FROM source.pipkit_outbox`,
    );
  })();
  database.exec('DETACH DATABASE source');
  database.close();
}
