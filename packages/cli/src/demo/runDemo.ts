import {
  type Actor,
  type Explanation,
  type Command,
  createEngine,
  defaultPolicy,
  memoryStore,
  type PipStore,
} from '@pipkit/core';
import { createHash } from 'node:crypto';
import { localTime, renderTimeline } from '@pipkit/report';

const PIP_ID = 'pip-2026-0042';
const ZONE = 'America/Chicago';
const people = {
  manager: { id: 'grace.hopper', role: 'manager' },
  hr: { id: 'frances.allen', role: 'hr' },
  employee: { id: 'ada.lovelace', role: 'employee' },
} as const satisfies Record<string, Actor>;
const names: Record<string, string> = {
  'grace.hopper': 'Grace',
  'frances.allen': 'Frances',
  'ada.lovelace': 'Ada',
  'pipkit:timer': 'pipkit',
};

const document = (kind: string, text: string) => ({
  kind,
  ref: `dms://hr/${PIP_ID}/${kind}`,
  sha256: createHash('sha256').update(text).digest('hex'),
});

/** What a fresh store reading the same database finds: the demo PIP, its chain verified. */
async function verifyStored(store: PipStore): Promise<{ ok: boolean; line: string }> {
  const engine = createEngine({ store, policies: [defaultPolicy] });
  const verification = await engine.verify(PIP_ID, { actor: people.hr });
  const pip = await engine.get(PIP_ID, { actor: people.hr });
  return {
    ok: verification.ok,
    line: verification.ok
      ? `Reopened the database with a new store: ${PIP_ID} is ${pip.state} at version ${pip.version}; chain and replay verified. OK`
      : `Reopened the database: verification FAILED ${JSON.stringify(verification)}`,
  };
}

/** What the demo prints and returns, so tests can check it. */
export interface DemoResult {
  /** The printed report: header, timeline, the refused premature termination, outcome, audit. */
  readonly lines: string[];
  /** The PIP's final state (`passed.completed`). */
  readonly state: string;
  /** True when the hash chain verifies and the replay reproduces the snapshot. */
  readonly verified: boolean;
  /** What `engine.explain` said about proposing termination before the final review. */
  readonly prematureTermination: Explanation;
}

/**
 * Runs one realistic PIP from draft to outcome on a simulated clock: HR approval, acknowledgement,
 * check-ins (one missed and escalated), a protected-leave pause, an extension, the final review and
 * the watch window. Prints the timeline and the audit check.
 */
