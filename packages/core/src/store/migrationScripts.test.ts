import { describe, expect, it } from 'vitest';
import { isPipkitError, ValidationError } from '../errors/pipkitError.js';
import {
  checkedFromVersion,
  frameMigrationScript,
  latestMigrationVersion,
  type MigrationScriptFrame,
} from './migrationScripts.js';

interface Step {
  readonly version: number;
  readonly name: string;
  readonly ddl: string;
}

const STEPS: readonly Step[] = [
  { version: 1, name: 'initial', ddl: 'CREATE TABLE pips (id TEXT);' },
  { version: 2, name: 'timers', ddl: 'CREATE TABLE timers (id TEXT);' },
  { version: 3, name: 'outbox', ddl: 'CREATE TABLE outbox (id TEXT);' },
];

const FRAME: MigrationScriptFrame<Step> = {
  title: '@pipkit/test schema',
  preamble: ['CREATE TABLE IF NOT EXISTS ledger (version INTEGER);'],
  stepLines: (step) => [step.ddl, `INSERT INTO ledger VALUES (${step.version});`],
};

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('latestMigrationVersion', () => {
  it('is the version of the last step, or 0 without steps', () => {
    expect(latestMigrationVersion(STEPS)).toBe(3);
    expect(latestMigrationVersion([])).toBe(0);
  });
});

describe('checkedFromVersion', () => {
  it('starts from an empty database when no version is given', () => {
    expect(checkedFromVersion(undefined, 3)).toBe(0);
  });

  it('accepts every whole version from 0 to the latest', () => {
    expect([0, 1, 2, 3].map((from) => checkedFromVersion(from, 3))).toEqual([0, 1, 2, 3]);
  });

  it.each([-1, 4, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses %s with INVALID_VERSION at from, naming the range',
    (from) => {
      const error = refusal(() => checkedFromVersion(from, 3));
      expect(isPipkitError(error, 'INVALID_INPUT')).toBe(true);
      expect(error.message).toBe('Invalid migration script options.');
      expect(error.issues).toEqual([
        {
          code: 'INVALID_VERSION',
          path: ['from'],
          message: `from must be a schema version from 0 to 3, not ${String(from)}.`,
        },
      ]);
    },
  );

  it('refuses a version that is not a number, as the script options may come from JavaScript', () => {
    const error = refusal(() => checkedFromVersion('2' as unknown as number, 3));
    expect(error.issues[0]?.message).toBe('from must be a schema version from 0 to 3, not 2.');
  });
});

describe('frameMigrationScript', () => {
  it('prints the heading, the preamble, then every step under its own heading', () => {
    expect(frameMigrationScript(STEPS, undefined, FRAME)).toBe(
      [
        '-- @pipkit/test schema: versions 1 to 3.',
        '-- Generated from the migrations the store runs; apply in one transaction.',
        'CREATE TABLE IF NOT EXISTS ledger (version INTEGER);',
        '',
        '-- Version 1: initial',
        'CREATE TABLE pips (id TEXT);',
        'INSERT INTO ledger VALUES (1);',
        '',
        '-- Version 2: timers',
        'CREATE TABLE timers (id TEXT);',
        'INSERT INTO ledger VALUES (2);',
        '',
        '-- Version 3: outbox',
        'CREATE TABLE outbox (id TEXT);',
        'INSERT INTO ledger VALUES (3);',
        '',
      ].join('\n'),
    );
  });

  it('prints only the steps after from', () => {
    const script = frameMigrationScript(STEPS, 2, FRAME);
    expect(script.split('\n').slice(0, 2)).toEqual([
      '-- @pipkit/test schema: versions 3 to 3.',
      '-- Generated from the migrations the store runs; apply in one transaction.',
    ]);
    expect(script).not.toContain('-- Version 2');
    expect(
      script.endsWith(
        '-- Version 3: outbox\nCREATE TABLE outbox (id TEXT);\n' +
          'INSERT INTO ledger VALUES (3);\n',
      ),
    ).toBe(true);
  });

  it('prints the preamble alone for a database already at the latest version', () => {
    expect(frameMigrationScript(STEPS, 3, FRAME)).toBe(
      [
        '-- @pipkit/test schema: versions 4 to 3.',
        '-- Generated from the migrations the store runs; apply in one transaction.',
        'CREATE TABLE IF NOT EXISTS ledger (version INTEGER);',
        '',
      ].join('\n'),
    );
  });

  it('checks from before asking the frame for any step', () => {
    const asked: number[] = [];
    const frame = { ...FRAME, stepLines: (step: Step) => (asked.push(step.version), []) };
    const error = refusal(() => frameMigrationScript(STEPS, 4, frame));
    expect(error.issues[0]?.code).toBe('INVALID_VERSION');
    expect(asked).toEqual([]);
  });
});
