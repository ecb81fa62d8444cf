import {
  type Actor,
  type Engine,
  type CalendarDefinition,
  type Command,
  createEngine,
  definePolicy,
  type DocumentRef,
  type FiredDeadline,
  type Goal,
  type OutboxMessage,
  type PipRecord,
  type PipStore,
  PipkitError,
  type Policy,
  PolicyValidationError,
  presets,
  type PipkitIssue,
  type StoredEvent,
  memoryStore,
  SYSTEM_ACTOR,
} from '@pipkit/core';
import { holidayCalendar } from '@pipkit/holidays';
import { sqliteStore } from '@pipkit/sqlite';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LoadedScenario,
  ScenarioFileError,
  type ScenarioProblem,
  ScenarioProblems,
} from './loadScenario.js';
import { localLabel, toInstant } from './scenarioTime.js';
import type { Scenario, ScenarioCommand } from './scenarioSchema.js';
import { checkExpectations, type ExpectationFailure, type StepFacts } from './expectations.js';

/** Where a simulation keeps its PIPs. */
export type SimulationStore = 'memory' | 'sqlite';

/** Options of {@link simulateScenario}. */
export interface SimulateOptions {
  /** `memory` (default) or `sqlite` (a fresh temporary file, deleted afterwards). */
  readonly store?: SimulationStore;
}

/** What one step did and whether its expectations held. */
export interface StepReport {
  /** 0-based, as in `steps[index]`. */
  readonly index: number;
  readonly kind: 'open' | 'command' | 'advance' | 'check';
  readonly note?: string;
  readonly pipId: string;
  /** The simulated instant of the step, UTC. */
  readonly at: string;
  /** The same instant in the PIP's employee's zone: `Mon 4 May 2026 09:00 EDT`. */
  readonly local: string;
  readonly actor?: Actor;
  readonly command?: string;
  /** For a command: accepted, or refused with the error code and every issue. */
  readonly outcome?:
    | { readonly accepted: true }
    | { readonly accepted: false; readonly code: string; readonly issues: readonly PipkitIssue[] };
  /** Deadlines the sweep fired in this step, as timer ids (`pipId/deadlineId`). */
  readonly fired: readonly string[];
  /** Event types the step appended to its PIP. */
  readonly events: readonly string[];
  /** The PIP's state after the step (`not opened` before it opens). */
  readonly state: string;
  /** How many single checks the step's expectations made. */
  readonly checks: number;
  readonly failures: readonly ExpectationFailure[];
}

/** The result of one scenario. */
export interface ScenarioReport {
  readonly file: string;
  readonly name: string;
  readonly policy: string;
  readonly store: SimulationStore;
  readonly ok: boolean;
  readonly steps: readonly StepReport[];
  /** Set when a command's outcome was not the expected one: the steps after it did not run. */
  readonly stoppedAt?: number;
  /** Each PIP at the end, with its audit check (hash chain and replay). */
  readonly pips: readonly {
    readonly pipId: string;
    readonly state: string;
    readonly version: number;
    readonly verified: boolean;
  }[];
  /** Single checks made, and how many failed. */
  readonly checks: number;
  readonly failed: number;
}

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

type PipSpec = Scenario['pips'][number];

function problem(path: readonly (string | number)[], message: string): ScenarioProblem {
  return { path, message };
}

function resolvePolicy(scenario: Scenario): Policy {
  if (typeof scenario.policy === 'string') {
    const name = scenario.policy;
    const registry: Readonly<Record<string, Policy>> = presets;
    const preset = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (!preset) {
      throw new ScenarioProblems([
        problem(
          ['policy'],
          `Unknown preset "${name}". Presets: ${Object.keys(registry).join(', ')}; or write the policy inline as policy: { document: {...} }.`,
        ),
      ]);
    }
    return preset;
  }
  try {
    return definePolicy(scenario.policy.document);
  } catch (error) {
    if (error instanceof PolicyValidationError) {
      throw new ScenarioProblems(
        error.issues.map((issue) => problem(['policy', 'document', ...issue.path], issue.message)),
      );
    }
    throw error;
  }
}

