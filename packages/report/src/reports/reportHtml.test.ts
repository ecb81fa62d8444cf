import { memoryStore, type PipRecord } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReportHtml } from '../index.js';
import { EVIL_ID, HR, seedReports } from './__fixtures__/reportSeed.js';

async function seededInput() {
  const { engine } = await seedReports(memoryStore());
  const overdue: PipRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await engine.query(
      { overdue: true, sort: 'nextDeadline', limit: 1, ...(cursor ? { cursor } : {}) },
      { actor: HR },
    );
    overdue.push(...page.pips);
    cursor = page.next;
  } while (cursor);
  const outcomes = await engine.report({ name: 'outcomesByMonth' }, { actor: HR });
  return { overdue, outcomes, generatedAt: '2026-05-21T08:00:00Z' };
}

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });
});

describe('renderReportHtml', () => {
  it('is one self-contained document: no script, no external resource, a strict CSP', async () => {
    const html = renderReportHtml(await seededInput());
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<[a-z][^>]*\s(src|href)=|url\(|@import/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('escapes host ids everywhere, so markup in an id is text', async () => {
    const html = renderReportHtml({ ...(await seededInput()), title: 'Q2 <b>&</b> "x"' });
    expect(html).not.toContain(EVIL_ID);
    expect(html).toContain(escapeHtml(EVIL_ID));
    expect(html).toContain('<title>Q2 &lt;b&gt;&amp;&lt;/b&gt; &quot;x&quot;</title>');
  });

  it('lists the overdue queue with what is overdue, since when, in the employee zone', async () => {
    const html = renderReportHtml(await seededInput());
    expect(html).toContain('3 plans have something overdue.');
    expect(html).toContain(
      '<tr><th scope="row">ack-1</th><td>emp-1</td><td>mgr-a</td><td>acknowledgement (acknowledgement)</td><td>Wed 11 Mar 2026</td><td>none</td></tr>',
    );
    expect(html).toContain('<td>final review (review)</td><td>Tue 12 May 2026</td>');
    expect(html).toContain('Generated Thu 21 May 2026 08:00 UTC');
  });

  it('shows the next deadline and several overdue items of one PIP', () => {
    const html = renderReportHtml({
      overdue: {
        pips: [
          {
            pipId: 'p-1',
            employeeId: 'e',
            managerId: 'm',
            context: { employee: { timeZone: 'America/Chicago' } },
            summary: {
              overdue: [
                { id: 'obligation:x', kind: 'obligation', since: '2026-04-02T02:00:00Z' },
                { id: 'review', kind: 'review', since: '2026-04-03T12:00:00Z' },
              ],
              next: { id: 'decision', kind: 'decision', dueAt: '2026-04-10T04:59:59.999Z' },
              stateSince: '2026-04-01T00:00:00Z',
            },
          },
        ],
      },
      outcomes: { name: 'outcomesByMonth', rows: [] },
      generatedAt: new Date('2026-04-05T00:00:00Z'),
      locale: 'de',
      timeZone: 'Europe/Berlin',
    });
    expect(html).toContain(
      '<td>Pflicht (obligation:x), Abschlussbewertung (review)</td><td>Mi., 1. Apr. 2026</td><td>Entscheidung, Do., 9. Apr. 2026</td>',
    );
    expect(html).toContain('Bei 1 Plan ist etwas überfällig.');
    expect(html).toContain('Noch kein Plan hat ein Ergebnis.');
    expect(html).not.toContain('<svg');
  });

  it('draws one bar per outcome row, labelled, with the numbers again in a table', async () => {
    const input = await seededInput();
    const html = renderReportHtml(input);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(input.outcomes.rows.length);
    expect(html).toContain(
      'role="img" aria-label="Bar chart: 6 outcomes over 2 months, stacked by status"',
    );
    expect(html).toContain('<title>May 2026: 3 plans passed (passed, pipkit-default)</title>');
    expect(html).toContain('<title>Mar 2026: 2 plans closed (resigned, pipkit-default)</title>');
    expect(html).toContain(
      '<td>May 2026</td><td>pipkit-default</td><td>terminated</td><td>removed</td><td class="number">1</td>',
    );
  });

  it('says an empty queue in words, and writes German when asked', async () => {
    const input = await seededInput();
    const html = renderReportHtml({ ...input, overdue: [], locale: 'de' });
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Nichts ist überfällig.');
    expect(html).not.toContain('<table class="queue-table">');
    expect(html).toContain('<h2 id="outcomes-heading">Ergebnisse nach Monat</h2>');
    expect(html).toContain('Mai 2026: 3 Pläne bestanden (passed, pipkit-default)');
  });

  it('refuses a locale with no catalogue', () => {
    expect(() =>
      renderReportHtml({
        overdue: [],
        outcomes: { name: 'outcomesByMonth', rows: [] },
        generatedAt: '2026-01-01T00:00:00Z',
        locale: 'fr',
      }),
    ).toThrow(/locale "fr"/);
  });
});
