import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  createEngine,
  defaultPolicy,
  type DeliveredMessage,
  type MessagePayload,
  type MessageType,
  memoryStore,
  type Person,
  type PipkitMessage,
  type RecipientResolver,
  type ResolvedRecipients,
} from '../index.js';
import type { escalationTriggerSchema, reminderTargetSchema } from '../policy/policySchema.js';

describe('the message catalogue types', () => {
  it("narrows a message's payload by its type in a switch", () => {
    const read = (message: PipkitMessage) => {
      switch (message.type) {
        case 'pip.checkIn.moved':
          expectTypeOf(message.payload.previous.date).toEqualTypeOf<string>();
          expectTypeOf(message.payload.occurrence.timeZone).toEqualTypeOf<string>();
          expectTypeOf(message.payload.sequence).toEqualTypeOf<number>();
          break;
        case 'pip.terminationProposed':
          expectTypeOf(message.payload.noticeEndDate).toEqualTypeOf<string>();
          // @ts-expect-error a termination proposal has no occurrence
          void message.payload.occurrence;
          break;
        case 'pip.escalation.checkInMissed':
          expectTypeOf(message.payload.occurrence).toEqualTypeOf<number>();
          break;
        case 'pipkit.deadlineParked':
          // @ts-expect-error the operators' message names no recipients
          void message.payload.notify;
          break;
        default:
          expectTypeOf(message.type).toExtend<MessageType>();
      }
    };
    expectTypeOf(read).parameter(0).toEqualTypeOf<PipkitMessage>();
  });

  it('knows only the catalogue’s names', () => {
    expectTypeOf<'pip.issued'>().toExtend<MessageType>();
    expectTypeOf<'pip.reminder.checkIn'>().toExtend<MessageType>();
    expectTypeOf<'notification'>().not.toExtend<MessageType>();
    expectTypeOf<MessagePayload<'pip.purgeDue'>['retainUntil']>().toEqualTypeOf<string>();
  });

  it('names one reminder type per reminder target and one escalation type per trigger, no more', () => {
    type Target = z.infer<typeof reminderTargetSchema>;
    type Trigger = z.infer<typeof escalationTriggerSchema>;
    expectTypeOf<
      Extract<MessageType, `pip.reminder.${string}`>
    >().toEqualTypeOf<`pip.reminder.${Target}`>();
    expectTypeOf<
      Extract<MessageType, `pip.escalation.${string}`>
    >().toEqualTypeOf<`pip.escalation.${Trigger}`>();
    expectTypeOf<MessagePayload<'pip.reminder.planEnd'>['deadlineId']>().toEqualTypeOf<string>();
    expectTypeOf<
      MessagePayload<'pip.escalation.reviewOverdue'>['occurrence']
    >().toEqualTypeOf<number>();
  });

  it('hands the relay handler a typed message with its recipients, from a typed resolver', () => {
    const recipients: RecipientResolver = (pip, role) =>
      role === 'manager' ? [{ id: pip.managerId }] : [];
    const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy], recipients });
    void engine.relay((message) => {
      expectTypeOf(message).toEqualTypeOf<DeliveredMessage>();
      expectTypeOf(message.recipients).toEqualTypeOf<readonly ResolvedRecipients[] | undefined>();
      expectTypeOf<ResolvedRecipients['people']>().toEqualTypeOf<readonly Person[]>();
      expectTypeOf<'union'>().toExtend<ResolvedRecipients['role']>();
    });
    // @ts-expect-error a resolver answers people, not addresses
    const wrong: RecipientResolver = () => ['someone@example.com'];
    void wrong;
  });
});
