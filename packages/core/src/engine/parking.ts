/**
 * Parked deadlines: after `parkAfter` failed sweeps a deadline is parked (no sweep reads it) and
 * operators get a `pipkit.deadlineParked` outbox message. Once the cause is fixed, `unpark` puts
 * the PIP's deadlines back in the sweep.
 */
import type { Actor } from '../model/actor.js';
import type { UnparkReceipt } from './engineApi.js';
import { type EngineContext, storeLacks } from './engineContext.js';

/**
 * Clears the fault counts and parks of a PIP's deadlines. The PIP is read and its policy version
 * resolved first, so a cause that is not fixed (the row still unreadable, the version still not
 * registered) is refused with its own typed error instead of being parked again five sweeps
 * later. @internal
 */
export async function unpark(
  ctx: EngineContext,
  pipId: string,
  actor: Actor,
): Promise<UnparkReceipt> {
  const { store } = ctx;
  await ctx.loadAuthorized(pipId, actor, 'UNPARK', 'unpark the deadlines of');
  if (!store.resetTimerFaults) throw storeLacks('resetTimerFaults', 'reset timer faults');
  const timerIds = await store.resetTimerFaults(pipId);
  return { pipId, timerIds, unparkedAt: ctx.now(), unparkedBy: actor };
}
