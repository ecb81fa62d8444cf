/**
 * What `pipkit report` does once its flags are checked: run one report through the engine and
 * print it (a table, JSON or CSV), or write the HTML page. Separate from the command so tests can
 * hand it an engine on any store.
 */
import {
  type Actor,
  type Engine,
  isPipkitError,
  type PipFilter,
  type PipRecord,
  StoreErrorReasons,
} from '@pipkit/core';
import type { ReportRequest } from '@pipkit/core/schemas';
import {
  formatMessage,
  REPORT_COLUMNS,
  renderReportHtml,
  reportToCsv,
  reportToJson,
} from '@pipkit/report';
import { writeFileSync } from 'node:fs';
import { type CliIo, ExitCode, table, UsageError } from '../io.js';
import { printJson, printLines } from './command.js';

/**
 * Who `pipkit report` acts as: an HR reader, like the other commands that read a database (HR
 * sees every PIP under the default authorizer).
 */
export const REPORT_READER: Actor = { id: 'pipkit:cli', role: 'hr' };

/** How a report is printed: an aligned table (default), JSON or CSV. */
export type ReportFormat = 'table' | 'json' | 'csv';

/** Runs `call`, turning a store without the read side into a usage error that says so. */
async function withReads<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      isPipkitError(error) &&
      (error as { reason?: unknown }).reason === StoreErrorReasons.UNSUPPORTED
    ) {
      throw new UsageError(
        `This database's store cannot run queries and reports (${error.message})`,
        'Upgrade @pipkit/cli and @pipkit/sqlite to a release whose store has queryPips, countPips and reportPips.',
      );
    }
    throw error;
  }
}

/** One value of a report row as table text. */
function cellText(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : JSON.stringify(value ?? null);
}

/** Prints one report in `format`, with column names in `locale`. */
export async function printReport(
  io: CliIo,
  engine: Engine,
  request: ReportRequest,
  format: ReportFormat,
  locale: string,
): Promise<number> {
  const report = await withReads(() => engine.report(request, { actor: REPORT_READER }));
  if (format === 'json') io.stdout(reportToJson(report));
  else if (format === 'csv') io.stdout(reportToCsv(report, { locale }));
  else {
    const columns: readonly string[] = REPORT_COLUMNS[report.name];
    const rows = report.rows as readonly Readonly<Record<string, unknown>>[];
    printLines(io, [
      ...table([
        columns.map((column) => formatMessage(locale, 'report.column', { column })),
        ...rows.map((row) => columns.map((column) => cellText(row[column]))),
      ]),
      `${report.name}: ${rows.length} row(s)`,
    ]);
  }
  return ExitCode.ok;
}

/** Every PIP with something overdue, earliest next deadline first, paging through every page. */
export async function overdueQueue(
  engine: Engine,
  filter: PipFilter,
): Promise<{ pips: PipRecord[]; unreadable: { pipId: string; code: string }[]; hidden: number }> {
  const pips: PipRecord[] = [];
  const unreadable: { pipId: string; code: string }[] = [];
  let hidden = 0;
  let cursor: string | undefined;
  do {
    const page = await engine.query(
      {
        ...filter,
        overdue: true,
        sort: 'nextDeadline',
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      },
      { actor: REPORT_READER },
    );
    pips.push(...page.pips);
    unreadable.push(...page.unreadable);
    hidden += page.hidden;
    cursor = page.next;
  } while (cursor);
  return { pips, unreadable, hidden };
}

/** What to put on the HTML page and where. */
export interface HtmlReportOptions {
  readonly out: string;
  readonly managerId?: string | undefined;
  readonly locale: string;
  readonly generatedAt: Date;
}

/**
 * Writes the HTML page (the overdue queue and the outcomes by month, both for one manager with
 * `managerId`) and says what it holds. Exit code 1 when a PIP of the queue could not be read.
 */
export async function writeHtmlReport(
  io: CliIo,
  engine: Engine,
  options: HtmlReportOptions,
  json: boolean,
): Promise<number> {
  const filter: PipFilter = options.managerId ? { managerIds: [options.managerId] } : {};
  const queue = await withReads(() => overdueQueue(engine, filter));
  const outcomes = await withReads(() =>
    engine.report({ name: 'outcomesByMonth', filter }, { actor: REPORT_READER }),
  );
  const html = renderReportHtml({
    overdue: queue.pips,
    outcomes,
    generatedAt: options.generatedAt,
    locale: options.locale,
  });
  try {
    writeFileSync(options.out, html);
  } catch (error) {
    throw new UsageError(
      `Cannot write ${options.out}: ${(error as Error).message.split('\n')[0] ?? ''}`,
      'Check that the folder exists and can be written.',
    );
  }
  for (const entry of queue.unreadable)
    io.stderr(
      `pipkit report: ${entry.code}: PIP "${entry.pipId}" cannot be read; it is not on the page.\n`,
    );
  if (queue.hidden > 0)
    io.stderr(
      `pipkit report: ${queue.hidden} overdue PIP(s) run on a policy the CLI does not know and are not on the page; pass it with --policy <file>.\n`,
    );
  const summary = {
    out: options.out,
    overdue: queue.pips.length,
    outcomeRows: outcomes.rows.length,
    unreadable: queue.unreadable,
    hidden: queue.hidden,
  };
  if (json) printJson(io, summary);
  else
    printLines(io, [
      `Wrote ${options.out}: ${summary.overdue} overdue PIP(s), ${summary.outcomeRows} outcome row(s).`,
    ]);
  return queue.unreadable.length > 0 ? ExitCode.failed : ExitCode.ok;
}
