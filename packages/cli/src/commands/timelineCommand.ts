import { isPipkitError } from '@pipkit/core';
import { LOCALES, renderTimeline, resolveLocale } from '@pipkit/report';
import { ExitCode, UsageError } from '../io.js';
import { readPip, readPipEvents } from '../pipReads.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';
import { openCommandStore, READS_NOTE, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';

/** `pipkit timeline`: one PIP's history in the employee's time. */
export const timelineCommand: CliCommand = {
  name: 'timeline',
  summary: "one PIP's history, one line per event, in the employee's time",
  usage: 'pipkit timeline <pipId> --store <url> [--locale <en|de>] [--json]',
  help: [
    "Prints every event of the PIP, oldest first: when (in the employee's zone), who (id and role)",
    'and what happened, with the deadlines each event set. --json prints the stored events with',
    'their sequence numbers and hashes. --locale de prints the table in German (default: en).',
    '',
    STORE_NOTE,
    '',
    READS_NOTE,
    '',
    'Example: pipkit timeline pip-2026-0042 --db pips.db',
  ].join('\n'),
  options: { ...STORE_OPTIONS, locale: { type: 'string' } },
  positionals: [1, 1],
  async run({ flags, positionals, io, json }) {
    const locale = timelineLocale(stringFlag(flags, 'locale'));
    const opened = await openCommandStore({ flags, io }, 'timeline', { readOnly: true });
    const { store } = opened;
    try {
      const record = await readPip(store, positionals[0] as string);
      const events = await readPipEvents(store, record.pipId);
      if (json) printJson(io, events);
      else
        printLines(io, [
          `PIP ${record.pipId} (${record.context.employee.timeZone}): ${events.length} events, now ${record.state}`,
          ...renderTimeline(events, record.context.employee.timeZone, {}, { locale }),
        ]);
      return ExitCode.ok;
    } finally {
      await opened.close();
    }
  },
};

/** The catalogue locale `--locale` names (default `en`), or a usage error naming the choices. */
function timelineLocale(value: string | undefined): string {
  if (value === undefined) return 'en';
  try {
    return resolveLocale(value);
  } catch (error) {
    if (!isPipkitError(error)) throw error;
    throw new UsageError(`No timeline in locale "${value}".`, `Use one of: ${LOCALES.join(', ')}.`);
  }
}
