import { createEngine, PolicyNotFoundError, SYSTEM_ACTOR, type UnparkReceipt } from '@pipkit/core';
import { ExitCode, parseInstantFlag, UsageError } from '../io.js';
import { knownPolicies } from '../storeAccess.js';
import { type CliCommand, listFlag, printJson, printLines, stringFlag } from './command.js';
import { openCommandStore, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';

/** `pipkit tick`: one timer sweep. */
export const tickCommand: CliCommand = {
  name: 'tick',
  summary: 'run the timer sweep once: fire every deadline due (as the system actor)',
  usage:
    'pipkit tick --store <url> [--now <instant>] [--policy <file>]... [--unpark <pipId>]... [--json]',
  help: [
    'Fires every deadline due at --now (default: the current time) through the engine, acting as',
    "the system actor `pipkit:timer`, exactly as a host's scheduled sweep does: missed check-ins,",
    'overdue acknowledgements and reviews, plan ends, watch windows. Each firing is idempotent.',
    'The engine knows the presets of @pipkit/core; add your own policies with --policy <file>',
    '(YAML or JSON policy documents), repeatable. --unpark <pipId> (repeatable) first puts that',
    "PIP's parked deadlines back in the sweep (engine.unpark): fix the cause first (restore the row,",
    'pass the policy), or it is refused with its own code. Exit code 1 when a deadline failed.',
    '',
    STORE_NOTE,
    '',
    'Example: pipkit tick --db pips.db --now 2026-06-01T12:00:00Z',
  ].join('\n'),
  options: {
    ...STORE_OPTIONS,
    now: { type: 'string' },
    policy: { type: 'string', multiple: true },
    unpark: { type: 'string', multiple: true },
  },
  positionals: [0, 0],
  async run({ flags, io, json }) {
    const nowFlag = stringFlag(flags, 'now');
    const now = nowFlag === undefined ? io.now() : parseInstantFlag(nowFlag, '--now');
    const policies = knownPolicies(io, listFlag(flags, 'policy'));
    const opened = await openCommandStore({ flags, io }, 'tick');
    const { store } = opened;
    try {
      const engine = createEngine({ store, policies, clock: { now: () => now } });
      let result;
      const unparked: UnparkReceipt[] = [];
      try {
        for (const pipId of listFlag(flags, 'unpark'))
          unparked.push(await engine.unpark(pipId, { actor: SYSTEM_ACTOR }));
        result = await engine.tick(now);
      } catch (error) {
        if (error instanceof PolicyNotFoundError) {
          throw new UsageError(
            `A due PIP runs on a policy the CLI does not know: ${error.message}`,
            'Pass its policy document with --policy <file>.',
          );
        }
        throw error;
      }
      if (json) {
        printJson(io, unparked.length === 0 ? result : { ...result, unparked });
        return result.faults.length > 0 ? ExitCode.failed : ExitCode.ok;
      }
      printLines(io, [
        ...unparked.map(
          (receipt) =>
            `Unparked ${receipt.pipId}: ${receipt.timerIds.length} deadline(s) back in the sweep.`,
        ),
        `Sweep at ${result.now}: ${result.fired.length} deadline(s) fired, ${result.skipped.length} skipped, ${result.faults.length} failed.`,
        ...result.fired.map(
          (fired) => `  fired    ${fired.timerId} (due ${fired.dueAt}): ${fired.events.join(', ')}`,
        ),
        ...result.skipped.map((skipped) => `  skipped  ${skipped.timerId}: ${skipped.code}`),
        ...result.faults.map(
          (fault) =>
            `  failed   ${fault.timerId}: ${fault.code}${fault.parked ? " (parked; see the operators' outbox message)" : ''}`,
        ),
      ]);
      // A deadline that could not be fired is an operator's problem: say so in the exit code.
      return result.faults.length > 0 ? ExitCode.failed : ExitCode.ok;
    } finally {
      await opened.close();
    }
  },
};
