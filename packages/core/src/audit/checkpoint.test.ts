import { generateKeyPairSync, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  GENESIS_HASH,
  PipkitError,
  type PipEvent,
  type StoredEvent,
  createEngine,
  defaultPolicy,
  memoryStore,
  signCheckpoint,
  verifyAgainstCheckpoint,
  verifyCheckpoint,
} from '../index.js';
import { createTestClock } from '../testing/index.js';
import { canonicalJson } from './canonicalJson.js';
import { chainEvents } from './hashChain.js';

const keyA = generateKeyPairSync('ed25519');
const keyB = generateKeyPairSync('ed25519');
const signingKey = { keyId: 'hr-2026', privateKey: keyA.privateKey };
const publicKeys = { 'hr-2026': keyA.publicKey };
const SIGNED_AT = '2026-03-02T14:00:00.000Z';

/** Synthetic events: the chain hashes any JSON, so they need not be ones the machine accepts. */
function makeEvent(index: number, note = `note ${index}`): PipEvent {
  const at = new Date(Date.UTC(2026, 2, 2 + index)).toISOString();
  return {
    type: 'CLOSED',
    at,
    actor: { id: 'hr-1', role: 'hr' },
    reason: 'withdrawn',
    note,
  } as unknown as PipEvent;
}
const chain = (events: readonly PipEvent[], pipId = 'pip-1'): StoredEvent[] =>
  chainEvents(pipId, 0, GENESIS_HASH, events);
const events = Array.from({ length: 8 }, (_, index) => makeEvent(index));
const history = chain(events);
const headAt = (stored: readonly StoredEvent[], version: number) => ({
  pipId: stored[0]?.pipId ?? 'pip-1',
  version,
  lastHash: stored[version - 1]?.hash ?? '',
});
const checkpoint = signCheckpoint(headAt(history, 5), signingKey, SIGNED_AT);
const codes = (result: { issues: readonly { code: string }[] }) => result.issues.map((i) => i.code);

