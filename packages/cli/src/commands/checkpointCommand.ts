import { type Checkpoint, signCheckpoint } from '@pipkit/core';
import { writeFileSync } from 'node:fs';
import { describeCheckpoint, signerFromFlags } from '../checkpointKeys.js';
import { ExitCode, parseInstantFlag, resolvePath, UsageError } from '../io.js';
import { readPipOrAll, readPipEvents, reportUnreadable, UnreadablePipError } from '../pipReads.js';
import { verifyStoredPip } from '@pipkit/report';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';
import { openCommandStore, READS_NOTE, SIGNED_OUTPUT_OPTIONS, STORE_NOTE } from './storeFlags.js';

/** `pipkit checkpoint`: signs the verified chain heads of a database for publication. */
export const checkpointCommand: CliCommand = {
  name: 'checkpoint',
  summary: 'sign the chain head of one PIP or every PIP (Ed25519) so it can be published',
  usage:
    'pipkit checkpoint --store <url> --sign-key <file.pem> --key-id <id> [pipId] [--out <file>] [--now <instant>]',
  help: [
    'Verifies each PIP (hash chain and replay) and signs its head, { pipId, version, lastHash },',
    "with the host's Ed25519 key: a checkpoint. Publish checkpoints where the database's",
    'administrators cannot rewrite them (a transparency log, a WORM bucket, an email to the',
    'works council); later, `pipkit verify --bundle <bundle> --checkpoint <file> --public-key',
    "<id>=<public.pem>` proves a bundle's events up to that version are the ones signed, even",
    'if someone edited an event and recomputed every hash after it. A PIP that fails to verify',
    'is never signed (exit code 1). Prints a JSON array of checkpoints, or writes it to --out.',
    '--now sets signedAt (default: the current time). Make a key with:',
    '  openssl genpkey -algorithm ed25519 -out checkpoint-key.pem',
    '  openssl pkey -in checkpoint-key.pem -pubout -out checkpoint-key.pub.pem',
    '',
    STORE_NOTE,
    '',
    READS_NOTE,
    '',
    'Example: pipkit checkpoint --db pips.db --sign-key checkpoint-key.pem --key-id hr-2026 --out heads.json',
  ].join('\n'),
  options: SIGNED_OUTPUT_OPTIONS,
  positionals: [0, 1],
  async run({ flags, positionals, io, json }) {
    const signer = signerFromFlags(io, flags);
    if (signer === undefined)
      throw new UsageError(
        'checkpoint needs the signing key.',
        'Pass --sign-key <file.pem> --key-id <id>.',
      );
    const nowFlag = stringFlag(flags, 'now');
    const now = nowFlag === undefined ? io.now() : parseInstantFlag(nowFlag, '--now');
    const opened = await openCommandStore({ flags, io }, 'checkpoint', { readOnly: true });
    const { store } = opened;
    try {
      const pipId = positionals[0];
      const { records, unreadable } = await readPipOrAll(store, pipId);
      const checkpoints: Checkpoint[] = [];
      const failed: string[] = [];
      for (const record of records) {
        try {
          const verification = verifyStoredPip(record, await readPipEvents(store, record.pipId));
          if (verification.ok) checkpoints.push(signCheckpoint(record, signer, now));
          else failed.push(record.pipId);
        } catch (error) {
          if (!(error instanceof UnreadablePipError)) throw error;
          unreadable.push(error);
        }
      }
      reportUnreadable(io, 'checkpoint', unreadable);
      const out = stringFlag(flags, 'out');
      if (out !== undefined)
        writeFileSync(resolvePath(io, out), `${JSON.stringify(checkpoints, null, 2)}\n`);
      if (json || out === undefined) {
        if (out === undefined) printJson(io, checkpoints);
        else printJson(io, { file: resolvePath(io, out), signed: checkpoints.length, failed });
      } else {
        printLines(io, [
          ...checkpoints.map((checkpoint) => `SIGNED  ${describeCheckpoint(checkpoint)}`),
          ...failed.map(
            (id) => `FAILED  ${id}: does not verify (pipkit verify --db ... ${id}); not signed`,
          ),
          `Wrote ${checkpoints.length} checkpoint(s) to ${resolvePath(io, out)}.`,
        ]);
      }
      for (const id of failed)
        if (out === undefined) io.stderr(`pipkit checkpoint: ${id} does not verify; not signed\n`);
      return failed.length === 0 && unreadable.length === 0 ? ExitCode.ok : ExitCode.failed;
    } finally {
      await opened.close();
    }
  },
};
