/**
 * The matchers the store conformance suite calls: a slice that vitest's and Jest's `expect`
 * (and the standalone `expect` package) all provide.
 */
export interface ConformanceMatchers {
  /** `Object.is` equality. */
  readonly toBe: (expected: unknown) => void;
  /** Deep equality. */
  readonly toEqual: (expected: unknown) => void;
  /** Deep equality on the properties `expected` names. */
  readonly toMatchObject: (expected: object) => void;
  /** The value is `undefined`. */
  readonly toBeUndefined: () => void;
  /** The value is an instance of `expected` (a class). */
  readonly toBeInstanceOf: (expected: unknown) => void;
  /** The value has a `length` of `length`. */
  readonly toHaveLength: (length: number) => void;
  /** The function threw (or, after `rejects`, the promise rejected). */
  readonly toThrow: () => void;
}

/** {@link ConformanceMatchers} awaiting a promise's rejection. */
export type ConformanceRejectsMatchers = {
  readonly [K in keyof ConformanceMatchers]: (
    ...args: Parameters<ConformanceMatchers[K]>
  ) => Promise<unknown>;
};

/** What `expect(actual)` returns, as far as the suite uses it. */
export interface ConformanceAssertion extends ConformanceMatchers {
  /** The matchers applied to a promise's rejection reason. */
  readonly rejects: ConformanceRejectsMatchers;
}

/**
 * The test runner's API the store conformance suite registers itself with. vitest's exports,
 * Jest's globals, or `node:test`'s `describe`, `it`, `beforeEach`, `afterEach` with the `expect`
 * package all fit it.
 *
 * @example
 * ```ts
 * import { afterEach, beforeEach, describe, it } from 'node:test';
 * import { expect } from 'expect';
 * import { describeStoreConformance } from '@pipkit/core/testing';
 *
 * describeStoreConformance('mystore', () => myStore(), {
 *   testApi: { describe, it, expect, beforeEach, afterEach },
 * });
 * ```
 */
export interface ConformanceTestApi {
  /** Registers a group of tests; `body` registers them synchronously. */
  readonly describe: (name: string, body: () => void) => unknown;
  /** Registers one test. */
  readonly it: (name: string, body: () => Promise<void>) => unknown;
  /** Starts an assertion. */
  readonly expect: (actual: unknown) => ConformanceAssertion;
  /** Runs `hook` before each test of the enclosing group. */
  readonly beforeEach: (hook: () => Promise<void>) => unknown;
  /** Runs `hook` after each test of the enclosing group. */
  readonly afterEach: (hook: () => Promise<void>) => unknown;
}

const API_MEMBERS = ['describe', 'it', 'expect', 'beforeEach', 'afterEach'] as const;

function asTestApi(candidate: unknown): ConformanceTestApi | undefined {
  if (candidate === null || (typeof candidate !== 'object' && typeof candidate !== 'function')) {
    return undefined;
  }
  const members = candidate as Record<string, unknown>;
  if (!API_MEMBERS.every((member) => typeof members[member] === 'function')) return undefined;
  return Object.fromEntries(
    API_MEMBERS.map((member) => [member, members[member]]),
  ) as unknown as ConformanceTestApi;
}

/**
 * The test API `describeStoreConformance` registers with, found when it is called (never at
 * import, so `@pipkit/core/testing` loads under any runner):
 *
 * 1. `given` (the suite's `testApi` option), when present;
 * 2. the `vitest` module of the running vitest worker: vitest defines it on `globalThis` as
 *    `__vitest_index__` in every worker, with or without `globals: true` (it is what
 *    `import.meta.vitest` returns to in-source tests), so this is the same instance the test
 *    file's own `import ... from 'vitest'` gets;
 * 3. global `describe`, `it`, `expect`, `beforeEach`, `afterEach` (Jest, vitest with globals).
 *
 * Throws when none is there (`node:test`, or no runner at all): pass `testApi` then.
 *
 * @internal
 */
export function resolveConformanceTestApi(given?: ConformanceTestApi): ConformanceTestApi {
  if (given) return given;
  const scope = globalThis as Record<string, unknown>;
  const api = asTestApi(scope.__vitest_index__) ?? asTestApi(scope);
  if (api) return api;
  throw new Error(
    'describeStoreConformance found no test runner: outside vitest and Jest, pass ' +
      '`testApi: { describe, it, expect, beforeEach, afterEach }` in its options.',
  );
}
