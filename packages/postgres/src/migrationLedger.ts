/**
 * The ledger of applied schema steps, `<schema>.pipkit_migrations`: its DDL, how a step is
 * recorded, and how the recorded version is read. The store's `migrate` and the printed migration
 * script both use these, so a schema migrated either way is the same.
 * @module
 */
import type { PgQueryable } from './pgDriver.js';

/** Creates the ledger when missing, given the quoted schema name. */
export function ledgerTableSql(quotedSchema: string): string {
  return `
      CREATE TABLE IF NOT EXISTS ${quotedSchema}.pipkit_migrations (
        version    integer NOT NULL PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
}

/** Records one applied step: `$1` the version, `$2` its name. */
export function recordStepSql(quotedSchema: string): string {
  return `INSERT INTO ${quotedSchema}.pipkit_migrations (version, name) VALUES ($1, $2)`;
}

/** The highest version recorded in the schema's `pipkit_migrations`; 0 when there is none. */
export async function recordedVersion(
  connection: PgQueryable,
  quotedSchema: string,
): Promise<number> {
  const table = `${quotedSchema}.pipkit_migrations`;
  const { rows } = await connection.query('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  if (!(rows[0] as { present: boolean }).present) return 0;
  const result = await connection.query(
    `SELECT coalesce(max(version), 0) AS version FROM ${table}`,
  );
  return (result.rows[0] as { version: number }).version;
}
