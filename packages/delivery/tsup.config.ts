import type { Options } from 'tsup';
import { pipkitTsupConfig } from '../../tooling/tsupConfig';

// All stay imports: core's classes (ValidationError) must be the ones the host has, and `ics` and
// `standardwebhooks` are their maintainers' to update.
export default pipkitTsupConfig({ index: 'src/index.ts' }, [
  '@pipkit/core',
  'ics',
  'standardwebhooks',
]) as Options;
