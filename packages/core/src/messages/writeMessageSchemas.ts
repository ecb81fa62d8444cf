// Writes packages/core/schemas/messages/<type>.json from the message catalogue's zod schemas:
// `pnpm --filter @pipkit/core schema`. A test fails while a committed file differs from what this
// writes. Formatted with the workspace's prettier, so `prettier --check` passes on the files.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { MESSAGE_TYPES } from './catalogue.js';
import { messageJsonSchema } from './messageJsonSchemas.js';

const folder = fileURLToPath(new URL('../../schemas/messages/', import.meta.url));
mkdirSync(folder, { recursive: true });
// A type removed from the catalogue leaves no stale file behind.
for (const file of readdirSync(folder)) rmSync(`${folder}${file}`);
for (const type of MESSAGE_TYPES) {
  const target = `${folder}${type}.json`;
  writeFileSync(
    target,
    await format(JSON.stringify(messageJsonSchema(type)), {
      ...(await resolveConfig(target)),
      parser: 'json',
      filepath: target,
    }),
  );
}
console.log(`wrote ${MESSAGE_TYPES.length} message schemas to ${folder}`);
