import { defineConfig } from 'vitest/config';

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
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts'],
    },
  },
});
