/**
 * The checkpoints `pipkit verify --bundle` checks a bundle against: the one signed into the bundle
 * by `pipkit export --sign-key`, and one published elsewhere (`--checkpoint`).
 */
import { type Checkpoint, verifyAgainstCheckpoint } from '@pipkit/core';
import { readCheckpointFile, readPublicKeys } from '../checkpointKeys.js';
import type { EvidenceBundle } from '../evidence.js';
import { type CliIo, UsageError } from '../io.js';
import { type Flags, listFlag, stringFlag } from './command.js';

/** One checkpoint checked against a bundle's events. */
export interface AnchorResult {
  /** `bundle` for the checkpoint signed into the bundle, or the published file's path. */
  readonly source: string;
  /** `not-checked` when no public key was given: it neither passes nor fails the bundle. */
  readonly status: 'verified' | 'failed' | 'not-checked';
  /** The version it covers and the key that signed it, when it could be read. */
  readonly version?: number;
  readonly keyId?: string;
  /** Stable codes (`CHECKPOINT_HEAD_MISMATCH`, ...) and their messages. */
  readonly issues: readonly { readonly code: string; readonly message: string }[];
}

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
  const candidates: { source: string; checkpoint: unknown }[] = [];
  if (bundle.checkpoint !== undefined)
    candidates.push({ source: 'bundle', checkpoint: bundle.checkpoint });
  if (published !== undefined) {
    // `pipkit checkpoint` writes an array: the entries for this bundle's PIP are the ones to check.
    const read = readCheckpointFile(io, published);
    const entries = Array.isArray(read) ? read : [read];
    const mine = entries.filter(
      (entry) => (entry as { pipId?: unknown } | null)?.pipId === bundle.pip.pipId,
    );
    for (const checkpoint of mine.length > 0 ? mine : entries.slice(0, 1))
      candidates.push({ source: published, checkpoint });
    if (entries.length === 0)
      throw new UsageError(
        `${published} holds no checkpoint.`,
        'Give the file `pipkit checkpoint` wrote.',
      );
  }
  if (keyEntries.length > 0 && candidates.length === 0)
    throw new UsageError(
      'The bundle carries no checkpoint and --checkpoint names none: nothing to check the keys against.',
      'Export with --sign-key, or give the published checkpoint with --checkpoint <file>.',
    );
  if (keyEntries.length === 0) {
    return candidates.map(({ source }) => ({
      source,
      status: 'not-checked' as const,
      issues: [],
    }));
  }
  const keys = readPublicKeys(io, keyEntries);
  return candidates.map(({ source, checkpoint }) => {
    const result = verifyAgainstCheckpoint(bundle.events, checkpoint as Checkpoint, keys);
    const { version, keyId } = (checkpoint ?? {}) as { version?: unknown; keyId?: unknown };
    return {
      source,
      status: result.ok ? ('verified' as const) : ('failed' as const),
      ...(typeof version === 'number' ? { version } : {}),
      ...(typeof keyId === 'string' ? { keyId } : {}),
      issues: result.issues.map(({ code, message }) => ({ code, message })),
    };
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
