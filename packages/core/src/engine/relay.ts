/**
 * The outbox relay: delivers the side effects commits wrote, at least once, in order per PIP.
 * A failed attempt is recorded on its message and tried again after a backoff; a message that
 * keeps failing is dead-lettered (recorded on its PIP's log) so the PIP's later messages go on.
 */
import { StoreError } from '../errors/pipkitError.js';
import type { OutboxMessage } from '../store/pipStore.js';
import type {
  OutboxHandler,
  RelayDeadLetter,
  RelayFailure,
  RelayOptions,
  RelayResult,
} from './deliveryApi.js';
import { deliveryFailureOf, nextAttemptAt } from './deliveryPolicy.js';
import { recordDeadLetter } from './deadLetters.js';
import type { EngineContext } from './engineContext.js';
import { deliverableMessage } from './recipients.js';

/** What one round collects. */
interface Round {
  readonly now: string;
  readonly delivered: string[];
  readonly failed: RelayFailure[];
  readonly deadLettered: RelayDeadLetter[];
  /** PIPs whose earlier message is still owed: their later messages wait. */
  readonly blocked: Set<string>;
}

/** Delivers pending outbox messages through `handler`. @internal */
export async function relay(
  ctx: EngineContext,
  handler: OutboxHandler,
  options: RelayOptions = {},
): Promise<RelayResult> {
  const { store } = ctx;
  const limit = options.limit ?? 100;
  const now = ctx.now();
  const pending = store.claimOutbox
    ? await store.claimOutbox(
        limit,
        { owner: ctx.owner, leaseMs: options.leaseMs ?? 60_000 },
        { now },
      )
    : await store.pendingOutbox(limit, { now });
  const round: Round = { now, delivered: [], failed: [], deadLettered: [], blocked: new Set() };
  for (const message of pending) {
    if (round.blocked.has(message.pipId)) continue;
    // A store that ignores `now` returns waiting messages too: they wait, and so does their PIP.
    if (message.nextAttemptAt !== undefined && message.nextAttemptAt > now) {
      round.blocked.add(message.pipId);
      continue;
    }
    if (awaitsDeadLetter(ctx, message)) {
      await deadLetter(ctx, round, message, message.attempts ?? 0, message.lastError?.code);
      continue;
    }
    let error: unknown;
    let failed = message.unreadable !== undefined;
    if (failed) {
      // A payload the store cannot read is never handed to the host.
      error = unreadableMessage(message);
    } else {
      try {
        await handler(await deliverableMessage(ctx, message));
      } catch (thrown) {
        failed = true;
        error = thrown;
      }
    }
    if (!failed) {
      await store.markOutboxDelivered([message.id]);
      round.delivered.push(message.id);
      continue;
    }
    await attemptFailed(ctx, round, message, error);
  }
  return { delivered: round.delivered, failed: round.failed, deadLettered: round.deadLettered };
}

/**
 * True for a message whose last attempt already failed for good (recorded with no next attempt,
 * or as many attempts as the engine allows): it is dead-lettered without another delivery, which
 * also finishes a dead-lettering a crash interrupted.
 */
function awaitsDeadLetter(ctx: EngineContext, message: OutboxMessage): boolean {
  const attempts = message.attempts ?? 0;
  if (attempts === 0 || !ctx.store.recordOutboxFailure || !ctx.store.deadLetterOutbox) {
    return false;
  }
  return message.nextAttemptAt === undefined || attempts >= ctx.delivery.maxAttempts;
}

/** Records a failed attempt: tried again after the backoff, or dead-lettered. */
async function attemptFailed(
  ctx: EngineContext,
  round: Round,
  message: OutboxMessage,
  error: unknown,
): Promise<void> {
  const { store, delivery } = ctx;
  round.blocked.add(message.pipId);
  const { failure, retryable } = deliveryFailureOf(error, round.now);
  const base = { id: message.id, error, pipId: message.pipId, code: failure.code };
  if (!store.recordOutboxFailure || !store.deadLetterOutbox) {
    round.failed.push(base);
    return;
  }
  const attempts = (message.attempts ?? 0) + 1;
  const last = !retryable || attempts >= delivery.maxAttempts;
  const retryAt = last ? undefined : nextAttemptAt(delivery, attempts, round.now);
  const recorded = await store.recordOutboxFailure({
    id: message.id,
    attempts,
    error: failure,
    ...(retryAt === undefined ? {} : { nextAttemptAt: retryAt }),
  });
  // Not recorded: another relay settled the message meanwhile; its state is theirs.
  if (!recorded || !last) {
    round.failed.push({
      ...base,
      attempts,
      ...(retryAt === undefined ? {} : { nextAttemptAt: retryAt }),
    });
    return;
  }
  await deadLetter(ctx, round, { ...message, lastError: failure }, attempts, failure.code);
}

/**
 * Dead-letters a message whose last attempt is recorded: the event on its PIP first (idempotent,
 * keyed by the failure), then the store's mark, so a crash between them is finished by the next
 * round. A PIP that cannot take the event keeps the message owed, reported in `failed`.
 */
async function deadLetter(
  ctx: EngineContext,
  round: Round,
  message: OutboxMessage,
  attempts: number,
  code = 'DELIVERY_FAILED',
): Promise<void> {
  round.blocked.add(message.pipId);
  try {
    await recordDeadLetter(ctx, message, { attempts, code, at: round.now });
    await ctx.store.deadLetterOutbox?.(message.id, round.now);
  } catch (error) {
    round.failed.push({ id: message.id, error, pipId: message.pipId, attempts, code });
    return;
  }
  round.blocked.delete(message.pipId);
  round.deadLettered.push({
    id: message.id,
    pipId: message.pipId,
    type: message.type,
    attempts,
    code,
  });
}

function unreadableMessage(message: OutboxMessage): StoreError {
  return new StoreError(
    `Outbox message "${message.id}" of PIP "${message.pipId}" cannot be read back; it is never handed to the handler and is dead-lettered. Restore the row and retry the dead letter, or discard it.`,
    { retryable: false, reason: message.unreadable ?? 'STORE_CORRUPT_ROW' },
  );
}
