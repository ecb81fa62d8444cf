import { defineConfig } from 'vitest/config';

// `PIPKIT_STORES=memory,sqlite pnpm test` runs the adapter matrix without Postgres: the
// conformance suite filters itself (storeSelected), and the files that need a database
// server are left out here. Unset, every leg runs (CI).
const stores = (process.env.PIPKIT_STORES ?? '')
  .split(',')
  .map((entry) => entry.trim().toLowerCase())
  .filter((entry) => entry.length > 0);
const postgresLeft = stores.length > 0 && !stores.includes('postgres');

export default defineConfig({
  resolve: {
    // Tests import workspace packages by name and get their TypeScript source: no build first.
    conditions: ['@pipkit/source', 'module', 'node', 'import', 'default'],
  },
  ssr: {
    resolve: {
      // Vitest hands these to Node as --conditions. `import` must not be among them: under it,
      // CommonJS packages that require() a dual package (pg -> pg-pool) get its ESM wrapper.
      conditions: ['@pipkit/source', 'node'],
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      ...(postgresLeft ? ['packages/postgres/src/**/*.test.ts', '**/*.postgres.test.ts'] : []),
    ],
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts'],
    },
  },
});
