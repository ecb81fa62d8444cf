import {
  type Actor,
  createEngine,
  defaultPolicy,
  type Engine,
  GENESIS_HASH,
  hashEvent,
  MACHINE_VERSION,
  type PipEvent,
  type PipRecord,
  type PipStore,
  type Policy,
  replayEvents,
  summarize,
  type PipSummary,
  type StoredEvent,
} from '@pipkit/core';
import { type CommitRequest } from '@pipkit/core/adapter';
import { createTestClock, type TestClock } from '@pipkit/core/testing';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const plan = { kind: 'planDocument', ref: 'dms://plan', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://notes', sha256: 'b'.repeat(64) };

/**
 * An engine on `store` (default policy, a test clock) with `count` PIPs brought to `active`:
 * opened with their plan and check-in notes, approved, acknowledged. PIP `index` is
 * `${prefix}${index}`, managed by `mgr-${index}`. The clock is left on Tue 17 Mar 2026 14:00 UTC,
 * the first check-in's day, so each PIP accepts `RECORD_CHECK_IN` from its manager. `options`
 * are the engine's (its defaults otherwise).
 */
export async function activePips(
  store: PipStore,
  count: number,
  prefix = 'pip-',
  options: { readonly groupCommit?: boolean } = {},
): Promise<{ engine: Engine; clock: TestClock }> {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  let next = 0;
  const engine = createEngine({
    store,
    policies: [defaultPolicy],
    clock,
    ids: () => `${prefix}${next++}`,
    ...options,
  });
  for (let index = 0; index < count; index += 1) {
    const manager: Actor = { id: `mgr-${index}`, role: 'manager' };
    clock.set('2026-03-02T15:00:00Z');
    const { pip } = await engine.open(
      {
        employee: { id: `emp-${index}`, timeZone: 'America/New_York' },
        managerId: manager.id,
        policy: { id: defaultPolicy.id },
        goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
        documents: [plan, notes],
      },
      { actor: manager },
    );
    await engine.dispatch(pip.pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch(pip.pipId, { type: 'APPROVE' }, { actor: hr });
    clock.set('2026-03-03T15:00:00Z');
    await engine.dispatch(
      pip.pipId,
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: { id: `emp-${index}`, role: 'employee' } },
    );
  }
  clock.set('2026-03-17T14:00:00Z');
  return { engine, clock };
}

/**
 * Builds the commit that stores one issued, unacknowledged PIP directly through the store port:
 * real events with real hashes, the acknowledgement deadline due at `due`, and its timer. Every
 * seeded PIP has the same shape, so the first is replayed through the machine and the rest reuse
 * that snapshot with their own fields (replaying 100,000 histories would dominate a bench).
 */
export function issuedPipSeeds(
  policy: Policy,
): (pipId: string, index: number, issuedAt: string, due: string) => CommitRequest {
  const manager: Actor = { id: 'mgr-1', role: 'manager' };
  let template: ReturnType<typeof replayEvents> | undefined;
  let summaryChecked = false;
  return (pipId, index, issuedAt, due) => {
    const acknowledgement = {
      id: 'acknowledgement',
      kind: 'acknowledgement',
      dueAt: due,
      date: due.slice(0, 10),
    } as const;
    const employee = { id: `emp-${index}`, timeZone: 'UTC' };
    const events: PipEvent[] = [
      {
        type: 'PIP_CREATED',
        at: issuedAt,
        actor: manager,
        pipId,
        employee,
        managerId: manager.id,
        policy: { id: policy.id, version: policy.version },
        goals: [{ id: 'g1', description: 'Meet the standard', measure: 'Audited' }],
      },
      { type: 'ISSUED', at: issuedAt, actor: manager, deadlines: { set: [acknowledgement] } },
    ];
    let prevHash = GENESIS_HASH;
    const stored: StoredEvent[] = events.map((event, position) => {
      const hash = hashEvent(pipId, position + 1, event, prevHash);
      const entry = { pipId, seq: position + 1, event, prevHash, hash };
      prevHash = hash;
      return entry;
    });
    template ??= replayEvents(events);
    // What the engine keeps on every record it writes; the first seed checks it against the log.
    const summary: PipSummary = {
      overdue: [],
      next: { id: 'acknowledgement', kind: 'acknowledgement', dueAt: due },
      stateSince: issuedAt,
    };
    if (!summaryChecked) {
      if (JSON.stringify(summarize(events)) !== JSON.stringify(summary)) {
        throw new Error('The seeded summary is not the one its events give.');
      }
      summaryChecked = true;
    }
    const record: PipRecord = {
      pipId,
      employeeId: employee.id,
      managerId: manager.id,
      policyId: policy.id,
      policyVersion: policy.version,
      machineVersion: MACHINE_VERSION,
      state: template.state,
      context: {
        ...template.context,
        pipId,
        employee,
        createdAt: issuedAt,
        issuedAt,
        deadlines: { acknowledgement },
      },
      version: 2,
      lastHash: prevHash,
      createdAt: issuedAt,
      updatedAt: issuedAt,
      summary,
    };
    return {
      pipId,
      expectedVersion: 0,
      record,
      events: stored,
      timers: {
        set: [
          {
            timerId: `${pipId}/acknowledgement`,
            pipId,
            deadlineId: 'acknowledgement',
            kind: 'acknowledgement',
            dueAt: due,
          },
        ],
        clear: [],
      },
      outbox: [],
    };
  };
}
