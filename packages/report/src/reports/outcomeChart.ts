/**
 * The outcomes-by-month chart: an inline SVG, one stacked column per month and one bar segment
 * per report row (coloured by status), with axes, a `<title>` per segment, `role="img"` and an
 * `aria-label`. Segment heights are exactly proportional to their counts.
 */
import type { ReportRow } from '@pipkit/core/schemas';
import type { Messages } from '../messages/messages.js';
import { coordinate, escapeHtml } from './html.js';

type OutcomeRow = ReportRow<'outcomesByMonth'>;

/** The colour of each status; statuses pipkit may add later take the fallbacks in order. */
const STATUS_COLOURS: Readonly<Record<string, string>> = {
  passed: '#2e7d32',
  terminated: '#c62828',
  closed: '#546e7a',
  reinstated: '#1565c0',
};
const FALLBACK_COLOURS = ['#6a1b9a', '#ef6c00', '#00838f'];
const STATUS_ORDER = ['passed', 'terminated', 'closed', 'reinstated'];

const PLOT_HEIGHT = 240;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 64 } as const;
const BAR_WIDTH = 40;
const SLOT = 72;

/** The statuses of the rows, known ones first, in a stable order. */
export function statusesOf(rows: readonly OutcomeRow[]): string[] {
  const all = [...new Set(rows.map((row) => row.status))];
  const rank = (status: string) => {
    const index = STATUS_ORDER.indexOf(status);
    return index === -1 ? STATUS_ORDER.length : index;
  };
  return all.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The colour of `status` among `statuses`. */
export function colourOf(status: string, statuses: readonly string[]): string {
  const known = STATUS_COLOURS[status];
  if (known !== undefined) return known;
  const others = statuses.filter((entry) => STATUS_COLOURS[entry] === undefined);
  return FALLBACK_COLOURS[others.indexOf(status) % FALLBACK_COLOURS.length] ?? '#424242';
}

/** The rows in chart order: by month, then status, reason and policy. */
export function chartOrder(rows: readonly OutcomeRow[]): OutcomeRow[] {
  const statuses = statusesOf(rows);
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort(
    (a, b) =>
      text(a.month, b.month) ||
      statuses.indexOf(a.status) - statuses.indexOf(b.status) ||
      text(a.reason, b.reason) ||
      text(a.policyId, b.policyId),
  );
}

/** The axis maximum and tick step: a 1, 2 or 5 step giving at most five ticks above zero. */
function axisScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const base of [1, 2, 5]) {
      const step = base * magnitude;
      if (Math.ceil(max / step) <= 5) return { top: Math.ceil(max / step) * step, step };
    }
  }
}

/** A `YYYY-MM` month in the locale's words (`May 2026`, `Mai 2026`). */
export function monthLabel(messages: Messages, month: string): string {
  const at = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(at.getTime())) return month;
  return new Intl.DateTimeFormat(messages.tag, {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(at);
}

/** The `<svg>` of the outcomes by month (rows of `engine.report({ name: 'outcomesByMonth' })`). */
export function outcomeChart(messages: Messages, rows: readonly OutcomeRow[]): string {
  const ordered = chartOrder(rows);
  const statuses = statusesOf(ordered);
  const months = [...new Set(ordered.map((row) => row.month))];
  const totals = months.map((month) =>
    ordered.filter((row) => row.month === month).reduce((sum, row) => sum + row.count, 0),
  );
  const { top, step } = axisScale(Math.max(0, ...totals));
  const scale = PLOT_HEIGHT / top;
  const width = MARGIN.left + months.length * SLOT + MARGIN.right;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const baseline = MARGIN.top + PLOT_HEIGHT;
  const number = new Intl.NumberFormat(messages.tag);
  const label = escapeHtml(
    messages.format('report.outcomes.chart', {
      total: totals.reduce((sum, value) => sum + value, 0),
      months: months.length,
    }),
  );
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${label}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${label}</title>`,
  ];
  for (let tick = 0; tick <= top; tick += step) {
    const y = coordinate(baseline - tick * scale);
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(number.format(tick))}</text>`,
    );
  }
  months.forEach((month, index) => {
    const x = MARGIN.left + index * SLOT + (SLOT - BAR_WIDTH) / 2;
    let stacked = 0;
    for (const row of ordered.filter((entry) => entry.month === month)) {
      const barHeight = row.count * scale;
      stacked += barHeight;
      const title = messages.format('report.outcomes.bar', {
        month: monthLabel(messages, month),
        count: row.count,
        status: messages.format('report.status', { status: row.status }),
        reason: row.reason,
        policyId: row.policyId,
      });
      parts.push(
        `<rect class="bar" x="${coordinate(x)}" y="${coordinate(baseline - stacked)}" width="${BAR_WIDTH}" height="${coordinate(barHeight)}" fill="${colourOf(row.status, statuses)}" data-status="${escapeHtml(row.status)}" data-count="${row.count}"><title>${escapeHtml(title)}</title></rect>`,
      );
    }
    parts.push(
      `<text class="month" x="${coordinate(x + BAR_WIDTH / 2)}" y="${baseline + 18}" text-anchor="middle">${escapeHtml(monthLabel(messages, month))}</text>`,
    );
  });
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${baseline}"/>`,
    `<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${baseline}" y2="${baseline}"/>`,
    `<text class="axis-title" x="${MARGIN.left + (width - MARGIN.left - MARGIN.right) / 2}" y="${height - 12}" text-anchor="middle">${escapeHtml(messages.format('report.outcomes.axisX'))}</text>`,
    `<text class="axis-title" transform="translate(16 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(messages.format('report.outcomes.axisY'))}</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
