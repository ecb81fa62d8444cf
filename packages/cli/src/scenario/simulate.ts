import {
  type Actor,
  createEngine,
  type Engine,
  type FiredDeadline,
  type OutboxMessage,
  PipkitError,
  type PipStore,
  type Policy,
  SYSTEM_ACTOR,
} from '@pipkit/core';
import { checkExpectations, type ExpectationFailure, type StepFacts } from './expectations.js';
import {
  type LoadedScenario,
  ScenarioFileError,
  type ScenarioProblem,
  ScenarioProblems,
} from './loadScenario.js';
import { calendarsFor } from './scenarioCalendars.js';
import {
  actorFor,
  openPip,
  type PipSpec,
  type StepOutcome,
  toCommand,
} from './scenarioCommands.js';
import { resolvePolicy } from './scenarioPolicy.js';
import type { Scenario, ScenarioCommand, ScenarioStep } from './scenarioSchema.js';
import { localLabel, toInstant } from './scenarioTime.js';
import { openStore, type SimulationStore } from './simulationStore.js';

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
  readonly outcome?: StepOutcome;
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

/** One running simulation: the scenario, its engine on a fresh store, and the simulated time. */
interface Simulation {
  readonly scenario: Scenario;
  readonly policy: Policy;
  readonly store: PipStore;
  readonly engine: Engine;
  /** The calendar id of each PIP whose employee names one. */
  readonly calendarIds: ReadonlyMap<string, string>;
  readonly pipsById: ReadonlyMap<string, PipSpec>;
  /** The PIP a step acts on when it names none. */
  readonly first: PipSpec;
  /** The simulated now; the engine's clock reads it. */
  readonly clock: { now: string };
  /** Throws the problems as a {@link ScenarioFileError} with their lines in the file. */
  readonly fail: (problems: readonly ScenarioProblem[]) => never;
  /** Runs `run`, turning {@link ScenarioProblems} it throws into {@link Simulation.fail}. */
  readonly guard: <T>(run: () => T) => T;
}

function problemReporting(loaded: LoadedScenario): Pick<Simulation, 'fail' | 'guard'> {
  const { file } = loaded;
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
  return { fail, guard };
}

/** The instant of the first step, in the zone of the PIP it acts on. */
function startInstant(scenario: Scenario, first: PipSpec): string {
  const firstStep = scenario.steps[0];
  const firstPip =
    (firstStep?.open ?? firstStep?.pip) === undefined
      ? first
      : (scenario.pips.find((pip) => pip.id === (firstStep?.open ?? firstStep?.pip)) ?? first);
  return toInstant(firstStep?.at ?? firstStep?.advanceTo ?? '', firstPip.employee.timeZone, [
    'steps',
    0,
    firstStep?.at === undefined ? 'advanceTo' : 'at',
  ]);
}

/** Moves the clock to the step's `at` or `advanceTo`; time never runs backwards. */
function advanceClock(
  simulation: Simulation,
  step: ScenarioStep,
  path: readonly (string | number)[],
  zone: string,
): void {
  const { clock, fail, guard } = simulation;
  const target = step.advanceTo ?? step.at;
  if (target !== undefined) {
    const field = step.advanceTo !== undefined ? 'advanceTo' : 'at';
    const instant = guard(() => toInstant(target, zone, [...path, field]));
    if (instant < clock.now) {
      fail([
        {
          path: [...path, field],
          message: `${target} is before the previous step (${localLabel(clock.now, zone)}): steps run forward in time.`,
        },
      ]);
    }
    clock.now = instant;
  }
}

