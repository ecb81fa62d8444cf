/**
 * The outbox relay: delivers the side effects commits wrote, at least once, in order per PIP.
 */
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
