import { type Policy, type PolicyDocument, presets, toMermaid } from '@pipkit/core';
import { ExitCode, UsageError } from '../io.js';
import { type CliCommand, printJson, printLines, stringFlag } from './command.js';

const TRANSITION = /^ {2}(\S+) --> (\S+)(?: : (\S+))?$/;

/**
 * The lifecycle diagram narrowed to what a policy allows: no approval states when it needs no
 * approval (and no direct issue when it does), no witnessed refusal when acknowledgement is
 * required, no extension state without extensions, no watch window without one.
 *
 * @example
 * ```ts
 * console.log(policyDiagram(presets.default.document));
 * ```
 */
export function policyDiagram(document: PolicyDocument): string {
  const keep = (from: string, to: string, event: string | undefined): boolean => {
    const states = [from, to];
    if (!document.approval.required && states.includes('pendingApproval')) return false;
    if (document.approval.required && from === 'draft' && event === 'ISSUED') return false;
    if (document.acknowledgement.mode === 'required' && event === 'REFUSAL_WITNESSED') return false;
    if (document.extensions.maxCount === 0 && states.includes('extended')) return false;
    if (document.watchWindow === undefined && states.includes('passed_watching')) return false;
    if (document.watchWindow !== undefined && from === 'review' && to === 'passed_completed')
      return false;
    return true;
  };
  return toMermaid()
    .split('\n')
    .filter((line) => {
      const match = TRANSITION.exec(line);
      return !match || keep(match[1] as string, match[2] as string, match[3]);
    })
    .join('\n');
}

/** `pipkit diagram`: the lifecycle as Mermaid. */
export const diagramCommand: CliCommand = {
  name: 'diagram',
  summary: 'the lifecycle as a Mermaid state diagram, optionally narrowed to a preset policy',
  usage: 'pipkit diagram [--policy <preset>] [--json]',
  help: [
    'Prints the lifecycle machine as a Mermaid stateDiagram-v2 (toMermaid() from @pipkit/core):',
    'paste it into GitHub Markdown or any Mermaid renderer. With --policy <preset>, transitions the',
    'policy never takes are left out (approval, witnessed refusal, extensions, watch window).',
    '',
    'Example: pipkit diagram --policy default > lifecycle.mmd',
  ].join('\n'),
  options: { policy: { type: 'string' } },
  positionals: [0, 0],
  run({ flags, io, json }) {
    const name = stringFlag(flags, 'policy');
    let mermaid = toMermaid();
    let policy: Policy | undefined;
    if (name !== undefined) {
      const registry: Readonly<Record<string, Policy>> = presets;
      policy = Object.hasOwn(registry, name) ? registry[name] : undefined;
      if (!policy) {
        throw new UsageError(
          `Unknown preset "${name}".`,
          `Use one of: ${Object.keys(registry).join(', ')}.`,
        );
      }
      mermaid = policyDiagram(policy.document);
    }
    if (json) printJson(io, { policy: policy ? `${policy.id}@${policy.version}` : null, mermaid });
    else printLines(io, [mermaid]);
    return Promise.resolve(ExitCode.ok);
  },
};
