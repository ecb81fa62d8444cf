import { type SnapshotFrom, type StateValue, createActor, initialTransition } from 'xstate';
import { evolve } from './evolve.js';
import { applyNote, notesIn } from './notes.js';
import { FINAL_STATES, type PipState, pipMachine } from './pipMachine.js';
import type { PipContext, PipEvent } from './types.js';

/** A live XState snapshot of the PIP machine. @internal */
export type PipMachineSnapshot = SnapshotFrom<typeof pipMachine>;

/** Flattens an XState state value into a dotted string (`{ passed: 'watching' }` is `passed.watching`). */
export function flattenState(value: StateValue): PipState {
  if (typeof value === 'string') return value as PipState;
  const [key, child] = Object.entries(value)[0] as [string, StateValue];
  return `${key}.${flattenState(child)}` as PipState;
}

function unflattenState(state: PipState): StateValue {
  const dot = state.indexOf('.');
  return dot === -1 ? state : { [state.slice(0, dot)]: state.slice(dot + 1) };
}

/** True when the state absorbs every command (passed with no watch left, terminated, closed). */
export function isFinalState(state: PipState): boolean {
  return FINAL_STATES.includes(state);
}

// The snapshot each context object came from (or was restored to). A record's context is the
// object its commit's snapshot held, so deciding the next command on a remembered record skips
// XState's `resolveState`. Contexts are never mutated (`assign` builds new ones), and the entry
// is checked against the state, so a hit is exactly what resolving would give.
const snapshots = new WeakMap<PipContext, PipMachineSnapshot>();

// One resolved snapshot per state, with an empty context. XState's `resolveState` derives the
// configuration, value, tags and status from the state value alone, and children and history are
// empty (the machine spawns nothing and has no history states), so resolving a state once serves
// every PIP in it. Its children and history are frozen: XState copies them before any change.
// No PIP's context is kept here, so a purged PIP's data does not outlive it in this table.
const resolvedStates = new Map<PipState, PipMachineSnapshot>();

/** `pipMachine.resolveState({ value, context })` for a flattened state, from the state's template. */
function resolveState(state: PipState, context: PipContext): PipMachineSnapshot {
  let resolved = resolvedStates.get(state);
  if (!resolved) {
    // An unknown state throws here, so only the machine's own states are ever kept.
    resolved = pipMachine.resolveState({ value: unflattenState(state), context: {} as PipContext });
    Object.freeze(resolved.children);
    Object.freeze(resolved.historyValue);
    resolvedStates.set(state, resolved);
  }
  return { ...resolved, context };
}

/** Restores a machine snapshot from our stored envelope (`state` + `context`). @internal */
export function restoreSnapshot(state: PipState, context: PipContext): PipMachineSnapshot {
  const known = snapshots.get(context);
  if (known && flattenState(known.value) === state) return known;
  const snapshot = resolveState(state, context);
  snapshots.set(context, snapshot);
  return snapshot;
}

/**
 * The snapshot's context as a record keeps it. XState's `assign` merges into the context, so a
 * member the machine cleared is still there, set to `undefined`; JSON drops it, so a SQL store
 * reads it back absent. Those members are left out here (a copy, only when there are any), so
 * the record the engine hands back and keeps equals what every store returns, and the copy is
 * remembered against the snapshot like the context it came from. @internal
 */
export function recordContext(snapshot: PipMachineSnapshot): PipContext {
  const context = snapshot.context as unknown as Record<string, unknown>;
  let cleared = false;
  for (const key in context) {
    if (context[key] === undefined) {
      cleared = true;
      break;
    }
  }
  if (!cleared) return snapshot.context;
  const kept: Record<string, unknown> = {};
  for (const key in context) if (context[key] !== undefined) kept[key] = context[key];
  snapshots.set(kept as unknown as PipContext, snapshot);
  return kept as unknown as PipContext;
}

/** The first snapshot, from the creation event. @internal */
export function initialSnapshot(
  created: Extract<PipEvent, { type: 'PIP_CREATED' }>,
): PipMachineSnapshot {
  return initialTransition(pipMachine, created)[0];
}

/** True when the machine accepts this event in this snapshot. @internal */
export function accepts(snapshot: PipMachineSnapshot, event: PipEvent): boolean {
  return foldsOutside(snapshot, event) || snapshot.can(event);
}

