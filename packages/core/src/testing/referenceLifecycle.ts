import { createHash } from 'node:crypto';
// By package name, like the rest of the testing entry: one set of classes for adapters and suite.
import {
  type Actor,
  type Command,
  createEngine,
  defaultPolicy,
  type DispatchResult,
  type Engine,
  type PipStore,
  type TickResult,
} from '@pipkit/core';
import { createTestClock } from './testClock.js';

/** The people of the reference lifecycle. */
export const referenceActors = {
  manager: { id: 'grace.hopper', role: 'manager' },
  hr: { id: 'frances.allen', role: 'hr' },
  employee: { id: 'ada.lovelace', role: 'employee' },
} as const satisfies Record<string, Actor>;

/** The reference lifecycle's PIP id. */
export const REFERENCE_PIP_ID = 'pip-2026-0042';

/** A document reference whose hash is the SHA-256 of `text`. */
export function referenceDocument(kind: string, text: string) {
  return {
    kind,
    ref: `dms://hr/${kind}/${text}`,
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}

/** What {@link runReferenceLifecycle} returns: the engine and what its sweeps and last command did. */
export interface ReferenceLifecycle {
  readonly engine: Engine;
  /** The sweep that found check-in 2 missed and escalated it. */
  readonly missed: TickResult;
  /** The sweep that ended the extended period. */
  readonly review: TickResult;
  /** The final PASS. */
  readonly passed: DispatchResult;
}

/**
 * Runs one PIP from draft to outcome on a test clock through the engine and the given store:
 * approval, acknowledgement (with an idempotency key), check-ins with one missed and fired by the
 * sweep, a protected-leave pause, an extension, the review and the pass. Adapter tests use it to
 * compare a store with the memory store (see {@link referenceContents}).
 *
 * @example
 * ```ts
 * await runReferenceLifecycle(myStore);
 * await runReferenceLifecycle(memoryStore());
 * ```
 */
export async function runReferenceLifecycle(store: PipStore): Promise<ReferenceLifecycle> {
  const { manager, hr, employee } = referenceActors;
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => REFERENCE_PIP_ID,
  });
  const send = (actor: Actor, command: Command, idempotencyKey?: string) =>
    engine.dispatch(REFERENCE_PIP_ID, command, {
      actor,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  const plan = referenceDocument('planDocument', 'plan v1');
  await engine.open(
    {
      employee: { id: employee.id, timeZone: 'America/Chicago' },
      managerId: manager.id,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'reviews', description: 'Review promptly', measure: '90% within a day' }],
    },
    { actor: manager, idempotencyKey: 'open-1' },
  );
  await send(manager, { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] });
  clock.set('2026-03-02T17:00:00Z');
  await send(hr, { type: 'APPROVE' });
  clock.set('2026-03-03T16:00:00Z');
  await send(employee, { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 }, 'ack-1');
  clock.set('2026-03-17T14:30:00Z');
  const notes = (text: string) => [referenceDocument('checkInNotes', text)];
  await send(manager, {
    type: 'RECORD_CHECK_IN',
    assessment: 'offTrack',
    documents: notes('check-in 1'),
  });
  // Check-in 2 (31 March) never happens: the sweep records it as missed and escalates.
  const missed = await engine.tick('2026-04-01T12:00:00Z');
  clock.set('2026-04-14T14:15:00Z');
  await send(manager, {
    type: 'RECORD_CHECK_IN',
    assessment: 'mixed',
    documents: notes('check-in 3'),
  });
  clock.set('2026-04-20T15:00:00Z');
  await send(hr, { type: 'PAUSE', category: 'protectedLeave', hostRef: 'leave-2291' });
  clock.set('2026-04-27T15:00:00Z');
  await send(hr, { type: 'RESUME' });
  clock.set('2026-04-28T18:00:00Z');
  await send(manager, { type: 'EXTEND', amount: 14, reason: 'trainingDelayed' });
  for (const [instant, text] of [
    ['2026-05-05T14:00:00Z', 'check-in 4'],
    ['2026-05-19T14:00:00Z', 'check-in 5'],
  ] as const) {
    clock.set(instant);
    await send(manager, { type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: notes(text) });
  }
  // The extended period ends: the sweep moves the PIP to review.
  const review = await engine.tick('2026-05-23T12:00:00Z');
  clock.set('2026-05-26T20:00:00Z');
  const passed = await send(manager, {
    type: 'PASS',
    documents: [referenceDocument('finalReview', 'all goals met')],
  });
  return { engine, missed, review, passed };
}

/** Everything a store holds about the reference lifecycle, read through the port. */
export async function referenceContents(store: PipStore) {
  return {
    pips: await store.list({ limit: 1000 }),
    events: await store.readEvents(REFERENCE_PIP_ID),
    timers: await store.dueTimers('2100-01-01T00:00:00.000Z', 1000),
    outbox: await store.pendingOutbox(1000),
    idempotency: await store.getIdempotency('ack-1'),
  };
}
