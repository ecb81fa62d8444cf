import {
  type Actor,
  type Command,
  type DocumentRef,
  type Engine,
  type Goal,
  type PipRecord,
  PipkitError,
  type PipkitIssue,
  type Policy,
  SYSTEM_ACTOR,
} from '@pipkit/core';
import { createHash } from 'node:crypto';
import { ScenarioProblems } from './loadScenario.js';
import { toInstant } from './scenarioTime.js';
import type { Scenario, ScenarioCommand } from './scenarioSchema.js';

/** One PIP of a scenario: its employee, manager, goals and documents. */
export type PipSpec = Scenario['pips'][number];

/** A command's outcome in a step: accepted, or refused with the error code and every issue. */
export type StepOutcome =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly code: string; readonly issues: readonly PipkitIssue[] };

const DEFAULT_GOALS: Goal[] = [
  {
    id: 'standard',
    description: 'Meet the performance standard written in the plan',
    measure: 'As measured in the plan document',
  },
];

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * The document a shorthand (`planDocument`, `planDocument:v2`) stands for; stable across runs.
 *
 * @example
 * ```ts
 * shorthandDocument('p-1', 'planDocument:v2');
 * // { kind: 'planDocument', ref: 'scenario://p-1/planDocument/v2', sha256: 'ac6570…' }
 * ```
 */
export function shorthandDocument(pipId: string, shorthand: string): DocumentRef {
  const [kind = shorthand, label = 'v1'] = shorthand.split(':');
  const ref = `scenario://${pipId}/${kind}/${label}`;
  return { kind, ref, sha256: createHash('sha256').update(ref).digest('hex') };
}

/** The actor a step's `as` names: a role shorthand, a name from `actors`, or `{ id, role }`. */
export function actorFor(
  scenario: Scenario,
  pip: PipSpec,
  reference: string | Actor,
  path: readonly (string | number)[],
): Actor {
  if (typeof reference !== 'string') return reference;
  const named = scenario.actors?.[reference];
  if (named) return named;
  switch (reference) {
    case 'manager':
      return { id: pip.managerId, role: 'manager' };
    case 'employee':
      return { id: pip.employee.id, role: 'employee' };
    case 'hr':
      return { id: 'hr', role: 'hr' };
    case 'system':
      return SYSTEM_ACTOR;
    default:
      throw new ScenarioProblems([
        {
          path,
          message: `Unknown actor "${reference}". Use manager, employee, hr, system, a name from actors (${Object.keys(scenario.actors ?? {}).join(', ') || 'none defined'}), or { id, role }.`,
        },
      ]);
  }
}

/**
 * The engine command a scenario command stands for: document shorthands expanded, local times
 * turned into instants, and the plan document to acknowledge found when none is given.
 */
export function toCommand(
  step: ScenarioCommand,
  pip: PipSpec,
  record: PipRecord | undefined,
  path: readonly (string | number)[],
): Command {
  const zone = pip.employee.timeZone;
  const { documents, ...rest } = step as ScenarioCommand & { documents?: unknown[] };
  const expanded = documents?.map((document) =>
    typeof document === 'string' ? shorthandDocument(pip.id, document) : document,
  );
  const command: Record<string, unknown> = {
    ...rest,
    ...(expanded ? { documents: expanded } : {}),
  };
  const time = (field: string) => {
    const value = command[field];
    if (typeof value === 'string') command[field] = toInstant(value, zone, [...path, field]);
  };
  switch (step.type) {
    case 'ACKNOWLEDGE':
    case 'RECORD_REFUSAL': {
      const given = command.documentSha256;
      if (typeof given === 'string' && !HEX_SHA256.test(given)) {
        command.documentSha256 = shorthandDocument(pip.id, given).sha256;
      } else if (given === undefined) {
        const amended = record?.context.amendment?.documentSha256;
        const plans = [...(record?.context.documents ?? []), ...(expanded ?? [])].filter(
          (document) => document.kind === 'planDocument',
        );
        const newest = amended ?? plans.at(-1)?.sha256;
        if (newest === undefined) {
          throw new ScenarioProblems([
            {
              path: [...path, 'documentSha256'],
              message:
                'No planDocument is attached to acknowledge: attach one first, or give documentSha256.',
            },
          ]);
        }
        command.documentSha256 = newest;
      }
      break;
    }
    case 'PAUSE':
      time('from');
      time('until');
      break;
    case 'RESUME':
      time('at');
      break;
    case 'DEADLINE_REACHED':
      time('dueAt');
      break;
    default:
      break;
  }
  return command as Command;
}

/** Opens a PIP as an `open` step asks; a refusal is an outcome, not an error. */
export async function openPip(
  engine: Engine,
  policy: Policy,
  pip: PipSpec,
  calendar: string | undefined,
  actor: Actor,
): Promise<StepOutcome> {
  try {
    await engine.open(
      {
        pipId: pip.id,
        employee: {
          id: pip.employee.id,
          timeZone: pip.employee.timeZone,
          ...(calendar ? { calendar } : {}),
          ...(pip.employee.level === undefined ? {} : { level: pip.employee.level }),
          ...(pip.employee.group === undefined ? {} : { group: pip.employee.group }),
        },
        managerId: pip.managerId,
        policy: { id: policy.id, version: policy.version },
        goals: pip.goals ?? DEFAULT_GOALS,
        ...(pip.planDuration ? { planDuration: pip.planDuration } : {}),
        ...(pip.trigger ? { trigger: pip.trigger } : {}),
        ...(pip.procedure ? { procedure: pip.procedure } : {}),
        ...(pip.documents
          ? {
              documents: pip.documents.map((document) =>
                typeof document === 'string' ? shorthandDocument(pip.id, document) : document,
              ),
            }
          : {}),
      },
      { actor },
    );
    return { accepted: true };
  } catch (error) {
    if (!(error instanceof PipkitError)) throw error;
    return { accepted: false, code: error.code, issues: error.issues };
  }
}
