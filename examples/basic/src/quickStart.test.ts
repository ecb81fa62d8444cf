import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('the README quick start', () => {
  it('is this file, verbatim, so the README never drifts from code that runs', () => {
    const code = readFileSync(`${here}quickStart.ts`, 'utf8').trim();
    const readme = readFileSync(`${root}README.md`, 'utf8');
    expect(readme).toContain(code);
  });

  it('runs and prints what its comments say', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@pipkit/source', '--import', 'tsx', `${here}quickStart.ts`],
      { cwd: root },
    );
    const [issued, explained] = stdout.trim().split('\n');
    expect(issued).toMatch(/^opened \d{4}-\d{2}-\d{2}$/);
    expect(explained).toBe("false [ 'NOT_ALLOWED_IN_STATE' ]");
  }, 60_000);
});
