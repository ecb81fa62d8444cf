import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/createEngine.js';
import type { DeliveredMessage } from '../engine/recipients.js';
import type { Actor } from '../model/actor.js';
import { defaultPolicyDocument } from '../policy/defaultPolicy.js';
import { definePolicy } from '../policy/definePolicy.js';
import { memoryStore } from '../store/memoryStore.js';
import { createTestClock } from '../testing/testClock.js';
import { isMessageType, MESSAGE_TYPES, messagePayloadSchemas } from './catalogue.js';
import { upcastMessage } from './legacyMessages.js';
import { messageJsonSchema } from './messageJsonSchemas.js';

const folder = fileURLToPath(new URL('../../schemas/messages/', import.meta.url));
const hr: Actor = { id: 'hr-1', role: 'hr' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const PLAN = { kind: 'planDocument', ref: 'dms://plan/1', sha256: '1'.padStart(64, '0') };

describe('the message catalogue', () => {
  it('ships one JSON Schema per type: the committed files are exactly what the zod schemas generate', () => {
    // Regenerate with `pnpm --filter @pipkit/core schema` after changing a payload schema.
    expect(readdirSync(folder).sort()).toEqual(MESSAGE_TYPES.map((type) => `${type}.json`));
    for (const type of MESSAGE_TYPES) {
      const committed: unknown = JSON.parse(readFileSync(`${folder}${type}.json`, 'utf8'));
      expect(committed, type).toEqual(messageJsonSchema(type));
      expect(committed).toMatchObject({ type: 'object', additionalProperties: false, title: type });
    }
  });

  it('names every type the same way: pip.<what> for a PIP, pipkit.<what> for operators', () => {
    for (const type of MESSAGE_TYPES)
      expect(type).toMatch(/^pip(kit)?\.[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)?$/);
    expect(isMessageType('pip.checkIn.moved')).toBe(true);
    expect(isMessageType('notification')).toBe(false);
    expect(isMessageType('toString')).toBe(false);
  });

  it('reads a message written before the catalogue (type "notification", a template) in its shape', () => {
    const legacy = {
      id: 'pip-1:3:0',
      pipId: 'pip-1',
      type: 'notification',
      payload: {
        template: 'pip.issued',
        notify: ['employee'],
        employeeId: 'e',
        managerId: 'm',
        seq: 3,
      },
      createdAt: '2026-03-02T15:00:00.000Z',
    };
    const read = upcastMessage(legacy);
    expect(read).toEqual({
      ...legacy,
      type: 'pip.issued',
      payload: { notify: ['employee'], employeeId: 'e', managerId: 'm', seq: 3 },
    });
    expect(messagePayloadSchemas['pip.issued'].safeParse(read.payload).success).toBe(true);
    // Another type, or a notification without a template, is left as it is.
    const other = { ...legacy, type: 'custom' };
    expect(upcastMessage(other)).toBe(other);
  });

  it('refuses a payload with a field its type does not have, or without one it needs', () => {
    const base = { notify: ['hr'], employeeId: 'e', managerId: 'm', seq: 2 };
    expect(messagePayloadSchemas['pip.purgeDue'].safeParse(base).success).toBe(false);
    expect(
      messagePayloadSchemas['pip.purgeDue'].safeParse({ ...base, retainUntil: '2030-01-01' })
        .success,
    ).toBe(true);
    expect(messagePayloadSchemas['pip.issued'].safeParse({ ...base, extra: 1 }).success).toBe(
      false,
    );
  });

  it('covers every message a plan writes from draft to its end: the relay hands each over typed, none refused', async () => {
    const policy = definePolicy({
      ...defaultPolicyDocument,
      id: 'catalogue-test',
      reminders: [
        { before: 'checkIn', offset: { hours: 24 }, notify: ['manager'] },
        { before: 'planEnd', offset: { calendarDays: 2 }, notify: ['hr'] },
      ],
    });
    const clock = createTestClock('2026-03-02T15:00:00Z');
    const store = memoryStore();
    const engine = createEngine({ store, policies: [policy], clock, ids: () => 'pip-1' });
    await engine.open(
      {
        employee: { id: 'emp-1', timeZone: 'America/New_York' },
        managerId: 'mgr-1',
        policy: { id: policy.id },
        goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
      },
      { actor: manager },
    );
    await engine.dispatch(
      'pip-1',
      { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN] },
      { actor: manager },
    );
    await engine.dispatch('pip-1', { type: 'APPROVE' }, { actor: hr });
    clock.set('2026-03-03T15:00:00Z');
    await engine.dispatch(
      'pip-1',
      { type: 'ACKNOWLEDGE', documentSha256: PLAN.sha256 },
      { actor: employee },
    );
    // Three months on: reminders, missed check-ins and their escalations, the plan's end.
    for (let day = 0; day < 90; day += 1) {
      clock.advance({ days: 1 });
      await engine.tick();
    }
    const delivered: DeliveredMessage[] = [];
    const round = await engine.relay((message) => void delivered.push(message), { limit: 1000 });
    expect(round.failed).toEqual([]);
    expect(round.deadLettered).toEqual([]);
    const types = new Set(delivered.map((message) => message.type));
    for (const type of [
      'pip.approvalRequested',
      'pip.issued',
      'pip.checkIn.scheduled',
      'pip.reminder.checkIn',
      'pip.escalation.checkInMissed',
    ]) {
      expect(types, type).toContain(type);
    }
    for (const message of delivered) {
      expect(isMessageType(message.type)).toBe(true);
      expect(Object.isFrozen(message.payload)).toBe(true);
    }
  });
});
