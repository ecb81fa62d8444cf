import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = readdirSync(`${root}examples/scenarios`)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

interface Report {
  readonly ok: boolean;
  readonly scenarios: readonly {
    readonly file: string;
    readonly ok: boolean;
    readonly checks: number;
    readonly failed: number;
    readonly steps: readonly {
      readonly index: number;
      readonly failures: readonly { readonly message: string }[];
    }[];
    readonly pips: readonly { readonly verified: boolean }[];
  }[];
  readonly invalid: readonly unknown[];
}

/** `pipkit simulate examples/scenarios --json`, spawned as a real process. */
function simulate(store: 'memory' | 'sqlite'): Promise<{ code: number; report: Report }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--conditions=@pipkit/source',
        '--import',
        'tsx',
        'packages/cli/src/main.ts',
        'simulate',
        'examples/scenarios',
        '--store',
        store,
        '--json',
      ],
      { cwd: root, env: { ...process.env, INIT_CWD: root }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ code, report: JSON.parse(stdout) as Report });
        } catch {
          reject(new Error(`pipkit simulate printed no report: ${stderr}`));
        }
      },
    );
  });
}

const results: Partial<Record<'memory' | 'sqlite', { code: number; report: Report }>> = {};

beforeAll(async () => {
  // One process per store for the whole library: each spawn costs about a second.
  [results.memory, results.sqlite] = await Promise.all([simulate('memory'), simulate('sqlite')]);
}, 120_000);

describe('the scenario library (examples/scenarios) through pipkit simulate', () => {
  it('holds at least ten scenarios, every one valid', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(results.memory?.report.invalid).toEqual([]);
    expect(results.memory?.report.scenarios.map((scenario) => scenario.file)).toEqual(
      files.map((name) => `examples/scenarios/${name}`),
    );
  });

  it.each(files)('%s: every expectation holds and every audit chain verifies', (name) => {
    const scenario = results.memory?.report.scenarios.find(
      (entry) => entry.file === `examples/scenarios/${name}`,
    );
    const failures = scenario?.steps.flatMap((step) =>
      step.failures.map((failure) => `steps[${step.index}]: ${failure.message}`),
    );
    expect(failures).toEqual([]);
    expect(scenario?.ok).toBe(true);
    expect(scenario?.checks).toBeGreaterThan(20);
    expect(scenario?.pips.every((pip) => pip.verified)).toBe(true);
  });

  it('exits 0, and gives the same results on the SQLite store', () => {
    expect(results.memory?.code).toBe(0);
    expect(results.sqlite?.code).toBe(0);
    const summary = (report: Report | undefined) =>
      report?.scenarios.map(({ file, ok, checks, failed }) => ({ file, ok, checks, failed }));
    expect(summary(results.sqlite?.report)).toEqual(summary(results.memory?.report));
  });
});
