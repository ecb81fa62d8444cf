import { describe, expect, it } from 'vitest';
import { type AnyStateNode, initialTransition, transition } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { toMermaid } from './diagram.js';
import { FINAL_STATES, PIP_STATES, pipMachine } from './pipMachine.js';
import { notesIn } from './notes.js';
import { applyEvents, flattenState, replayEvents, restoreSnapshot } from './snapshot.js';
import type { PipEvent, PipEventType, PlanDates } from './types.js';

type Snapshot = ReturnType<typeof pipMachine.transition>;
type Created = Extract<PipEvent, { type: 'PIP_CREATED' }>;

const at = '2026-03-02T14:00:00.000Z';
const hr = { id: 'hr-1', role: 'hr' } as const;
const plan: PlanDates = {
  startDate: '2026-03-02',
  endDate: '2026-04-30',
  originalEndDate: '2026-04-30',
  anchorDate: '2026-03-02',
};
const sha = 'a'.repeat(64);

const created: Created = {
  type: 'PIP_CREATED',
  at,
  actor: hr,
  pipId: 'pip-1',
  employee: { id: 'emp-1', timeZone: 'America/Chicago' },
  managerId: 'mgr-1',
  policy: { id: 'pipkit-default', version: 1 },
  goals: [{ id: 'g1', description: 'Close tickets', measure: '90% within SLA' }],
};

/**
 * Concrete example events for every event type the machine knows after creation, with one
 * variant per guard branch (PASSED with and without a watch window, DECIDED remove and not).
 */
