/**
 * The outbox relay: delivers the side effects commits wrote, at least once, in order per PIP.
 */
import { StoreError } from '../errors/pipkitError.js';
import type { OutboxMessage } from '../store/pipStore.js';
import type { RelayResult } from './engineApi.js';
import type { EngineContext } from './engineContext.js';

/** Delivers pending outbox messages through `handler`. @internal */
export async function relay(
  ctx: EngineContext,
  handler: (message: OutboxMessage) => void | Promise<void>,
  options: { readonly limit?: number | undefined; readonly leaseMs?: number | undefined } = {},
): Promise<RelayResult> {
  const { store } = ctx;
  const limit = options.limit ?? 100;
  const pending = store.claimOutbox
    ? await store.claimOutbox(limit, { owner: ctx.owner, leaseMs: options.leaseMs ?? 60_000 })
    : await store.pendingOutbox(limit);
  const delivered: string[] = [];
  const failed: { id: string; error: unknown }[] = [];
  const blocked = new Set<string>();
  for (const message of pending) {
    if (blocked.has(message.pipId)) continue;
    if (message.unreadable !== undefined) {
      // A payload the store cannot read is never handed to the host: it is reported, and the
      // PIP's later messages wait behind it so they are not delivered out of order.
      failed.push({ id: message.id, error: unreadableMessage(message) });
      blocked.add(message.pipId);
      continue;
    }
    try {
      await handler(message);
    } catch (error) {
      failed.push({ id: message.id, error });
      blocked.add(message.pipId);
      continue;
    }
    await store.markOutboxDelivered([message.id]);
    delivered.push(message.id);
  }
  return { delivered, failed };
}

function unreadableMessage(message: OutboxMessage): StoreError {
  return new StoreError(
    `Outbox message "${message.id}" of PIP "${message.pipId}" cannot be read back; it and that PIP's later messages are held. Restore the row or delete it after review.`,
    { retryable: false, reason: message.unreadable ?? 'STORE_CORRUPT_ROW' },
  );
}
