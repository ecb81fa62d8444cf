import { pipkitTsupConfig } from '../../tooling/tsupConfig';

export default pipkitTsupConfig({
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
});
