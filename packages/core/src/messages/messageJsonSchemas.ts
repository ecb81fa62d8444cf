/**
 * The message catalogue as JSON Schema (draft 2020-12), generated from its zod schemas, for hosts
 * that check messages in another language or in a message broker's schema registry.
 */
import { z } from 'zod';
import { MESSAGE_TYPES, type MessageType, messagePayloadSchemas } from './catalogue.js';

/**
 * The JSON Schema of one message type's payload, as shipped in
 * `@pipkit/core/schemas/messages/<type>.json`.
 *
 * @example
 * ```ts
 * import { messageJsonSchema } from '@pipkit/core';
 * const schema = messageJsonSchema('pip.checkIn.moved');
 * schema.$id; // 'https://pipkit.dev/schemas/messages/pip.checkIn.moved.json'
 * ```
 */
export function messageJsonSchema(type: MessageType): Record<string, unknown> {
  const schema = z.toJSONSchema(messagePayloadSchemas[type], { io: 'output' });
  return {
    ...schema,
    $id: `https://pipkit.dev/schemas/messages/${type}.json`,
    title: type,
    description: `The payload of a pipkit outbox message of type "${type}".`,
  };
}

/** The JSON Schema of every message type's payload, by type. */
export function messageJsonSchemas(): Record<MessageType, Record<string, unknown>> {
  return Object.fromEntries(MESSAGE_TYPES.map((type) => [type, messageJsonSchema(type)])) as Record<
    MessageType,
    Record<string, unknown>
  >;
}