const EXAMPLES: Readonly<Record<Exclude<PipEventType, 'PIP_CREATED'>, readonly PipEvent[]>> = {
  PLAN_UPDATED: [{ type: 'PLAN_UPDATED', at, actor: hr, goals: created.goals }],
  DOCUMENTS_ATTACHED: [
    {
      type: 'DOCUMENTS_ATTACHED',
      at,
      actor: hr,
      documents: [{ kind: 'planDocument', ref: 'doc-1', sha256: sha }],
    },
  ],
  SUBMITTED_FOR_APPROVAL: [{ type: 'SUBMITTED_FOR_APPROVAL', at, actor: hr }],
  APPROVAL_REJECTED: [{ type: 'APPROVAL_REJECTED', at, actor: hr, reasonCode: 'unclear' }],
  APPROVED: [{ type: 'APPROVED', at, actor: hr }],
  ISSUED: [{ type: 'ISSUED', at, actor: hr }],
  ACKNOWLEDGED: [
    {
      type: 'ACKNOWLEDGED',
      at,
      actor: { id: 'emp-1', role: 'employee' },
      documentSha256: sha,
      plan,
    },
  ],
  REFUSAL_WITNESSED: [
    { type: 'REFUSAL_WITNESSED', at, actor: hr, documentSha256: sha, witnessId: 'w-1', plan },
  ],
  ACKNOWLEDGEMENT_OVERDUE: [{ type: 'ACKNOWLEDGEMENT_OVERDUE', at, actor: hr }],
  CHECK_IN_HELD: [{ type: 'CHECK_IN_HELD', at, actor: hr, number: 1, assessment: 'onTrack' }],
  CHECK_IN_MISSED: [{ type: 'CHECK_IN_MISSED', at, actor: hr, number: 1 }],
  ESCALATED: [
    { type: 'ESCALATED', at, actor: hr, trigger: 'checkInMissed', occurrence: 1, notify: ['hr'] },
  ],
  AMENDMENT_STARTED: [{ type: 'AMENDMENT_STARTED', at, actor: hr }],
  AMENDMENT_ISSUED: [{ type: 'AMENDMENT_ISSUED', at, actor: hr, documentSha256: sha }],
  AMENDMENT_CANCELLED: [{ type: 'AMENDMENT_CANCELLED', at, actor: hr }],
  INVESTIGATION_STARTED: [
    { type: 'INVESTIGATION_STARTED', at, actor: hr, hostRef: 'inv-1', stoppedClock: false },
  ],
  INVESTIGATION_CLOSED: [
    { type: 'INVESTIGATION_CLOSED', at, actor: hr, finding: 'noCase', heldDays: 0 },
  ],
  INVESTIGATION_OVERDUE: [{ type: 'INVESTIGATION_OVERDUE', at, actor: hr }],
  REMINDER_SENT: [
    { type: 'REMINDER_SENT', at, actor: hr, target: 'checkIn:1', notify: ['manager'] },
  ],
  PAUSED: [
    { type: 'PAUSED', at, actor: hr, category: 'medicalLeave', hostRef: 'case-1', since: at },
  ],
  RESUMED: [{ type: 'RESUMED', at, actor: hr, pausedDays: 3, plan, resumedAt: at }],
  EXTENDED: [
    { type: 'EXTENDED', at, actor: hr, amount: 10, unit: 'calendarDays', reason: 'leave', plan },
    {
      type: 'EXTENDED',
      at,
      actor: hr,
      amount: 10,
      unit: 'calendarDays',
      reason: 'leave',
      plan,
      acknowledge: { documentSha256: sha },
    },
  ],
  PERIOD_ENDED: [{ type: 'PERIOD_ENDED', at, actor: hr, early: true }],
  REVIEW_OVERDUE: [{ type: 'REVIEW_OVERDUE', at, actor: hr }],
  PASSED: [
    { type: 'PASSED', at, actor: hr, watchUntil: '2026-10-30T04:59:59.999Z' },
    { type: 'PASSED', at, actor: hr },
  ],
  WATCH_ENDED: [{ type: 'WATCH_ENDED', at, actor: hr }],
  TERMINATION_PROPOSED: [
    { type: 'TERMINATION_PROPOSED', at, actor: hr, noticeEndDate: '2026-05-16' },
  ],
  REPLY_SUBMITTED: [{ type: 'REPLY_SUBMITTED', at, actor: { id: 'emp-1', role: 'employee' } }],
  REPLY_WINDOW_CLOSED: [{ type: 'REPLY_WINDOW_CLOSED', at, actor: hr }],
  DECISION_OVERDUE: [{ type: 'DECISION_OVERDUE', at, actor: hr }],
  DECIDED: [
    { type: 'DECIDED', at, actor: { id: 'legal-1', role: 'legal' }, decision: 'remove' },
    { type: 'DECIDED', at, actor: { id: 'legal-1', role: 'legal' }, decision: 'retain' },
  ],
  CLOSED: [{ type: 'CLOSED', at, actor: hr, reason: 'withdrawn' }],
  OBLIGATION_FULFILLED: [
    { type: 'OBLIGATION_FULFILLED', at, actor: hr, obligationId: 'extensionNotice1' },
  ],
  OBLIGATION_OVERDUE: [
    { type: 'OBLIGATION_OVERDUE', at, actor: hr, obligationId: 'extensionNotice1' },
  ],
  NOTICE_EXTENDED: [
    {
      type: 'NOTICE_EXTENDED',
      at,
      actor: hr,
      amount: 30,
      reason: 'agencyDiscretion',
      noticeEndDate: '2026-06-15',
    },
  ],
  RELAPSE_RECORDED: [{ type: 'RELAPSE_RECORDED', at, actor: hr }],
  LEGAL_HOLD_PLACED: [{ type: 'LEGAL_HOLD_PLACED', at, actor: hr, matterRef: 'matter-1' }],
  LEGAL_HOLD_RELEASED: [{ type: 'LEGAL_HOLD_RELEASED', at, actor: hr, matterRef: 'matter-1' }],
  MESSAGE_DEAD_LETTERED: [
    {
      type: 'MESSAGE_DEAD_LETTERED',
      at,
      actor: { id: 'pipkit-relay', role: 'system' },
      messageId: 'pip-1:2:0',
      messageType: 'notification',
      attempts: 10,
      code: 'DELIVERY_TIMEOUT',
    },
  ],
  PURGE_DUE: [
    { type: 'PURGE_DUE', at, actor: hr, retainUntil: '2028-03-02' },
    { type: 'PURGE_DUE', at, actor: hr, retainUntil: '2028-03-02', heldBy: ['matter-1'] },
  ],
  POLICY_MIGRATED: [
    {
      type: 'POLICY_MIGRATED',
      at,
      actor: hr,
      from: { id: 'pipkit-default', version: 1 },
      to: { id: 'pipkit-default', version: 2 },
    },
  ],
  MEETING_SCHEDULED: [
    {
      type: 'MEETING_SCHEDULED',
      at,
      actor: hr,
      meetingId: 'hearing-1',
      meeting: {
        kind: 'hearing',
        at: '2026-05-12T09:00:00.000Z',
        local: '2026-05-12T10:00',
        proposedDate: '2026-05-12',
        attendees: [],
        postponements: 0,
        status: 'scheduled',
      },
    },
  ],
  MEETING_POSTPONED: [
    {
      type: 'MEETING_POSTPONED',
      at,
      actor: hr,
      meetingId: 'hearing-1',
      to: '2026-05-14T09:00:00.000Z',
      local: '2026-05-14T10:00',
      reason: 'companionUnavailable',
    },
  ],
  MEETING_RECORDED: [
    { type: 'MEETING_RECORDED', at, actor: hr, meetingId: 'hearing-1', outcome: 'held' },
  ],
  MEETING_CANCELLED: [{ type: 'MEETING_CANCELLED', at, actor: hr, meetingId: 'hearing-1' }],
  MEETING_OVERDUE: [{ type: 'MEETING_OVERDUE', at, actor: hr, meetingId: 'hearing-1' }],
  ISSUANCE_OVERDUE: [{ type: 'ISSUANCE_OVERDUE', at, actor: hr }],
  STAGE_ISSUED: [
    {
      type: 'STAGE_ISSUED',
      at,
      actor: hr,
      stage: {
        number: 1,
        stage: 'firstWarning',
        issuedOn: '2026-03-02',
        issuedAt: at,
        issuedBy: 'hr-1',
        liveThrough: '2026-09-01',
      },
    },
  ],
  STAGE_REVIEW_DUE: [{ type: 'STAGE_REVIEW_DUE', at, actor: hr, stageNumber: 1 }],
  WARNING_EXPIRED: [{ type: 'WARNING_EXPIRED', at, actor: hr, stageNumber: 1 }],
  APPEAL_LODGED: [
    {
      type: 'APPEAL_LODGED',
      at,
      actor: { id: 'emp-1', role: 'employee' },
      against: 'firstWarning',
    },
  ],
  APPEAL_WINDOW_CLOSED: [{ type: 'APPEAL_WINDOW_CLOSED', at, actor: hr, stageNumber: 1 }],
  APPEAL_DECIDED: [
    { type: 'APPEAL_DECIDED', at, actor: hr, against: 'firstWarning', outcome: 'upheld' },
    {
      type: 'APPEAL_DECIDED',
      at,
      actor: hr,
      against: 'dismissal',
      outcome: 'overturned',
      reinstates: true,
    },
  ],
  APPEAL_OVERDUE: [{ type: 'APPEAL_OVERDUE', at, actor: hr, against: 'firstWarning' }],
};
const ALL_EVENTS: readonly PipEvent[] = Object.values(EXAMPLES).flat();

