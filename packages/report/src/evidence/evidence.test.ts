import {
  memoryStore,
  type PipRecord,
  signCheckpoint,
  type StoredEvent,
  ValidationError,
} from '@pipkit/core';
import { REFERENCE_PIP_ID, runReferenceLifecycle } from '@pipkit/core/testing';
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evidenceBundle,
  exportEvidenceBundle,
  parseEvidenceBundle,
  verifyEvidenceBundle,
  verifyStoredPip,
} from '../index.js';

const hr = generateKeyPairSync('ed25519');
const intruder = generateKeyPairSync('ed25519');
const signer = { keyId: 'hr-2026', privateKey: hr.privateKey };
const NOW = '2026-12-01T12:00:00.000Z';

let record: PipRecord;
let events: StoredEvent[];
beforeAll(async () => {
  const store = memoryStore();
  await runReferenceLifecycle(store);
  record = (await store.load(REFERENCE_PIP_ID)) as PipRecord;
  events = await store.readEvents(REFERENCE_PIP_ID);
});

/** The bundle as a server would send it and a verifier would read it. */
const roundTrip = (value: unknown) => parseEvidenceBundle(JSON.parse(JSON.stringify(value)));

describe('exportEvidenceBundle', () => {
  it('builds the bundle pipkit export writes, member for member', () => {
    const bundle = exportEvidenceBundle(record, events, { exportedAt: new Date(NOW) });
    const verification = verifyStoredPip(record, events);
    expect(verification.ok).toBe(true);
    expect(JSON.stringify(bundle)).toBe(
      JSON.stringify(evidenceBundle(record, events, verification, NOW)),
    );
    expect(Object.keys(bundle)).toEqual([
      'format',
      'formatVersion',
      'exportedAt',
      'exportedBy',
      'pip',
      'events',
      'verification',
      'hashing',
      'howToVerify',
    ]);
    expect(bundle).toMatchObject({ exportedAt: NOW, exportedBy: 'pipkit-cli' });
  });

  it('signs the head when the history verifies, and names who exported it', () => {
    const bundle = exportEvidenceBundle(record, events, {
      exportedAt: NOW,
      exportedBy: 'hr-portal',
      signer,
    });
    expect(bundle.exportedBy).toBe('hr-portal');
    expect(bundle.checkpoint).toEqual(signCheckpoint(record, signer, NOW));
    expect(bundle.howToVerify.at(-2)).toContain('key "hr-2026"');
  });

  it('never signs a history that does not verify', () => {
    const edited = events.map((stored, index) =>
      index === 3
        ? { ...stored, event: { ...stored.event, at: '2026-03-02T18:00:00.000Z' } }
        : stored,
    );
    const bundle = exportEvidenceBundle(record, edited, { exportedAt: NOW, signer });
    expect(bundle.verification.ok).toBe(false);
    expect(bundle.checkpoint).toBeUndefined();
  });
});

describe('verifyEvidenceBundle', () => {
  it('verifies an exported bundle on its own, with no store', () => {
    const result = verifyEvidenceBundle(
      roundTrip(exportEvidenceBundle(record, events, { exportedAt: NOW })),
    );
    expect(result).toMatchObject({ ok: true, verification: { ok: true, events: events.length } });
    expect(result.checkpoints).toEqual([]);
  });

  it('finds an edited event', () => {
    const bundle = roundTrip(exportEvidenceBundle(record, events, { exportedAt: NOW }));
    const edited = {
      ...bundle,
      events: bundle.events.map((stored) =>
        stored.seq === 5 ? { ...stored, event: { ...stored.event, at: NOW } } : stored,
      ),
    };
    const result = verifyEvidenceBundle(edited);
    expect(result.ok).toBe(false);
    expect(result.verification.chain).toMatchObject({ ok: false, brokenAt: 5 });
  });

  it('checks the signed checkpoint against trusted keys, and only reports it without them', () => {
    const bundle = roundTrip(exportEvidenceBundle(record, events, { exportedAt: NOW, signer }));
    expect(verifyEvidenceBundle(bundle).checkpoints).toEqual([
      { source: 'bundle', status: 'not-checked', issues: [] },
    ]);
    const trusted = verifyEvidenceBundle(bundle, { publicKeys: { 'hr-2026': hr.publicKey } });
    expect(trusted.ok).toBe(true);
    expect(trusted.checkpoints).toEqual([
      {
        source: 'bundle',
        status: 'verified',
        version: record.version,
        keyId: 'hr-2026',
        issues: [],
      },
    ]);
    const wrongKey = verifyEvidenceBundle(bundle, {
      publicKeys: { 'hr-2026': intruder.publicKey },
    });
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.checkpoints[0]?.status).toBe('failed');
  });

  it('checks published checkpoints for the bundle’s PIP', () => {
    const bundle = roundTrip(exportEvidenceBundle(record, events, { exportedAt: NOW }));
    const mine = signCheckpoint(record, signer, NOW);
    const other = signCheckpoint({ ...record, pipId: 'pip-other' }, signer, NOW);
    const result = verifyEvidenceBundle(bundle, {
      published: { source: 'heads.json', checkpoints: [other, mine] },
      publicKeys: { 'hr-2026': hr.publicKey },
    });
    expect(result.ok).toBe(true);
    expect(result.checkpoints).toEqual([
      expect.objectContaining({ source: 'heads.json', status: 'verified' }),
    ]);
  });
});

describe('parseEvidenceBundle', () => {
  it.each([null, 42, 'bundle', {}, { format: 'pipkit-evidence-bundle', pip: {} }])(
    'refuses %j with NOT_AN_EVIDENCE_BUNDLE',
    (value) => {
      expect(() => parseEvidenceBundle(value)).toThrow(ValidationError);
      try {
        parseEvidenceBundle(value);
      } catch (error) {
        expect((error as ValidationError).issues[0]?.code).toBe('NOT_AN_EVIDENCE_BUNDLE');
      }
    },
  );
});
