/**
 * Keys and checkpoints as files for the CLI: the host's Ed25519 signing key (PEM), the public keys
 * a verifier trusts (`keyId=file.pem`), and published checkpoints (JSON).
 */
import type { Checkpoint } from '@pipkit/core';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CliIo, resolvePath, UsageError } from './io.js';

const KEY_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function readText(io: CliIo, path: string, what: string, hint: string): string {
  const resolved = resolvePath(io, path);
  try {
    return readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read ${what} ${resolved}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      hint,
    );
  }
}

/** Checks a key id typed on the command line. */
export function checkKeyId(keyId: string | undefined, flag: string): string {
  if (keyId === undefined || !KEY_ID.test(keyId)) {
    throw new UsageError(
      `${flag} needs a key id of 1-100 letters, digits, '.', '_', ':' or '-'.`,
      `For example ${flag} hr-2026: the id a verifier looks the public key up under.`,
    );
  }
  return keyId;
}

/** Reads the host's Ed25519 private key from a PEM file (`openssl genpkey -algorithm ed25519`). */
export function readSigningKey(io: CliIo, path: string): KeyObject {
  const hint = 'Create one with: openssl genpkey -algorithm ed25519 -out checkpoint-key.pem';
  const pem = readText(io, path, 'the signing key', hint);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // Never echo the file: it is a secret.
    throw new UsageError(`${resolvePath(io, path)} is not a PEM private key.`, hint);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new UsageError(`${resolvePath(io, path)} is not an Ed25519 key.`, hint);
  return key;
}

/**
 * Reads the trusted public keys given as `keyId=file.pem` (repeatable). A private key file is
 * accepted too: its public half is used.
 */
export function readPublicKeys(io: CliIo, entries: readonly string[]): Record<string, KeyObject> {
  const keys: Record<string, KeyObject> = Object.create(null) as Record<string, KeyObject>;
  const hint =
    'Write --public-key <keyId>=<file.pem>; make the file with: openssl pkey -in key.pem -pubout -out key.pub.pem';
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`--public-key "${entry}" is not <keyId>=<file.pem>.`, hint);
    const keyId = checkKeyId(entry.slice(0, at), '--public-key');
    const path = entry.slice(at + 1);
    let key: KeyObject;
    try {
      key = createPublicKey(readText(io, path, 'the public key', hint));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${resolvePath(io, path)} is not a PEM public key.`, hint);
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new UsageError(`${resolvePath(io, path)} is not an Ed25519 key.`, hint);
    keys[keyId] = key;
  }
  return keys;
}

/** Reads a published checkpoint file (JSON); its shape and signature are checked by the caller. */
export function readCheckpointFile(io: CliIo, path: string): unknown {
  const hint =
    'Give a checkpoint written by `pipkit checkpoint` (or signCheckpoint in @pipkit/core).';
  const text = readText(io, path, 'the checkpoint', hint);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${resolvePath(io, path)} is not JSON.`, hint);
  }
}

/** A checkpoint's one-line description. */
export function describeCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.pipId} at version ${checkpoint.version}, signed ${checkpoint.signedAt} by key "${checkpoint.keyId}"`;
}

/**
 * The signer named by `--sign-key <file.pem> --key-id <id>`, or undefined when neither is given.
 * One without the other is a usage error.
 */
export function signerFromFlags(
  io: CliIo,
  flags: Readonly<Record<string, unknown>>,
): { readonly keyId: string; readonly privateKey: KeyObject } | undefined {
  const path = typeof flags['sign-key'] === 'string' ? flags['sign-key'] : undefined;
  const keyId = typeof flags['key-id'] === 'string' ? flags['key-id'] : undefined;
  if (path === undefined && keyId === undefined) return undefined;
  if (path === undefined)
    throw new UsageError(
      '--key-id names the key of --sign-key, which is missing.',
      'Add --sign-key <file.pem>.',
    );
  return { keyId: checkKeyId(keyId, '--key-id'), privateKey: readSigningKey(io, path) };
}
