import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../store/memoryStore.js';
import { type ConformanceTestApi, resolveConformanceTestApi } from './conformanceTestApi.js';
import { describeStoreConformance } from './storeConformance.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const entry = new URL('./index.ts', import.meta.url).href;

// Runs in a plain Node process. A resolve hook refuses vitest (and vite), so the import fails if
// anything in the testing entry pulls them in.
const plainNodeScript = `
import { register } from 'node:module';
const hooks = \`export async function resolve(specifier, context, next) {
  const runner = ['vitest', 'vite', '@vitest'].some(
    (name) => specifier === name || specifier.startsWith(name + '/'),
  );
  if (runner) throw new Error('loaded ' + specifier);
  return next(specifier, context);
}\`;
register('data:text/javascript,' + encodeURIComponent(hooks));
const testing = await import(${JSON.stringify(entry)});
const clock = testing.createTestClock('2026-03-02T14:00:00Z');
clock.advance({ days: 1 });
if (clock.iso() !== '2026-03-03T14:00:00.000Z') throw new Error('clock misbehaved');
if (typeof testing.runReferenceLifecycle !== 'function') throw new Error('exports missing');
if ('__vitest_index__' in globalThis) throw new Error('vitest is loaded');
let refusal;
try { testing.describeStoreConformance('memory', () => ({})); } catch (error) { refusal = error; }
if (!/testApi/.test(String(refusal?.message))) throw new Error('no runner went unnoticed');
console.log('loaded without vitest');
`;

describe('the test kit without vitest', () => {
  it('imports @pipkit/core/testing in plain Node without loading vitest', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=@pipkit/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        plainNodeScript,
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, PIPKIT_STORES: '' } },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('loaded without vitest');
    expect(child.status).toBe(0);
  }, 60_000);
});

describe('the conformance suite test API', () => {
  it("defaults to the running vitest worker's API, with or without globals", () => {
    const api = resolveConformanceTestApi();
    expect(api.describe).toBe(describe);
    expect(api.it).toBe(it);
    expect(api.expect).toBe(expect);
    // vitest's own exports fit the type a host may pass.
    const given: ConformanceTestApi = { describe, it, expect, beforeEach, afterEach };
    expect(resolveConformanceTestApi(given)).toBe(given);
  });

  it('registers with the test API given in the options, and with nothing else', () => {
    const names: string[] = [];
    const path: string[] = [];
    const recording: ConformanceTestApi = {
      describe: (name, body) => {
        path.push(name);
        body();
        path.pop();
      },
      it: (name) => names.push([...path, name].join(' > ')),
      expect: () => {
        throw new Error('expect is not called while registering');
      },
      beforeEach: () => undefined,
      afterEach: () => undefined,
    };
    describeStoreConformance('memory', () => memoryStore(), { testApi: recording });
    expect(names).toContain(
      'memory store conformance > loading > returns undefined and no events for a PIP that does not exist',
    );
    expect(names.some((name) => name.includes('batched commits'))).toBe(false);
  });
});
