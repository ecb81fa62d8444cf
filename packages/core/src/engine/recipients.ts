/**
 * The recipients port: the host turns the roles a message names (`employee`, `manager`, `hr`,
 * a policy's `union`) into people, and the relay hands each message to the delivery handler with
 * them. What the host answers is checked like input: an unknown recipient or a malformed answer
 * is a typed error on the message, a failed attempt like any other.
 */
import { z } from 'zod';
import { DeliveryError, DeliveryErrorReasons } from '../errors/deliveryErrors.js';
import { fromZodIssues } from '../errors/zodIssues.js';
import {
  isMessageType,
  type MessageType,
  messagePayloadSchemas,
  type PipkitMessage,
} from '../messages/catalogue.js';
import { upcastMessage } from '../messages/legacyMessages.js';
import type { OutboxMessage } from '../store/pipStore.js';
import type { EngineContext } from './engineContext.js';

/**
 * A role a message names: one of the built-in roles (`employee`, `manager`, `seniorManager`,
 * `hr` for the HR partner, `legal`) or a recipient the policy lists (`union` for the union
 * representative, `hrDirector`, ...).
 */
export type RecipientRole =
  'employee' | 'manager' | 'seniorManager' | 'hr' | 'legal' | (string & Record<never, never>);

/** A person a message goes to, as the host's directory knows them. */
export interface Person {
  /** The host's id of the person. */
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
  /** A BCP 47 language tag for the message's words (`en-GB`). */
  readonly locale?: string;
}

/** The PIP a recipient is resolved for: what every message knows of it, without a store read. */
export interface RecipientPip {
  readonly pipId: string;
  readonly employeeId: string;
  readonly managerId: string;
  /** The store's tenant, for stores with tenants. */
  readonly tenantId?: string;
  /** The message being delivered (its type), so a host may route by it. */
  readonly messageType: MessageType;
}

/**
 * The engine's `recipients` option: the people in `role` for a PIP. Called once per role a
 * message names, before the message is handed to the delivery handler. An empty list means the
 * host knows no one in that role: the attempt fails with `DELIVERY_UNKNOWN_RECIPIENT`.
 */
export type RecipientResolver = (
  pip: RecipientPip,
  role: RecipientRole,
) => readonly Person[] | Promise<readonly Person[]>;

/** The people a message goes to, by the role that named them. */
export interface ResolvedRecipients {
  readonly role: RecipientRole;
  readonly people: readonly Person[];
}

/**
 * A message as `engine.relay` hands it to the delivery handler: checked against the message
 * catalogue, and with the engine's `recipients` option, the people each of its roles resolves to.
 */
export type DeliveredMessage = PipkitMessage & {
  /** One entry per role in `payload.notify`, in order; absent without a `recipients` option. */
  readonly recipients?: readonly ResolvedRecipients[];
};

const personSchema = z
  .object({
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    locale: z.string().min(2).max(35).optional(),
  })
  .strict();
const peopleSchema = z.array(personSchema).max(1000).readonly();

/**
 * The message the handler is given: a stored message read in the catalogue's shape (a message
 * written before the catalogue included) and checked against its type's schema, with its
 * recipients resolved. Throws a `DeliveryError`: `DELIVERY_MESSAGE_INVALID` (not retryable) for a
 * message outside the catalogue; `DELIVERY_UNKNOWN_RECIPIENT` or `DELIVERY_MALFORMED_ANSWER`
 * (retryable: the host's directory may catch up) for what the resolver answered. @internal
 */
export async function deliverableMessage(
  ctx: EngineContext,
  stored: OutboxMessage,
): Promise<DeliveredMessage> {
  const message = catalogueMessage(stored);
  if (!ctx.recipients || !('notify' in message.payload)) return message;
  const { payload } = message;
  const pip: RecipientPip = {
    pipId: message.pipId,
    employeeId: payload.employeeId,
    managerId: payload.managerId,
    ...(ctx.store.tenantId === undefined ? {} : { tenantId: ctx.store.tenantId }),
    messageType: message.type,
  };
  const recipients: ResolvedRecipients[] = [];
  for (const role of new Set(payload.notify)) {
    recipients.push({ role, people: await resolveRole(ctx.recipients, pip, role) });
  }
  return { ...message, recipients };
}

function catalogueMessage(stored: OutboxMessage): PipkitMessage {
  const message = upcastMessage(stored);
  if (!isMessageType(message.type)) {
    throw invalidMessage(`type "${message.type.slice(0, 80)}" is not in the message catalogue`);
  }
  const parsed = messagePayloadSchemas[message.type].safeParse(message.payload);
  if (!parsed.success) {
    const paths = fromZodIssues(parsed.error.issues).map((issue) => issue.path.join('.'));
    throw invalidMessage(`its payload does not match "${message.type}" (${paths.join(', ')})`);
  }
  return {
    id: message.id,
    pipId: message.pipId,
    type: message.type,
    payload: parsed.data,
    createdAt: message.createdAt,
    ...(message.attempts === undefined ? {} : { attempts: message.attempts }),
  } as PipkitMessage;
}

function invalidMessage(why: string): DeliveryError {
  return new DeliveryError(
    DeliveryErrorReasons.MESSAGE_INVALID,
    `The message is never handed to the handler: ${why}.`,
    { retryable: false },
  );
}

async function resolveRole(
  resolve: RecipientResolver,
  pip: RecipientPip,
  role: string,
): Promise<readonly Person[]> {
  let answer: unknown;
  try {
    answer = await resolve(pip, role);
  } catch (error) {
    throw new DeliveryError(
      DeliveryErrorReasons.UNREACHABLE,
      `The recipients resolver failed for role "${role}".`,
      { retryable: true, cause: error },
    );
  }
  const parsed = peopleSchema.safeParse(answer);
  if (!parsed.success) {
    const paths = fromZodIssues(parsed.error.issues).map(
      (issue) => issue.path.join('.') || '(root)',
    );
    throw new DeliveryError(
      DeliveryErrorReasons.MALFORMED_ANSWER,
      `The recipients resolver answered role "${role}" with something that is not a list of people (${paths.join(', ')}).`,
      { retryable: true },
    );
  }
  if (parsed.data.length === 0) {
    throw new DeliveryError(
      DeliveryErrorReasons.UNKNOWN_RECIPIENT,
      `The recipients resolver knows no one in role "${role}" for this PIP.`,
      { retryable: true },
    );
  }
  return parsed.data as readonly Person[];
}
