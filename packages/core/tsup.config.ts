import { pipkitTsupConfig } from '../../tooling/tsupConfig';

export default pipkitTsupConfig(
  {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  // The testing entry imports the package by name so both entries share one set of classes.
  ['@pipkit/core'],
);