/**
 * A vertex is the state value plus the context the guards read: where a pause resumes to (and
 * whether an extension was granted, which decides it for the next pause). Everything else in the
 * context (counters, documents) only grows and must not make the graph infinite.
 */
const serializeState = (snapshot: Snapshot): string =>
  JSON.stringify({
    value: snapshot.value,
    resumeTo: snapshot.context.pause?.resumeTo ?? null,
    extended: snapshot.context.extensions.count > 0,
  });

const traversal = {
  input: created,
  events: ALL_EVENTS,
  serializeState,
};

/** A transition of the definition, flattened: `active|PAUSED|paused`. */
const key = (source: string, type: string, target: string): string => `${source}|${type}|${target}`;

/** Every state node below the root, depth first. */
function allNodes(node: AnyStateNode = pipMachine.root): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...allNodes(child)]);
}

function leafOf(node: AnyStateNode): AnyStateNode {
  const initial = node.initial?.target[0];
  return initial ? leafOf(initial) : node;
}

const dotted = (node: AnyStateNode): string => node.path.join('.');

/** (source, event type, target) of every transition the definition declares on a leaf or its ancestors. */
function definedTransitions(): Set<string> {
  const defined = new Set<string>();
  const leaves = allNodes().filter((node) => Object.keys(node.states).length === 0);
  for (const leaf of leaves) {
    for (let node: AnyStateNode | undefined = leaf; node && node !== pipMachine.root;) {
      for (const [type, candidates] of node.transitions) {
        for (const candidate of candidates) {
          const targets = candidate.target ?? [leaf];
          for (const target of targets)
            defined.add(key(dotted(leaf), type, dotted(leafOf(target))));
        }
      }
      node = node.parent;
    }
  }
  return defined;
}

