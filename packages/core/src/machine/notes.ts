import type { AnyStateNode } from 'xstate';
import { evolve } from './evolve.js';
import { type PipState, pipMachine } from './pipMachine.js';
import type { PipMachineSnapshot } from './snapshot.js';
import type { PipEvent, PipEventType } from './types.js';

/**
 * True when nothing on the way from `leaf` to the root can add to or follow a selected
 * transition: no wildcard descriptor (it would add candidates) and no eventless (`always`)
 * transition (it would run after).
 */
function plainPath(leaf: AnyStateNode): boolean {
  for (let node: AnyStateNode | undefined = leaf; node; node = node.parent) {
    if (node.always && node.always.length > 0) return false;
    if ([...node.transitions.keys()].some((descriptor) => descriptor.includes('*'))) return false;
  }
  return true;
}

/**
 * Whether the transition XState would select for `type` in the atomic state `leaf` is a note: a
 * self-transition with no guard, no target and the one action `record`. XState selects the first
 * state node, from the atomic one up to the root, with candidates for the event type, and the first
 * candidate there whose guard passes; an unguarded lone candidate is always taken.
 */
function isNote(leaf: AnyStateNode, type: string): boolean {
  for (let node: AnyStateNode | undefined = leaf; node; node = node.parent) {
    const candidates = node.transitions.get(type);
    if (!candidates || candidates.length === 0) continue;
    const [only] = candidates;
    return (
      candidates.length === 1 &&
      only !== undefined &&
      only.guard === undefined &&
      only.target === undefined &&
      only.actions.length === 1 &&
      only.actions[0] === 'record'
    );
  }
  return false;
}

/** The atomic state nodes below `node`. */
function leaves(node: AnyStateNode): AnyStateNode[] {
  const children = Object.values(node.states);
  return children.length === 0 ? [node] : children.flatMap(leaves);
}

const NONE: ReadonlySet<PipEventType> = new Set();

/**
 * For each state, the event types its machine transition only records: the machine's own
 * definition read once, so a changed definition changes the table.
 */
const NOTES: ReadonlyMap<PipState, ReadonlySet<PipEventType>> = new Map(
  leaves(pipMachine.root)
    .filter((leaf) => leaf.type !== 'final')
    .map((leaf) => {
      const types = new Set<string>();
      if (plainPath(leaf)) {
        for (let node: AnyStateNode | undefined = leaf; node; node = node.parent)
          for (const type of node.transitions.keys()) if (isNote(leaf, type)) types.add(type);
      }
      return [leaf.path.join('.') as PipState, types as ReadonlySet<PipEventType>];
    }),
);

/** The event types that are notes in `state` (none for a final state). @internal */
export function notesIn(state: PipState): ReadonlySet<PipEventType> {
  return NOTES.get(state) ?? NONE;
}

/**
 * The snapshot after a note: what XState's `transition` gives for a targetless, unguarded
 * transition whose one action is `assign(({ context, event }) => evolve(context, event))`
 * (`assign` merges the update into a copy of the context, and the configuration, history and
 * status stay), without building the transition's microstep. `cloneMachineSnapshot` in XState
 * copies a snapshot the same way. About a tenth of the microseconds of a machine step. @internal
 */
export function applyNote(snapshot: PipMachineSnapshot, event: PipEvent): PipMachineSnapshot {
  const context = { ...snapshot.context, ...evolve(snapshot.context, event) };
  return { ...snapshot, context };
}