/**
 * What an appeal lodged after the plan has ended brings with it in a final state: its documents,
 * and when its decision is overdue the event, the escalation and the reminder. While the plan
 * runs the machine takes them itself. @internal
 */
export const AFTER_END_EVENTS: ReadonlySet<PipEvent['type']> = new Set([
  'DOCUMENTS_ATTACHED',
  'APPEAL_OVERDUE',
  'ESCALATED',
  'REMINDER_SENT',
]);

/** True when `event` is folded outside the machine in this snapshot (the state stays). */
function foldsOutside(snapshot: PipMachineSnapshot, event: PipEvent): boolean {
  if (RECORD_EVENTS.has(event.type)) return !snapshot.can(event);
  return AFTER_END_EVENTS.has(event.type) && isFinalState(flattenState(snapshot.value));
}

/**
 * Events about the record rather than the plan (legal holds, the purge falling due): they apply
 * in every state, final ones included, and never move the state, so they are folded outside the
 * machine. @internal
 */
export const RECORD_EVENTS: ReadonlySet<PipEvent['type']> = new Set([
  'LEGAL_HOLD_PLACED',
  'LEGAL_HOLD_RELEASED',
  'MESSAGE_DEAD_LETTERED',
  'PURGE_DUE',
  // An appeal may follow a decision that ended the plan (a dismissal), so it is about the record.
  'APPEAL_LODGED',
  'APPEAL_DECIDED',
]);

type PipActorScope = Parameters<typeof pipMachine.transition>[2];

let inertScope: PipActorScope | undefined;

/**
 * An actor scope that executes nothing: the machine is pure (guards and `assign` only; no
 * delays, no spawned actors, no custom actions), so every transition's effect is its snapshot.
 * XState's own `transition()` builds the same scope around a throwaway actor on every call; that
 * actor is most of the cost of a step (about 50 of 75 microseconds here), so it is built once.
 */
function scopeFor(snapshot: PipMachineSnapshot): PipActorScope {
  if (!inertScope) {
    const self = createActor(pipMachine, { snapshot, input: undefined as never });
    inertScope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      logger: () => undefined,
      defer: () => undefined,
      emit: () => undefined,
      stopChild: () => undefined,
      actionExecutor: () => undefined,
    } as PipActorScope;
  }
  return inertScope;
}

/**
 * Applies accepted events to a snapshot with the machine's own transition function (the
 * `ActorLogic.transition` every XState actor calls), statelessly. Returns `undefined` when an
 * event was not accepted in the state it met. @internal
 */
export function applyEvents(
  snapshot: PipMachineSnapshot,
  events: readonly PipEvent[],
): PipMachineSnapshot | undefined {
  const scope = scopeFor(snapshot);
  let current = snapshot;
  for (const event of events) {
    if (foldsOutside(current, event)) {
      // About the record, not the plan: in every state, final ones included, the state stays
      // (unless the machine moves on it: an overturned dismissal reinstates).
      current = resolveState(flattenState(current.value), evolve(current.context, event));
      continue;
    }
    if (current.status === 'active' && notesIn(flattenState(current.value)).has(event.type)) {
      // Most events a plan records (a check-in held, a deadline missed, an escalation) only
      // record: folded the way the machine's `record` action folds them, without a machine step.
      current = applyNote(current, event);
      continue;
    }
    const next = pipMachine.transition(current, event, scope);
    // Every accepted transition records the event, so an ignored event leaves the snapshot as it was.
    if (next === current) return undefined;
    current = next;
  }
  if (current !== snapshot) snapshots.set(current.context, current);
  return current;
}

/**
 * Replays a PIP's events from creation. Invariant 4: the result equals the stored snapshot.
 * Throws when an event is not legal where it appears (a corrupted or reordered log).
 */
export function replayEvents(events: readonly PipEvent[]): {
  state: PipState;
  context: PipContext;
} {
  const [first, ...rest] = events;
  if (!first || first.type !== 'PIP_CREATED')
    throw new Error('A PIP history starts with PIP_CREATED.');
  const start = initialSnapshot(first);
  const end = rest.length === 0 ? start : applyEvents(start, rest);
  if (!end) throw new Error('The history contains an event its state does not accept.');
  return { state: flattenState(end.value), context: end.context };
}