// Every reachable vertex of the graph, by its shortest path from draft.
const paths = getShortestPaths(pipMachine, traversal);
const vertices = paths.map((path) => path.state);

describe('pipMachine graph', () => {
  it('reaches every state in PIP_STATES from draft, and nothing else', () => {
    const reached = new Set(vertices.map((snapshot) => flattenState(snapshot.value)));
    expect([...reached].sort()).toEqual([...PIP_STATES].sort());
    // Every path starts in draft: the machine's initial state.
    for (const path of paths) {
      const first = path.steps[0]?.state ?? path.state;
      expect(flattenState(first.value)).toBe('draft');
    }
  });

  it('reaches every resume target of a pause (awaiting acknowledgement, active, extended)', () => {
    const paused = vertices.filter((snapshot) => snapshot.value === 'paused');
    expect(new Set(paused.map((snapshot) => snapshot.context.pause?.resumeTo))).toEqual(
      new Set(['opened', 'active', 'extended']),
    );
  });

  it('exercises every (state, event, target) transition of the definition', () => {
    const defined = definedTransitions();
    const exercised = new Set<string>();
    // Each reachable vertex (found by the shortest paths), hit with every example event.
    for (const snapshot of vertices) {
      const source = flattenState(snapshot.value);
      for (const event of ALL_EVENTS) {
        if (!snapshot.can(event)) continue;
        const [next] = transition(pipMachine, snapshot, event);
        exercised.add(key(source, event.type, flattenState(next.value)));
      }
    }
    // A record opened for a procedure without a plan takes the guarded draft transitions.
    const [procedureDraft] = initialTransition(pipMachine, {
      ...created,
      procedure: 'jobAbandonment',
    });
    for (const event of ALL_EVENTS) {
      if (!procedureDraft.can(event)) continue;
      const [next] = transition(pipMachine, procedureDraft, event);
      exercised.add(key('draft', event.type, flattenState(next.value)));
    }
    expect(exercised).toContain(key('draft', 'TERMINATION_PROPOSED', 'terminationProposed'));
    // The simple paths walk the same edges. In their steps, step i's event leads from step i-1's
    // state into step i's state (step 0 is the initial state); each must be a defined transition.
    const simplePaths = getSimplePaths(pipMachine, traversal);
    expect(simplePaths.length).toBeGreaterThanOrEqual(paths.length);
    for (const path of simplePaths) {
      expect(path.steps[0]?.event.type).toBe('xstate.init');
      for (let index = 1; index < path.steps.length; index += 1) {
        const from = path.steps[index - 1]?.state as Snapshot;
        const step = path.steps[index] as (typeof path.steps)[number];
        exercised.add(
          key(flattenState(from.value), step.event.type, flattenState(step.state.value)),
        );
      }
    }
    expect([...exercised].sort()).toEqual([...defined].sort());
    // Guarded branches: both sides of RESUMED, PASSED and DECIDED are among them.
    for (const expected of [
      key('paused', 'RESUMED', 'active'),
      key('paused', 'RESUMED', 'extended'),
      key('review', 'PASSED', 'passed.watching'),
      key('review', 'PASSED', 'passed.completed'),
      key('terminationProposed', 'DECIDED', 'terminated'),
      key('terminationProposed', 'DECIDED', 'closed'),
      key('terminated', 'APPEAL_DECIDED', 'reinstated'),
    ]) {
      expect(exercised).toContain(expected);
    }
  });

  it('final states have no outgoing transitions, but an overturned dismissal reinstates', () => {
    const finals = allNodes()
      .filter((node) => node.type === 'final')
      .map(dotted);
    // `terminated` refuses every command, yet an appeal that overturns the dismissal moves it.
    const exits: Partial<Record<string, readonly string[]>> = { terminated: ['APPEAL_DECIDED'] };
    expect([...finals, ...Object.keys(exits)].sort()).toEqual([...FINAL_STATES].sort());
    for (const state of FINAL_STATES) {
      const node = allNodes().find((candidate) => dotted(candidate) === state) as AnyStateNode;
      const allowed = exits[state] ?? [];
      // Declared: neither the final state nor any ancestor declares another transition.
      for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
        const declared = [...current.transitions.keys()].filter((type) => !allowed.includes(type));
        expect(declared, `${state} via ${current.id}`).toEqual([]);
      }
      // Behaviour: no other example event is accepted from any reached final vertex.
      const reached = vertices.filter((snapshot) => flattenState(snapshot.value) === state);
      expect(reached.length).toBeGreaterThan(0);
      for (const snapshot of reached) {
        for (const event of ALL_EVENTS) {
          const expected = allowed.includes(event.type) && 'reinstates' in event;
          expect(snapshot.can(event), event.type).toBe(expected);
        }
      }
    }
    for (const state of PIP_STATES) {
      if (FINAL_STATES.includes(state)) continue;
      const reached = vertices.filter((snapshot) => flattenState(snapshot.value) === state);
      expect(
        reached.some((snapshot) => ALL_EVENTS.some((event) => snapshot.can(event))),
        state,
      ).toBe(true);
    }
  });
});

