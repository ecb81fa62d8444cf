import { renderTimeline } from '../demo/timeline.js';
import { ExitCode } from '../io.js';
import { readPip, readPipEvents } from '../pipReads.js';
import { openDatabase } from '../storeAccess.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';
import { dbFlag, READS_NOTE } from './databaseFlag.js';

/** `pipkit timeline`: one PIP's history in the employee's time. */
export const timelineCommand: CliCommand = {
  name: 'timeline',
  summary: "one PIP's history, one line per event, in the employee's time",
  usage: 'pipkit timeline <pipId> --db <file> [--json]',
  help: [
    "Prints every event of the PIP, oldest first: when (in the employee's zone), who (id and role)",
    'and what happened, with the deadlines each event set. --json prints the stored events with',
    'their sequence numbers and hashes.',
    '',
    READS_NOTE,
    '',
    'Example: pipkit timeline pip-2026-0042 --db pips.db',
  ].join('\n'),
  options: { db: dbFlag },
  positionals: [1, 1],
  async run({ flags, positionals, io, json }) {
    const store = openDatabase(io, stringFlag(flags, 'db'), 'timeline', { readOnly: true });
    try {
      const record = await readPip(store, positionals[0] as string);
      const events = await readPipEvents(store, record.pipId);
      if (json) printJson(io, events);
      else
        printLines(io, [
          `PIP ${record.pipId} (${record.context.employee.timeZone}): ${events.length} events, now ${record.state}`,
          ...renderTimeline(events, record.context.employee.timeZone, {}),
        ]);
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
