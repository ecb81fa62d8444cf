import type { AnyStateNode } from 'xstate';
import { pipMachine } from './pipMachine.js';

/**
 * Renders the lifecycle machine as a Mermaid `stateDiagram-v2`, one line per transition, labelled
 * with the event that causes it. Paste it into any Mermaid renderer or a GitHub Markdown file.
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
  const visit = (node: AnyStateNode): void => {
    const from = mermaidId(node);
    for (const [eventType, transitions] of node.transitions) {
      for (const transition of transitions) {
        const targets = transition.target ?? [];
        for (const target of targets) {
          const targetNode = target.initial ? initialLeaf(target) : target;
          const to = mermaidId(targetNode);
          if (to !== from) lines.push(`  ${from} --> ${to} : ${eventType}`);
        }
      }
    }
    if (node.type === 'final') lines.push(`  ${from} --> [*]`);
    for (const child of Object.values(node.states)) visit(child);
  };
  for (const child of Object.values(pipMachine.root.states)) visit(child);
  return [...new Set(lines)].join('\n');
}

function initialLeaf(node: AnyStateNode): AnyStateNode {
  const initialTarget = node.initial?.target[0];
  return initialTarget ? initialLeaf(initialTarget) : node;
}

function mermaidId(node: AnyStateNode): string {
  return node.path.join('_');
}