describe('toMermaid', () => {
  const diagram = toMermaid();
  const lines = diagram.split('\n');
  const mermaidId = (node: AnyStateNode): string => node.path.join('_');

  it('starts with stateDiagram-v2 and the initial state', () => {
    expect(diagram.startsWith('stateDiagram-v2')).toBe(true);
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain(`  [*] --> ${mermaidId(leafOf(pipMachine.root))}`);
  });

  it('has a line for every (source, event, target) the machine defines, and no other', () => {
    // Transitions of compound states are drawn from each of their leaves.
    const expected = new Set<string>();
    for (const entry of definedTransitions()) {
      const [source, type, target] = entry.split('|') as [string, string, string];
      if (source !== target) {
        expected.add(`  ${source.replace('.', '_')} --> ${target.replace('.', '_')} : ${type}`);
      }
    }
    for (const node of allNodes()) {
      if (node.type === 'final') expected.add(`  ${mermaidId(node)} --> [*]`);
    }
    expect(expected.size).toBeGreaterThan(10);
    const transitionLines = lines.filter(
      (line) => line.includes('-->') && !line.includes('[*] -->'),
    );
    expect(new Set(transitionLines)).toEqual(expected);
    // No line names a compound state: every state drawn is one a PIP can be in.
    for (const line of transitionLines) {
      for (const name of line.trim().split(' : ')[0]?.split(' --> ') ?? []) {
        if (name !== '[*]')
          expect(PIP_STATES.map((state) => state.replace('.', '_'))).toContain(name);
      }
    }
  });
});

describe('notes folded without a machine step', () => {
  it('gives exactly what XState gives for every (state, event) the table calls a note', () => {
    const checked = new Set<string>();
    for (const snapshot of vertices) {
      const state = flattenState(snapshot.value);
      for (const event of ALL_EVENTS) {
        if (!notesIn(state).has(event.type)) continue;
        const folded = applyEvents(snapshot, [event]);
        const [stepped] = transition(pipMachine, snapshot, event);
        expect(folded).toBeDefined();
        expect(folded?.value).toEqual(stepped.value);
        expect(folded?.status).toBe(stepped.status);
        expect(folded?.context).toEqual(stepped.context);
        expect([...(folded?.tags ?? [])]).toEqual([...stepped.tags]);
        // The folded snapshot goes on as the stepped one does.
        for (const after of ALL_EVENTS) expect(folded?.can(after)).toBe(stepped.can(after));
        checked.add(`${state}|${event.type}`);
      }
    }
    // Every note of every state was met with an example, so none is folded unchecked.
    const declared = PIP_STATES.flatMap((state) =>
      [...notesIn(state)].map((type) => `${state}|${type}`),
    );
    expect([...checked].sort()).toEqual(declared.sort());
  });

  it('calls a note only an unguarded, targetless transition that records, never in a final state', () => {
    expect(notesIn('active').has('CHECK_IN_HELD')).toBe(true);
    expect(notesIn('opened').has('ACKNOWLEDGEMENT_OVERDUE')).toBe(true);
    expect(notesIn('amending.awaitingAcknowledgement').has('CHECK_IN_MISSED')).toBe(true);
    // Guarded (a record without a plan), moving, or not accepted at all: a machine step.
    expect(notesIn('draft').has('ESCALATED')).toBe(false);
    expect(notesIn('active').has('PERIOD_ENDED')).toBe(false);
    expect(notesIn('paused').has('RESUMED')).toBe(false);
    expect(notesIn('draft').has('CHECK_IN_HELD')).toBe(false);
    for (const state of FINAL_STATES) expect(notesIn(state).size).toBe(0);
  });
});