function calendarsFor(scenario: Scenario): {
  calendars: Record<string, CalendarDefinition>;
  ids: Map<string, string>;
} {
  const calendars: Record<string, CalendarDefinition> = {};
  const ids = new Map<string, string>();
  const signatures = new Map<string, string>();
  scenario.pips.forEach((pip, index) => {
    const spec = pip.employee.calendar;
    if (!spec) return;
    const path = ['pips', index, 'employee', 'calendar'];
    const firstStep = scenario.steps[0];
    const openedYear = Number((firstStep?.at ?? firstStep?.advanceTo ?? '2026').slice(0, 4));
    const years = spec.years ?? { from: openedYear, to: openedYear + 1 };
    const signature = JSON.stringify({ ...spec, years });
    let id = spec.region.toUpperCase();
    for (let n = 2; signatures.has(id) && signatures.get(id) !== signature; n += 1)
      id = `${spec.region.toUpperCase()}#${n}`;
    try {
      const built = holidayCalendar(spec.region, {
        years,
        ...(spec.exclude ? { exclude: spec.exclude } : {}),
        ...(spec.include ? { include: spec.include } : {}),
        ...(spec.weekend ? { weekend: spec.weekend as (1 | 2 | 3 | 4 | 5 | 6 | 7)[] } : {}),
      });
      calendars[id] = { weekend: built.weekend, holidays: built.holidays };
    } catch (error) {
      if (error instanceof PipkitError) {
        throw new ScenarioProblems(
          error.issues.map((issue) => problem([...path, ...issue.path], issue.message)),
        );
      }
      throw error;
    }
    signatures.set(id, signature);
    ids.set(pip.id, id);
  });
  return { calendars, ids };
}

interface Simulation {
  readonly store: PipStore;
  readonly close: () => Promise<void>;
  now: string;
}

function openStore(kind: SimulationStore): { store: PipStore; close: () => Promise<void> } {
  if (kind === 'memory') return { store: memoryStore(), close: async () => {} };
  const folder = mkdtempSync(join(tmpdir(), 'pipkit-simulate-'));
  const store = sqliteStore({ path: join(folder, 'scenario.db'), synchronous: 'NORMAL' });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function actorFor(
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
        problem(
          path,
          `Unknown actor "${reference}". Use manager, employee, hr, system, a name from actors (${Object.keys(scenario.actors ?? {}).join(', ') || 'none defined'}), or { id, role }.`,
        ),
      ]);
  }
}

