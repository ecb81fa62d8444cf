import type { ListQuery } from '@pipkit/core';
import { isUnreadableEntry } from '@pipkit/core/adapter';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAllPips, readPip, UnreadablePipError } from './pipReads.js';
import { sqliteStore } from '@pipkit/sqlite';
import { capturedCli } from './__fixtures__/captured.js';
import { writeOpenedPips } from './__fixtures__/openedPips.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-unreadable-'));
const db = join(folder, 'corrupt.db');
/** Stands for the personal data a stored row holds: it must never reach the CLI's output. */
const SECRET = 'Ada Lovelace, salary 123456, medical leave';

const cli = capturedCli({ cwd: folder });

/** No stored text and no stack trace, whatever the command printed. */
function expectNothingLeaked(output: string) {
  expect(output).not.toContain('Ada Lovelace');
  expect(output).not.toContain('123456');
  expect(output).not.toMatch(/^\s+at /m);
}

beforeAll(() =>
  writeOpenedPips(
    db,
    ['pip-a', 'pip-b', 'pip-c', 'pip-d'].map((pipId) => ({
      pipId,
      employeeId: `employee-of-${pipId}`,
      managerId: 'grace.hopper',
    })),
    (_engine, store) => {
      // Cut the record of pip-b mid-way (invalid JSON that still quotes personal data), and the
      // first event of pip-c: what a torn write or a bad restore leaves behind. Straight through
      // better-sqlite3, around the store.
      store.database
        .prepare('UPDATE pipkit_pips SET record = ? WHERE pip_id = ?')
        .run(`{"pipId":"pip-b","context":{"employee":{"name":"${SECRET}"`, 'pip-b');
      store.database
        .prepare('UPDATE pipkit_events SET event = ? WHERE pip_id = ? AND seq = 1')
        .run(`{"type":"CREATED","note":"${SECRET}`, 'pip-c');
    },
  ),
);

describe('a PIP whose stored row cannot be read', () => {
  it('list names it on stderr with its code and id, lists the others, and exits 1', async () => {
    const text = await cli('list', '--db', db);
    expectNothingLeaked(text.all);
    expect(text.code).toBe(1);
    expect(text.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^pipkit list: STORE_ERROR\b.*PIP "pip-b" cannot be read/),
    ]);
    for (const pipId of ['pip-a', 'pip-c', 'pip-d']) expect(text.stdout).toContain(pipId);
    expect(text.stdout).toContain('3 PIP(s); 1 could not be read');

    const json = await cli('list', '--db', db, '--json');
    expectNothingLeaked(json.all);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { pipId: string }[]).map((pip) => pip.pipId)).toEqual([
      'pip-a',
      'pip-c',
      'pip-d',
    ]);
  });

  it('verify reports each unreadable PIP, still verifies the others, and exits 1', async () => {
    const text = await cli('verify', '--db', db);
    expectNothingLeaked(text.all);
    expect(text.code).toBe(1);
    expect(text.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^pipkit verify: STORE_ERROR\b.*PIP "pip-b" cannot be read/),
      expect.stringMatching(/^pipkit verify: STORE_ERROR\b.*PIP "pip-c" cannot be read/),
    ]);
    expect(text.stdout).toContain('OK      pip-a');
    expect(text.stdout).toContain('OK      pip-d');
    expect(text.stdout).toContain('2 of 4 PIP(s) FAILED verification; 2 could not be read.');

    const json = await cli('verify', '--db', db, '--json');
    expectNothingLeaked(json.all);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      pips: { pipId: string; ok: boolean }[];
      unreadable: { pipId: string; code: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.pips.map((pip) => [pip.pipId, pip.ok])).toEqual([
      ['pip-a', true],
      ['pip-d', true],
    ]);
    expect(report.unreadable).toEqual([
      expect.objectContaining({ pipId: 'pip-b', code: 'STORE_ERROR' }),
      expect.objectContaining({ pipId: 'pip-c', code: 'STORE_ERROR' }),
    ]);
  });

  it.each([
    ['show', 'pip-b'],
    ['timeline', 'pip-b'],
    ['timeline', 'pip-c'],
    ['export', 'pip-c'],
    ['verify', 'pip-b'],
  ])('%s %s prints one typed line with the code and the id, and exits 1', async (name, pipId) => {
    const result = await cli(name, pipId, '--db', db);
    expectNothingLeaked(result.all);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(`^pipkit ${name}: STORE_ERROR\\b.*PIP "${pipId}" cannot be read[^\\n]*\\n$`),
    );
  });

  it('tick never prints the stored text or a stack trace', async () => {
    expectNothingLeaked((await cli('tick', '--db', db, '--now', '2027-06-01T00:00:00Z')).all);
  });

  it('an untyped store failure (a JSON parser quoting the row) is reported as STORE_ERROR', async () => {
    const real = sqliteStore({ path: db });
    // What a store that lets JSON.parse's own error through throws: its message quotes the row.
    const quoting =
      <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          return await read(...args);
        } catch {
          throw new SyntaxError(`Unexpected end of JSON input: {"name":"${SECRET}"`);
        }
      };
    const store = {
      ...real,
      list: quoting((query?: ListQuery) => real.list(query)),
      load: quoting((pipId: string) => real.load(pipId)),
      // The row it could not parse, reported with the parser's own error.
      listEntries: async (query: ListQuery = {}) =>
        (await real.listEntries!(query)).map((entry) =>
          isUnreadableEntry(entry)
            ? {
                ...entry,
                error: new SyntaxError(`Unexpected end of JSON input: {"name":"${SECRET}"`),
              }
            : entry,
        ),
    };
    try {
      const { records, unreadable } = await readAllPips(store);
      expect(records.map((record) => record.pipId)).toEqual(['pip-a', 'pip-c', 'pip-d']);
      expect(unreadable.map((error) => error.toJSON())).toEqual([
        { pipId: 'pip-b', code: 'STORE_ERROR', retryable: false },
      ]);
      expectNothingLeaked(unreadable[0]?.message ?? '');
      const single = await readPip(store, 'pip-b').catch((error: unknown) => error);
      expect(single).toBeInstanceOf(UnreadablePipError);
      expectNothingLeaked(JSON.stringify(single) + String(single));
    } finally {
      await real.close();
    }
  });
});
