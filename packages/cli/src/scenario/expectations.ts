import type { OutboxMessage, PipEvent, PipRecord, PipkitIssue } from '@pipkit/core';
import { formatPath } from './loadScenario.js';
import type { Expectation } from './scenarioSchema.js';
import { toInstant } from './scenarioTime.js';

/** One expectation that did not hold. */
export interface ExpectationFailure {
  /** Where the expectation is written: `steps[4].expect.deadlines.planEnd`. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  /** A sentence for people. */
  readonly message: string;
  /**
   * True when a command's outcome (accepted or refused) was not the expected one: the rest of the
   * scenario depends on it, so the simulation stops after this step.
   */
  readonly stops?: boolean;
}

/** What a step produced, for its expectations to be checked against. @internal */
export interface StepFacts {
  readonly pipId: string;
  readonly zone: string;
  /** The PIP after the step; absent when it has not been opened. */
  readonly record: PipRecord | undefined;
  /** Events the step appended to the PIP (the sweep's, then the command's). */
  readonly events: readonly PipEvent[];
  /** Outbox messages the step wrote for the PIP. */
  readonly outbox: readonly OutboxMessage[];
  /** Timer ids the sweep fired in the step. */
  readonly fired: readonly string[];
  readonly commandSent: boolean;
  readonly outcome?:
    | { readonly accepted: true }
    | { readonly accepted: false; readonly code: string; readonly issues: readonly PipkitIssue[] };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const show = (value: unknown): string =>
  value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);

/** The running tally of one step's checks, and how to make one. */
interface Checker {
  readonly tally: { checks: number; readonly failures: ExpectationFailure[] };
  /** `steps[4].expect.<parts>` */
  readonly at: (...parts: (string | number)[]) => string;
  /** A scenario time under the expectation, as a UTC instant in the PIP's zone. */
  readonly instant: (value: string, ...parts: (string | number)[]) => string;
  /** One check: fails when the two differ as JSON. */
  readonly equal: (path: string, expected: unknown, actual: unknown, what: string) => void;
}

function checker(facts: StepFacts, base: readonly (string | number)[]): Checker {
  const tally = { checks: 0, failures: [] as ExpectationFailure[] };
  return {
    tally,
    at: (...parts) => formatPath([...base, ...parts]),
    instant: (value, ...parts) => toInstant(value, facts.zone, [...base, ...parts]),
    equal: (path, expected, actual, what) => {
      tally.checks += 1;
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        tally.failures.push({
          path,
          expected,
          actual,
          message: `${what}: expected ${show(expected)}, got ${show(actual)}`,
        });
      }
    },
  };
}

/** Whether the command was accepted or refused as expected; a surprise stops the scenario. */
function checkOutcome(
  check: Checker,
  expect: Expectation,
  outcome: NonNullable<StepFacts['outcome']>,
): void {
  const { tally, at } = check;
  tally.checks += 1;
  if (expect.refused === undefined) {
    if (!outcome.accepted) {
      tally.failures.push({
        path: at('refused'),
        expected: 'accepted',
        actual: outcome.code,
        stops: true,
        message: `the command was refused (${outcome.code}): ${outcome.issues.map((issue) => `${issue.code}: ${issue.message}`).join(' ')} If that is the point, write expect: { refused: ${outcome.issues[0]?.code ?? outcome.code} }.`,
      });
    }
    return;
  }
  const wanted = Array.isArray(expect.refused) ? expect.refused : [expect.refused];
  if (outcome.accepted) {
    tally.failures.push({
      path: at('refused'),
      expected: wanted,
      actual: 'accepted',
      stops: true,
      message: `expected a refusal with ${wanted.join(', ')}, but the command was accepted`,
    });
    return;
  }
  const got = [outcome.code, ...outcome.issues.map((issue) => issue.code)];
  const missing = wanted.filter((code) => !got.includes(code));
  if (missing.length > 0) {
    tally.failures.push({
      path: at('refused'),
      expected: wanted,
      actual: got,
      stops: true,
      message: `refused, but without ${missing.join(', ')}: got ${got.join(', ')} (${outcome.issues.map((issue) => issue.message).join(' ')})`,
    });
  }
}

/** Each expected deadline: pending or not, its local date, due instant and meeting time. */
function checkDeadlines(check: Checker, expect: Expectation, record: PipRecord): void {
  const { tally, at, instant, equal } = check;
  for (const [id, wanted] of Object.entries(expect.deadlines ?? {})) {
    const deadline = record.context.deadlines[id];
    const path = at('deadlines', id);
    if (wanted === null) {
      equal(
        path,
        'not pending',
        deadline ? `pending, ${deadline.date}` : 'not pending',
        `deadline ${id}`,
      );
      continue;
    }
    if (!deadline) {
      tally.checks += 1;
      const pending = Object.keys(record.context.deadlines).join(', ') || 'none';
      tally.failures.push({
        path,
        expected: wanted,
        actual: undefined,
        message: `deadline ${id}: expected ${show(wanted)}, but it is not pending (pending: ${pending})`,
      });
      continue;
    }
    if (typeof wanted === 'string') {
      if (DATE.test(wanted)) equal(path, wanted, deadline.date, `deadline ${id} (local date)`);
      else
        equal(path, instant(wanted, 'deadlines', id), deadline.dueAt, `deadline ${id} (instant)`);
      continue;
    }
    if (wanted.date !== undefined)
      equal(`${path}.date`, wanted.date, deadline.date, `deadline ${id} date`);
    if (wanted.dueAt !== undefined)
      equal(
        `${path}.dueAt`,
        instant(wanted.dueAt, 'deadlines', id, 'dueAt'),
        deadline.dueAt,
        `deadline ${id} dueAt`,
      );
    if (wanted.scheduledAt !== undefined)
      equal(
        `${path}.scheduledAt`,
        instant(wanted.scheduledAt, 'deadlines', id, 'scheduledAt'),
        deadline.scheduledAt,
        `deadline ${id} scheduledAt`,
      );
  }
}

