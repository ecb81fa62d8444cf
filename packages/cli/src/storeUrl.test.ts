import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { capturedCli } from './__fixtures__/captured.js';
import { writeOpenedPips } from './__fixtures__/openedPips.js';
import { StoreAccessCodes, StoreAccessError } from './storeAccessError.js';
import { openStoreUrl } from './storeUrl.js';
import { parseStoreUrl, redactStoreUrl } from './storeTarget.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-store-url-'));
const db = join(folder, 'pips.db');
const cli = capturedCli({ cwd: folder });

beforeAll(() =>
  writeOpenedPips(db, [{ pipId: 'pip-url', employeeId: 'alan.turing', managerId: 'grace.hopper' }]),
);

function refusal(run: () => unknown): StoreAccessError {
  try {
    run();
  } catch (error) {
    if (error instanceof StoreAccessError) return error;
    throw error;
  }
  throw new Error('expected a StoreAccessError');
}

describe('parseStoreUrl', () => {
  it.each([
    ['pips.db', join(folder, 'pips.db')],
    ['sqlite:pips.db', join(folder, 'pips.db')],
    ['sqlite:data/pips.db', join(folder, 'data', 'pips.db')],
    ['sqlite:///var/lib/pipkit/pips.db', '/var/lib/pipkit/pips.db'],
    ['sqlite:/var/lib/pipkit/pips.db', '/var/lib/pipkit/pips.db'],
    [pathToFileURL('/var/lib/pipkit/my pips.db').href, '/var/lib/pipkit/my pips.db'],
    ['file:pips.db', join(folder, 'pips.db')],
    ['/abs/pips.db', '/abs/pips.db'],
  ])('reads %s as the SQLite file %s', (url, path) => {
    expect(parseStoreUrl(url, folder)).toEqual({ kind: 'sqlite', path, display: path });
  });

  it.each([
    ['postgres://app@db:5432/hr', 'pipkit'],
    ['postgresql://app@db/hr?schema=people_ops', 'people_ops'],
    ['postgres://app@db/hr?options=-c%20search_path%3Dhr_pips', 'hr_pips'],
    ['postgres://app@db/hr?schema=a&options=-c%20search_path%3Db', 'a'],
  ])(
    'reads %s as a Postgres schema %s, and hands pg the URL without the schema parameter',
    (url, schema) => {
      const target = parseStoreUrl(url, folder);
      expect(target).toMatchObject({ kind: 'postgres', schema });
      expect(target.kind === 'postgres' && target.connectionString).not.toContain('schema=');
    },
  );

  it('refuses an unknown scheme, a SQLite host, no file and a schema that is not an identifier, with their codes', () => {
    expect(refusal(() => parseStoreUrl('mysql://root:pw@db/hr', folder)).code).toBe(
      StoreAccessCodes.UNKNOWN_SCHEME,
    );
    expect(refusal(() => parseStoreUrl('sqlite://host/pips.db', folder)).code).toBe(
      StoreAccessCodes.INVALID_URL,
    );
    expect(refusal(() => parseStoreUrl('sqlite:', folder)).code).toBe(StoreAccessCodes.INVALID_URL);
    expect(refusal(() => parseStoreUrl('postgres://db/hr?schema=Drop;', folder)).code).toBe(
      StoreAccessCodes.INVALID_URL,
    );
    expect(refusal(() => parseStoreUrl('postgres://u:pw@[db/hr', folder)).code).toBe(
      StoreAccessCodes.INVALID_URL,
    );
  });
});

describe('a store URL never shows its password', () => {
  it('redacts the user-info password and a password parameter', () => {
    expect(redactStoreUrl('postgres://app:s3cret@db:5432/hr')).toBe(
      'postgres://app:***@db:5432/hr',
    );
    expect(redactStoreUrl('postgres://app@db/hr?password=s3cret&sslmode=require')).toBe(
      'postgres://app@db/hr?password=***&sslmode=require',
    );
    expect(redactStoreUrl('postgres://app:s3cret@[db/hr')).toBe('postgres://app:***@[db/hr');
  });

  it('holds for any password, in every error a bad URL raises', () => {
    // A marker no message holds by chance, then anything printable.
    const password = fc
      .string({ maxLength: 24, unit: 'grapheme-ascii' })
      .map((text) => `Xq7~${text}`);
    fc.assert(
      fc.property(password, (secret) => {
        const encoded = encodeURIComponent(secret);
        for (const url of [
          `mysql://root:${encoded}@db/hr`,
          `postgres://app:${encoded}@db/hr?schema=Not-Valid`,
          `postgres://app@db/hr?password=${encoded}&schema=Not-Valid`,
        ]) {
          const error = refusal(() => parseStoreUrl(url, folder));
          expect(error.message + (error.hint ?? '')).not.toContain(secret);
          expect(error.message).not.toContain(encoded);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('an unreachable server is CLI_STORE_UNREACHABLE, exit code 3, without the password', async () => {
    const url = 'postgres://app:pa55-word@127.0.0.1:1/hr';
    await expect(openStoreUrl(url, { cwd: folder })).rejects.toMatchObject({
      code: StoreAccessCodes.UNREACHABLE,
    });
    const run = await cli('list', '--store', url);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^pipkit list: CLI_STORE_UNREACHABLE: Cannot reach postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/hr: /,
    );
    expect(run.all).not.toContain('pa55-word');
  });
});

describe('--store, --db and PIPKIT_STORE_URL', () => {
  it('name the same SQLite file in every spelling', async () => {
    for (const argv of [
      ['--db', 'pips.db'],
      ['--store', 'pips.db'],
      ['--store', 'sqlite:pips.db'],
      ['--store', `sqlite://${db}`],
      ['--store', pathToFileURL(db).href],
    ]) {
      const run = await cli('list', ...argv, '--json');
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { pipId: string }[]).map((pip) => pip.pipId)).toEqual([
        'pip-url',
      ]);
    }
    const fromEnv = await capturedCli({ cwd: folder, env: { PIPKIT_STORE_URL: `sqlite:${db}` } })(
      'show',
      'pip-url',
      '--json',
    );
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ pipId: 'pip-url' });
  });

  it('refuses --store with --db, no store at all, --tenant on SQLite and an unknown scheme', async () => {
    const both = await cli('list', '--store', 'sqlite:pips.db', '--db', 'pips.db');
    expect([both.code, both.stderr.split('\n')[0]]).toEqual([
      2,
      `pipkit list: ${StoreAccessCodes.INVALID_URL}: --store and --db name the same thing; give one.`,
    ]);
    const none = await cli('verify');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('PIPKIT_STORE_URL');
    const tenant = await cli('list', '--db', 'pips.db', '--tenant', 'acme');
    expect([tenant.code, tenant.stderr]).toEqual([
      2,
      expect.stringContaining('--tenant is for PostgreSQL'),
    ]);
    const scheme = await cli('tick', '--store', 'redis://cache:6379');
    expect([scheme.code, scheme.stderr]).toEqual([
      2,
      expect.stringContaining(StoreAccessCodes.UNKNOWN_SCHEME),
    ]);
  });
});