function toCommand(
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
            problem(
              [...path, 'documentSha256'],
              'No planDocument is attached to acknowledge: attach one first, or give documentSha256.',
            ),
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

async function openPip(
  engine: Engine,
  policy: Policy,
  pip: PipSpec,
  calendar: string | undefined,
  actor: Actor,
): Promise<StepReport['outcome']> {
  try {
    await engine.open(
      {
        pipId: pip.id,
        employee: {
          id: pip.employee.id,
          timeZone: pip.employee.timeZone,
          ...(calendar ? { calendar } : {}),
        },
        managerId: pip.managerId,
        policy: { id: policy.id, version: policy.version },
        goals: pip.goals ?? DEFAULT_GOALS,
        ...(pip.planDuration ? { planDuration: pip.planDuration } : {}),
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

async function newEvents(store: PipStore, pipId: string, afterSeq: number): Promise<StoredEvent[]> {
  return store.readEvents(pipId, { afterSeq });
}

/**
 * Runs a validated scenario on a fresh store with a simulated clock and checks every expectation.
 * Never reads the wall clock. Throws {@link ScenarioFileError} when the scenario names something
 * that does not exist (a preset, a holiday region, an actor) or moves time backwards.
 *
 * @example
 * ```ts
 * import { loadScenarioFile, simulateScenario } from '@pipkit/cli';
 *
 * const report = await simulateScenario(loadScenarioFile('examples/scenarios/federal-432.yaml'));
 * console.log(report.ok, report.checks, report.failed);
 * ```
 */
export async function simulateScenario(
  loaded: LoadedScenario,
  options: SimulateOptions = {},
): Promise<ScenarioReport> {
  const { scenario, file } = loaded;
  const fail = (problems: readonly ScenarioProblem[]): never => {
    throw new ScenarioFileError(
      file,
      problems.map((entry) => {
        const line = loaded.lineOf(entry.path);
        return line === undefined ? entry : { ...entry, line };
      }),
    );
  };
  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof ScenarioProblems) return fail(error.problems);
      throw error;
    }
  };

  const policy = guard(() => resolvePolicy(scenario));
  const { calendars, ids: calendarIds } = guard(() => calendarsFor(scenario));
  const storeKind = options.store ?? 'memory';
  const first = scenario.pips[0] as PipSpec;
  const firstStep = scenario.steps[0];
  const firstPip =
    (firstStep?.open ?? firstStep?.pip) === undefined
      ? first
      : (scenario.pips.find((pip) => pip.id === (firstStep?.open ?? firstStep?.pip)) ?? first);
  const startAt = guard(() =>
    toInstant(firstStep?.at ?? firstStep?.advanceTo ?? '', firstPip.employee.timeZone, [
      'steps',
      0,
      firstStep?.at === undefined ? 'advanceTo' : 'at',
    ]),
  );
  const opened = openStore(storeKind);
  const simulation: Simulation = {
    store: opened.store,
    close: opened.close,
    now: startAt,
  };
  const engine = createEngine({
    store: opened.store,
    policies: [policy],
    clock: { now: () => new Date(simulation.now) },
    ...(Object.keys(calendars).length > 0 ? { calendars } : {}),
  });
  const pipsById = new Map(scenario.pips.map((pip) => [pip.id, pip]));
  const steps: StepReport[] = [];
  let stoppedAt: number | undefined;
  try {
    for (const [index, step] of scenario.steps.entries()) {
      const path = ['steps', index];
      const pipId = step.open ?? step.pip;
      const pip = (pipId === undefined ? first : pipsById.get(pipId)) as PipSpec;
      const zone = pip.employee.timeZone;
      const target = step.advanceTo ?? step.at;
      if (target !== undefined) {
        const field = step.advanceTo !== undefined ? 'advanceTo' : 'at';
        const instant = guard(() => toInstant(target, zone, [...path, field]));
        if (instant < simulation.now) {
          fail([
            problem(
              [...path, field],
              `${target} is before the previous step (${localLabel(simulation.now, zone)}): steps run forward in time.`,
            ),
          ]);
        }
        simulation.now = instant;
      }
      const before = await simulation.store.load(pip.id);
      const beforeVersion = before?.version ?? 0;
      const outboxBefore = new Set(
        (await simulation.store.pendingOutbox(100_000)).map((message) => message.id),
      );
      let fired: FiredDeadline[] = [];
      if (step.advanceTo !== undefined || scenario.sweep === 'auto') {
        fired = [...(await engine.tick(simulation.now)).fired];
      }
      let outcome: StepReport['outcome'];
      let actor: Actor | undefined;
      if (step.open !== undefined) {
        actor = guard(() => actorFor(scenario, pip, step.as as string | Actor, [...path, 'as']));
        outcome = await openPip(engine, policy, pip, calendarIds.get(pip.id), actor);
      }
      if (step.command) {
        actor = guard(() => actorFor(scenario, pip, step.as as string | Actor, [...path, 'as']));
        const current = await simulation.store.load(pip.id);
        const command = guard(() =>
          toCommand(step.command as ScenarioCommand, pip, current, [...path, 'command']),
        );
        try {
          await engine.dispatch(pip.id, command, { actor });
          outcome = { accepted: true };
        } catch (error) {
          if (!(error instanceof PipkitError)) throw error;
          outcome = { accepted: false, code: error.code, issues: error.issues };
        }
      }
      const record = await simulation.store.load(pip.id);
      const events = record ? await newEvents(simulation.store, pip.id, beforeVersion) : [];
      const outbox: OutboxMessage[] = (await simulation.store.pendingOutbox(100_000)).filter(
        (message) => !outboxBefore.has(message.id) && message.pipId === pip.id,
      );
      const facts: StepFacts = {
        pipId: pip.id,
        zone,
        record,
        events: events.map((stored) => stored.event),
        outbox,
        fired: fired.map((entry) => entry.timerId),
        ...(outcome ? { outcome } : {}),
        commandSent: step.command !== undefined || step.open !== undefined,
      };
      const { checks, failures } = guard(() =>
        checkExpectations(step.expect ?? {}, facts, [...path, 'expect']),
      );
      steps.push({
        index,
        kind:
          step.open !== undefined
            ? 'open'
            : step.command
              ? 'command'
              : step.advanceTo !== undefined
                ? 'advance'
                : 'check',
        ...(step.note === undefined ? {} : { note: step.note }),
        pipId: pip.id,
        at: simulation.now,
        local: localLabel(simulation.now, zone),
        ...(actor ? { actor } : {}),
        ...(step.command ? { command: step.command.type } : {}),
        ...(step.open === undefined ? {} : { command: 'OPEN' }),
        ...(outcome ? { outcome } : {}),
        fired: facts.fired,
        events: facts.events.map((event) => event.type),
        state: record?.state ?? 'not opened',
        checks,
        failures,
      });
      if (failures.some((failure) => failure.stops === true)) {
        stoppedAt = index;
        break;
      }
    }

    const pips = [];
    for (const pip of scenario.pips) {
      const record = await simulation.store.load(pip.id);
      if (!record) continue;
      const verification = await engine.verify(pip.id, { actor: SYSTEM_ACTOR });
      pips.push({
        pipId: pip.id,
        state: record.state,
        version: record.version,
        verified: verification.ok,
      });
    }
    const checks = steps.reduce((sum, step) => sum + step.checks, 0) + pips.length;
    const failed =
      steps.reduce((sum, step) => sum + step.failures.length, 0) +
      pips.filter((pip) => !pip.verified).length;
    return {
      file,
      name: scenario.name,
      policy: `${policy.id}@${policy.version}`,
      store: storeKind,
      ok: failed === 0 && stoppedAt === undefined,
      steps,
      ...(stoppedAt === undefined ? {} : { stoppedAt }),
      pips,
      checks,
      failed,
    };
  } finally {
    await simulation.close();
  }
}