describe('signCheckpoint', () => {
  it('signs canonical JSON of every member but the signature with Ed25519', () => {
    const { signature, ...payload } = checkpoint;
    expect(payload).toEqual({
      format: 'pipkit-checkpoint/1',
      ...headAt(history, 5),
      signedAt: SIGNED_AT,
      keyId: 'hr-2026',
    });
    const bytes = Buffer.from(canonicalJson(payload), 'utf8');
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    expect(verify(null, bytes, keyA.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('is deterministic, takes PEM strings, and normalizes signedAt to UTC ISO', () => {
    const pem = keyA.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const fromPem = signCheckpoint(
      headAt(history, 5),
      { keyId: 'hr-2026', privateKey: pem },
      '2026-03-02T15:00:00+01:00',
    );
    expect(fromPem).toEqual(checkpoint);
    expect(signCheckpoint(headAt(history, 5), signingKey, new Date(SIGNED_AT))).toEqual(checkpoint);
    const publicPem = keyA.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyCheckpoint(fromPem, { 'hr-2026': publicPem })).toEqual({ ok: true, issues: [] });
  });

  it('refuses a malformed head, time or key with INVALID_INPUT', () => {
    const head = headAt(history, 5);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const attempts: (() => unknown)[] = [
      () => signCheckpoint({ ...head, version: 0 }, signingKey, SIGNED_AT),
      () => signCheckpoint({ ...head, lastHash: 'ABC' }, signingKey, SIGNED_AT),
      () => signCheckpoint({ ...head, pipId: '' }, signingKey, SIGNED_AT),
      () => signCheckpoint(head, signingKey, 'yesterday'),
      () => signCheckpoint(head, signingKey, new Date(Number.NaN)),
      () => signCheckpoint(head, { ...signingKey, keyId: '' }, SIGNED_AT),
      () => signCheckpoint(head, { keyId: 'k', privateKey: keyA.publicKey }, SIGNED_AT),
      () => signCheckpoint(head, { keyId: 'k', privateKey: rsa.privateKey }, SIGNED_AT),
      () => signCheckpoint(head, { keyId: 'k', privateKey: 'not a pem' }, SIGNED_AT),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(PipkitError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});

describe('verifyCheckpoint', () => {
  it('passes a checkpoint signed by a known key, also after a JSON round trip', () => {
    expect(verifyCheckpoint(checkpoint, publicKeys)).toEqual({ ok: true, issues: [] });
    const published: unknown = JSON.parse(JSON.stringify(checkpoint));
    expect(verifyCheckpoint(published, publicKeys)).toEqual({ ok: true, issues: [] });
  });

  it('refuses a tampered signature or a tampered member as CHECKPOINT_BAD_SIGNATURE', () => {
    const signature = Buffer.from(checkpoint.signature, 'base64url');
    signature[10] = (signature[10] ?? 0) ^ 1;
    const tampered = [
      { ...checkpoint, signature: signature.toString('base64url') },
      { ...checkpoint, version: 4 },
      { ...checkpoint, lastHash: history[3]?.hash },
      { ...checkpoint, signedAt: '2026-03-01T14:00:00.000Z' },
    ];
    for (const candidate of tampered) {
      const result = verifyCheckpoint(candidate, publicKeys);
      expect(result.ok).toBe(false);
      expect(result.issues).toEqual([
        expect.objectContaining({ code: 'CHECKPOINT_BAD_SIGNATURE' }),
      ]);
    }
  });

  it('refuses a checkpoint signed with another key under the same id', () => {
    const forged = signCheckpoint(
      headAt(history, 5),
      { keyId: 'hr-2026', privateKey: keyB.privateKey },
      SIGNED_AT,
    );
    expect(codes(verifyCheckpoint(forged, publicKeys))).toEqual(['CHECKPOINT_BAD_SIGNATURE']);
    expect(verifyCheckpoint(forged, { 'hr-2026': keyB.publicKey }).ok).toBe(true);
  });

  it('refuses an unknown keyId, and a registered key that is not Ed25519', () => {
    const other = signCheckpoint(
      headAt(history, 5),
      { ...signingKey, keyId: 'hr-2027' },
      SIGNED_AT,
    );
    const unknown = verifyCheckpoint(other, publicKeys);
    expect(unknown.issues).toEqual([
      expect.objectContaining({ code: 'CHECKPOINT_UNKNOWN_KEY', path: ['keyId'] }),
    ]);
    expect(unknown.issues[0]?.message).toContain('"hr-2027"');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const key of [rsa.publicKey, 'not a pem']) {
      const result = verifyCheckpoint(checkpoint, { 'hr-2026': key });
      expect(codes(result)).toEqual(['CHECKPOINT_UNKNOWN_KEY']);
      expect(result.issues[0]?.message).toMatch(/cannot verify/);
    }
  });

  it('never resolves a keyId such as __proto__ to a prototype member', () => {
    for (const keyId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const signed = signCheckpoint(headAt(history, 5), { ...signingKey, keyId }, SIGNED_AT);
      expect(codes(verifyCheckpoint(signed, publicKeys))).toEqual(['CHECKPOINT_UNKNOWN_KEY']);
      expect(codes(verifyCheckpoint(signed, {}))).toEqual(['CHECKPOINT_UNKNOWN_KEY']);
    }
    // As an own property (JSON.parse makes one) it is an ordinary id.
    const signed = signCheckpoint(
      headAt(history, 5),
      { ...signingKey, keyId: '__proto__' },
      SIGNED_AT,
    );
    const ownProto = JSON.parse('{"__proto__": "placeholder"}') as Record<string, string>;
    ownProto['__proto__'] = keyA.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(Object.hasOwn(ownProto, '__proto__')).toBe(true);
    expect(verifyCheckpoint(signed, ownProto)).toEqual({ ok: true, issues: [] });
  });

  it('refuses a malformed object as CHECKPOINT_MALFORMED, with the path of each problem', () => {
    const { signature: _signature, ...unsigned } = checkpoint;
    const nonCanonical = checkpoint.signature.slice(0, 85) + 'B'; // 'B' sets an unused low bit
    const cases: [unknown, (string | number)[]][] = [
      [null, []],
      ['checkpoint', []],
      [unsigned, ['signature']],
      [{ ...checkpoint, format: 'pipkit-checkpoint/2' }, ['format']],
      [{ ...checkpoint, version: 1.5 }, ['version']],
      [{ ...checkpoint, lastHash: checkpoint.lastHash.toUpperCase() }, ['lastHash']],
      [{ ...checkpoint, signedAt: '2026-03-02T15:00:00+01:00' }, ['signedAt']],
      [{ ...checkpoint, signature: checkpoint.signature + '==' }, ['signature']],
      [{ ...checkpoint, signature: nonCanonical }, ['signature']],
      [{ ...checkpoint, comment: 'unsigned extra member' }, ['comment']],
    ];
    for (const [candidate, path] of cases) {
      const result = verifyCheckpoint(candidate, publicKeys);
      expect(result.ok).toBe(false);
      expect(result.issues[0]).toMatchObject({ code: 'CHECKPOINT_MALFORMED', path });
      expect(new Set(codes(result))).toEqual(new Set(['CHECKPOINT_MALFORMED']));
    }
  });
});

describe('verifyAgainstCheckpoint', () => {
  it('passes the history the checkpoint was signed over, and a longer one that extends it', () => {
    expect(verifyAgainstCheckpoint(history.slice(0, 5), checkpoint, publicKeys)).toEqual({
      ok: true,
      issues: [],
    });
    expect(verifyAgainstCheckpoint(history, checkpoint, publicKeys)).toEqual({
      ok: true,
      issues: [],
    });
  });

  it('detects an edited event whose chain was recomputed as CHECKPOINT_HEAD_MISMATCH', () => {
    const edited = events.map((event, index) => (index === 2 ? makeEvent(2, 'rewritten') : event));
    const rewritten = chain(edited);
    // The rewrite is internally consistent: the chain alone cannot tell.
    expect(rewritten[2]?.hash).not.toBe(history[2]?.hash);
    const result = verifyAgainstCheckpoint(rewritten, checkpoint, publicKeys);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'CHECKPOINT_HEAD_MISMATCH', path: ['lastHash'] }),
    ]);
  });

  it('reports an edit that was not rechained as CHECKPOINT_CHAIN_BROKEN at that event', () => {
    const edited = history.map((stored) =>
      stored.seq === 7 ? { ...stored, event: makeEvent(6, 'rewritten') } : stored,
    );
    const result = verifyAgainstCheckpoint(edited, checkpoint, publicKeys);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'CHECKPOINT_CHAIN_BROKEN', path: ['events', 6] }),
    ]);
  });

  it('reports a truncated or empty history as CHECKPOINT_BEYOND_HISTORY', () => {
    for (const stored of [history.slice(0, 4), chain(events.slice(0, 3)), []]) {
      expect(codes(verifyAgainstCheckpoint(stored, checkpoint, publicKeys))).toEqual([
        'CHECKPOINT_BEYOND_HISTORY',
      ]);
    }
  });

  it('reports another PIP’s history as CHECKPOINT_OTHER_PIP', () => {
    const result = verifyAgainstCheckpoint(chain(events, 'pip-2'), checkpoint, publicKeys);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'CHECKPOINT_OTHER_PIP', path: ['pipId'] }),
    ]);
  });

  it('checks nothing against a checkpoint whose signature fails', () => {
    const forged = { ...checkpoint, lastHash: history[4]?.hash ?? '', version: 6 };
    expect(codes(verifyAgainstCheckpoint([], forged, publicKeys))).toEqual([
      'CHECKPOINT_BAD_SIGNATURE',
    ]);
    const unknown = verifyAgainstCheckpoint(history, checkpoint, {});
    expect(codes(unknown)).toEqual(['CHECKPOINT_UNKNOWN_KEY']);
  });

  it('detects any single-event edit up to the checkpoint, even with the chain recomputed', () => {
    const arbitraryEvent = fc.record({
      type: fc.constantFrom('PIP_CREATED', 'CHECK_IN_RECORDED', 'CLOSED'),
      at: fc
        .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
        .map((ms) => new Date(ms).toISOString()),
      actor: fc.record({ id: fc.string({ minLength: 1 }), role: fc.constantFrom('hr', 'manager') }),
      detail: fc.jsonValue({ maxDepth: 2 }),
    });
    const scenario = fc.array(arbitraryEvent, { minLength: 1, maxLength: 12 }).chain((list) =>
      fc.record({
        list: fc.constant(list as unknown as PipEvent[]),
        version: fc.integer({ min: 1, max: list.length }),
        editAt: fc.nat(list.length - 1),
        field: fc.constantFrom('type', 'at', 'actor', 'detail', 'extra'),
        value: fc.jsonValue({ maxDepth: 2 }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ list, version, editAt, field, value }) => {
        const original = chain(list);
        const signed = signCheckpoint(headAt(original, version), signingKey, SIGNED_AT);
        expect(verifyAgainstCheckpoint(original, signed, publicKeys).ok).toBe(true);
        const edited = { ...list[editAt], [field]: value } as PipEvent;
        fc.pre(canonicalJson(edited) !== canonicalJson(list[editAt]));
        const rewritten = chain(list.map((event, index) => (index === editAt ? edited : event)));
        const result = verifyAgainstCheckpoint(rewritten, signed, publicKeys);
        // Edits up to the checkpoint are detected; later ones are only as trusted as the chain.
        if (editAt < version) expect(codes(result)).toEqual(['CHECKPOINT_HEAD_MISMATCH']);
        else expect(result).toEqual({ ok: true, issues: [] });
      }),
      { numRuns: 200 },
    );
  });
});

