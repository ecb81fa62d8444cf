import {
  isPipkitError,
  type PipStore,
  type RefusalChainVerification,
  verifyStoredRefusals,
} from '@pipkit/core';
import {
  type EvidenceBundle,
  parseEvidenceBundle,
  type StoredPipVerification,
  verifyStoredPip,
} from '@pipkit/report';
import { readFileSync } from 'node:fs';
import { type CliIo, ExitCode, resolvePath, UsageError } from '../io.js';
import { readPipOrAll, readPipEvents, reportUnreadable, UnreadablePipError } from '../pipReads.js';
import { anchorLine, checkAnchors } from './bundleAnchors.js';
import { type CliCommand, listFlag, printJson, printLines, stringFlag } from './command.js';
import { openCommandStore, STORE_NOTE, STORE_OPTIONS } from './storeFlags.js';

/** A stored PIP's verification, with its refusal chain when the store keeps one. */
type PipCheck = StoredPipVerification & { readonly refusals?: RefusalChainVerification };

function refusalPart(refusals: RefusalChainVerification | undefined): string {
  if (!refusals || (refusals.ok && refusals.count === 0)) return '';
  return refusals.ok
    ? `; ${refusals.count} refused attempt(s), refusal chain verified`
    : `; refusal chain broken at refusal ${refusals.brokenAt} (${refusals.code}: ${refusals.message})`;
}

function verificationLine(verification: PipCheck): string {
  const refusals = refusalPart(verification.refusals);
  if (verification.ok)
    return `OK      ${verification.pipId}: ${verification.events} events, hash chain and replay verified${refusals}`;
  const chain = verification.chain.ok
    ? 'hash chain intact'
    : `hash chain broken at event ${verification.chain.brokenAt} (${verification.chain.code}: ${verification.chain.message})`;
  const replay = verification.replayMatches
    ? 'replay matches'
    : 'replaying the events does NOT reproduce the stored snapshot';
  return `FAILED  ${verification.pipId}: ${chain}; ${replay}${refusals}`;
}

/** The stored PIP's events and, where the store keeps it, its refusal chain, verified. */
async function checkStoredPip(
  store: PipStore,
  record: Parameters<typeof verifyStoredPip>[0],
): Promise<PipCheck> {
  const verification = verifyStoredPip(record, await readPipEvents(store, record.pipId));
  const refusals = await verifyStoredRefusals(store, record.pipId);
  if (!refusals) return verification;
  return { ...verification, refusals, ok: verification.ok && refusals.ok };
}

