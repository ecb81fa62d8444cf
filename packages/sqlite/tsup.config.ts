import { pipkitTsupConfig } from '../../tooling/tsupConfig';

export default pipkitTsupConfig(
  { index: 'src/index.ts' },
  // Core and the driver are peers: both stay imports, never bundled.
  ['@pipkit/core', 'better-sqlite3'],
);
