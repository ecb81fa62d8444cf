import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layers of @pipkit/core, bottom first: a folder may import only the
// folders listed for it, so nothing below the engine imports the engine and nothing below the
// store port knows the engine's wiring. Tests and fixtures may reach across.
const CORE_LAYERS = {
  errors: [],
  calendar: ['errors'],
  model: ['calendar', 'errors'],
  machine: ['model', 'calendar', 'errors'],
  audit: ['machine', 'model', 'calendar', 'errors'],
  policy: ['machine', 'model', 'calendar', 'errors'],
  decide: ['policy', 'audit', 'machine', 'model', 'calendar', 'errors'],
  status: ['machine', 'model', 'calendar', 'errors'],
  query: ['status', 'machine', 'model', 'calendar', 'errors'],
  // The message catalogue: payload schemas and the messages an event implies, pure data.
  messages: ['policy', 'machine', 'model', 'calendar', 'errors'],
  store: ['query', 'status', 'audit', 'machine', 'model', 'calendar', 'errors'],
  // Traces, metrics and the logger port: the store port they wrap, and error codes.
  observability: ['store', 'errors'],
  // Authorizers a host wires into the engine: the decide layer's port and the query layer's scope.
  authorization: ['decide', 'query', 'policy', 'machine', 'model', 'calendar', 'errors'],
  engine: [
    'observability',
    'messages',
    'store',
    'query',
    'status',
    'decide',
    'policy',
    'audit',
    'machine',
    'model',
    'calendar',
    'errors',
  ],
  // The worker loops the engine's public operations; nothing below it knows it exists.
  worker: ['engine', 'store', 'errors'],
};
const CORE_FOLDERS = [...Object.keys(CORE_LAYERS), 'testing'];
const layerRules = Object.entries(CORE_LAYERS).map(([folder, allowed]) => {
  const forbidden = CORE_FOLDERS.filter((other) => other !== folder && !allowed.includes(other));
  return {
    files: [`packages/core/src/${folder}/**/*.ts`],
    ignores: ['**/*.test.ts', '**/*.test-d.ts', '**/__fixtures__/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${forbidden.join('|')}|index\\.js$)`,
              message: `${folder}/ may import only ${allowed.join(', ') || 'nothing of ours'} (the layers of @pipkit/core).`,
            },
          ],
        },
      ],
    },
  };
});

// Host helpers (@pipkit/report) sit above core, like the CLI: they import @pipkit/core's public
// entries and nothing native or store-specific, so a server can load them anywhere.
const hostHelperRules = {
  files: ['packages/report/src/**/*.ts'],
  ignores: ['**/*.test.ts', '**/*.test-d.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(@pipkit/(sqlite|postgres|cli|holidays)|better-sqlite3|pg|luxon)(/|$)',
            message:
              '@pipkit/report may import only @pipkit/core and intl-messageformat (no native or store dependency).',
          },
          {
            regex: '^(\\.\\./)+(core|cli|sqlite|postgres|holidays)/',
            message: 'Import @pipkit/core by its package name, never by path.',
          },
        ],
      },
    ],
  },
};

// Delivery adapters (@pipkit/delivery) sit above core too: its public entries, the iCalendar writer
// and the Standard Webhooks signer; no store, no native module, no timer library.
const deliveryRules = {
  files: ['packages/delivery/src/**/*.ts'],
  ignores: ['**/*.test.ts', '**/*.test-d.ts', '**/__fixtures__/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(@pipkit/(sqlite|postgres|cli|holidays|report)|better-sqlite3|pg|luxon)(/|$)',
            message:
              '@pipkit/delivery may import only @pipkit/core, ics and standardwebhooks (no native or store dependency).',
          },
          {
            regex: '^(\\.\\./)+(core|cli|sqlite|postgres|holidays|report)/',
            message: 'Import @pipkit/core by its package name, never by path.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', '**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  ...layerRules,
  hostHelperRules,
  deliveryRules,
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
