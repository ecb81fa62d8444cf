/**
 * The ledger of applied schema steps, `pipkit_migrations`: its DDL and how a step is recorded.
 * The store's `migrate` and the printed migration script both use these, so a database migrated
 * either way is the same.
 * @module
 */

/** Creates the ledger when missing. */
export const LEDGER_TABLE_SQL = `
      CREATE TABLE IF NOT EXISTS pipkit_migrations (
        version    INTEGER NOT NULL PRIMARY KEY,
        name       TEXT    NOT NULL,
        applied_at TEXT    NOT NULL
      )`;

/** The instant a step is recorded at: SQLite's clock, in the store's ISO 8601 UTC form. */
const APPLIED_AT = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** Records one applied step: the first parameter its version, the second its name. */
export const RECORD_STEP_SQL = `INSERT INTO pipkit_migrations (version, name, applied_at) VALUES (?, ?, ${APPLIED_AT})`;

/** The same record with the values written in, for a script. */
export function recordStepLiteral(version: number, name: string): string {
  return `INSERT INTO pipkit_migrations (version, name, applied_at) VALUES (${version}, '${name.replaceAll("'", "''")}', ${APPLIED_AT});`;
}