/** The PIP's plan, termination, outcome, check-ins, extensions and paused days. */
function checkRecordFields(check: Checker, expect: Expectation, record: PipRecord): void {
  const { at, instant, equal } = check;
  const plan = record.context.plan;
  for (const [key, wanted] of Object.entries(expect.plan ?? {})) {
    equal(at('plan', key), wanted, plan?.[key as keyof typeof plan], `plan ${key}`);
  }
  const termination = record.context.termination;
  for (const [key, wanted] of Object.entries(expect.termination ?? {})) {
    equal(
      at('termination', key),
      wanted,
      termination?.[key as keyof typeof termination],
      `termination ${key}`,
    );
  }
  const outcome = record.context.outcome;
  for (const [key, wanted] of Object.entries(expect.outcome ?? {})) {
    const path = at('outcome', key);
    if (key === 'effectiveAt')
      equal(
        path,
        instant(String(wanted), 'outcome', key),
        outcome?.effectiveAt,
        'outcome effectiveAt',
      );
    else if (key === 'appealUntil')
      equal(path, wanted, outcome?.appealUntil?.date, 'outcome appealUntil');
    else equal(path, wanted, outcome?.[key as keyof typeof outcome], `outcome ${key}`);
  }
  for (const [key, wanted] of Object.entries(expect.checkIns ?? {})) {
    equal(
      at('checkIns', key),
      wanted,
      record.context.checkIns[key as keyof typeof record.context.checkIns],
      `check-ins ${key}`,
    );
  }
  for (const [key, wanted] of Object.entries(expect.extensions ?? {})) {
    equal(
      at('extensions', key),
      wanted,
      record.context.extensions[key as keyof typeof record.context.extensions],
      `extensions ${key}`,
    );
  }
  if (expect.pausedDays !== undefined)
    equal(at('pausedDays'), expect.pausedDays, record.context.pausedDays, 'paused days');
}

/** What the step itself produced: events appended, escalations, outbox messages, timers fired. */
function checkStepEffects(check: Checker, expect: Expectation, facts: StepFacts): void {
  const { at, equal } = check;
  if (expect.events !== undefined)
    equal(
      at('events'),
      expect.events,
      facts.events.map((event) => event.type),
      'events appended',
    );
  if (expect.escalations !== undefined) {
    const escalated = facts.events.flatMap((event) => (event.type === 'ESCALATED' ? [event] : []));
    const actual = escalated.map((event, index) => {
      const wanted = expect.escalations?.[index];
      return {
        trigger: event.trigger,
        ...(wanted?.occurrence === undefined ? {} : { occurrence: event.occurrence }),
        ...(wanted?.notify === undefined ? {} : { notify: event.notify }),
      };
    });
    equal(at('escalations'), expect.escalations, actual, 'escalations');
  }
  if (expect.outbox !== undefined)
    equal(
      at('outbox'),
      expect.outbox,
      facts.outbox.map((message) => message.type),
      'outbox templates',
    );
  if (expect.fired !== undefined) {
    const wanted = expect.fired.map((id) => (id.includes('/') ? id : `${facts.pipId}/${id}`));
    equal(at('fired'), wanted, facts.fired, 'deadlines fired');
  }
}

/**
 * Checks one step's expectations against what happened. Returns how many single checks were made
 * and the ones that failed. Pure. @internal
 */
export function checkExpectations(
  expect: Expectation,
  facts: StepFacts,
  base: readonly (string | number)[],
): { checks: number; failures: ExpectationFailure[] } {
  const check = checker(facts, base);
  const { tally } = check;
  const { record } = facts;
  if (facts.commandSent && facts.outcome) checkOutcome(check, expect, facts.outcome);
  if (!record) {
    const { refused: _refused, ...rest } = expect;
    if (Object.keys(rest).length > 0) {
      tally.checks += 1;
      tally.failures.push({
        path: formatPath(base),
        expected: 'an open PIP',
        actual: 'not opened',
        message: `PIP ${facts.pipId} is not open, so nothing about it can be checked (open it with an open step)`,
      });
    }
    return { checks: tally.checks, failures: tally.failures };
  }
  if (expect.state !== undefined)
    check.equal(check.at('state'), expect.state, record.state, 'state');
  checkDeadlines(check, expect, record);
  checkRecordFields(check, expect, record);
  checkStepEffects(check, expect, facts);
  return { checks: tally.checks, failures: tally.failures };
}
