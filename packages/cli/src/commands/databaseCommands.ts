import {
  createEngine,
  type Deadline,
  PolicyNotFoundError,
  type PipRecord,
  type StoredEvent,
} from '@pipkit/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { localDate, localTime, renderTimeline } from '../demo/timeline.js';
import { evidenceBundle, type EvidenceBundle } from '../evidence.js';
import { ExitCode, parseInstantFlag, resolvePath, table, UsageError } from '../io.js';
import {
  allPips,
  knownPolicies,
  loadPip,
  openDatabase,
  parseState,
  verifyStoredPip,
  type StoredPipVerification,
} from '../storeAccess.js';
import { type CliCommand, listFlag, printJson, printLines, stringFlag } from './command.js';

const db = { type: 'string' } as const;
const READS_NOTE =
  'The CLI reads the store directly, with full read access: whoever can open the file can read every PIP in it.';

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
  usage: 'pipkit show <pipId> --db <file> [--json]',
  help: [
    "Prints the PIP's current state, its employee, manager and policy, the plan period, check-ins,",
    "extensions, pauses, the outcome and every pending deadline (local date in the employee's zone",
    'and UTC instant). --json prints the stored record as it is.',
    '',
    READS_NOTE,
    '',
    'Example: pipkit show pip-2026-0042 --db pips.db',
  ].join('\n'),
  options: { db },
  positionals: [1, 1],
  async run({ flags, positionals, io, json }) {
    const store = openDatabase(io, stringFlag(flags, 'db'), 'show');
    try {
      const record = await loadPip(store, positionals[0] as string);
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
      await store.close();
    }
  },
};

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
  options: { db },
  positionals: [1, 1],
  async run({ flags, positionals, io, json }) {
    const store = openDatabase(io, stringFlag(flags, 'db'), 'timeline');
    try {
      const record = await loadPip(store, positionals[0] as string);
      const events = await store.readEvents(record.pipId);
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
  options: { db, state: { type: 'string' } },
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

/** `pipkit tick`: one timer sweep. */
export const tickCommand: CliCommand = {
  name: 'tick',
  summary: 'run the timer sweep once: fire every deadline due (as the system actor)',
  usage: 'pipkit tick --db <file> [--now <instant>] [--policy <file>]... [--json]',
  help: [
    'Fires every deadline due at --now (default: the current time) through the engine, acting as',
    "the system actor `pipkit:timer`, exactly as a host's scheduled sweep does: missed check-ins,",
    'overdue acknowledgements and reviews, plan ends, watch windows. Each firing is idempotent.',
    'The engine knows the presets of @pipkit/core; add your own policies with --policy <file>',
    '(YAML or JSON policy documents), repeatable.',
    '',
    'Example: pipkit tick --db pips.db --now 2026-06-01T12:00:00Z',
  ].join('\n'),
  options: { db, now: { type: 'string' }, policy: { type: 'string', multiple: true } },
  positionals: [0, 0],
  async run({ flags, io, json }) {
    const nowFlag = stringFlag(flags, 'now');
    const now = nowFlag === undefined ? io.now() : parseInstantFlag(nowFlag, '--now');
    const policies = knownPolicies(io, listFlag(flags, 'policy'));
    const store = openDatabase(io, stringFlag(flags, 'db'), 'tick');
    try {
      const engine = createEngine({ store, policies, clock: { now: () => now } });
      let result;
      try {
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
        printJson(io, result);
        return ExitCode.ok;
      }
      printLines(io, [
        `Sweep at ${result.now}: ${result.fired.length} deadline(s) fired, ${result.skipped.length} skipped.`,
        ...result.fired.map(
          (fired) => `  fired    ${fired.timerId} (due ${fired.dueAt}): ${fired.events.join(', ')}`,
        ),
        ...result.skipped.map((skipped) => `  skipped  ${skipped.timerId}: ${skipped.code}`),
      ]);
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};

function verificationLine(verification: StoredPipVerification): string {
  if (verification.ok)
    return `OK      ${verification.pipId}: ${verification.events} events, hash chain and replay verified`;
  const chain = verification.chain.ok
    ? 'hash chain intact'
    : `hash chain broken at event ${verification.chain.brokenAt} (${verification.chain.code}: ${verification.chain.message})`;
  const replay = verification.replayMatches
    ? 'replay matches'
    : 'replaying the events does NOT reproduce the stored snapshot';
  return `FAILED  ${verification.pipId}: ${chain}; ${replay}`;
}

/** `pipkit verify`: the audit check of one PIP, every PIP, or an evidence bundle. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check the SHA-256 hash chain and the replay of one PIP, every PIP, or a bundle',
  usage: 'pipkit verify --db <file> [pipId] [--json] | pipkit verify --bundle <file> [--json]',
  help: [
    'For each PIP: recomputes every event hash, checks the links, the sequence and the head the',
    'snapshot points at (a deleted tail shows), and replays the events through the machine, which',
    'must reproduce the stored snapshot exactly. Names the first broken event. Without a pipId',
    'it checks every PIP in the database, with a progress count on stderr when it is a terminal.',
    '--bundle checks an evidence bundle written by `pipkit export` instead of a database.',
    'Exit code 1 when anything fails to verify.',
    '',
    'Example: pipkit verify --db pips.db',
  ].join('\n'),
  options: { db, bundle: { type: 'string' } },
  positionals: [0, 1],
  async run({ flags, positionals, io, json }) {
    const bundlePath = stringFlag(flags, 'bundle');
    if (bundlePath !== undefined) {
      if (stringFlag(flags, 'db') !== undefined || positionals.length > 0)
        throw new UsageError('--bundle checks a file on its own.', 'Drop --db and the pipId.');
      const bundle = readBundle(resolvePath(io, bundlePath));
      const verification = verifyStoredPip(bundle.pip, bundle.events);
      if (json) printJson(io, { ok: verification.ok, pips: [verification] });
      else printLines(io, [verificationLine(verification)]);
      return verification.ok ? ExitCode.ok : ExitCode.failed;
    }
    const store = openDatabase(io, stringFlag(flags, 'db'), 'verify');
    try {
      const pipId = positionals[0];
      const records = pipId === undefined ? await allPips(store) : [await loadPip(store, pipId)];
      const results: StoredPipVerification[] = [];
      const progress = io.stderrIsTty && records.length > 1;
      for (const [index, record] of records.entries()) {
        results.push(verifyStoredPip(record, await store.readEvents(record.pipId)));
        if (progress && (index % 25 === 0 || index === records.length - 1))
          io.stderr(`\rverifying ${index + 1}/${records.length}`);
      }
      if (progress) io.stderr('\n');
      const failed = results.filter((result) => !result.ok);
      if (json) {
        printJson(io, { ok: failed.length === 0, pips: results });
      } else {
        const shown = records.length <= 20 ? results : failed;
        printLines(io, [
          ...shown.map(verificationLine),
          failed.length === 0
            ? `All ${results.length} PIP(s) verified: ${results.reduce((sum, result) => sum + result.events, 0)} events. OK`
            : `${failed.length} of ${results.length} PIP(s) FAILED verification.`,
        ]);
      }
      return failed.length === 0 ? ExitCode.ok : ExitCode.failed;
    } finally {
      await store.close();
    }
  },
};

function readBundle(path: string): EvidenceBundle {
  let bundle: Partial<EvidenceBundle>;
  try {
    bundle = JSON.parse(readFileSync(path, 'utf8')) as Partial<EvidenceBundle>;
  } catch (error) {
    throw new UsageError(
      `Cannot read the bundle ${path}: ${(error as Error).message}`,
      'Give a file written by `pipkit export`.',
    );
  }
  if (bundle.format !== 'pipkit-evidence-bundle' || !bundle.pip || !Array.isArray(bundle.events)) {
    throw new UsageError(
      `${path} is not a pipkit evidence bundle (format "pipkit-evidence-bundle" with pip and events).`,
      'Give a file written by `pipkit export`.',
    );
  }
  return bundle as EvidenceBundle;
}

/** `pipkit export`: the evidence bundle of one PIP. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write the evidence bundle of one PIP: events, hashes, verification, how to re-verify',
  usage: 'pipkit export <pipId> --db <file> [--out <file>] [--now <instant>]',
  help: [
    'Writes one JSON document: the PIP record, every event with its sequence number, prevHash and',
    'hash, the verification made while exporting, how each hash is computed, and the steps to',
    're-verify it without pipkit (or with `pipkit verify --bundle <file>`). Prints it on stdout, or',
    'writes it to --out and prints a summary. --now sets exportedAt (default: the current time).',
    '',
    READS_NOTE,
    '',
    'Example: pipkit export pip-2026-0042 --db pips.db --out pip-2026-0042.evidence.json',
  ].join('\n'),
  options: { db, out: { type: 'string' }, now: { type: 'string' } },
  positionals: [1, 1],
  async run({ flags, positionals, io, json }) {
    const nowFlag = stringFlag(flags, 'now');
    const now = nowFlag === undefined ? io.now() : parseInstantFlag(nowFlag, '--now');
    const store = openDatabase(io, stringFlag(flags, 'db'), 'export');
    try {
      const record = await loadPip(store, positionals[0] as string);
      const events: StoredEvent[] = await store.readEvents(record.pipId);
      const verification = verifyStoredPip(record, events);
      const bundle = evidenceBundle(record, events, verification, now.toISOString());
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      const out = stringFlag(flags, 'out');
      if (out === undefined) {
        io.stdout(text);
      } else {
        const path = resolvePath(io, out);
        writeFileSync(path, text);
        if (json) printJson(io, { file: path, events: events.length, ok: verification.ok });
        else
          printLines(io, [
            `Wrote ${path}: ${events.length} events of ${record.pipId}, ${verification.ok ? 'verified' : 'verification FAILED'}.`,
          ]);
      }
      return verification.ok ? ExitCode.ok : ExitCode.failed;
    } finally {
      await store.close();
    }
  },
};
