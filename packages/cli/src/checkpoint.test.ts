import { hashEvent, type StoredEvent } from '@pipkit/core';
import { sqliteStore } from '@pipkit/sqlite';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from './demo/runDemo.js';
import { capturedCli } from './__fixtures__/captured.js';

const folder = mkdtempSync(join(tmpdir(), 'pipkit-cli-checkpoint-'));
const PIP = 'pip-2026-0042';

const cli = capturedCli({ cwd: folder });

function writeKeyPair(name: string, type: 'ed25519' | 'rsa' = 'ed25519') {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 1024 })
      : generateKeyPairSync('ed25519');
  writeFileSync(
    join(folder, `${name}.pem`),
    pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  writeFileSync(
    join(folder, `${name}.pub.pem`),
    pair.publicKey.export({ type: 'spki', format: 'pem' }),
  );
}

interface Bundle {
  pip: { pipId: string; version: number; lastHash: string };
  events: StoredEvent[];
  checkpoint?: { keyId: string; version: number; lastHash: string };
}
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(folder, name), 'utf8')) as T;

beforeAll(async () => {
  await runDemo({ store: sqliteStore({ path: join(folder, 'demo.db') }) });
  writeKeyPair('hr');
  writeKeyPair('intruder');
  writeKeyPair('legacy', 'rsa');
  const signed = await cli(
    'export',
    PIP,
    '--db',
    'demo.db',
    '--out',
    'signed.json',
    '--sign-key',
    'hr.pem',
    '--key-id',
    'hr-2026',
    '--now',
    '2026-12-01T12:00:00Z',
  );
  expect(signed.code).toBe(0);
  const heads = await cli(
    'checkpoint',
    '--db',
    'demo.db',
    '--sign-key',
    'hr.pem',
    '--key-id',
    'hr-2026',
    '--out',
    'heads.json',
    '--now',
    '2026-12-01T12:00:00Z',
  );
  expect(heads.code).toBe(0);
  // An insider rewrites the acknowledgement time and recomputes every hash after it, so the
  // bundle's own chain is intact again.
  const bundle = readJson<Bundle>('signed.json');
  let prevHash = bundle.events[4]?.prevHash ?? '';
  const events = bundle.events.map((stored, index) => {
    if (index < 4) return stored;
    const event =
      index === 4
        ? (JSON.parse(
            JSON.stringify(stored.event).replace(
              '2026-03-03T16:00:00.000Z',
              '2026-03-02T16:00:00.000Z',
            ),
          ) as StoredEvent['event'])
        : stored.event;
    const hash = hashEvent(stored.pipId, stored.seq, event, prevHash);
    const rewritten = { ...stored, event, prevHash, hash };
    prevHash = hash;
    return rewritten;
  });
  const { checkpoint: _dropped, ...unsigned } = bundle;
  writeFileSync(
    join(folder, 'rewritten.json'),
    JSON.stringify({ ...unsigned, events, pip: { ...bundle.pip, lastHash: prevHash } }),
  );
  expect(bundle.events[4]?.hash).not.toBe(events[4]?.hash);
});

describe('signed checkpoints', () => {
  it('signs the verified head into an exported bundle, and verify checks it with the public key', async () => {
    const bundle = readJson<Bundle>('signed.json');
    expect(bundle.checkpoint).toMatchObject({
      keyId: 'hr-2026',
      version: bundle.pip.version,
      lastHash: bundle.pip.lastHash,
    });
    const checked = await cli(
      'verify',
      '--bundle',
      'signed.json',
      '--public-key',
      'hr-2026=hr.pub.pem',
    );
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(
      'OK      checkpoint (in the bundle): events up to version 22 match the head signed by key "hr-2026"',
    );
  });

  it('says an embedded checkpoint was not checked when no key is given, and still verifies the chain', async () => {
    const plain = await cli('verify', '--bundle', 'signed.json', '--json');
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({
      ok: true,
      checkpoints: [{ source: 'bundle', status: 'not-checked' }],
    });
  });

  it('catches a rewritten event whose chain was recomputed, against the published checkpoint', async () => {
    const headsFile = readJson<{ pipId: string }[]>('heads.json');
    expect(headsFile.map((entry) => entry.pipId)).toEqual([PIP]);
    const chainOnly = await cli('verify', '--bundle', 'rewritten.json', '--json');
    const report = JSON.parse(chainOnly.stdout) as { pips: { chain: { ok: boolean } }[] };
    expect(report.pips[0]?.chain.ok).toBe(true);
    const anchored = await cli(
      'verify',
      '--bundle',
      'rewritten.json',
      '--checkpoint',
      'heads.json',
      '--public-key',
      'hr-2026=hr.pub.pem',
      '--json',
    );
    expect(anchored.code).toBe(1);
    const result = JSON.parse(anchored.stdout) as {
      ok: boolean;
      checkpoints: { status: string; issues: { code: string }[] }[];
    };
    expect(result.ok).toBe(false);
    expect(result.checkpoints[0]?.status).toBe('failed');
    expect(result.checkpoints[0]?.issues.map((issue) => issue.code)).toContain(
      'CHECKPOINT_HEAD_MISMATCH',
    );
  });

  it('refuses a checkpoint under a key the verifier does not hold, or signed by another key', async () => {
    const unknown = await cli(
      'verify',
      '--bundle',
      'signed.json',
      '--public-key',
      'other=hr.pub.pem',
      '--json',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('CHECKPOINT_UNKNOWN_KEY');
    const forged = await cli(
      'verify',
      '--bundle',
      'signed.json',
      '--public-key',
      'hr-2026=intruder.pub.pem',
      '--json',
    );
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain('CHECKPOINT_BAD_SIGNATURE');
  });

  it.each([
    [
      ['verify', '--bundle', 'signed.json', '--checkpoint', 'heads.json'],
      '--checkpoint needs the public key',
    ],
    [
      ['verify', '--db', 'demo.db', '--public-key', 'hr-2026=hr.pub.pem'],
      '--checkpoint and --public-key check a bundle',
    ],
    [
      ['verify', '--bundle', 'rewritten.json', '--public-key', 'hr-2026=hr.pub.pem'],
      'nothing to check the keys against',
    ],
    [['verify', '--bundle', 'signed.json', '--public-key', 'hr-2026'], 'is not <keyId>=<file.pem>'],
    [
      ['verify', '--bundle', 'signed.json', '--public-key', 'hr-2026=legacy.pub.pem'],
      'is not an Ed25519 key',
    ],
    [['export', PIP, '--db', 'demo.db', '--key-id', 'hr-2026'], '--sign-key'],
    [['export', PIP, '--db', 'demo.db', '--sign-key', 'hr.pem'], '--key-id needs a key id'],
    [
      ['checkpoint', '--db', 'demo.db', '--sign-key', 'legacy.pem', '--key-id', 'x'],
      'is not an Ed25519 key',
    ],
    [
      ['checkpoint', '--db', 'demo.db', '--sign-key', 'hr.pub.pem', '--key-id', 'x'],
      'is not a PEM private key',
    ],
    [['checkpoint', '--db', 'demo.db'], 'checkpoint needs the signing key'],
  ])('%j exits 2 with the problem, never the key', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('PRIVATE KEY');
    expect(result.stdout).toBe('');
  });
});
