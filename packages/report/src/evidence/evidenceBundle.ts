import {
  type Checkpoint,
  GENESIS_HASH,
  type PipRecord,
  signCheckpoint,
  type StoredEvent,
} from '@pipkit/core';
import type { KeyObject } from 'node:crypto';
import { type StoredPipVerification, verifyStoredPip } from './verifyStoredPip.js';

/** The evidence bundle `pipkit export` writes: one PIP's full history, with how to re-verify it. */
export interface EvidenceBundle {
  readonly format: 'pipkit-evidence-bundle';
  readonly formatVersion: 1;
  /** When the bundle was made (UTC) and by what. */
  readonly exportedAt: string;
  readonly exportedBy: string;
  /** The PIP's current envelope: state, context (deadlines, outcome), version, last hash. */
  readonly pip: PipRecord;
  /** Every event, oldest first, with its sequence number and its link in the chain. */
  readonly events: readonly StoredEvent[];
  /** The check made while exporting. */
  readonly verification: StoredPipVerification;
  /** How each hash is computed, so anyone can recompute it without pipkit. */
  readonly hashing: {
    readonly algorithm: 'SHA-256';
    readonly input: string;
    readonly canonicalJson: string;
    readonly genesisPrevHash: string;
  };
  /** Steps to re-verify the bundle, in words and with pipkit. */
  readonly howToVerify: readonly string[];
  /**
   * The host's signed checkpoint of the head (`pipkit export --sign-key`): anyone holding the
   * host's public key can check that these events are the ones the key holder saw.
   */
  readonly checkpoint?: Checkpoint;
}

/** Options of {@link evidenceBundle} beyond its positional arguments. */
export interface EvidenceBundleOptions {
  /** What made the bundle, written as `exportedBy`. Default `pipkit-cli`. */
  readonly exportedBy?: string;
}

/**
 * Builds the evidence bundle of one PIP from its record, its events and their verification.
 * Pure: the caller supplies `exportedAt`. The format is the one `pipkit export` has always
 * written; `JSON.stringify(bundle, null, 2)` gives the same bytes.
 *
 * @example
 * ```ts
 * const bundle = evidenceBundle(record, events, verification, '2026-06-01T12:00:00Z');
 * writeFileSync('pip-42.evidence.json', JSON.stringify(bundle, null, 2));
 * ```
 */
export function evidenceBundle(
  pip: PipRecord,
  events: readonly StoredEvent[],
  verification: StoredPipVerification,
  exportedAt: string,
  checkpoint?: Checkpoint,
  options: EvidenceBundleOptions = {},
): EvidenceBundle {
  return {
    format: 'pipkit-evidence-bundle',
    formatVersion: 1,
    exportedAt,
    exportedBy: options.exportedBy ?? 'pipkit-cli',
    pip,
    events,
    verification,
    hashing: {
      algorithm: 'SHA-256',
      input: 'canonical JSON of { pipId, seq, event, prevHash }, hex digest',
      canonicalJson:
        'object keys sorted by UTF-16 code unit, no whitespace, undefined members dropped (RFC 8785 for these values)',
      genesisPrevHash: GENESIS_HASH,
    },
    howToVerify: [
      `The first event's prevHash is ${GENESIS_HASH}; each later event's prevHash is the previous event's hash.`,
      "Recompute each event's hash as SHA-256 of the canonical JSON of { pipId, seq, event, prevHash } and compare it with its hash.",
      "seq runs 1, 2, 3, ... without gaps; the last event's seq is pip.version and its hash is pip.lastHash (a deleted tail shows here).",
      'Replaying the events through the pipkit machine (replayEvents in @pipkit/core) must reproduce pip.state and pip.context exactly.',
      'With pipkit: `pipkit verify --bundle <this file>` runs all of these checks.',
      ...(checkpoint === undefined
        ? []
        : [
            `checkpoint is an Ed25519 signature (RFC 8032, base64url) by key "${checkpoint.keyId}" over the canonical JSON of its other members; the event with seq ${checkpoint.version} must have hash ${checkpoint.lastHash}.`,
            'With pipkit: `pipkit verify --bundle <this file> --public-key <keyId>=<public key.pem>` checks it.',
          ]),
    ],
    ...(checkpoint === undefined ? {} : { checkpoint }),
  };
}

/** How {@link exportEvidenceBundle} makes a bundle. */
export interface ExportBundleOptions extends EvidenceBundleOptions {
  /** When the bundle is made: `clock.now()`, or an ISO instant. */
  readonly exportedAt: Date | string;
  /**
   * The host's Ed25519 key (`keyId` and a private `KeyObject` or PEM): signs the head into the
   * bundle as a checkpoint, only when the PIP verifies (a broken chain is never signed).
   */
  readonly signer?: {
    readonly keyId: string;
    readonly privateKey: KeyObject | string;
  };
}

/**
 * Verifies a PIP's history and builds its evidence bundle in one step, signing the head when a
 * signer is given and the history verifies: what `pipkit export` does, for a server that reads
 * the record and events itself. Check `bundle.verification.ok` before handing it out.
 *
 * @example
 * ```ts
 * const record = await engine.get(pipId, { actor });
 * const bundle = exportEvidenceBundle(record, await engine.history(pipId, { actor }), {
 *   exportedAt: clock.now(),
 *   exportedBy: 'hr-portal',
 * });
 * ```
 */
export function exportEvidenceBundle(
  record: PipRecord,
  events: readonly StoredEvent[],
  options: ExportBundleOptions,
): EvidenceBundle {
  const verification = verifyStoredPip(record, events);
  const exportedAt =
    typeof options.exportedAt === 'string' ? options.exportedAt : options.exportedAt.toISOString();
  const checkpoint =
    options.signer !== undefined && verification.ok
      ? signCheckpoint(record, options.signer, options.exportedAt)
      : undefined;
  return evidenceBundle(
    record,
    events,
    verification,
    exportedAt,
    checkpoint,
    options.exportedBy === undefined ? {} : { exportedBy: options.exportedBy },
  );
}
