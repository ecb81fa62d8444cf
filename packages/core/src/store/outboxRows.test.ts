import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadLetterOfRow, outboxMessageOfRow } from './outboxRows.js';

const row = {
  id: 'pip-1:2:0',
  pip_id: 'pip-1',
  type: 'pip.issued',
  created_at: '2026-03-02T15:00:00.000Z',
};

describe('outboxMessageOfRow', () => {
  it('returns any stored JSON object as the payload, with only the delivery state that is set', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (payload) => {
        const message = outboxMessageOfRow({ ...row, payload: JSON.stringify(payload) });
        expect(message).toEqual({
          id: row.id,
          pipId: row.pip_id,
          type: row.type,
          createdAt: row.created_at,
          payload: JSON.parse(JSON.stringify(payload)) as unknown,
        });
      }),
    );
  });

  it('marks a payload that is not a JSON object unreadable, with an empty payload', () => {
    for (const payload of ['{"name": "Jane', '[]', '"text"', '12', 'null']) {
      expect(outboxMessageOfRow({ ...row, payload })).toMatchObject({
        payload: {},
        unreadable: 'STORE_CORRUPT_ROW',
      });
    }
  });

  it('carries attempts, the next attempt and the last error when the row records them', () => {
    const message = outboxMessageOfRow({
      ...row,
      payload: '{}',
      attempts: 2,
      next_attempt_at: '2026-03-02T15:05:00.000Z',
      last_error_code: 'DELIVERY_FAILED',
      last_error_message: 'HTTP 503',
      last_error_at: '2026-03-02T15:00:30.000Z',
    });
    expect(message).toMatchObject({
      attempts: 2,
      nextAttemptAt: '2026-03-02T15:05:00.000Z',
      lastError: { code: 'DELIVERY_FAILED', message: 'HTTP 503', at: '2026-03-02T15:00:30.000Z' },
    });
    expect(outboxMessageOfRow({ ...row, payload: '{}', attempts: 0 })).not.toHaveProperty(
      'attempts',
    );
  });
});

describe('deadLetterOfRow', () => {
  it('maps a dead letter with and without a recorded error', () => {
    const dead = { ...row, attempts: 5, dead_at: '2026-03-03T00:00:00.000Z' };
    expect(deadLetterOfRow(dead)).toEqual({
      id: row.id,
      pipId: row.pip_id,
      type: row.type,
      createdAt: row.created_at,
      attempts: 5,
      deadLetteredAt: dead.dead_at,
    });
    expect(
      deadLetterOfRow({ ...dead, last_error_code: 'WEBHOOK_TIMEOUT', last_error_message: null }),
    ).toMatchObject({ lastError: { code: 'WEBHOOK_TIMEOUT', message: '', at: '' } });
  });
});
