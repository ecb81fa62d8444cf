/** The overdue queue of the HTML report: one table row per PIP with something overdue. */
import type { PipSummary } from '@pipkit/core';
import type { Messages } from '../messages/messages.js';
import { formatInstantDay } from '../timeline/dates.js';
import { escapeHtml } from './html.js';

/**
 * One PIP of the overdue queue: a `PipRecord` of `engine.query({ overdue: true })` has every
 * field. Without `context.employee.timeZone`, dates are shown in the page's `timeZone`.
 */
export interface OverdueQueueEntry {
  readonly pipId: string;
  readonly employeeId: string;
  readonly managerId: string;
  /** What is overdue and the next deadline (absent on records written before pipkit kept it). */
  readonly summary?: PipSummary | undefined;
  readonly context?: { readonly employee: { readonly timeZone: string } };
}

/** The text of each cell of one queue row, unescaped. */
export function queueCells(
  messages: Messages,
  entry: OverdueQueueEntry,
  fallbackZone: string,
): string[] {
  const zone = entry.context?.employee.timeZone ?? fallbackZone;
  const none = messages.format('report.queue.none');
  const kind = (value: string) => messages.format('report.deadlineKind', { kind: value });
  const overdue = entry.summary?.overdue ?? [];
  const since = overdue.map((item) => item.since).sort()[0];
  const next = entry.summary?.next;
  return [
    entry.pipId,
    entry.employeeId,
    entry.managerId,
    overdue.length === 0
      ? none
      : messages.list(
          overdue.map((item) =>
            messages.format('report.queue.item', { kind: kind(item.kind), id: item.id }),
          ),
        ),
    since === undefined ? none : formatInstantDay(messages, since, zone),
    next === undefined
      ? none
      : messages.format('report.queue.nextItem', {
          kind: kind(next.kind),
          date: formatInstantDay(messages, next.dueAt, zone),
        }),
  ];
}

/** The queue's section: a count, then the table (none when nothing is overdue). */
export function queueSection(
  messages: Messages,
  entries: readonly OverdueQueueEntry[],
  fallbackZone: string,
): string {
  const heading = `<h2 id="queue-heading">${escapeHtml(messages.format('report.queue.heading'))}</h2>`;
  const summary = `<p class="summary">${escapeHtml(messages.format('report.queue.summary', { count: entries.length }))}</p>`;
  if (entries.length === 0)
    return `<section class="queue" aria-labelledby="queue-heading">\n${heading}\n${summary}\n</section>`;
  const headers = (['pipId', 'employee', 'manager', 'what', 'since', 'next'] as const).map(
    (column) => `<th scope="col">${escapeHtml(messages.format(`report.queue.${column}`))}</th>`,
  );
  const rows = entries.map((entry) => {
    const [pipId = '', ...rest] = queueCells(messages, entry, fallbackZone);
    return `<tr><th scope="row">${escapeHtml(pipId)}</th>${rest.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  return [
    '<section class="queue" aria-labelledby="queue-heading">',
    heading,
    summary,
    '<table class="queue-table">',
    `<thead><tr>${headers.join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}
