import type { Options } from 'tsup';
import { pipkitTsupConfig } from '../../tooling/tsupConfig';

// Both stay imports: core's classes (ValidationError) must be the ones the host has, and
// intl-messageformat is FormatJS's to update.
export default pipkitTsupConfig({ index: 'src/index.ts' }, [
  '@pipkit/core',
  'intl-messageformat',
]) as Options;
