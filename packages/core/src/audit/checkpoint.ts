import { KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { ErrorCodes, PipkitError, type PipkitIssue } from '../errors/pipkitError.js';
import { fromZodIssues } from '../errors/zodIssues.js';
import { canonicalJson } from './canonicalJson.js';
import { type StoredEvent, verifyHistory } from './hashChain.js';

/**
 * The head of one PIP's hash chain: its version (the `seq` of its last event) and that event's
 * hash. `engine.get` returns both on the PIP record.
 *
 * @example
 * ```ts
 * const record = await engine.get(pipId, { actor });
 * const head: ChainHead = { pipId, version: record.version, lastHash: record.lastHash };
 * ```
 */
export interface ChainHead {
  readonly pipId: string;
  readonly version: number;
  readonly lastHash: string;
}

/**
 * A signed statement that the holder of the key `keyId` saw the chain head `lastHash` of PIP
 * `pipId` at `version`, at `signedAt`. The Ed25519 signature (RFC 8032) covers the canonical JSON
 * (keys sorted, no whitespace; RFC 8785 for these values) of every member but `signature`, so any
 * language can check it. A plain JSON document: publish it as it is.
 *
 * It proves that any later edit of the events up to `version` is detected, even when the whole
 * chain was recomputed. It cannot vouch for events after `version` (they are only as trusted as
 * the chain), cannot show that a whole record was deleted (there is nothing left to check), and
 * proves nothing once the private key is compromised.
 *
 * @example
 * ```ts
 * const checkpoint: Checkpoint = signCheckpoint(head, signingKey, clock.now());
 * await archive.putOnce(`${checkpoint.pipId}/${checkpoint.version}.json`, JSON.stringify(checkpoint));
 * ```
 */
export interface Checkpoint {
  readonly format: 'pipkit-checkpoint/1';
  readonly pipId: string;
  readonly version: number;
  readonly lastHash: string;
  /** When it was signed, UTC ISO (`2026-03-02T14:00:00.000Z`). */
  readonly signedAt: string;
  /** Names the key pair; the verifier looks its public key up under this id. */
  readonly keyId: string;
  /** The 64-byte Ed25519 signature, base64url without padding. */
  readonly signature: string;
}

/**
 * The result of {@link verifyCheckpoint} and {@link verifyAgainstCheckpoint}: `ok` when `issues`
 * is empty. Issue codes are stable: `CHECKPOINT_MALFORMED`, `CHECKPOINT_UNKNOWN_KEY`,
 * `CHECKPOINT_BAD_SIGNATURE`, then for a history `CHECKPOINT_OTHER_PIP`,
 * `CHECKPOINT_BEYOND_HISTORY`, `CHECKPOINT_HEAD_MISMATCH` and `CHECKPOINT_CHAIN_BROKEN`. Paths
 * point into the checkpoint, or at `['events', index]` for a broken chain.
 *
 * @example
 * ```ts
 * const result: CheckpointVerification = verifyCheckpoint(JSON.parse(text), publicKeys);
 * if (!result.ok) for (const issue of result.issues) console.error(issue.code, issue.message);
 * ```
 */
export interface CheckpointVerification {
  readonly ok: boolean;
  readonly issues: readonly PipkitIssue[];
}

/** A key as a `KeyObject` or a PEM string. */
type KeyInput = KeyObject | string;

const FORMAT = 'pipkit-checkpoint/1';
const SHA256_HEX = /^[0-9a-f]{64}$/;
// 64 bytes in base64url without padding is 86 characters (RFC 4648, section 5).
const SIGNATURE_B64URL = /^[A-Za-z0-9_-]{86}$/;

const headSchema = z.strictObject({
  pipId: z.string().min(1),
  version: z.number().int().positive(),
  lastHash: z.string().regex(SHA256_HEX, 'Expected a lowercase hex SHA-256 hash.'),
});

const payloadSchema = headSchema.extend({
  format: z.literal(FORMAT),
  signedAt: z.iso.datetime({ message: 'Expected a UTC ISO instant ending in Z.' }),
  keyId: z.string().min(1),
});

const checkpointSchema = payloadSchema.extend({
  signature: z
    .string()
    .regex(SIGNATURE_B64URL, 'Expected a 64-byte signature in base64url without padding.')
    // Only one spelling per signature: the last character's unused bits must be zero.
    .refine((text) => Buffer.from(text, 'base64url').toString('base64url') === text, {
      message: 'The signature is not canonical base64url.',
    }),
});

/** The bytes the signature covers: canonical JSON of every member but `signature`. */
function signedBytes(payload: Omit<Checkpoint, 'signature'>): Buffer {
  const { format, pipId, version, lastHash, signedAt, keyId } = payload;
  return Buffer.from(canonicalJson({ format, pipId, version, lastHash, signedAt, keyId }), 'utf8');
}

function invalidInput(message: string, issues: readonly PipkitIssue[] = []): PipkitError {
  return new PipkitError(ErrorCodes.INVALID_INPUT, message, issues);
}

function toPrivateKey(key: KeyInput): KeyObject {
  let keyObject: KeyObject;
  try {
    keyObject = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (error) {
    const message = 'The private key is not a readable PEM key.';
    throw new PipkitError(ErrorCodes.INVALID_INPUT, message, [], { cause: error });
  }
  if (!(keyObject instanceof KeyObject) || keyObject.type !== 'private') {
    throw invalidInput('The signing key must be a private key.');
  }
  if (keyObject.asymmetricKeyType !== 'ed25519') {
    throw invalidInput(
      `The signing key must be Ed25519, not ${keyObject.asymmetricKeyType ?? 'unknown'}.`,
    );
  }
  return keyObject;
}

/** The Ed25519 public key of `key`, or why it cannot be used. A private key gives its public half. */
function toPublicKey(key: unknown): KeyObject | string {
  let keyObject: KeyObject;
  try {
    if (typeof key === 'string') keyObject = createPublicKey(key);
    else if (key instanceof KeyObject && key.type !== 'secret') {
      keyObject = key.type === 'public' ? key : createPublicKey(key);
    } else return 'it is neither a PEM string nor an asymmetric KeyObject';
  } catch {
    return 'it is not a readable PEM key';
  }
  if (keyObject.asymmetricKeyType !== 'ed25519') {
    return `it is a ${keyObject.asymmetricKeyType ?? 'unknown'} key, not Ed25519`;
  }
  return keyObject;
}

function toSignedAt(signedAt: Date | string): string {
  if (signedAt instanceof Date) {
    if (Number.isNaN(signedAt.getTime())) throw invalidInput('signedAt is an invalid Date.');
    return signedAt.toISOString();
  }
  if (!z.iso.datetime({ offset: true }).safeParse(signedAt).success) {
    throw invalidInput(`signedAt "${String(signedAt)}" is not an ISO instant.`);
  }
  return new Date(signedAt).toISOString();
}

/**
 * Signs a PIP's chain head with the host's Ed25519 key (RFC 8032), returning a checkpoint to
 * publish where the store's administrators cannot rewrite it. Pure apart from the signature:
 * the time is passed in (`clock.now()`), and Ed25519 signatures are deterministic, so the same
 * head, key and time give the same checkpoint. Throws `PipkitError` `INVALID_INPUT` for a
 * malformed head or time, or a key that is not an Ed25519 private key.
 *
 * What it proves: the holder of the key saw this head at `signedAt`; any later edit of the
 * events up to `head.version`, even with the chain recomputed, no longer matches it. What it
 * cannot: vouch for events appended after it, reveal the deletion of the whole record, or resist
 * a compromised key.
 *
 * @example
 * ```ts
 * const { privateKey } = generateKeyPairSync('ed25519'); // or a PEM string from `openssl genpkey`
 * const record = await engine.get(pipId, { actor });
 * const checkpoint = signCheckpoint(
 *   { pipId, version: record.version, lastHash: record.lastHash },
 *   { keyId: 'hr-2026', privateKey },
 *   clock.now(),
 * );
 * ```
 */
export function signCheckpoint(
  head: ChainHead,
  key: { readonly keyId: string; readonly privateKey: KeyObject | string },
  signedAt: Date | string,
): Checkpoint {
  const parsedHead = headSchema.safeParse({
    pipId: head.pipId,
    version: head.version,
    lastHash: head.lastHash,
  });
  if (!parsedHead.success) {
    throw invalidInput('The chain head is malformed.', fromZodIssues(parsedHead.error.issues));
  }
  const payload = payloadSchema.safeParse({
    format: FORMAT,
    ...parsedHead.data,
    signedAt: toSignedAt(signedAt),
    keyId: key.keyId,
  });
  if (!payload.success) {
    throw invalidInput('The checkpoint is malformed.', fromZodIssues(payload.error.issues));
  }
  const { pipId, version, lastHash, signedAt: at, keyId } = payload.data;
  const unsigned = { format: FORMAT, pipId, version, lastHash, signedAt: at, keyId } as const;
  const signature = sign(null, signedBytes(unsigned), toPrivateKey(key.privateKey));
  return { ...unsigned, signature: signature.toString('base64url') };
}

/**
 * Checks a checkpoint on its own: its shape (zod), that `keyId` names one of `publicKeys` (own
 * properties only: `__proto__` or `toString` never resolve to prototype members), and its
 * Ed25519 signature. A key that is not a usable Ed25519 key counts as unknown, with the reason in
 * the message. Never throws for bad input.
 *
 * What a passing result proves: the holder of the private key of `keyId` signed exactly this
 * head at `signedAt`. It says nothing about any history; see {@link verifyAgainstCheckpoint}.
 *
 * @example
 * ```ts
 * const result = verifyCheckpoint(JSON.parse(published), { 'hr-2026': publicKeyPem });
 * if (!result.ok) throw new Error(result.issues.map((issue) => issue.code).join(', '));
 * ```
 */
export function verifyCheckpoint(
  checkpoint: unknown,
  publicKeys: Readonly<Record<string, KeyObject | string>>,
): CheckpointVerification {
  const { ok, issues } = verifySigned(checkpoint, publicKeys);
  return { ok, issues };
}

/** {@link verifyCheckpoint}, also returning the checkpoint as parsed (the values it checked). */
function verifySigned(
  checkpoint: unknown,
  publicKeys: Readonly<Record<string, KeyObject | string>>,
): CheckpointVerification & { readonly checkpoint?: Checkpoint } {
  const parsed = checkpointSchema.safeParse(checkpoint);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues).map((issue) => ({
      ...issue,
      code: 'CHECKPOINT_MALFORMED',
      message: `The checkpoint is malformed: ${issue.message}`,
    }));
    return { ok: false, issues };
  }
  const { keyId, signature, ...rest } = parsed.data;
  const found: unknown = Object.hasOwn(publicKeys, keyId) ? publicKeys[keyId] : undefined;
  if (found === undefined) {
    return failure('CHECKPOINT_UNKNOWN_KEY', ['keyId'], `No public key is known as "${keyId}".`);
  }
  const publicKey = toPublicKey(found);
  if (typeof publicKey === 'string') {
    return failure(
      'CHECKPOINT_UNKNOWN_KEY',
      ['keyId'],
      `The key registered as "${keyId}" cannot verify: ${publicKey}.`,
    );
  }
  // Ed25519 takes no separate digest (algorithm null); OpenSSL's verify follows RFC 8032,
  // section 5.1.7, including its check that S is below the group order.
  let valid: boolean;
  try {
    const bytes = signedBytes({ ...rest, keyId });
    valid = verify(null, bytes, publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) {
    return failure(
      'CHECKPOINT_BAD_SIGNATURE',
      ['signature'],
      `The signature does not match this checkpoint under the key "${keyId}": it was altered or signed with another key.`,
    );
  }
  return { ok: true, issues: [], checkpoint: parsed.data };
}

function failure(code: string, path: PipkitIssue['path'], message: string): CheckpointVerification {
  return { ok: false, issues: [{ code, path, message }] };
}

/**
 * Checks a PIP's history against a published checkpoint: first the checkpoint itself
 * ({@link verifyCheckpoint}; nothing else is checked when it fails), then the whole chain
 * (`verifyHistory`), then that the event at `seq === checkpoint.version` exists and has exactly
 * the hash the checkpoint signed. A history longer than the checkpoint passes when its prefix
 * matches: it extends what was signed.
 *
 * What a passing result proves: the events up to `checkpoint.version` are the ones the key holder
 * saw at `signedAt`, even against someone who edited an event and recomputed every hash after it
 * (SHA-256 links each event to all before it). What it cannot: events after `checkpoint.version`
 * are only as trusted as the chain (sign newer checkpoints to cover them); a whole record deleted
 * from the store is noticed only by whoever still holds its checkpoint (an empty history gives
 * `CHECKPOINT_BEYOND_HISTORY`); and a compromised key can sign a forged head.
 *
 * @example
 * ```ts
 * const bundle = JSON.parse(await readFile('pip-1.bundle.json', 'utf8'));
 * const result = verifyAgainstCheckpoint(bundle.events, published, { 'hr-2026': publicKeyPem });
 * for (const issue of result.issues) console.error(issue.code, issue.message);
 * ```
 */
export function verifyAgainstCheckpoint(
  events: readonly StoredEvent[],
  checkpoint: Checkpoint,
  publicKeys: Readonly<Record<string, KeyObject | string>>,
): CheckpointVerification {
  const signed = verifySigned(checkpoint, publicKeys);
  if (!signed.checkpoint) return { ok: false, issues: signed.issues };
  // Only the values that were checked: nothing read twice from the caller's object.
  const { pipId, version, lastHash, signedAt } = signed.checkpoint;
  const first = events[0];
  if (first === undefined) {
    return failure(
      'CHECKPOINT_BEYOND_HISTORY',
      ['version'],
      `The checkpoint covers ${version} events of PIP "${pipId}" but the history is empty.`,
    );
  }
  if (first.pipId !== pipId) {
    return failure(
      'CHECKPOINT_OTHER_PIP',
      ['pipId'],
      `The checkpoint is for PIP "${pipId}", the history for PIP "${first.pipId}".`,
    );
  }
  const issues: PipkitIssue[] = [];
  const chain = verifyHistory(events, { pipId });
  if (!chain.ok) {
    issues.push({
      code: 'CHECKPOINT_CHAIN_BROKEN',
      path: ['events', chain.brokenAt - 1],
      message: `The history's own chain is broken (${chain.code}): ${chain.message}`,
    });
  }
  const atVersion = events.find((stored) => stored.seq === version);
  if (version > events.length) {
    issues.push({
      code: 'CHECKPOINT_BEYOND_HISTORY',
      path: ['version'],
      message: `The checkpoint covers ${version} events but the history has only ${events.length}: events were deleted.`,
    });
  } else if (atVersion?.hash !== lastHash) {
    issues.push({
      code: 'CHECKPOINT_HEAD_MISMATCH',
      path: ['lastHash'],
      message: `Event ${version} does not have the hash the checkpoint signed: an event up to ${version} was changed since ${signedAt}.`,
    });
  }
  return { ok: issues.length === 0, issues };
}
