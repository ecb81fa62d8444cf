import type { StoredEvent } from '@pipkit/core';
import { exportEvidenceBundle } from '@pipkit/report';
import { signerFromFlags } from '../checkpointKeys.js';
import { writeFileSync } from 'node:fs';
import { ExitCode, parseInstantFlag, resolvePath } from '../io.js';
import { readPip, readPipEvents } from '../pipReads.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';
import { openCommandStore, READS_NOTE, SIGNED_OUTPUT_OPTIONS, STORE_NOTE } from './storeFlags.js';

/** `pipkit export`: the evidence bundle of one PIP. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write the evidence bundle of one PIP: events, hashes, verification, how to re-verify',
  usage:
    'pipkit export <pipId> --store <url> [--out <file>] [--now <instant>] [--sign-key <file.pem> --key-id <id>]',
  help: [
    'Writes one JSON document: the PIP record, every event with its sequence number, prevHash and',
    'hash, the verification made while exporting, how each hash is computed, and the steps to',
    're-verify it without pipkit (or with `pipkit verify --bundle <file>`). Prints it on stdout, or',
    'writes it to --out and prints a summary. --now sets exportedAt (default: the current time).',
    '--sign-key <file.pem> --key-id <id> signs the head into the bundle as an Ed25519 checkpoint',
    '(only when the PIP verifies: a broken chain is never signed); `pipkit verify --bundle <file>',
    '--public-key <id>=<public.pem>` checks it.',
    '',
    STORE_NOTE,
    '',
    READS_NOTE,
    '',
    'Example: pipkit export pip-2026-0042 --db pips.db --out pip-2026-0042.evidence.json',
  ].join('\n'),
  options: SIGNED_OUTPUT_OPTIONS,
  positionals: [1, 1],
  async run({ flags, positionals, io, json }) {
    const nowFlag = stringFlag(flags, 'now');
    const now = nowFlag === undefined ? io.now() : parseInstantFlag(nowFlag, '--now');
    const signer = signerFromFlags(io, flags);
    const opened = await openCommandStore({ flags, io }, 'export', { readOnly: true });
    const { store } = opened;
    try {
      const record = await readPip(store, positionals[0] as string);
      const events: StoredEvent[] = await readPipEvents(store, record.pipId);
      const bundle = exportEvidenceBundle(record, events, {
        exportedAt: now,
        ...(signer === undefined ? {} : { signer }),
      });
      const { verification } = bundle;
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
      await opened.close();
    }
  },
};
