/**
 * Parked deadlines: after `parkAfter` failed sweeps a deadline is parked (no sweep reads it) and
 * operators get a `pipkit.deadlineParked` outbox message. Once the cause is fixed, `unpark` puts
 * the PIP's deadlines back in the sweep.
 */
import {
  ForbiddenError,
  PipNotFoundError,
  StoreError,
  StoreErrorReasons,
} from '../errors/pipkitError.js';
import type { Actor } from '../model/actor.js';
import type { UnparkReceipt } from './engineApi.js';
import type { EngineContext } from './engineContext.js';

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
  const record = await store.load(pipId);
  if (!record) throw new PipNotFoundError(pipId);
  const policy = ctx.policyOf(record.policyId, record.policyVersion);
  const forbidden = ctx.authorize(record, policy, actor, 'UNPARK');
  if (forbidden.length > 0) {
    throw new ForbiddenError(
      `Actor "${actor.id}" (${actor.role}) may not unpark the deadlines of PIP "${pipId}".`,
      forbidden,
    );
  }
  if (!store.resetTimerFaults) {
    throw new StoreError(
      'This store cannot reset timer faults (it has no resetTimerFaults method).',
      {
        retryable: false,
        reason: StoreErrorReasons.UNSUPPORTED,
      },
    );
  }
  const timerIds = await store.resetTimerFaults(pipId);
  return { pipId, timerIds, unparkedAt: ctx.now(), unparkedBy: actor };
}
