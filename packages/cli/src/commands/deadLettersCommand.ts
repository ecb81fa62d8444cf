import {
  createEngine,
  type DeadLetter,
  DeadLetterNotFoundError,
  type Engine,
  SYSTEM_ACTOR,
} from '@pipkit/core';
import { UsageError } from '../io.js';
import { knownPolicies } from '../storeAccess.js';
import { type CliCommand, listFlag, printJson, printLines, stringFlag } from './command.js';
import { openCommandStore, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';

const ACTIONS = ['list', 'retry', 'discard'] as const;
type Action = (typeof ACTIONS)[number];

/** One dead letter as a line: id, PIP, type, attempts, the last error's code and when. */
function line(letter: DeadLetter): string {
  const error = letter.lastError ? `${letter.lastError.code}: ${letter.lastError.message}` : '-';
  return `  ${letter.id}  ${letter.pipId}  ${letter.type}  ${letter.attempts} attempt(s), dead since ${letter.deadLetteredAt}  ${error}`;
}

/** Every dead letter the system actor may manage, page by page (of one PIP with `pipId`). */
async function allDeadLetters(engine: Engine, pipId: string | undefined): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await engine.deadLetters({ pipId, afterId, limit: 1000 }, { actor: SYSTEM_ACTOR });
    letters.push(...page.deadLetters);
    if (page.nextAfterId === undefined) return letters;
    afterId = page.nextAfterId;
  }
}

/** `pipkit dead-letters`: the outbox messages the relay gave up, listed, retried or discarded. */
export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  summary: 'list, retry or discard the outbox messages the relay gave up (as the system actor)',
  usage:
    'pipkit dead-letters list|retry|discard [<messageId>] --store <url> [--pip <pipId>] [--policy <file>]... [--json]',
  help: [
    'A message the relay could not deliver after its last attempt is dead-lettered: its PIP has a',
    'MESSAGE_DEAD_LETTERED event and its later messages went on. `list` shows them (id, PIP, type,',
    'attempts, the last error); `retry <messageId>` makes one pending again, so the next relay',
    "round delivers it before its PIP's pending messages; `discard <messageId>` gives it up for",
    'good (never delivered; compacted with delivered messages). --pip narrows `list` to one PIP',
    "and names the message's PIP for retry and discard (found from the list when omitted). Acts",
    'as the system actor `pipkit:timer` through the engine (the DEAD_LETTERS capability); pass the',
    'policies of the PIPs with --policy <file> when they are not presets. A message that is not',
    'a dead letter is a typed error (DEAD_LETTER_NOT_FOUND, exit code 2).',
    '',
    STORE_NOTE,
    '',
    'Example: pipkit dead-letters retry pip-2026-0042:4:0 --db pips.db',
  ].join('\n'),
  options: {
    ...STORE_OPTIONS,
    pip: { type: 'string' },
    policy: { type: 'string', multiple: true },
  },
  positionals: [1, 2],
  async run({ flags, positionals, io, json }) {
    const [action, messageId] = positionals as [string, string | undefined];
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`Unknown action "${action}".`, 'Use list, retry or discard.');
    }
    if ((action === 'list') !== (messageId === undefined)) {
      throw new UsageError(
        action === 'list' ? '`list` takes no message id.' : `\`${action}\` needs a message id.`,
        `Usage: ${deadLettersCommand.usage}`,
      );
    }
    const policies = knownPolicies(io, listFlag(flags, 'policy'));
    const opened = await openCommandStore({ flags, io }, 'dead-letters');
    const { store } = opened;
    try {
      const engine = createEngine({ store, policies, clock: { now: () => io.now() } });
      const pipId = stringFlag(flags, 'pip');
      if (action === 'list') {
        const letters = await allDeadLetters(engine, pipId);
        if (json) printJson(io, { deadLetters: letters });
        else printLines(io, [`${letters.length} dead letter(s).`, ...letters.map(line)]);
        return 0;
      }
      return await settle(engine, action as Exclude<Action, 'list'>, messageId as string, pipId, {
        io,
        json,
      });
    } finally {
      await opened.close();
    }
  },
};

/** Retries or discards one dead letter, finding its PIP when `--pip` is not given. */
async function settle(
  engine: Engine,
  action: 'retry' | 'discard',
  messageId: string,
  pipFlag: string | undefined,
  output: { readonly io: Parameters<CliCommand['run']>[0]['io']; readonly json: boolean },
): Promise<number> {
  const pipId =
    pipFlag ?? (await allDeadLetters(engine, undefined)).find((l) => l.id === messageId)?.pipId;
  if (pipId === undefined) throw new DeadLetterNotFoundError('(any)', messageId);
  const target = { pipId, messageId };
  const receipt =
    action === 'retry'
      ? await engine.retryDeadLetter(target, { actor: SYSTEM_ACTOR })
      : await engine.discardDeadLetter(target, { actor: SYSTEM_ACTOR });
  if (output.json) printJson(output.io, receipt);
  else
    printLines(output.io, [
      action === 'retry'
        ? `Retried ${messageId} of ${receipt.pipId}: the next relay round delivers it.`
        : `Discarded ${messageId} of ${receipt.pipId}: it will not be delivered.`,
    ]);
  return 0;
}
