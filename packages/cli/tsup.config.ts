import type { Options } from 'tsup';
import { pipkitTsupConfig } from '../../tooling/tsupConfig';

// Two entries: the library (index) and the process (main), which bin/pipkit.js imports. The
// workspace packages stay imports so the host's @pipkit/core classes are the ones the CLI sees.
export default pipkitTsupConfig({ index: 'src/index.ts', main: 'src/main.ts' }, [
  '@pipkit/core',
  '@pipkit/holidays',
  '@pipkit/postgres',
  '@pipkit/report',
  '@pipkit/sqlite',
  'better-sqlite3',
  'luxon',
  'pg',
  'yaml',
  'zod',
]) as Options;
