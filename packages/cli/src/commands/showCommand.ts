import type { Deadline, PipRecord } from '@pipkit/core';
import { localDate, localTime } from '@pipkit/report';
import { ExitCode, table } from '../io.js';
import { readPip } from '../pipReads.js';
import { type CliCommand, printJson, printLines } from './command.js';
import { openCommandStore, READS_NOTE, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';

function deadlineRows(record: PipRecord): string[][] {
  const zone = record.context.employee.timeZone;
  return Object.values(record.context.deadlines)
    .sort((a: Deadline, b: Deadline) => a.dueAt.localeCompare(b.dueAt))
    .map((deadline) => [
      `    ${deadline.id}`,
      deadline.kind,
      localDate(deadline.date),
      deadline.scheduledAt ? `meeting ${localTime(deadline.scheduledAt, zone)}` : '',
      `due ${deadline.dueAt}`,
    ]);
}

/** `pipkit show`: one PIP's state, dates and pending deadlines. */
export const showCommand: CliCommand = {
  name: 'show',
  summary: "one PIP: state, plan dates, check-ins, pending deadlines in the employee's zone",
  usage: 'pipkit show <pipId> --store <url> [--json]',
  help: [
    "Prints the PIP's current state, its employee, manager and policy, the plan period, check-ins,",
    "extensions, pauses, the outcome and every pending deadline (local date in the employee's zone",
    'and UTC instant). --json prints the stored record as it is.',
    '',
    STORE_NOTE,
    '',
    READS_NOTE,
    '',
    'Example: pipkit show pip-2026-0042 --db pips.db',
  ].join('\n'),
  options: STORE_OPTIONS,
  positionals: [1, 1],
  async run({ flags, positionals, io, json }) {
    const opened = await openCommandStore({ flags, io }, 'show', { readOnly: true });
    const { store } = opened;
    try {
      const record = await readPip(store, positionals[0] as string);
      if (json) {
        printJson(io, record);
        return ExitCode.ok;
      }
      const { context } = record;
      const zone = context.employee.timeZone;
      const plan = context.plan;
      const outcome = context.outcome;
      const rows: string[][] = [
        [
          '  employee',
          `${context.employee.id} (${zone}${context.employee.calendar ? `, calendar ${context.employee.calendar}` : ''})`,
        ],
        ['  manager', context.managerId],
        [
          '  policy',
          `${record.policyId}@${record.policyVersion} (machine v${record.machineVersion})`,
        ],
        ['  opened', `${localTime(record.createdAt, zone)} by ${context.createdBy}`],
        [
          '  plan',
          plan
            ? `${localDate(plan.startDate)} to ${localDate(plan.endDate)}${plan.endDate === plan.originalEndDate ? '' : ` (originally ${localDate(plan.originalEndDate)})`}`
            : 'not started',
        ],
        [
          '  check-ins',
          `${context.checkIns.held} held, ${context.checkIns.missed} missed; next is #${context.checkIns.next}`,
        ],
        ['  extensions', `${context.extensions.count} (${context.extensions.total} in all)`],
        [
          '  paused',
          `${context.pausedDays} day(s)${context.pause ? `; paused since ${localTime(context.pause.since, zone)} (${context.pause.category})` : ''}`,
        ],
      ];
      if (context.termination)
        rows.push([
          '  termination',
          `proposed ${localTime(context.termination.proposedAt, zone)} by ${context.termination.proposedBy}; notice ends ${localDate(context.termination.noticeEndDate)}`,
        ]);
      if (outcome)
        rows.push([
          '  outcome',
          `${outcome.status} (${outcome.reason}) ${localTime(outcome.at, zone)} by ${outcome.by}${outcome.effectiveAt ? `; effective ${localTime(outcome.effectiveAt, zone)}` : ''}${outcome.appealUntil ? `; appeal until ${localDate(outcome.appealUntil.date)}` : ''}`,
        ]);
      const deadlines = deadlineRows(record);
      rows.push([
        '  deadlines',
        deadlines.length === 0 ? 'none pending' : `${deadlines.length} pending`,
      ]);
      printLines(io, [
        `PIP ${record.pipId}: ${record.state} (version ${record.version}, updated ${localTime(record.updatedAt, zone)})`,
        ...table(rows),
        ...table(deadlines),
      ]);
      return ExitCode.ok;
    } finally {
      await opened.close();
    }
  },
};
