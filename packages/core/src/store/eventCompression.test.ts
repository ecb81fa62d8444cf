import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compressEventJson,
  decompressEventJson,
  EVENT_COMPRESSION_MIN_LENGTH,
  EVENT_COMPRESSION_V1,
  EVENT_DICTIONARY_V1,
  storedEventBody,
} from '../adapter.js';

const CHECK_IN =
  '{"type":"CHECK_IN_HELD","at":"2026-03-17T10:00:00.000Z","actor":{"id":"mgr-7","role":"manager"},' +
  '"deadlines":{"clear":["checkIn:1"],"set":[{"id":"checkIn:2","kind":"checkIn","date":"2026-03-31",' +
  '"dueAt":"2026-04-01T03:59:59.999Z","scheduledAt":"2026-03-31T13:00:00.000Z"}]},"number":1,' +
  '"assessment":"onTrack"}';

/** Bytes written by format 1 on 2026-12-06: every later release must read them. */
const CHECK_IN_V1 =
  'AcPp60SQsUYGRma6Bsa6huYhhgb47MhNL9I1x2YRTUIC5ixjcBFSCinaIYImugaGIQbG+MIKoTvE0BjZU7WxtYRjuxYA';

describe('event compression', () => {
  it('gives back every JSON text it compressed, byte for byte', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify(value) ?? 'null';
        const blob = compressEventJson(json);
        expect(blob[0]).toBe(EVENT_COMPRESSION_V1);
        expect(decompressEventJson(blob)).toBe(json);
      }),
      { numRuns: 300 },
    );
  });

  it('reads bytes an earlier release wrote: format 1 and its dictionary never change', () => {
    expect(decompressEventJson(Buffer.from(CHECK_IN_V1, 'base64'))).toBe(CHECK_IN);
    expect(createHash('sha256').update(EVENT_DICTIONARY_V1).digest('hex')).toBe(
      'aea5b58514aad6348f8e8d50d7ac0d5bee23554798a38292c48d9d2e1752aa9f',
    );
  });

  it('keeps a typical event in at most 0.6 of its JSON, a random document hash included', () => {
    const attached = JSON.stringify({
      type: 'DOCUMENTS_ATTACHED',
      at: '2026-05-04T09:12:44.120Z',
      actor: { id: 'u-4821', role: 'manager' },
      documents: [
        { kind: 'evidence', ref: 'sharepoint:4411', sha256: randomBytes(32).toString('hex') },
      ],
    });
    expect(compressEventJson(CHECK_IN).length).toBeLessThan(CHECK_IN.length / 3);
    expect(compressEventJson(attached).length).toBeLessThanOrEqual(attached.length * 0.6);
  });

  it('refuses bytes that are not a compressed event instead of guessing', () => {
    const blob = compressEventJson(CHECK_IN);
    const otherFormat = Buffer.from(blob);
    otherFormat[0] = 2;
    for (const bytes of [
      Buffer.alloc(0),
      Buffer.from([EVENT_COMPRESSION_V1]),
      otherFormat,
      Buffer.from(CHECK_IN, 'utf8'),
      blob.subarray(0, blob.length - 8),
    ]) {
      expect(decompressEventJson(bytes)).toBeUndefined();
    }
  });

  it('keeps an event shorter than the threshold as its text and compresses the rest', () => {
    const fired = JSON.stringify({
      type: 'ACKNOWLEDGEMENT_OVERDUE',
      at: '2026-01-11T15:00:00.000Z',
      actor: { id: 'pipkit:timer', role: 'system' },
      deadlines: { clear: ['acknowledgement'] },
    });
    expect(fired.length).toBeLessThan(EVENT_COMPRESSION_MIN_LENGTH);
    expect(storedEventBody(fired)).toBe(fired);
    const body = storedEventBody(CHECK_IN);
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(decompressEventJson(body as Buffer)).toBe(CHECK_IN);
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 400 }), (text) => {
        const stored = storedEventBody(text);
        if (text.length < EVENT_COMPRESSION_MIN_LENGTH) expect(stored).toBe(text);
        else expect(decompressEventJson(stored as Buffer)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
