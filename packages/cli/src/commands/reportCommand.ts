import { createEngine, isPipkitError, type PipFilter } from '@pipkit/core';
import { REPORT_NAMES, type ReportName, type ReportRequest } from '@pipkit/core/schemas';
import { LOCALES, resolveLocale } from '@pipkit/report';
import { resolvePath, UsageError } from '../io.js';
import { knownPolicies } from '../storeAccess.js';
import { type CliCommand, type Flags, listFlag, stringFlag } from './command.js';
import { openCommandStore, READS_NOTE, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';
import { printReport, type ReportFormat, writeHtmlReport } from './reportOutput.js';

const FORMATS: readonly ReportFormat[] = ['table', 'json', 'csv'];

/** `--locale`: a catalogue locale (default `en`), or a usage error naming the choices. */
function reportLocale(value: string | undefined): string {
  if (value === undefined) return 'en';
  try {
    return resolveLocale(value);
  } catch (error) {
    if (!isPipkitError(error)) throw error;
    throw new UsageError(
      `--locale: no catalogue for "${value}".`,
      `Use one of: ${LOCALES.join(', ')}.`,
    );
  }
}

/** `--filter '<json>'`: a JSON object (the engine validates its fields and names a wrong one). */
function parseFilter(value: string | undefined): PipFilter | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageError(
      '--filter is not JSON.',
      `Give a JSON object, for example --filter '{"states":["active"],"policies":[{"id":"pipkit-default"}]}'`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError('--filter must be a JSON object.', 'See docs/cli.md for its fields.');
  return parsed;
}

/** The report `--name`, `--over-days` and `--filter` ask for. */
function reportRequest(flags: Flags, name: string): ReportRequest {
  if (!(REPORT_NAMES as readonly string[]).includes(name))
    throw new UsageError(
      `--name: unknown report "${name}".`,
      `Use one of: ${REPORT_NAMES.join(', ')}.`,
    );
  const over = stringFlag(flags, 'over-days');
  if ((name === 'longPlans') !== (over !== undefined)) {
    throw new UsageError(
      name === 'longPlans'
        ? '--over-days is required for longPlans.'
        : '--over-days belongs to longPlans only.',
      'Example: pipkit report --db pips.db --name longPlans --over-days 30',
    );
  }
  const filter = parseFilter(stringFlag(flags, 'filter'));
  const base = { name: name as Exclude<ReportName, 'longPlans'>, ...(filter ? { filter } : {}) };
  if (over === undefined) return base;
  if (!/^\d{1,4}$/.test(over))
    throw new UsageError(`--over-days "${over}" is not a whole number of days.`, 'Give 0 to 3650.');
  return { ...base, name: 'longPlans', overDays: Number(over) };
}

/** `--format` (or `--json`), default a table. */
function reportFormat(flags: Flags, json: boolean): ReportFormat {
  const format = stringFlag(flags, 'format');
  if (format === undefined) return json ? 'json' : 'table';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(
      `--format: unknown format "${format}".`,
      `Use one of: ${FORMATS.join(', ')}.`,
    );
  return format as ReportFormat;
}

/** Refuses the flags of the other mode, so nothing the user typed is silently ignored. */
function refuseFlags(flags: Flags, names: readonly string[], mode: string): void {
  const given = names.filter((name) => flags[name] !== undefined);
  if (given.length > 0)
    throw new UsageError(
      `--${given[0] ?? ''} does not apply to ${mode}.`,
      'Run `pipkit report --help`.',
    );
}

/** `pipkit report`: a report as a table, JSON or CSV, or the HTML page. */
export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'a report (table, JSON or CSV), or an HTML page of the overdue queue and outcomes',
  usage:
    'pipkit report --store <url> --name <report> [--over-days <n>] [--filter <json>] [--format table|json|csv] [--locale <en|de>] | pipkit report --store <url> --html <out.html> [--manager <id>] [--locale <en|de>] [--json]',
  help: [
    `--name runs one report through the engine: ${REPORT_NAMES.join(', ')}.`,
    'longPlans needs --over-days <n> (plans whose period runs over n calendar days). --filter takes',
    'the JSON filter of engine.report (states, outcomes, outcomeReasons, employeeIds, managerIds,',
    'policies, overdue, nextDeadline, opened, closed); a wrong field is named. --format prints a',
    'table (default), json ({ name, columns, rows }) or csv (RFC 4180; cells that would start a',
    'spreadsheet formula get a leading apostrophe). --locale de names the columns in German.',
    '--html <out.html> writes one self-contained page: the overdue queue (every PIP with something',
    'overdue, earliest next deadline first) and the outcomes by month as a bar chart and a table;',
    "--manager <id> keeps one manager's PIPs. The CLI acts as HR (pipkit:cli); PIPs on a policy it",
    'does not know are left off the queue and counted on stderr: pass it with --policy <file>.',
    '',
    STORE_NOTE,
    '',
    READS_NOTE,
    '',
    'Examples: pipkit report --db pips.db --name outcomesByMonth --format csv > outcomes.csv',
    '          pipkit report --db pips.db --html report.html --locale de',
  ].join('\n'),
  options: {
    ...STORE_OPTIONS,
    name: { type: 'string' },
    'over-days': { type: 'string' },
    filter: { type: 'string' },
    format: { type: 'string' },
    html: { type: 'string' },
    manager: { type: 'string' },
    locale: { type: 'string' },
    policy: { type: 'string', multiple: true },
  },
  positionals: [0, 0],
  async run({ flags, io, json }) {
    const name = stringFlag(flags, 'name');
    const html = stringFlag(flags, 'html');
    if ((name === undefined) === (html === undefined)) {
      throw new UsageError(
        name === undefined
          ? 'Give --name <report> or --html <out.html>.'
          : 'Give --name or --html, not both.',
        `Reports: ${REPORT_NAMES.join(', ')}.`,
      );
    }
    const locale = reportLocale(stringFlag(flags, 'locale'));
    let run: (engine: ReturnType<typeof createEngine>) => Promise<number>;
    if (name !== undefined) {
      refuseFlags(flags, ['manager'], '--name (use --filter \'{"managerIds":["..."]}\')');
      const request = reportRequest(flags, name);
      const format = reportFormat(flags, json);
      run = (engine) => printReport(io, engine, request, format, locale);
    } else {
      refuseFlags(flags, ['over-days', 'filter', 'format'], '--html');
      const options = {
        out: resolvePath(io, html as string),
        managerId: stringFlag(flags, 'manager'),
        locale,
        generatedAt: io.now(),
      };
      run = (engine) => writeHtmlReport(io, engine, options, json);
    }
    const policies = knownPolicies(io, listFlag(flags, 'policy'));
    const opened = await openCommandStore({ flags, io }, 'report', { readOnly: true });
    const { store } = opened;
    try {
      return await run(createEngine({ store, policies }));
    } finally {
      await opened.close();
    }
  },
};
