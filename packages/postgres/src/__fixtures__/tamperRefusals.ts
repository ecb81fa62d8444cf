/**
 * Test helper: changes the raw rows of `pipkit_refusals` behind the store's back, as someone with
 * write access to the database would, for the conformance suite's tampering tests.
 */
import type { RefusalTamperer } from '@pipkit/core/testing';
import type pg from 'pg';
import type { PostgresStore } from '../postgresStore.js';

/** A `seq` no test chain reaches, to park a row on while two rows swap places. */
const PARKED_SEQ = 1_000_000;

/** Edits, deletes, swaps or renumbers one PIP's refusal rows, through `pool` (a superuser's). */
export function tamperPostgresRefusals(pool: pg.Pool): RefusalTamperer {
  return async (store, tamper) => {
    const { schema, tenantId } = store as PostgresStore;
    const table = `"${schema}".pipkit_refusals`;
    const where = 'tenant_id = $1 AND pip_id = $2 AND seq = $3';
    const move = (to: number, from: number) =>
      pool.query(`UPDATE ${table} SET seq = $4 WHERE ${where}`, [tenantId, tamper.pipId, from, to]);
    switch (tamper.kind) {
      case 'edit':
        await pool.query(`UPDATE ${table} SET actor_id = actor_id || '-edited' WHERE ${where}`, [
          tenantId,
          tamper.pipId,
          tamper.seq,
        ]);
        break;
      case 'delete':
        await pool.query(`DELETE FROM ${table} WHERE ${where}`, [
          tenantId,
          tamper.pipId,
          tamper.seq,
        ]);
        break;
      case 'swap': {
        const [first, second] = tamper.seqs;
        await move(PARKED_SEQ, first);
        await move(first, second);
        await move(second, PARKED_SEQ);
        break;
      }
      case 'renumber':
        await move(tamper.to, tamper.from);
        break;
    }
  };
}
