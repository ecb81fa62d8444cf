import { sqliteStore } from '@pipkit/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { capturedCli } from '../__fixtures__/captured.js';
import { runDemo } from '../demo/runDemo.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-timeline-'));
const cli = capturedCli({ cwd: folder });
const PIP = 'pip-2026-0042';

beforeAll(async () => {
  await runDemo({ store: sqliteStore({ path: join(folder, 'demo.db') }) });
});

describe('pipkit timeline --locale', () => {
  it('prints the timeline in English by default and in German with --locale de', async () => {
    const english = await cli('timeline', PIP, '--db', 'demo.db');
    expect(english.code).toBe(0);
    expect(english.stdout).toContain('resumed after 7 days; the plan now ends Fri 8 May 2026');
    const german = await cli('timeline', PIP, '--db', 'demo.db', '--locale', 'de');
    expect(german.code).toBe(0);
    expect(german.stdout).toContain(
      'hat nach 7 Tagen fortgesetzt; der Plan endet jetzt am Fr., 8. Mai 2026',
    );
    expect(german.stdout).toContain('Di., 3. März 2026, 10:00 GMT-6');
  });

  it('refuses a locale with no catalogue and names the ones there are', async () => {
    const french = await cli('timeline', PIP, '--db', 'demo.db', '--locale', 'fr');
    expect(french.code).not.toBe(0);
    expect(french.stderr).toContain('No timeline in locale "fr"');
    expect(french.stderr).toContain('en, de');
  });
});