/** Opens the PIP or sends the step's command; a refusal is the step's outcome. */
async function sendStepCommand(
  simulation: Simulation,
  step: ScenarioStep,
  pip: PipSpec,
  path: readonly (string | number)[],
): Promise<{ outcome?: StepOutcome; actor?: Actor }> {
  const { scenario, policy, store, engine, calendarIds, guard } = simulation;
  let outcome: StepOutcome | undefined;
  let actor: Actor | undefined;
  if (step.open !== undefined) {
    actor = guard(() => actorFor(scenario, pip, step.as as string | Actor, [...path, 'as']));
    outcome = await openPip(engine, policy, pip, calendarIds.get(pip.id), actor);
  }
  if (step.command) {
    actor = guard(() => actorFor(scenario, pip, step.as as string | Actor, [...path, 'as']));
    const current = await store.load(pip.id);
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
  return { ...(outcome ? { outcome } : {}), ...(actor ? { actor } : {}) };
}

function stepKind(step: ScenarioStep): StepReport['kind'] {
  return step.open !== undefined
    ? 'open'
    : step.command
      ? 'command'
      : step.advanceTo !== undefined
        ? 'advance'
        : 'check';
}

/** Runs one step: time, the sweep, the command, then the step's expectations. */
async function runStep(
  simulation: Simulation,
  index: number,
  step: ScenarioStep,
): Promise<StepReport> {
  const { scenario, store, engine, first, pipsById, clock, guard } = simulation;
  const path = ['steps', index];
  const pipId = step.open ?? step.pip;
  const pip = (pipId === undefined ? first : pipsById.get(pipId)) as PipSpec;
  const zone = pip.employee.timeZone;
  advanceClock(simulation, step, path, zone);
  const before = await store.load(pip.id);
  const beforeVersion = before?.version ?? 0;
  const outboxBefore = new Set((await store.pendingOutbox(100_000)).map((message) => message.id));
  let fired: FiredDeadline[] = [];
  if (step.advanceTo !== undefined || scenario.sweep === 'auto') {
    fired = [...(await engine.tick(clock.now)).fired];
  }
  const { outcome, actor } = await sendStepCommand(simulation, step, pip, path);
  const record = await store.load(pip.id);
  const events = record ? await store.readEvents(pip.id, { afterSeq: beforeVersion }) : [];
  const outbox: OutboxMessage[] = (await store.pendingOutbox(100_000)).filter(
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
  return {
    index,
    kind: stepKind(step),
    ...(step.note === undefined ? {} : { note: step.note }),
    pipId: pip.id,
    at: clock.now,
    local: localLabel(clock.now, zone),
    ...(actor ? { actor } : {}),
    ...(step.command ? { command: step.command.type } : {}),
    ...(step.open === undefined ? {} : { command: 'OPEN' }),
    ...(outcome ? { outcome } : {}),
    fired: facts.fired,
    events: facts.events.map((event) => event.type),
    state: record?.state ?? 'not opened',
    checks,
    failures,
  };
}

/** Each PIP at the end, with its audit check. */
async function finalPips(simulation: Simulation): Promise<ScenarioReport['pips']> {
  const { scenario, store, engine } = simulation;
  const pips = [];
  for (const pip of scenario.pips) {
    const record = await store.load(pip.id);
    if (!record) continue;
    const verification = await engine.verify(pip.id, { actor: SYSTEM_ACTOR });
    pips.push({
      pipId: pip.id,
      state: record.state,
      version: record.version,
      verified: verification.ok,
    });
  }
  return pips;
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
  const { fail, guard } = problemReporting(loaded);
  const policy = guard(() => resolvePolicy(scenario));
  const { calendars, ids: calendarIds } = guard(() => calendarsFor(scenario));
  const storeKind = options.store ?? 'memory';
  const first = scenario.pips[0] as PipSpec;
  const clock = { now: guard(() => startInstant(scenario, first)) };
  const opened = openStore(storeKind);
  const engine = createEngine({
    store: opened.store,
    policies: [policy],
    clock: { now: () => new Date(clock.now) },
    ...(Object.keys(calendars).length > 0 ? { calendars } : {}),
  });
  const simulation: Simulation = {
    scenario,
    policy,
    store: opened.store,
    engine,
    calendarIds,
    pipsById: new Map(scenario.pips.map((pip) => [pip.id, pip])),
    first,
    clock,
    fail,
    guard,
  };
  const steps: StepReport[] = [];
  let stoppedAt: number | undefined;
  try {
    for (const [index, step] of scenario.steps.entries()) {
      const report = await runStep(simulation, index, step);
      steps.push(report);
      if (report.failures.some((failure) => failure.stops === true)) {
        stoppedAt = index;
        break;
      }
    }
    const pips = await finalPips(simulation);
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
    await opened.close();
  }
}
