import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreError, StoreErrorReasons } from '../errors/pipkitError.js';
import { PERSON_FIELDS, PERSONAL_FIELDS, REDACTED, redact } from './redaction.js';

describe('redact', () => {
  it('replaces personal fields at any depth and the id of a person, and keeps codes and opaque ids', () => {
    const line = redact({
      pipId: 'pip-1',
      code: 'DOCUMENT_MISSING',
      actor: { id: 'mgr-9', role: 'manager' },
      command: { type: 'EXTEND', reason: 'Off sick' },
      nested: { deeper: { employee_id: 'emp-1', Email: 'a@b.c', attempts: 3 } },
      list: [{ managerId: 'mgr-2' }, { note: 'free text' }],
    });
    expect(line).toEqual({
      pipId: 'pip-1',
      code: 'DOCUMENT_MISSING',
      actor: { id: REDACTED, role: 'manager' },
      command: REDACTED,
      nested: { deeper: { employee_id: REDACTED, Email: REDACTED, attempts: 3 } },
      list: [{ managerId: REDACTED }, { note: REDACTED }],
    });
  });

  it('reduces an error to its name and codes: never its message, stack or cause', () => {
    const error = new StoreError('The row of Jane Doe cannot be read.', {
      retryable: false,
      reason: StoreErrorReasons.CORRUPT_ROW,
    });
    const line = redact({ error, plain: new Error('mail to jane@example.com bounced') });
    expect(line).toEqual({
      error: {
        name: 'StoreError',
        code: 'STORE_ERROR',
        reason: 'STORE_CORRUPT_ROW',
        retryable: false,
        issueCodes: ['STORE_CORRUPT_ROW'],
      },
      plain: { name: 'Error' },
    });
  });

  it('leaves the input unchanged and survives cycles', () => {
    const input: Record<string, unknown> = { pipId: 'p', employeeId: 'emp-1' };
    input.self = input;
    const line = redact(input);
    expect(input.employeeId).toBe('emp-1');
    expect(line).toEqual({ pipId: 'p', employeeId: REDACTED, self: '[Circular]' });
  });

  it('never lets a value under a personal field through, whatever the shape around it', () => {
    const secret = 'SECRET-PERSONAL-VALUE';
    const personalKey = fc.constantFrom(...PERSONAL_FIELDS);
    const personKey = fc.constantFrom(...PERSON_FIELDS);
    const other = fc.constantFrom('pipId', 'code', 'attempts', 'data', 'items', 'state');
    // A tree of plain objects and arrays with the secret under a personal field or a person's id.
    const leaf = fc.oneof(
      personalKey.map((key) => ({ [key]: secret })),
      personKey.map((key) => ({ [key]: { id: secret, role: 'manager' } })),
    );
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(other, tie('node')).map(([key, child]) => ({ [key]: child, code: 'X' })),
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        expect(JSON.stringify(redact({ value }))).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });
});
