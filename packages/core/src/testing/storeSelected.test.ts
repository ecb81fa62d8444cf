import { describe, expect, it } from 'vitest';
import { storeSelected } from './storeSelected.js';

describe('storeSelected (the PIPKIT_STORES matrix filter)', () => {
  it('selects every adapter when the variable is empty', () => {
    for (const env of ['', ' , ']) {
      expect(storeSelected('memory', env)).toBe(true);
      expect(storeSelected('postgres', env)).toBe(true);
    }
  });

  it('selects only the listed adapters, by the first word of the suite name, in any case', () => {
    expect(storeSelected('sqlite (file)', 'memory, SQLite')).toBe(true);
    expect(storeSelected('sqlite (memory)', 'memory,sqlite')).toBe(true);
    expect(storeSelected('memory', 'memory,sqlite')).toBe(true);
    expect(storeSelected('postgres', 'memory,sqlite')).toBe(false);
    expect(storeSelected('sqlite (file)', 'postgres')).toBe(false);
  });
});
