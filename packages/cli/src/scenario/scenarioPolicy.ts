import { definePolicy, type Policy, PolicyValidationError, presets } from '@pipkit/core';
import { ScenarioProblems } from './loadScenario.js';
import type { Scenario } from './scenarioSchema.js';

/**
 * The policy a scenario runs on: a preset named by `policy`, or the document written inline.
 * Throws {@link ScenarioProblems} for an unknown preset or an invalid document.
 */
export function resolvePolicy(scenario: Scenario): Policy {
  if (typeof scenario.policy === 'string') {
    const name = scenario.policy;
    const registry: Readonly<Record<string, Policy>> = presets;
    const preset = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (!preset) {
      throw new ScenarioProblems([
        {
          path: ['policy'],
          message: `Unknown preset "${name}". Presets: ${Object.keys(registry).join(', ')}; or write the policy inline as policy: { document: {...} }.`,
        },
      ]);
    }
    return preset;
  }
  try {
    return definePolicy(scenario.policy.document);
  } catch (error) {
    if (error instanceof PolicyValidationError) {
      throw new ScenarioProblems(
        error.issues.map((issue) => ({
          path: ['policy', 'document', ...issue.path],
          message: issue.message,
        })),
      );
    }
    throw error;
  }
}
