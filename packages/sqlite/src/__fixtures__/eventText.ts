/**
 * Test helper: the SQL function `pipkit_event_text(event)` on a connection, so that fixtures
 * copying a current database into an older schema write each event as those schemas kept it:
 * JSON text, not schema 6's compressed bytes.
 */
import { decompressEventJson } from '@pipkit/core/adapter';
import type Database from 'better-sqlite3';

/** Registers `pipkit_event_text` on `database`. */
export function registerEventText(database: Database.Database): void {
  database.function('pipkit_event_text', { deterministic: true }, (event: unknown) =>
    typeof event === 'string' ? event : (decompressEventJson(event as Buffer) ?? null),
  );
}
