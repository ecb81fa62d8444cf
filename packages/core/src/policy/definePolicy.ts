import { deepFreeze } from '../model/immutable.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import { PolicyValidationError } from '../errors/pipkitError.js';
import { fromZodIssues } from '../errors/zodIssues.js';
import { policyContradictions } from './contradictions.js';
import type { Command } from '../model/commands.js';
import type { PipState } from '../machine/pipMachine.js';
import type { PipContext } from '../machine/types.js';
import type { Actor } from '../model/actor.js';
import {
  type PolicyDocument,
  type PolicyDocumentInput,
  policyDocumentSchema,
} from './policySchema.js';

/** What a code rule sees. Everything is read-only data; `now` is the engine clock's instant. */
export interface PolicyRuleInput {
  readonly command: Command;
  readonly actor: Actor;
  readonly state: PipState;
  readonly context: PipContext;
  readonly policy: PolicyDocument;
  /** UTC ISO instant of the decision. */
  readonly now: string;
}

/**
 * A rule data cannot express, as code: return every issue that should refuse the command, or an
 * empty list. Pure: no I/O, no clock but `now`.
 */
export interface PolicyRule {
  /** Stable name, shown in explanations. */
  readonly name: string;
  /** Returns the issues that refuse this command (empty to allow). */
  readonly check: (input: PolicyRuleInput) => readonly PipkitIssue[];
}

/** A validated, frozen policy: the document plus its code rules. Build one with {@link definePolicy}. */
export interface Policy {
  readonly id: string;
  readonly version: number;
  readonly document: PolicyDocument;
  readonly rules: readonly PolicyRule[];
}

/**
 * Validates a policy document with zod, applies its defaults, checks that its fields do not
 * contradict each other (a plan cap shorter than the plan, an escalation to a recipient nobody
 * named, ...), attaches code rules and freezes the result. Throws {@link PolicyValidationError}
 * (`INVALID_POLICY`) listing every problem with its path (`POLICY_CONTRADICTION` for the
 * cross-field ones).
 *
 * @example
 * ```ts
 * const policy = definePolicy(
 *   { ...defaultPolicyDocument, id: 'acme-pip', version: 2 },
 *   { rules: [{ name: 'noFridayTerminations', check: ({ command, now }) => [] }] },
 * );
 * ```
 */
export function definePolicy(
  document: PolicyDocumentInput,
  options: { readonly rules?: readonly PolicyRule[] } = {},
): Policy {
  const parsed = policyDocumentSchema.safeParse(document);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new PolicyValidationError(
      `Invalid policy document: ${issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  const contradictions = policyContradictions(parsed.data);
  if (contradictions.length > 0) {
    throw new PolicyValidationError(
      `Contradictory policy document: ${contradictions.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      contradictions,
    );
  }
  const rules = options.rules ?? [];
  const names = new Set<string>();
  for (const rule of rules) {
    if (typeof rule.check !== 'function' || !rule.name) {
      throw new PolicyValidationError('Every policy rule needs a name and a check function.', [
        {
          code: 'INVALID_RULE',
          path: ['rules'],
          message: 'Every policy rule needs a name and a check function.',
        },
      ]);
    }
    if (names.has(rule.name)) {
      throw new PolicyValidationError(`Two policy rules are named "${rule.name}".`, [
        {
          code: 'DUPLICATE_RULE',
          path: ['rules', rule.name],
          message: `Two policy rules are named "${rule.name}".`,
        },
      ]);
    }
    names.add(rule.name);
  }
  const frozen = deepFreeze(parsed.data);
  return Object.freeze({
    id: frozen.id,
    version: frozen.version,
    document: frozen,
    rules: Object.freeze([...rules]),
  });
}
