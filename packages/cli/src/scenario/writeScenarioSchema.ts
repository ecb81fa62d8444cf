// Writes packages/cli/schema/scenario.schema.json from the zod schema: `pnpm --filter @pipkit/cli
// schema`. A test fails while the committed file differs from what this writes. Formatted with
// the workspace's prettier, so `prettier --check` passes on the generated file.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { scenarioJsonSchema } from './scenarioSchema.js';

const target = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));
writeFileSync(
  target,
  await format(JSON.stringify(scenarioJsonSchema()), {
    ...(await resolveConfig(target)),
    parser: 'json',
    filepath: target,
  }),
);
console.log(`wrote ${target}`);