describe('docs/integrity.md', () => {
  it('runs the example: sign the head, publish, verify a bundle later', async () => {
    const hr = { id: 'hr-1', role: 'hr' } as const;
    const pipId = 'pip-docs-1';
    const clock = createTestClock('2026-03-02T14:00:00Z');
    const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy], clock });
    await engine.open(
      {
        pipId,
        employee: { id: 'emp-1', timeZone: 'America/New_York' },
        managerId: 'mgr-1',
        policy: { id: 'pipkit-default' },
        goals: [{ id: 'g1', description: 'Close tickets within SLA', measure: '90% weekly' }],
      },
      { actor: { id: 'mgr-1', role: 'manager' } },
    );

    // --- the example, as in docs/integrity.md ---
    // Once: the host's key pair. The private key stays in your secret store.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeys = { 'hr-2026': publicKey.export({ type: 'spki', format: 'pem' }).toString() };

    // After a command, or nightly: sign the head the PIP record points at, and publish it.
    const record = await engine.get(pipId, { actor: hr });
    const checkpoint = signCheckpoint(
      { pipId, version: record.version, lastHash: record.lastHash },
      { keyId: 'hr-2026', privateKey },
      clock.now(),
    );
    const published = JSON.stringify(checkpoint); // write-once storage, an email, a log

    // Later: check an evidence bundle (`pipkit export`) against the published checkpoint.
    const bundle = { events: await engine.history(pipId, { actor: hr }) };
    const result = verifyAgainstCheckpoint(
      bundle.events,
      JSON.parse(published) as Checkpoint,
      publicKeys,
    );
    for (const issue of result.issues) console.error(issue.code, issue.message);
    // --- end of the example ---

    expect(result).toEqual({ ok: true, issues: [] });
    expect(checkpoint.signedAt).toBe('2026-03-02T14:00:00.000Z');
    // An administrator rewrites the first event and recomputes the whole chain: caught.
    const [first, ...rest] = bundle.events.map((stored) => stored.event);
    const rewritten = chainEvents(pipId, 0, GENESIS_HASH, [
      { ...(first as PipEvent), at: '2026-02-01T14:00:00.000Z' },
      ...rest,
    ]);
    expect(codes(verifyAgainstCheckpoint(rewritten, checkpoint, publicKeys))).toEqual([
      'CHECKPOINT_HEAD_MISMATCH',
    ]);
  });
});