/** `pipkit verify`: the audit check of one PIP, every PIP, or an evidence bundle. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check the SHA-256 hash chain and the replay of one PIP, every PIP, or a bundle',
  usage:
    'pipkit verify --store <url> [pipId] [--json] | pipkit verify --bundle <file> [--checkpoint <file>] [--public-key <keyId>=<file.pem>]... [--json]',
  help: [
    'For each PIP: recomputes every event hash, checks the links, the sequence and the head the',
    'snapshot points at (a deleted tail shows), and replays the events through the machine, which',
    'must reproduce the stored snapshot exactly. Names the first broken event. Without a pipId',
    'it checks every PIP in the database, with a progress count on stderr when it is a terminal.',
    '--bundle checks an evidence bundle written by `pipkit export` instead of a database. With',
    '--public-key <keyId>=<file.pem> (repeatable) it also checks the checkpoint signed into the',
    'bundle (`pipkit export --sign-key`), and with --checkpoint <file> a checkpoint published',
    "elsewhere (`pipkit checkpoint`): its Ed25519 signature, and that the bundle's events up to",
    'its version hash to the head it signed. An edited event fails even when every hash after',
    'it was recomputed. See docs/integrity.md for what a checkpoint proves and what it cannot.',
    "On a store with the refusal log it also checks each PIP's refusal chain (edited, deleted,",
    'swapped or renumbered refused attempts), page by page.',
    'A PIP that cannot be read (a corrupt row) is named on stderr with its error code, never its',
    'content, and the others are still checked. Exit code 1 when anything fails to verify.',
    '',
    STORE_NOTE,
    '',
    'Example: pipkit verify --db pips.db',
  ].join('\n'),
  options: {
    ...STORE_OPTIONS,
    bundle: { type: 'string' },
    checkpoint: { type: 'string' },
    'public-key': { type: 'string', multiple: true },
  },
  positionals: [0, 1],
  async run({ flags, positionals, io, json }) {
    const bundlePath = stringFlag(flags, 'bundle');
    if (bundlePath !== undefined) {
      if (
        stringFlag(flags, 'db') !== undefined ||
        stringFlag(flags, 'store') !== undefined ||
        positionals.length > 0
      )
        throw new UsageError(
          '--bundle checks a file on its own.',
          'Drop --store (or --db) and the pipId.',
        );
      const bundle = readBundle(resolvePath(io, bundlePath));
      const verification = verifyStoredPip(bundle.pip, bundle.events);
      const anchors = checkAnchors(io, flags, bundle);
      const ok = verification.ok && anchors.every((anchor) => anchor.status !== 'failed');
      if (json) printJson(io, { ok, pips: [verification], checkpoints: anchors });
      else printLines(io, [verificationLine(verification), ...anchors.map(anchorLine)]);
      return ok ? ExitCode.ok : ExitCode.failed;
    }
    if (stringFlag(flags, 'checkpoint') !== undefined || listFlag(flags, 'public-key').length > 0)
      throw new UsageError(
        '--checkpoint and --public-key check a bundle.',
        'Export the PIP first (pipkit export <pipId> --store <url> --out <bundle>), then: pipkit verify --bundle <bundle> --checkpoint <file> --public-key <keyId>=<file.pem>',
      );
    const opened = await openCommandStore({ flags, io }, 'verify', { readOnly: true });
    const { store } = opened;
    try {
      return await verifyDatabase(store, positionals[0], io, json);
    } finally {
      await opened.close();
    }
  },
};

/** Verifies one PIP or every PIP; one that cannot be read is reported and the others still run. */
async function verifyDatabase(
  store: PipStore,
  pipId: string | undefined,
  io: CliIo,
  json: boolean,
): Promise<number> {
  const { records, unreadable } = await readPipOrAll(store, pipId);
  const results: PipCheck[] = [];
  const progress = io.stderrIsTty && records.length > 1;
  for (const [index, record] of records.entries()) {
    try {
      results.push(await checkStoredPip(store, record));
    } catch (error) {
      if (!(error instanceof UnreadablePipError)) throw error;
      unreadable.push(error);
    }
    if (progress && (index % 25 === 0 || index === records.length - 1))
      io.stderr(`\rverifying ${index + 1}/${records.length}`);
  }
  if (progress) io.stderr('\n');
  reportUnreadable(io, 'verify', unreadable);
  const failed = results.filter((result) => !result.ok);
  const ok = failed.length === 0 && unreadable.length === 0;
  if (json) {
    printJson(io, { ok, pips: results, ...(unreadable.length === 0 ? {} : { unreadable }) });
  } else {
    const shown = records.length <= 20 ? results : failed;
    const total = results.length + unreadable.length;
    const notRead = unreadable.length === 0 ? '' : `; ${unreadable.length} could not be read`;
    printLines(io, [
      ...shown.map(verificationLine),
      ok
        ? `All ${results.length} PIP(s) verified: ${results.reduce((sum, result) => sum + result.events, 0)} events. OK`
        : `${failed.length + unreadable.length} of ${total} PIP(s) FAILED verification${notRead}.`,
    ]);
  }
  return ok ? ExitCode.ok : ExitCode.failed;
}

function readBundle(path: string): EvidenceBundle {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(
      `Cannot read the bundle ${path}: ${(error as Error).message}`,
      'Give a file written by `pipkit export`.',
    );
  }
  try {
    return parseEvidenceBundle(value);
  } catch (error) {
    if (!isPipkitError(error)) throw error;
    throw new UsageError(
      `${path} is not a pipkit evidence bundle (format "pipkit-evidence-bundle" with pip and events).`,
      'Give a file written by `pipkit export`.',
    );
  }
}
