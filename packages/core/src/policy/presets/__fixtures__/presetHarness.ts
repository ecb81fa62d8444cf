/**
 * A small harness for the preset timeline tests: one engine on a memory store and a test clock,
 * the usual cast, and helpers that say what a step did. Test data: excluded from the package.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import {
  type Actor,
  type CalendarDefinition,
  type Command,
  createEngine,
  defaultAuthorization,
  type DocumentRef,
  type Engine,
  memoryStore,
  type OpenPipInput,
  type PipEventType,
  PipkitError,
  type PipRecord,
  type PipStore,
  type Policy,
} from '../../../index.js';
import { createTestClock, type TestClock } from '../../../testing/testClock.js';

export const hr: Actor = { id: 'hr-1', role: 'hr' };
export const hr2: Actor = { id: 'hr-2', role: 'hr' };
export const manager: Actor = { id: 'mgr-1', role: 'manager' };
export const employee: Actor = { id: 'emp-1', role: 'employee' };
export const senior: Actor = { id: 'senior-1', role: 'seniorManager' };
export const legal: Actor = { id: 'legal-1', role: 'legal' };

/** A document reference whose hash is derived from its kind (and an optional version). */
export const doc = (kind: string, version = 1): DocumentRef => ({
  kind,
  ref: `dms://${kind}/${version}`,
  sha256: createHash('sha256').update(`${kind}@${version}`).digest('hex'),
});

/** The codes of a refusal's issues. */
export const codes = (error: PipkitError): string[] => error.issues.map((issue) => issue.code);

/** Awaits a promise that must be refused with a typed PipkitError, and returns the error. */
export async function refusal(promise: Promise<unknown>): Promise<PipkitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PipkitError);
  return error as PipkitError;
}

/** One engine, store and clock; PIP ids are `pip-1`, `pip-2`, ... in opening order. */
export interface PresetHarness {
  readonly engine: Engine;
  readonly store: PipStore;
  readonly clock: TestClock;
  /** Moves the clock to an instant. */
  at(instant: string): void;
  /** Opens a plan for `emp-1` (managed by `mgr-1`) under the policy, in the employee's zone. */
  open(overrides?: Partial<OpenPipInput>): Promise<PipRecord>;
  /** Sends a command and returns the event types it appended. */
  send(pipId: string, command: Command, actor: Actor): Promise<PipEventType[]>;
  /** Runs the sweep at the clock's time and returns the event types it appended, per deadline. */
  tick(): Promise<string[]>;
  /** The PIP as stored. */
  load(pipId: string): Promise<PipRecord>;
}

/** Builds a {@link PresetHarness}: the clock starts at `start`; plans open in `timeZone`. */
export function presetHarness(
  policies: readonly Policy[],
  options: {
    readonly start: string;
    readonly timeZone: string;
    readonly calendars?: Readonly<Record<string, CalendarDefinition>>;
  },
): PresetHarness {
  const clock = createTestClock(options.start);
  const store = memoryStore({ now: () => clock.now().getTime() });
  let next = 0;
  const engine = createEngine({
    store,
    policies,
    clock,
    ids: () => `pip-${(next += 1)}`,
    ...(options.calendars ? { calendars: options.calendars } : {}),
    // The presets' senior manager decides the plans of the whole cast and reads them to do so.
    // Without an org chart that ties them to mgr-1, senior managers read every plan only when
    // a host says so: the default gives tenant-wide reads to HR, legal and the system alone.
    ...defaultAuthorization({ tenantWideReaders: ['hr', 'legal', 'system', 'seniorManager'] }),
  });
  const policy = policies[0] as Policy;
  return {
    engine,
    store,
    clock,
    at: (instant) => clock.set(instant),
    async open(overrides = {}) {
      const { pip } = await engine.open(
        {
          employee: { id: 'emp-1', timeZone: options.timeZone },
          managerId: 'mgr-1',
          policy: { id: policy.id },
          goals: [{ id: 'g1', description: 'Resolve cases on time', measure: '90% within target' }],
          ...overrides,
        },
        { actor: manager },
      );
      return pip;
    },
    async send(pipId, command, actor) {
      const { events } = await engine.dispatch(pipId, command, { actor });
      return events.map((stored) => stored.event.type);
    },
    async tick() {
      const result = await engine.tick();
      return result.fired.map((fired) => `${fired.deadlineId}:${fired.events.join('+')}`);
    },
    async load(pipId) {
      const record = await store.load(pipId);
      if (!record) throw new Error(`No PIP ${pipId}`);
      return record;
    },
  };
}
