import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStore } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { devHeaderAuthenticator } from './authentication.js';
import { captureLogs } from './__fixtures__/service.js';
import { REDACTED_PATHS } from './logging.js';
import { STATUS_BY_CODE } from './problems.js';

const SRC = dirname(fileURLToPath(import.meta.url));
const read = (path: string) => readFileSync(join(SRC, path), 'utf8');
const guide = read('../../../docs/examples/http-service.md');
const readme = read('../README.md');
const pages = { 'docs/examples/http-service.md': guide, 'examples/http-service/README.md': readme };

/** `[status, code]` of every row of a page's status table (`| 422 | \`COMMAND_REFUSED\` | ...`). */
const statusRows = (page: string) =>
  [...page.matchAll(/^\|\s*(\d{3})\s*\|\s*`([A-Z_]+)`\s*\|/gm)].map(
    (match) => [Number(match[1]), match[2]] as const,
  );

describe('the http-service docs', () => {
  it('quote the client and the server exactly as the tests run them', () => {
    expect(guide).toContain('```ts\n' + read('quickStart.ts') + '```');
    expect(guide).toContain('```ts\n' + read('server.ts') + '```');
  });

  it.each(Object.entries(pages))('%s maps every error code to its status', (_name, page) => {
    const rows = statusRows(page);
    expect([...rows].sort()).toEqual(
      Object.entries(STATUS_BY_CODE)
        .map(([code, status]) => [status, code] as const)
        .sort(),
    );
  });

  it.each(Object.entries(pages))('%s documents every environment variable', (_name, page) => {
    const sources = ['config.ts', 'worker.ts', 'seed.ts', 'clock.ts'].map(read).join('\n');
    const names = new Set(
      [...sources.matchAll(/(?:env\.|envInteger\(')([A-Z][A-Z0-9_]+)/g)].map((match) => match[1]),
    );
    expect(names.size).toBeGreaterThan(8);
    for (const name of names) expect(page, name).toContain(`\`${name}\``);
  });

  it.each(Object.entries(pages))('%s lists every route the service serves', async (_name, page) => {
    const app = await buildApp({
      store: memoryStore(),
      logger: captureLogs().logger,
      authenticate: devHeaderAuthenticator('default'),
    });
    await app.ready();
    const spec = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    await app.close();
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const method of Object.keys(methods)) {
        const route = `${method.toUpperCase()} ${path.replace('{id}', ':id')}`;
        expect(page, route).toContain(`\`${route}`);
      }
    }
  });

  it('lists every redacted path', () => {
    for (const path of REDACTED_PATHS) expect(guide, path).toContain(`\`${path}\``);
  });
});
