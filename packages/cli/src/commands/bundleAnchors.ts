/**
 * The checkpoints `pipkit verify --bundle` checks a bundle against: the one signed into the bundle
 * by `pipkit export --sign-key`, and one published elsewhere (`--checkpoint`). The checking is
 * @pipkit/report's; this file reads the flags and files and words the results.
 */
import {
  type BundleCheckpointResult,
  checkBundleCheckpoints,
  type EvidenceBundle,
  type VerifyBundleOptions,
} from '@pipkit/report';
import { readCheckpointFile, readPublicKeys } from '../checkpointKeys.js';
import { type CliIo, UsageError } from '../io.js';
import { type Flags, listFlag, stringFlag } from './command.js';

/** One checkpoint checked against a bundle's events. */
export type AnchorResult = BundleCheckpointResult;

/**
 * Checks the bundle's checkpoints. Without `--public-key`, a checkpoint inside the bundle is
 * reported as not checked (an unchecked signature proves nothing, so it passes nothing either);
 * `--checkpoint` needs a key, and a key needs a checkpoint to check.
 */
export function checkAnchors(io: CliIo, flags: Flags, bundle: EvidenceBundle): AnchorResult[] {
  const keyEntries = listFlag(flags, 'public-key');
  const published = stringFlag(flags, 'checkpoint');
  const hint = 'Add --public-key <keyId>=<file.pem> with the public key of the signer.';
  if (published !== undefined && keyEntries.length === 0)
    throw new UsageError('--checkpoint needs the public key it was signed with.', hint);
  let options: { published?: NonNullable<VerifyBundleOptions['published']> } = {};
  if (published !== undefined) {
    // `pipkit checkpoint` writes an array: the entries for this bundle's PIP are the ones to check.
    const read = readCheckpointFile(io, published);
    const entries = Array.isArray(read) ? (read as unknown[]) : [read];
    if (entries.length === 0)
      throw new UsageError(
        `${published} holds no checkpoint.`,
        'Give the file `pipkit checkpoint` wrote.',
      );
    options = { published: { source: published, checkpoints: entries } };
  }
  if (keyEntries.length > 0 && bundle.checkpoint === undefined && published === undefined)
    throw new UsageError(
      'The bundle carries no checkpoint and --checkpoint names none: nothing to check the keys against.',
      'Export with --sign-key, or give the published checkpoint with --checkpoint <file>.',
    );
  if (keyEntries.length === 0) return checkBundleCheckpoints(bundle, options);
  return checkBundleCheckpoints(bundle, {
    ...options,
    publicKeys: readPublicKeys(io, keyEntries),
  });
}

/** One line per checkpoint for the text output. */
export function anchorLine(anchor: AnchorResult): string {
  const what = `checkpoint (${anchor.source === 'bundle' ? 'in the bundle' : anchor.source})`;
  if (anchor.status === 'not-checked')
    return `NOTE    ${what}: not checked; add --public-key <keyId>=<file.pem> to check it`;
  if (anchor.status === 'verified')
    return `OK      ${what}: events up to version ${String(anchor.version)} match the head signed by key "${String(anchor.keyId)}"`;
  return `FAILED  ${what}: ${anchor.issues.map((issue) => `${issue.code}: ${issue.message}`).join('; ')}`;
}
