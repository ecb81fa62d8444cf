/**
 * Dead letters: the `MESSAGE_DEAD_LETTERED` event the relay appends to a PIP when it gives a
 * message up, and the operator's list, retry and discard (the `DEAD_LETTERS` capability).
 */
import { DeadLetterNotFoundError } from '../errors/deliveryErrors.js';
import { isPipkitError } from '../errors/pipkitError.js';
import { applyEvents, restoreSnapshot } from '../machine/snapshot.js';
import type { PipEvent } from '../machine/types.js';
import type { Actor } from '../model/actor.js';
import type { DeadLetter } from '../store/outboxDelivery.js';
import type { OutboxMessage } from '../store/pipStore.js';
import { buildCommit, requestHash } from './commitBuilder.js';
import type { DeadLetterListQuery, DeadLetterPage, DeadLetterReceipt } from './deliveryApi.js';
import { type EngineContext, storeLacks } from './engineContext.js';

/** Who appends `MESSAGE_DEAD_LETTERED`: the relay, acting as the system. */
export const RELAY_ACTOR: Actor = Object.freeze({ id: 'pipkit-relay', role: 'system' });

/** Conflicts with other writers of the PIP the relay rides out before reporting a failure. */
const CONFLICT_RETRIES = 5;

/**
 * Appends `MESSAGE_DEAD_LETTERED` (the message's id and type, the attempts and the last code; no
 * payload) to the message's PIP, once per dead-lettering: the idempotency key names the message
 * and its last failure's time, so a relay that crashed after the event and before marking the
 * message records nothing twice. A PIP that is gone (purged) needs nothing. @internal
 */
export async function recordDeadLetter(
  ctx: EngineContext,
  message: OutboxMessage,
  facts: { readonly attempts: number; readonly code: string; readonly at: string },
): Promise<void> {
  const { store } = ctx;
  const failedAt = message.lastError?.at ?? facts.at;
  const key = `pipkit:deadLetter:${message.id}@${failedAt}`;
  const keyed = { key, requestHash: requestHash({ deadLetter: message.id, failedAt }) };
  for (let attempt = 0; ; attempt += 1) {
    if (await store.getIdempotency(key)) return;
    const record = await store.load(message.pipId);
    if (!record) return;
    const event: PipEvent = {
      type: 'MESSAGE_DEAD_LETTERED',
      at: facts.at,
      actor: RELAY_ACTOR,
      messageId: message.id,
      messageType: message.type,
      attempts: facts.attempts,
      code: facts.code,
    };
    const next = applyEvents(restoreSnapshot(record.state, record.context), [event]);
    if (!next) throw new Error('MESSAGE_DEAD_LETTERED is accepted in every state.');
    const commit = buildCommit(record, record, [event], next, facts.at, keyed);
    try {
      await store.commit(commit);
      ctx.records.forget(message.pipId);
      return;
    } catch (error) {
      ctx.records.forget(message.pipId);
      if (isPipkitError(error, 'IDEMPOTENCY_KEY_REUSED')) return;
      if (!isPipkitError(error, 'VERSION_CONFLICT') || attempt >= CONFLICT_RETRIES) throw error;
    }
  }
}

/** `engine.deadLetters`: one page, each entry authorized on its PIP. @internal */
export async function listDeadLetters(
  ctx: EngineContext,
  query: DeadLetterListQuery,
  actor: Actor,
): Promise<DeadLetterPage> {
  const { store } = ctx;
  if (!store.listDeadLetters) throw storeLacks('listDeadLetters', 'list dead letters');
  const limit = query.limit ?? 100;
  const page = await store.listDeadLetters({
    limit,
    ...(query.pipId === undefined ? {} : { pipId: query.pipId }),
    ...(query.afterId === undefined ? {} : { afterId: query.afterId }),
  });
  const allowed = new Map<string, boolean>();
  const deadLetters: DeadLetter[] = [];
  let hidden = 0;
  for (const letter of page) {
    let may = allowed.get(letter.pipId);
    if (may === undefined) {
      may = await ctx
        .loadAuthorized(letter.pipId, actor, 'DEAD_LETTERS', 'manage the dead letters of')
        .then(
          () => true,
          () => false,
        );
      allowed.set(letter.pipId, may);
    }
    if (may) deadLetters.push(letter);
    else hidden += 1;
  }
  const last = page[page.length - 1];
  return {
    deadLetters,
    hidden,
    ...(page.length >= limit && last ? { nextAfterId: last.id } : {}),
  };
}

/** `engine.retryDeadLetter` and `engine.discardDeadLetter`. @internal */
export async function settleDeadLetter(
  ctx: EngineContext,
  target: { readonly pipId: string; readonly messageId: string },
  actor: Actor,
  action: 'retried' | 'discarded',
): Promise<DeadLetterReceipt> {
  const { store } = ctx;
  const method = action === 'retried' ? 'retryDeadLetter' : 'discardDeadLetter';
  if (!store.listDeadLetters || !store[method]) {
    throw storeLacks(method, `${action.slice(0, -2)} dead letters`);
  }
  const { pipId, messageId } = target;
  await ctx.loadAuthorized(pipId, actor, 'DEAD_LETTERS', 'manage the dead letters of');
  // The message must be a dead letter of this PIP: an actor allowed on one PIP never settles
  // another PIP's message.
  const settled =
    (await isDeadLetterOf(ctx, pipId, messageId)) &&
    (action === 'retried'
      ? await store.retryDeadLetter?.(messageId)
      : await store.discardDeadLetter?.(messageId));
  if (!settled) throw new DeadLetterNotFoundError(pipId, messageId);
  return { pipId, messageId, action, at: ctx.now(), by: actor };
}

/** True when `messageId` is among the PIP's dead letters (a PIP has few: paged through). */
async function isDeadLetterOf(
  ctx: EngineContext,
  pipId: string,
  messageId: string,
): Promise<boolean> {
  let afterId: string | undefined;
  for (;;) {
    const page =
      (await ctx.store.listDeadLetters?.({
        pipId,
        limit: 1000,
        ...(afterId === undefined ? {} : { afterId }),
      })) ?? [];
    if (page.some((letter) => letter.id === messageId)) return true;
    if (page.length < 1000) return false;
    afterId = page[page.length - 1]?.id;
  }
}
