// The HTML report in a real browser: the machine's Chromium, driven by playwright-core (no
// browser download). It never skips: without Chromium it fails and says how to install it.
import { memoryStore, type PipRecord } from '@pipkit/core';
import type { Report } from '@pipkit/core/schemas';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../index.js';
import { EVIL_ID, HR, seedReports } from './__fixtures__/reportSeed.js';

const CHROMIUM = '/usr/bin/chromium';

let browser: Browser;
let overdue: PipRecord[];
let outcomes: Report<'outcomesByMonth'>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: the HTML report's browser test needs it (apt-get install -y chromium). It does not skip.`,
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const { engine } = await seedReports(memoryStore());
  overdue = [];
  let cursor: string | undefined;
  do {
    const page = await engine.query(
      { overdue: true, sort: 'nextDeadline', limit: 2, ...(cursor ? { cursor } : {}) },
      { actor: HR },
    );
    overdue.push(...page.pips);
    cursor = page.next;
  } while (cursor);
  outcomes = await engine.report({ name: 'outcomesByMonth' }, { actor: HR });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function open(locale: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setContent(
    renderReportHtml({ overdue, outcomes, generatedAt: '2026-05-21T08:00:00Z', locale }),
  );
  return page;
}

// The root tsconfig has no DOM library: the few browser objects the page functions touch.
interface Cell {
  readonly innerText: string;
}
interface Row {
  querySelectorAll(selector: string): Iterable<Cell>;
}
interface Bar {
  getBoundingClientRect(): { readonly x: number; readonly height: number };
  querySelector(selector: string): { readonly textContent: string | null } | null;
}

/** The visible text of each cell of each body row of a table. */
async function cells(page: Page, table: string): Promise<string[][]> {
  return page
    .locator(`${table} tbody tr`)
    .evaluateAll((rows) =>
      (rows as unknown as Row[]).map((row) =>
        [...row.querySelectorAll('th, td')].map((cell) => cell.innerText.trim()),
      ),
    );
}

describe('the HTML report in Chromium', () => {
  it('shows the overdue queue, one row per PIP, in the employee zone', async () => {
    const page = await open('en');
    expect(await page.locator('h1').innerText()).toBe('PIP report');
    expect(await cells(page, 'table.queue-table')).toEqual([
      ['ack-1', 'emp-1', 'mgr-a', 'acknowledgement (acknowledgement)', 'Wed 11 Mar 2026', 'none'],
      ['ack-2', EVIL_ID, 'mgr-b', 'acknowledgement (acknowledgement)', 'Wed 11 Mar 2026', 'none'],
      ['review-1', 'emp-9', 'mgr-a', 'final review (review)', 'Tue 12 May 2026', 'none'],
    ]);
    expect(await page.locator('section.queue p.summary').innerText()).toBe(
      '3 plans have something overdue.',
    );
    await page.close();
  }, 30_000);

  it('renders an id full of markup as text: no element, no script run', async () => {
    const page = await open('en');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    expect(await page.getByText(EVIL_ID, { exact: true }).count()).toBe(1);
    await page.close();
  }, 30_000);

  it('draws one bar per outcome row, heights proportional to the counts', async () => {
    const page = await open('en');
    const chart = page.locator('svg[role="img"]');
    expect(await chart.getAttribute('aria-label')).toBe(
      'Bar chart: 6 outcomes over 2 months, stacked by status',
    );
    const bars = await chart.locator('rect.bar').evaluateAll((rects) =>
      (rects as unknown as Bar[]).map((rect) => {
        const box = rect.getBoundingClientRect();
        return {
          title: rect.querySelector('title')?.textContent ?? '',
          x: box.x,
          height: box.height,
        };
      }),
    );
    expect(bars).toHaveLength(outcomes.rows.length);
    const counts = bars.map((bar) => Number(/: (\d+) plans?/.exec(bar.title)?.[1]));
    expect([...counts].sort()).toEqual(outcomes.rows.map((row) => row.count).sort());
    const perPlan = (bars[0]?.height ?? 0) / (counts[0] ?? 1);
    expect(perPlan).toBeGreaterThan(10);
    for (const [index, bar] of bars.entries())
      expect(bar.height).toBeCloseTo(perPlan * (counts[index] ?? 0), 1);
    expect(bars.map((bar) => bar.title)).toEqual([
      'Mar 2026: 2 plans closed (resigned, pipkit-default)',
      'May 2026: 3 plans passed (passed, pipkit-default)',
      'May 2026: 1 plan terminated (removed, pipkit-default)',
    ]);
    // The two outcomes of May are stacked in one column.
    expect(bars[1]?.x).toBe(bars[2]?.x);
    expect(await chart.locator('text.month').allTextContents()).toEqual(['Mar 2026', 'May 2026']);
    expect(await cells(page, 'table.outcomes-table')).toEqual([
      ['Mar 2026', 'pipkit-default', 'closed', 'resigned', '2'],
      ['May 2026', 'pipkit-default', 'passed', 'passed', '3'],
      ['May 2026', 'pipkit-default', 'terminated', 'removed', '1'],
    ]);
    await page.close();
  }, 30_000);

  it('labels the German page in German', async () => {
    const page = await open('de');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('h1').innerText()).toBe('PIP-Bericht');
    expect(await page.locator('h2').allInnerTexts()).toEqual([
      'Überfällige Pläne',
      'Ergebnisse nach Monat',
    ]);
    expect(await page.locator('table.queue-table thead th').allInnerTexts()).toEqual([
      'PIP',
      'Mitarbeitende',
      'Führungskraft',
      'was ist überfällig',
      'überfällig seit',
      'nächste Frist',
    ]);
    expect((await cells(page, 'table.queue-table'))[2]).toEqual([
      'review-1',
      'emp-9',
      'mgr-a',
      'Abschlussbewertung (review)',
      'Di., 12. Mai 2026',
      'keine',
    ]);
    const chart = page.locator('svg[role="img"]');
    expect(await chart.getAttribute('aria-label')).toBe(
      'Balkendiagramm: 6 Ergebnisse in 2 Monaten, gestapelt nach Status',
    );
    expect(await chart.locator('text.month').allTextContents()).toEqual(['März 2026', 'Mai 2026']);
    expect(await page.locator('.legend li').allInnerTexts()).toEqual([
      'bestanden',
      'gekündigt',
      'geschlossen',
    ]);
    expect(await page.locator('.generated').innerText()).toBe(
      'Erstellt am Do., 21. Mai 2026, 08:00 UTC',
    );
    await page.close();
  }, 30_000);
});
