import type { Report, ReportName } from '@pipkit/core/schemas';
import { messagesFor } from '../messages/messages.js';
import { columnsOf } from './reportColumns.js';

/** How {@link reportToCsv} writes a report. */
export interface CsvOptions {
  /** The language of the header row: `en` (default), `de`, or a tag of their languages. */
  readonly locale?: string;
}

/** A leading character a spreadsheet would read as the start of a formula (or a hidden one). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One string cell: a leading `'` when it starts like a formula, then quoted with its quotes
 * doubled (RFC 4180).
 */
function textCell(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${guarded.replace(/"/g, '""')}"`;
}

function cell(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return textCell(value);
  if (typeof value === 'boolean') return textCell(String(value));
  return value === null || value === undefined ? '' : textCell(JSON.stringify(value));
}

/**
 * A report as CSV (RFC 4180): a header row with the column names in the locale's words, then one
 * record per row; every line ends with CRLF. Text cells are always quoted (quotes doubled);
 * numbers are written bare, with a `.` for decimals, so a spreadsheet reads them as numbers.
 * Codes from the data (states, statuses, reasons, policy ids) are written as stored.
 *
 * Formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
 * gets a leading `'`, so a spreadsheet shows it as text instead of running it (an id such as
 * `=HYPERLINK(...)` stays an id). Numbers are never guarded.
 *
 * @example
 * ```ts
 * const report = await engine.report({ name: 'openByState' }, { actor: hr });
 * reportToCsv(report); // '"state","count"\r\n"active",3\r\n'
 * reportToCsv(report, { locale: 'de' }); // '"Zustand","Anzahl"\r\n"active",3\r\n'
 * ```
 */
export function reportToCsv<N extends ReportName>(
  report: Report<N>,
  options: CsvOptions = {},
): string {
  const messages = messagesFor(options.locale ?? 'en');
  const rows = report.rows as readonly Readonly<Record<string, unknown>>[];
  const columns = columnsOf(report.name, rows);
  const lines = [
    columns.map((column) => textCell(messages.format('report.column', { column }))),
    ...rows.map((row) => columns.map((column) => cell(row[column]))),
  ];
  return lines.map((line) => `${line.join(',')}\r\n`).join('');
}

/**
 * A report as JSON for machines: `{ name, columns, rows }` with the rows exactly as the engine
 * returned them (field names, not translated labels), indented, ending with a newline.
 *
 * @example
 * ```ts
 * JSON.parse(reportToJson(report)).rows[0]; // { state: 'active', count: 3 }
 * ```
 */
export function reportToJson<N extends ReportName>(report: Report<N>): string {
  const rows = report.rows as readonly object[];
  return `${JSON.stringify({ name: report.name, columns: columnsOf(report.name, rows), rows: report.rows }, null, 2)}\n`;
}
