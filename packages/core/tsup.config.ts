import { pipkitTsupConfig } from '../../tooling/tsupConfig';

export default pipkitTsupConfig(
  {
    index: 'src/index.ts',
    adapter: 'src/adapter.ts',
    schemas: 'src/schemas.ts',
    presets: 'src/presets.ts',
    'testing/index': 'src/testing/index.ts',
  },
  // The testing entry imports the package by name so every entry shares one set of classes.
  ['@pipkit/core', '@pipkit/core/adapter'],
  // Entries share chunks (ESM and CJS alike), so an error class thrown through
  // `@pipkit/core/adapter` is the same class `@pipkit/core` exports.
  { splitting: true },
);