describe('restoreSnapshot', () => {
  it('restores what XState resolves, in every reachable state, and steps on the same way', () => {
    const states = new Set<string>();
    for (const vertex of vertices) {
      const state = flattenState(vertex.value);
      states.add(state);
      // A copy of the context: never a snapshot already remembered for it.
      const context = { ...vertex.context };
      const restored = restoreSnapshot(state, context);
      const resolved = pipMachine.resolveState({ value: vertex.value, context });
      expect(restored.context).toBe(context);
      expect(restored.value).toEqual(resolved.value);
      expect(restored.status).toBe(resolved.status);
      expect(restored._nodes).toEqual(resolved._nodes);
      expect([...restored.tags]).toEqual([...resolved.tags]);
      expect(restored.historyValue).toEqual(resolved.historyValue);
      expect(restored.children).toEqual(resolved.children);
      for (const event of ALL_EVENTS) {
        expect(restored.can(event)).toBe(resolved.can(event));
        if (!resolved.can(event)) continue;
        const [fromRestored] = transition(pipMachine, restored, event);
        const [fromResolved] = transition(pipMachine, resolved, event);
        expect(fromRestored.value).toEqual(fromResolved.value);
        expect(fromRestored.context).toEqual(fromResolved.context);
      }
    }
    expect([...states].sort()).toEqual([...PIP_STATES].sort());
  });

  it('refuses a state the machine does not have', () => {
    expect(() => restoreSnapshot('nowhere' as never, created as never)).toThrow();
  });
});

describe('replayEvents', () => {
  const submitted: PipEvent = { type: 'SUBMITTED_FOR_APPROVAL', at, actor: hr };
  const approved: PipEvent = { type: 'APPROVED', at, actor: { id: 'hr-2', role: 'hr' } };

  it('replays a legal history', () => {
    const { state, context } = replayEvents([created, submitted, approved]);
    expect(state).toBe('opened');
    expect(context.submittedBy).toBe('hr-1');
    expect(context.approvedBy).toBe('hr-2');
  });

  it('rejects a history that does not start with PIP_CREATED', () => {
    expect(() => replayEvents([])).toThrow(/starts with PIP_CREATED/);
    expect(() => replayEvents([submitted])).toThrow(/starts with PIP_CREATED/);
    expect(() => replayEvents([submitted, created])).toThrow(/starts with PIP_CREATED/);
  });

  it('rejects a history with an event its state does not accept (later in the history)', () => {
    expect(() => replayEvents([created, submitted, submitted])).toThrow(/does not accept/);
    expect(() => replayEvents([created, submitted, approved, submitted])).toThrow(
      /does not accept/,
    );
    const closed: PipEvent = { type: 'CLOSED', at, actor: hr, reason: 'withdrawn' };
    const held = EXAMPLES.CHECK_IN_HELD[0] as PipEvent;
    expect(replayEvents([created, closed]).state).toBe('closed');
    expect(() => replayEvents([created, closed, held])).toThrow(/does not accept/);
    // Documents on an ended record come only with an appeal, and stay legal there.
    const attached = EXAMPLES.DOCUMENTS_ATTACHED[0] as PipEvent;
    expect(replayEvents([created, closed, attached]).state).toBe('closed');
  });

  it('rejects a history whose first event after PIP_CREATED is illegal in draft', () => {
    expect(() => replayEvents([created, approved])).toThrow(/does not accept/);
    expect(() => replayEvents([created, created])).toThrow(/does not accept/);
    expect(() => replayEvents([created, approved, submitted])).toThrow(/does not accept/);
  });
});
