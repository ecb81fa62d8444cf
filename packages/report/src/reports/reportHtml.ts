/**
 * The HTML report: one self-contained page (inline CSS, no script, no external resource) with
 * the overdue queue as a table and the outcomes by month as an SVG bar chart plus the same
 * numbers in a table. Every word comes from the message catalogue; every string is escaped.
 */
import type { Report } from '@pipkit/core/schemas';
import { type Messages, messagesFor } from '../messages/messages.js';
import { formatInstant } from '../timeline/dates.js';
import { escapeHtml } from './html.js';
import { chartOrder, colourOf, monthLabel, outcomeChart, statusesOf } from './outcomeChart.js';
import { type OverdueQueueEntry, queueSection } from './overdueQueue.js';

/** What {@link renderReportHtml} puts on the page. */
export interface ReportPageInput {
  /**
   * The overdue queue: the PIPs of `engine.query({ overdue: true, sort: 'nextDeadline' })` (every
   * page's `pips`), or one page itself. Shown in the order given.
   */
  readonly overdue: readonly OverdueQueueEntry[] | { readonly pips: readonly OverdueQueueEntry[] };
  /** `engine.report({ name: 'outcomesByMonth' })`. */
  readonly outcomes: Report<'outcomesByMonth'>;
  /** When the data was read: shown on the page in `timeZone`. */
  readonly generatedAt: string | Date;
  /** `en` (default), `de`, or a tag of their languages; any other throws `UnknownLocaleError`. */
  readonly locale?: string;
  /** The page's heading and `<title>` (escaped); default: the catalogue's `report.title`. */
  readonly title?: string;
  /**
   * The IANA zone of `generatedAt`, and of the dates of a PIP whose record carries no zone
   * (default `UTC`). A PIP's own dates are shown in its employee's zone.
   */
  readonly timeZone?: string;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1a1a1a; margin: 2rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
.generated { color: #555; margin: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .75rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #999; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.chart .grid { stroke: #e0e0e0; }
.chart .axis { stroke: #333; }
.chart text { font: 12px system-ui, sans-serif; fill: #333; }
.chart .bar { stroke: #fff; stroke-width: 1; }
.legend { list-style: none; padding: 0; display: flex; gap: 1.25rem; }
.swatch { display: inline-block; width: .9em; height: .9em; margin-right: .35em; vertical-align: -.1em; }
`;

/** The outcomes section: the chart with its legend, and the same rows as a table. */
function outcomesSection(messages: Messages, report: Report<'outcomesByMonth'>): string {
  const heading = `<h2 id="outcomes-heading">${escapeHtml(messages.format('report.outcomes.heading'))}</h2>`;
  const rows = chartOrder(report.rows);
  if (rows.length === 0) {
    return `<section class="outcomes" aria-labelledby="outcomes-heading">\n${heading}\n<p class="summary">${escapeHtml(messages.format('report.outcomes.empty'))}</p>\n</section>`;
  }
  const statuses = statusesOf(rows);
  const status = (value: string) => messages.format('report.status', { status: value });
  const legend = statuses.map(
    (value) =>
      `<li><span class="swatch" style="background:${colourOf(value, statuses)}"></span>${escapeHtml(status(value))}</li>`,
  );
  const columns = ['month', 'policyId', 'status', 'reason', 'count'].map(
    (column) => `<th scope="col">${escapeHtml(messages.format('report.column', { column }))}</th>`,
  );
  const number = new Intl.NumberFormat(messages.tag);
  const body = rows.map(
    (row) =>
      `<tr><td>${escapeHtml(monthLabel(messages, row.month))}</td><td>${escapeHtml(row.policyId)}</td><td>${escapeHtml(status(row.status))}</td><td>${escapeHtml(row.reason)}</td><td class="number">${escapeHtml(number.format(row.count))}</td></tr>`,
  );
  return [
    '<section class="outcomes" aria-labelledby="outcomes-heading">',
    heading,
    '<figure>',
    outcomeChart(messages, rows),
    `<figcaption><ul class="legend" aria-label="${escapeHtml(messages.format('report.outcomes.legend'))}">${legend.join('')}</ul></figcaption>`,
    '</figure>',
    '<table class="outcomes-table">',
    `<thead><tr>${columns.join('')}</tr></thead>`,
    `<tbody>\n${body.join('\n')}\n</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

/**
 * Renders the report page: a complete HTML document (UTF-8) to save as a file or serve. It has no
 * script and loads nothing (a Content-Security-Policy meta tag forbids both), so it can be mailed
 * or archived as it is. Host strings (PIP, employee, manager and policy ids, reason codes, the
 * title) are escaped everywhere, in text and attributes.
 *
 * @example
 * ```ts
 * const overdue = [];
 * let cursor: string | undefined;
 * do {
 *   const page = await engine.query({ overdue: true, sort: 'nextDeadline', cursor }, { actor: hr });
 *   overdue.push(...page.pips);
 *   cursor = page.next;
 * } while (cursor);
 * const outcomes = await engine.report({ name: 'outcomesByMonth' }, { actor: hr });
 * const html = renderReportHtml({ overdue, outcomes, generatedAt: new Date(), locale: 'de' });
 * ```
 */
export function renderReportHtml(input: ReportPageInput): string {
  const messages = messagesFor(input.locale ?? 'en');
  const zone = input.timeZone ?? 'UTC';
  const overdue = 'pips' in input.overdue ? input.overdue.pips : input.overdue;
  const generatedAt =
    typeof input.generatedAt === 'string' ? input.generatedAt : input.generatedAt.toISOString();
  const title = escapeHtml(input.title ?? messages.format('report.title'));
  return [
    '<!doctype html>',
    `<html lang="${messages.locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${title}</h1>`,
    `<p class="generated">${escapeHtml(messages.format('report.generatedAt', { at: formatInstant(messages, generatedAt, zone) }))}</p>`,
    queueSection(messages, overdue, zone),
    outcomesSection(messages, input.outcomes),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
