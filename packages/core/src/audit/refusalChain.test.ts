import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPipkitError } from '../errors/pipkitError.js';
import {
  chainRefusal,
  hashRefusal,
  type RefusalEntry,
  type RefusalRecord,
  verifyRefusalChain,
} from './refusalChain.js';
import { GENESIS_HASH } from './hashChain.js';

const entry = (index: number, pipId = 'pip-1'): RefusalEntry => ({
  pipId,
  at: `2026-03-02T15:00:${String(index % 60).padStart(2, '0')}.000Z`,
  actor: { id: `mgr-${index}`, role: 'manager' },
  action: index % 2 === 0 ? 'APPROVE' : 'READ',
  outcome: index % 3 === 0 ? 'COMMAND_REFUSED' : 'FORBIDDEN',
  codes: index % 2 === 0 ? ['SELF_APPROVAL', 'ROLE_NOT_ALLOWED'] : [],
});

function chainOf(length: number, pipId = 'pip-1'): RefusalRecord[] {
  const records: RefusalRecord[] = [];
  for (let index = 0; index < length; index += 1) {
    records.push(chainRefusal(records.at(-1), entry(index, pipId)));
  }
  return records;
}

describe('the refusal chain', () => {
  it('numbers records from 1 and links each to the hash of the one before', () => {
    const [first, second] = chainOf(2);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash });
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRefusal(first as RefusalRecord)).toBe(first?.hash);
  });

  it('refuses free text, a bad instant or an unknown role before anything is chained', () => {
    for (const bad of [
      { ...entry(0), codes: ['Ada is on leave'] },
      { ...entry(0), action: 'approve it please' },
      { ...entry(0), at: '2 March 2026' },
      { ...entry(0), actor: { id: 'x', role: 'ceo' } },
      { ...entry(0), message: 'why' },
      { ...entry(0), pipId: '' },
    ]) {
      let error: unknown;
      try {
        chainRefusal(undefined, bad as RefusalEntry);
      } catch (caught) {
        error = caught;
      }
      expect(isPipkitError(error, 'INVALID_INPUT')).toBe(true);
    }
  });

  it('verifies every chain it builds, empty included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (length) => {
        const records = chainOf(length);
        const result = verifyRefusalChain(records, { pipId: 'pip-1' });
        expect(result).toEqual({
          ok: true,
          count: length,
          lastHash: records.at(-1)?.hash ?? GENESIS_HASH,
        });
      }),
    );
  });

  it('names an edited record REFUSAL_HASH_MISMATCH, whatever field was changed', () => {
    const edits: ((record: RefusalRecord) => RefusalRecord)[] = [
      (record) => ({ ...record, actor: { ...record.actor, id: 'someone-else' } }),
      (record) => ({ ...record, actor: { ...record.actor, role: 'hr' } }),
      (record) => ({ ...record, action: 'PASS' }),
      (record) => ({
        ...record,
        outcome: 'COMMAND_REFUSED' === record.outcome ? 'FORBIDDEN' : 'COMMAND_REFUSED',
      }),
      (record) => ({ ...record, codes: [...record.codes, 'ADDED'] }),
      (record) => ({ ...record, at: '2030-01-01T00:00:00.000Z' }),
    ];
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 20 })
          .chain((length) =>
            fc.tuple(
              fc.constant(length),
              fc.nat({ max: length - 1 }),
              fc.nat({ max: edits.length - 1 }),
            ),
          ),
        ([length, at, which]) => {
          const records = chainOf(length);
          records[at] = (edits[which] as (record: RefusalRecord) => RefusalRecord)(
            records[at] as RefusalRecord,
          );
          expect(verifyRefusalChain(records, { pipId: 'pip-1' })).toMatchObject({
            ok: false,
            code: 'REFUSAL_HASH_MISMATCH',
            brokenAt: at + 1,
          });
        },
      ),
    );
  });

  it('names a deleted middle record REFUSAL_SEQUENCE_GAP', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 3, max: 20 })
          .chain((length) =>
            fc.tuple(fc.constant(length), fc.integer({ min: 1, max: length - 2 })),
          ),
        ([length, at]) => {
          const records = chainOf(length);
          records.splice(at, 1);
          expect(verifyRefusalChain(records)).toMatchObject({
            ok: false,
            code: 'REFUSAL_SEQUENCE_GAP',
            brokenAt: at + 1,
          });
        },
      ),
    );
  });

  it('names records renumbered to close a gap, or swapped, REFUSAL_BROKEN_LINK', () => {
    const renumbered = chainOf(5);
    renumbered.splice(2, 1);
    const closed = renumbered.map((record, index) => ({ ...record, seq: index + 1 }));
    expect(verifyRefusalChain(closed)).toMatchObject({
      ok: false,
      code: 'REFUSAL_BROKEN_LINK',
      brokenAt: 3,
    });
    const swapped = chainOf(5);
    const [second, third] = [swapped[1] as RefusalRecord, swapped[2] as RefusalRecord];
    swapped[1] = { ...third, seq: 2 };
    swapped[2] = { ...second, seq: 3 };
    expect(verifyRefusalChain(swapped)).toMatchObject({
      ok: false,
      code: 'REFUSAL_BROKEN_LINK',
      brokenAt: 2,
    });
  });

  it('names a record of another PIP REFUSAL_WRONG_PIP', () => {
    const records = chainOf(3);
    records[1] = chainOf(2, 'pip-2')[1] as RefusalRecord;
    expect(verifyRefusalChain(records, { pipId: 'pip-1' })).toMatchObject({
      ok: false,
      code: 'REFUSAL_WRONG_PIP',
      brokenAt: 2,
    });
  });

  it('cannot see the newest records deleted: what remains is a whole chain', () => {
    const records = chainOf(5);
    expect(verifyRefusalChain(records.slice(0, 3))).toMatchObject({ ok: true, count: 3 });
  });
});
