/**
 * Test helper: changes the raw rows of `pipkit_refusals` behind the store's back, as someone with
 * write access to the file would, for the conformance suite's tampering tests.
 */
import type { RefusalTamperer } from '@pipkit/core/testing';
import type { SqliteStore } from '../sqliteStore.js';

/** A `seq` no test chain reaches, to park a row on while two rows swap places. */
const PARKED_SEQ = 1_000_000;

/** Edits, deletes, swaps or renumbers one PIP's refusal rows in a SQLite store's file. */
export const tamperSqliteRefusals: RefusalTamperer = (store, tamper) => {
  const { database } = store as SqliteStore;
  const move = database.prepare('UPDATE pipkit_refusals SET seq = ? WHERE pip_id = ? AND seq = ?');
  switch (tamper.kind) {
    case 'edit':
      database
        .prepare(
          "UPDATE pipkit_refusals SET actor_id = actor_id || '-edited' WHERE pip_id = ? AND seq = ?",
        )
        .run(tamper.pipId, tamper.seq);
      break;
    case 'delete':
      database
        .prepare('DELETE FROM pipkit_refusals WHERE pip_id = ? AND seq = ?')
        .run(tamper.pipId, tamper.seq);
      break;
    case 'swap': {
      const [first, second] = tamper.seqs;
      database.transaction(() => {
        move.run(PARKED_SEQ, tamper.pipId, first);
        move.run(first, tamper.pipId, second);
        move.run(second, tamper.pipId, PARKED_SEQ);
      })();
      break;
    }
    case 'renumber':
      move.run(tamper.to, tamper.pipId, tamper.from);
      break;
  }
  return Promise.resolve();
};
