import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from './__fixtures__/database.js';
import { dollarQuote, quoteLiteral } from './boundedSql.js';

const db = testDatabase('literals');
afterAll(() => db.dropAll());

/** What the server reads from a literal, sent in a simple Query as the store sends its calls. */
async function serverReads(literal: string): Promise<string> {
  const result = await db.pool.query(`SELECT ${literal}::text AS value`);
  return (result.rows[0] as { value: string }).value;
}

// Text made mostly of the characters that matter to quoting: dollars, the tag's letters,
// quotes, backslashes, and some of everything else.
const tricky = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('$', 'p', 'k', '1', "'", '\\', '"', ';') },
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 24,
});

describe('SQL literals of bounded calls', () => {
  it('reads back every text exactly, dollar-quoted or quoted', async () => {
    const cases = ['', 'a$pk', '$pk$', 'x$pk$y', '$pk$pk1$', 'a$pk$pk1', "it's \\ $$", '$'];
    for (const text of cases) {
      expect(await serverReads(dollarQuote(text))).toBe(text);
      expect(await serverReads(quoteLiteral(text))).toBe(text);
    }
    await fc.assert(
      fc.asyncProperty(tricky, async (text) => {
        expect(await serverReads(dollarQuote(text))).toBe(text);
        expect(await serverReads(quoteLiteral(text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('never lets a text close the literal early and run as SQL', async () => {
    const attack = '$pk$::text AS value; DROP SCHEMA public; SELECT $pk$';
    expect(await serverReads(dollarQuote(attack))).toBe(attack);
    expect(dollarQuote(attack).startsWith('$pk1$')).toBe(true);
  });

  it('refuses a NUL, which no query text can hold', () => {
    expect(() => dollarQuote('a\u0000b')).toThrow(/NUL/);
    expect(() => quoteLiteral('a\u0000b')).toThrow(/NUL/);
  });
});
