import type { Options } from 'tsup';
import { pipkitTsupConfig } from '../../tooling/tsupConfig';

const shared = pipkitTsupConfig(
  { index: 'src/index.ts' },
  // Both stay imports: core's classes (CalendarError) must be the ones the host has, and the
  // holiday data is date-holidays' to update.
  ['@pipkit/core', 'date-holidays'],
) as Options;

// The shim gives the CJS build an import.meta.url, from which it reads the installed
// date-holidays version.
export default { ...shared, shims: true } satisfies Options;