async function runDemoLifecycle(
  options: { readonly store?: PipStore; readonly storeName?: string } = {},
): Promise<DemoResult> {
  const store = options.store ?? memoryStore();
  let now = new Date('2026-03-02T15:00:00Z');
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock: { now: () => now },
    ids: () => PIP_ID,
  });
  const at = (instant: string) => {
    now = new Date(instant);
  };
  const send = (actor: Actor, command: Command) => engine.dispatch(PIP_ID, command, { actor });
  const plan = document('planDocument', 'Performance Improvement Plan for Ada Lovelace, v1');

  // Monday 2 March, 09:00 in Chicago: Grace drafts the plan and sends it to HR.
  await engine.open(
    {
      employee: { id: people.employee.id, timeZone: ZONE },
      managerId: people.manager.id,
      policy: { id: defaultPolicy.id },
      goals: [
        {
          id: 'reviews',
          description: 'Review pull requests promptly',
          measure: '90% reviewed within one business day',
        },
        {
          id: 'estimates',
          description: 'Estimate work reliably',
          measure: 'Sprint commitments met 3 sprints running',
        },
      ],
    },
    { actor: people.manager },
  );
  await send(people.manager, { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] });
  at('2026-03-02T17:00:00Z');
  await send(people.hr, { type: 'APPROVE' });
  at('2026-03-03T16:00:00Z');
  await send(people.employee, { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 });
  at('2026-03-17T14:30:00Z');
  await send(people.manager, {
    type: 'RECORD_CHECK_IN',
    assessment: 'offTrack',
    documents: [document('checkInNotes', 'check-in 1')],
  });
  // Check-in 2 (31 March) never happens: the sweep reports it and escalates to HR.
  await engine.tick('2026-04-01T12:00:00Z');
  at('2026-04-14T14:15:00Z');
  await send(people.manager, {
    type: 'RECORD_CHECK_IN',
    assessment: 'mixed',
    documents: [document('checkInNotes', 'check-in 3')],
  });
  at('2026-04-20T15:00:00Z');
  await send(people.hr, { type: 'PAUSE', category: 'protectedLeave', hostRef: 'leave-2291' });
  at('2026-04-27T15:00:00Z');
  await send(people.hr, { type: 'RESUME' });
  at('2026-04-28T18:00:00Z');
  await send(people.manager, { type: 'EXTEND', amount: 14, reason: 'trainingDelayed' });
  at('2026-05-05T14:00:00Z');
  await send(people.manager, {
    type: 'RECORD_CHECK_IN',
    assessment: 'onTrack',
    documents: [document('checkInNotes', 'check-in 4')],
  });
  at('2026-05-19T14:00:00Z');
  await send(people.manager, {
    type: 'RECORD_CHECK_IN',
    assessment: 'onTrack',
    documents: [document('checkInNotes', 'check-in 5')],
  });
  // Before the final review: may Grace propose termination already? explain() writes nothing.
  const askedAt = now.toISOString();
  const prematureTermination = await engine.explain(
    PIP_ID,
    {
      type: 'PROPOSE_TERMINATION',
      documents: [document('proposalNotice', 'proposal drafted early')],
    },
    { actor: people.manager },
  );
  await engine.tick('2026-05-23T12:00:00Z');
  at('2026-05-26T20:00:00Z');
  await send(people.manager, {
    type: 'PASS',
    documents: [document('finalReview', 'final review: all goals met')],
  });
  await engine.tick('2026-11-27T12:00:00Z');

  const pip = await engine.get(PIP_ID, { actor: people.hr });
  const history = await engine.history(PIP_ID, { actor: people.hr });
  const verification = await engine.verify(PIP_ID, { actor: people.hr });
  const notifications = await store.pendingOutbox(100);
  const lines = [
    `pipkit demo: one Performance Improvement Plan, start to finish (${options.storeName ?? 'in-memory'} store)`,
    `PIP ${PIP_ID}: Ada (employee, ${ZONE}), Grace (manager), Frances (HR); policy ${pip.policyId}@${pip.policyVersion}`,
    '',
    ...renderTimeline(history, ZONE, names),
    '',
    `Asked on ${localTime(askedAt, ZONE)}, before the final review: may Grace propose termination now? ${
      prematureTermination.accepted
        ? 'Yes.'
        : 'No, engine.explain refuses it (nothing was written):'
    }`,
    ...prematureTermination.issues.map((issue) => `  ${issue.code}: ${issue.message}`),
    '',
    `Outcome: ${pip.state} (${pip.context.outcome?.reason ?? 'open'}); ${pip.context.checkIns.held} check-ins held, ${pip.context.checkIns.missed} missed, ${pip.context.extensions.count} extension, ${pip.context.pausedDays} day(s) paused`,
    `Outbox: ${notifications.length} notifications for the host to deliver (${[...new Set(notifications.map((message) => message.type))].join(', ')})`,
    verification.ok
      ? `Audit: ${history.length} events, SHA-256 hash chain verified, replay reproduces the snapshot exactly. OK`
      : `Audit: FAILED ${JSON.stringify(verification)}`,
  ];
  return { lines, state: pip.state, verified: verification.ok, prematureTermination };
}

/**
 * Runs one realistic PIP from draft to outcome on a simulated clock (see {@link runDemoLifecycle});
 * `runDemo.verifyStored(store)` re-reads it through a fresh store.
 *
 * @example
 * ```ts
 * import { memoryStore } from '@pipkit/core';
 * import { runDemo } from '@pipkit/cli';
 *
 * const result = await runDemo({ store: memoryStore() });
 * console.log(result.lines.join('\n')); // the timeline, ending with the audit check
 * ```
 */
export const runDemo = Object.assign(runDemoLifecycle, { verifyStored });
