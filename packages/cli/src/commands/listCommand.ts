import { ExitCode, table } from '../io.js';
import { readAllPips, reportUnreadable } from '../pipReads.js';
import { parseState } from '../storeAccess.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';
import { openCommandStore, READS_NOTE, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';

/** `pipkit list`: the PIPs in a database. */
export const listCommand: CliCommand = {
  name: 'list',
  summary: 'the PIPs in a database, optionally in one state',
  usage: 'pipkit list --store <url> [--state <state>] [--json]',
  help: [
    'Lists every PIP (ordered by id) with its state, employee, manager, policy and last change.',
    '--state keeps one state: draft, pendingApproval, opened, active, paused, extended,',
    'amending.editing, amending.awaitingAcknowledgement, review, passed.watching,',
    'passed.completed, terminationProposed, terminated, closed.',
    'A PIP that cannot be read (a corrupt row) is named on stderr with its error code, never its',
    'content; the others are listed, and the exit code is 1.',
    '',
    STORE_NOTE,
    '',
    READS_NOTE,
    '',
    'Example: pipkit list --db pips.db --state active',
  ].join('\n'),
  options: { ...STORE_OPTIONS, state: { type: 'string' } },
  positionals: [0, 0],
  async run({ flags, io, json }) {
    const state = parseState(stringFlag(flags, 'state'));
    const opened = await openCommandStore({ flags, io }, 'list', { readOnly: true });
    const { store } = opened;
    try {
      const { records: pips, unreadable } = await readAllPips(store, state);
      const exitCode = unreadable.length === 0 ? ExitCode.ok : ExitCode.failed;
      reportUnreadable(io, 'list', unreadable);
      if (json) {
        printJson(
          io,
          pips.map((pip) => ({
            pipId: pip.pipId,
            state: pip.state,
            employeeId: pip.employeeId,
            managerId: pip.managerId,
            policy: `${pip.policyId}@${pip.policyVersion}`,
            version: pip.version,
            updatedAt: pip.updatedAt,
          })),
        );
        return exitCode;
      }
      if (pips.length === 0 && unreadable.length === 0) {
        printLines(io, [state ? `No PIP is ${state}.` : 'The database holds no PIP.']);
        return ExitCode.ok;
      }
      printLines(io, [
        ...table([
          ['pip', 'state', 'employee', 'manager', 'policy', 'updated (UTC)'],
          ...pips.map((pip) => [
            pip.pipId,
            pip.state,
            pip.employeeId,
            pip.managerId,
            `${pip.policyId}@${pip.policyVersion}`,
            pip.updatedAt,
          ]),
        ]),
        `${pips.length} PIP(s)${unreadable.length === 0 ? '' : `; ${unreadable.length} could not be read (named on stderr)`}`,
      ]);
      return exitCode;
    } finally {
      await opened.close();
    }
  },
};
