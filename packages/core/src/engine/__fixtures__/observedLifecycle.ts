/**
 * A scripted lifecycle that exercises every path the engine observes: commits, a forbidden and a
 * refused command, a version conflict, invalid input, an idempotent duplicate, `explain`, a write
 * whose store commit fails, a message dead-lettered, a deadline fired and another parked. Every
 * person in it carries a recognisable name, so a test can search traces and logs for them.
 */
import type { Meter, Tracer } from '@opentelemetry/api';
import { StoreError, StoreErrorReasons } from '../../errors/pipkitError.js';
import type { Actor } from '../../model/actor.js';
import type { Logger } from '../../observability/logger.js';
import { defaultPolicy } from '../../policy/defaultPolicy.js';
import { memoryStore } from '../../store/memoryStore.js';
import type { CommitRequest, PipStore } from '../../store/pipStore.js';
import { referenceDocument } from '../../testing/referenceLifecycle.js';
import { createTestClock } from '../../testing/testClock.js';
import { createEngine } from '../createEngine.js';
import type { RelayResult } from '../deliveryApi.js';
import type { TickResult } from '../engineApi.js';

/** The personal values the script uses: none may appear in a span, a metric or a log line. */
export const PERSONAL = {
  employeeId: 'emp-jane-doe-4711',
  otherEmployeeId: 'emp-omar-haddad-2290',
  managerId: 'mgr-john-smith-0815',
  hrId: 'hr-alice-personnel',
  name: 'Jane Doe',
  email: 'jane.doe@example.com',
  goal: 'Coach Jane Doe through the quarterly reports',
  planText: 'plan for Jane Doe',
  rebuttalText: 'rebuttal by Jane Doe',
} as const;

const START = '2026-03-02T15:00:00.000Z';
/** After every acknowledgement deadline of the script. */
export const LATER = '2026-03-20T00:00:00.000Z';

/** What the script did, for the assertions. */
export interface ObservedLifecycle {
  readonly pipId: string;
  readonly brokenPipId: string;
  readonly relayed: RelayResult;
  readonly swept: TickResult;
  /** Every value a personal string may hide in, flattened, for searching. */
  readonly personal: readonly string[];
}

/** A memory store that can fail one commit, and fail every read of chosen PIPs. */
function troubledStore() {
  const inner = memoryStore();
  const trouble = { unreadable: new Set<string>(), failNextCommit: false };
  const unreadable = () =>
    new StoreError(`The row of ${PERSONAL.name} (${PERSONAL.email}) cannot be read.`, {
      retryable: false,
      reason: StoreErrorReasons.CORRUPT_ROW,
    });
  const store = Object.assign(Object.create(inner) as PipStore, {
    load: (pipId: string) =>
      trouble.unreadable.has(pipId) ? Promise.reject(unreadable()) : inner.load(pipId),
    loadMany: undefined,
    commitMany: undefined,
    commit: (request: CommitRequest) => {
      if (!trouble.failNextCommit) return inner.commit(request);
      trouble.failNextCommit = false;
      return Promise.reject(new Error(`disk full while writing the file of ${PERSONAL.name}`));
    },
  });
  return { store, trouble };
}

/** Runs `attempt`, and returns what it threw (or undefined). */
async function thrown(attempt: () => Promise<unknown>): Promise<unknown> {
  try {
    await attempt();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Runs the script on an engine observed through `telemetry` and `logger`. */
export async function runObservedLifecycle(options: {
  readonly telemetry?: { readonly tracer?: Tracer; readonly meter?: Meter };
  readonly logger?: Logger;
}): Promise<ObservedLifecycle> {
  const { store, trouble } = troubledStore();
  const clock = createTestClock(START);
  let next = 0;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => `pip-${next++}`,
    recordCache: 0,
    delivery: { maxAttempts: 1, random: () => 0.5 },
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const manager: Actor = { id: PERSONAL.managerId, role: 'manager' };
  const hr: Actor = { id: PERSONAL.hrId, role: 'hr' };
  const employee: Actor = { id: PERSONAL.employeeId, role: 'employee' };
  const plan = referenceDocument('planDocument', PERSONAL.planText);
  const issue = async (employeeId: string) => {
    const { pip } = await engine.open(
      {
        employee: { id: employeeId, timeZone: 'Europe/London' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: PERSONAL.goal, measure: `${PERSONAL.name}: 90%` }],
      },
      { actor: manager },
    );
    await engine.dispatch(
      pip.pipId,
      { type: 'SUBMIT_FOR_APPROVAL', documents: [plan] },
      { actor: manager },
    );
    return pip.pipId;
  };

  const pipId = await issue(PERSONAL.employeeId);
  // Forbidden: the manager who submitted may not approve.
  await thrown(() => engine.dispatch(pipId, { type: 'APPROVE' }, { actor: manager }));
  await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
  // Refused: a document that is not on the plan.
  const wrong = referenceDocument('planDocument', PERSONAL.rebuttalText).sha256;
  await thrown(() =>
    engine.dispatch(pipId, { type: 'ACKNOWLEDGE', documentSha256: wrong }, { actor: employee }),
  );
  // A stale version, and input that is not a command (with a personal note in it).
  await thrown(() =>
    engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr, expectedVersion: 1 }),
  );
  await thrown(() =>
    engine.dispatch(pipId, { type: 'NOT_A_COMMAND', note: PERSONAL.name } as never, {
      actor: employee,
    }),
  );
  // The same request twice under one key: the second is a duplicate.
  const rebuttal = referenceDocument('rebuttal', PERSONAL.rebuttalText);
  for (let round = 0; round < 2; round += 1) {
    await engine.dispatch(
      pipId,
      { type: 'ATTACH_DOCUMENT', documents: [rebuttal] },
      { actor: employee, idempotencyKey: 'rebuttal-1' },
    );
  }
  await engine.explain(pipId, { type: 'ACKNOWLEDGE', documentSha256: wrong }, { actor: hr });
  // The store fails the commit.
  trouble.failNextCommit = true;
  await thrown(() =>
    engine.dispatch(
      pipId,
      { type: 'ATTACH_DOCUMENT', documents: [referenceDocument('evidence', PERSONAL.name)] },
      { actor: manager },
    ),
  );
  const brokenPipId = await issue(PERSONAL.otherEmployeeId);
  await engine.dispatch(brokenPipId, { type: 'APPROVE' }, { actor: hr });
  // Every message of the first PIP fails, with the person's address in the error.
  const relayed = await engine.relay((message) => {
    if (message.pipId === pipId) throw new Error(`mailbox of ${PERSONAL.email} is full`);
  });
  trouble.unreadable.add(brokenPipId);
  clock.set(LATER);
  const swept = await engine.tick(undefined, { parkAfter: 1 });
  const personal: string[] = [...Object.values(PERSONAL), plan.ref, rebuttal.ref];
  return { pipId, brokenPipId, relayed, swept, personal };
}
