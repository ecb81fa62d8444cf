import { pipkitTsupConfig } from '../../tooling/tsupConfig';

export default pipkitTsupConfig(
  { index: 'src/index.ts' },
  // Core is a dependency and the driver a peer: both stay imports, never bundled.
  ['@pipkit/core', 'pg'],
);
