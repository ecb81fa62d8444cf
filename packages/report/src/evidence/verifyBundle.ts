import { type Checkpoint, ValidationError, verifyAgainstCheckpoint } from '@pipkit/core';
import type { KeyObject } from 'node:crypto';
import type { EvidenceBundle } from './evidenceBundle.js';
import { type StoredPipVerification, verifyStoredPip } from './verifyStoredPip.js';

/** The issue code of a value {@link parseEvidenceBundle} refuses. */
export const NOT_AN_EVIDENCE_BUNDLE = 'NOT_AN_EVIDENCE_BUNDLE';

/**
 * Checks that a parsed JSON value is an evidence bundle (format `pipkit-evidence-bundle`, with
 * `pip` and `events`) and returns it typed. What the events say is checked by
 * {@link verifyEvidenceBundle}. Throws a `ValidationError` (`INVALID_INPUT`) whose issue code is
 * {@link NOT_AN_EVIDENCE_BUNDLE} otherwise.
 *
 * @example
 * ```ts
 * const bundle = parseEvidenceBundle(JSON.parse(await request.text()));
 * ```
 */
export function parseEvidenceBundle(value: unknown): EvidenceBundle {
  const bundle = (value ?? {}) as Partial<EvidenceBundle>;
  if (
    typeof value !== 'object' ||
    bundle.format !== 'pipkit-evidence-bundle' ||
    !bundle.pip ||
    !Array.isArray(bundle.events)
  ) {
    const message =
      'Not a pipkit evidence bundle (format "pipkit-evidence-bundle" with pip and events).';
    throw new ValidationError(message, [{ code: NOT_AN_EVIDENCE_BUNDLE, path: [], message }]);
  }
  return bundle as EvidenceBundle;
}

/** One checkpoint checked against a bundle's events. */
export interface BundleCheckpointResult {
  /** `bundle` for the checkpoint signed into the bundle, or where a published one came from. */
  readonly source: string;
  /** `not-checked` when no public key was given: it neither passes nor fails the bundle. */
  readonly status: 'verified' | 'failed' | 'not-checked';
  /** The version it covers and the key that signed it, when it could be read. */
  readonly version?: number;
  readonly keyId?: string;
  /** Stable codes (`CHECKPOINT_HEAD_MISMATCH`, ...) and their messages. */
  readonly issues: readonly { readonly code: string; readonly message: string }[];
}

/** What {@link verifyEvidenceBundle} checks a bundle against. */
export interface VerifyBundleOptions {
  /**
   * Checkpoints published elsewhere (what `pipkit checkpoint` writes: an array, or one), with a
   * label for where they came from. The ones for the bundle's PIP are checked; when none names
   * it, the first is (and fails with the reason).
   */
  readonly published?: { readonly source: string; readonly checkpoints: readonly unknown[] };
  /**
   * The public keys the verifier trusts, by key id. Without them, every checkpoint is
   * `not-checked`: an unchecked signature proves nothing, so it passes nothing either.
   */
  readonly publicKeys?: Readonly<Record<string, KeyObject | string>>;
}

/** The verdict on a bundle: its history, and each checkpoint. */
export interface BundleVerification {
  /** True when the history verifies and no checkpoint failed. */
  readonly ok: boolean;
  /** The hash chain and replay of the bundle's events against its record. */
  readonly verification: StoredPipVerification;
  /** The checkpoint in the bundle first (if any), then the published ones. */
  readonly checkpoints: readonly BundleCheckpointResult[];
}

/** The checkpoints to check: the bundle's own, then the published ones for its PIP. */
function candidates(
  bundle: EvidenceBundle,
  published: VerifyBundleOptions['published'],
): { source: string; checkpoint: unknown }[] {
  const out: { source: string; checkpoint: unknown }[] = [];
  if (bundle.checkpoint !== undefined)
    out.push({ source: 'bundle', checkpoint: bundle.checkpoint });
  if (published !== undefined) {
    const entries = published.checkpoints;
    const mine = entries.filter(
      (entry) => (entry as { pipId?: unknown } | null)?.pipId === bundle.pip.pipId,
    );
    for (const checkpoint of mine.length > 0 ? mine : entries.slice(0, 1))
      out.push({ source: published.source, checkpoint });
  }
  return out;
}

/**
 * Checks the checkpoints of a bundle: the one signed into it (`pipkit export --sign-key`) and
 * published ones, each against the bundle's events and the trusted keys. Never throws for a bad
 * checkpoint: it fails with the reason.
 *
 * @example
 * ```ts
 * const results = checkBundleCheckpoints(bundle, { publicKeys: { 'hr-2026': publicKeyPem } });
 * ```
 */
export function checkBundleCheckpoints(
  bundle: EvidenceBundle,
  options: VerifyBundleOptions = {},
): BundleCheckpointResult[] {
  const found = candidates(bundle, options.published);
  const keys = options.publicKeys;
  if (keys === undefined || Object.keys(keys).length === 0) {
    return found.map(({ source }) => ({ source, status: 'not-checked' as const, issues: [] }));
  }
  return found.map(({ source, checkpoint }) => {
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

/**
 * Verifies an evidence bundle on its own, as `pipkit verify --bundle` does: the hash chain and
 * head of its events, the replay against its record, and its checkpoints (see
 * {@link checkBundleCheckpoints}). Needs no store and no native module.
 *
 * @example
 * ```ts
 * const result = verifyEvidenceBundle(parseEvidenceBundle(JSON.parse(text)), {
 *   publicKeys: { 'hr-2026': publicKeyPem },
 * });
 * if (!result.ok) console.error(result.verification.chain, result.checkpoints);
 * ```
 */
export function verifyEvidenceBundle(
  bundle: EvidenceBundle,
  options: VerifyBundleOptions = {},
): BundleVerification {
  const verification = verifyStoredPip(bundle.pip, bundle.events);
  const checkpoints = checkBundleCheckpoints(bundle, options);
  return {
    ok: verification.ok && checkpoints.every((checkpoint) => checkpoint.status !== 'failed'),
    verification,
    checkpoints,
  };
}
