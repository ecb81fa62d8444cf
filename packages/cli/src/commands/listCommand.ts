import { ExitCode, table } from '../io.js';
import { allPips, openDatabase, parseState } from '../storeAccess.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';
import { dbFlag, READS_NOTE } from './databaseFlag.js';

/** `pipkit list`: the PIPs in a database. */
export const listCommand: CliCommand = {
  name: 'list',
  summary: 'the PIPs in a database, optionally in one state',
  usage: 'pipkit list --db <file> [--state <state>] [--json]',
  help: [
    'Lists every PIP (ordered by id) with its state, employee, manager, policy and last change.',
    '--state keeps one state: draft, pendingApproval, opened, active, paused, extended,',
    'amending.editing, amending.awaitingAcknowledgement, review, passed.watching,',
    'passed.completed, terminationProposed, terminated, closed.',
    '',
    READS_NOTE,
    '',
    'Example: pipkit list --db pips.db --state active',
  ].join('\n'),
  options: { db: dbFlag, state: { type: 'string' } },
  positionals: [0, 0],
  async run({ flags, io, json }) {
    const state = parseState(stringFlag(flags, 'state'));
    const store = openDatabase(io, stringFlag(flags, 'db'), 'list');
    try {
      const pips = await allPips(store, state);
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
        return ExitCode.ok;
      }
      if (pips.length === 0) {
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
        `${pips.length} PIP(s)`,
      ]);
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
