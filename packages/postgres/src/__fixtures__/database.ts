import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test database: `PIPKIT_PG_URL`, or the local server's `test` database. */
export const PG_URL = process.env.PIPKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * One pool per test file and a fresh schema per use, so parallel files and repeated runs never
 * see each other's rows. `dropAll` removes every schema this file created.
 */
export function testDatabase(label: string) {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 12 });
  const prefix = `pipkit_test_${label}_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  return {
    pool,
    /** A new, not yet existing schema name (the store creates it on first use). */
    newSchema(): string {
      const schema = `${prefix}_${schemas.length + 1}`;
      schemas.push(schema);
      return schema;
    },
    async dropAll(): Promise<void> {
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}
