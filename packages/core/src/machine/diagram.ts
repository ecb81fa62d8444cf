import type { AnyStateNode } from 'xstate';
import { pipMachine } from './pipMachine.js';

/**
 * Renders the lifecycle machine as a Mermaid `stateDiagram-v2`, one line per transition from each
 * leaf state (a compound state's transitions are drawn from each of its children), labelled with
 * the event that causes it. Paste it into any Mermaid renderer or a GitHub Markdown file.
 *
 * @example
 * ```ts
 * console.log(toMermaid());
 * // stateDiagram-v2
 * //   [*] --> draft
 * //   draft --> pendingApproval : SUBMITTED_FOR_APPROVAL
 * //   ...
 * ```
 */
export function toMermaid(): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${mermaidId(initialLeaf(pipMachine.root))}`];
  for (const leaf of leaves(pipMachine.root)) {
    const from = mermaidId(leaf);
    const handled = new Set<string>();
    // The leaf's own handlers first, then each ancestor's for events the leaf does not handle.
    for (
      let node: AnyStateNode | undefined = leaf;
      node && node !== pipMachine.root;
      node = node.parent
    ) {
      for (const [eventType, transitions] of node.transitions) {
        if (handled.has(eventType)) continue;
        handled.add(eventType);
        for (const transition of transitions) {
          for (const target of transition.target ?? []) {
            const to = mermaidId(initialLeaf(target));
            if (to !== from) lines.push(`  ${from} --> ${to} : ${eventType}`);
          }
        }
      }
    }
    if (leaf.type === 'final') lines.push(`  ${from} --> [*]`);
  }
  return [...new Set(lines)].join('\n');
}

function leaves(node: AnyStateNode): AnyStateNode[] {
  const children = Object.values(node.states);
  return children.length === 0 ? [node] : children.flatMap(leaves);
}

function initialLeaf(node: AnyStateNode): AnyStateNode {
  const initialTarget = node.initial?.target[0];
  return initialTarget ? initialLeaf(initialTarget) : node;
}

function mermaidId(node: AnyStateNode): string {
  return node.path.join('_');
}
