import {
  actorSchema,
  commandSchema,
  escalationTriggerSchema,
  OUTCOME_STATUSES,
  PIP_STATES,
  policyDocumentSchema,
} from '@pipkit/core';
import { z } from 'zod';
import { scenarioDocumentSchema, scenarioPipSchema } from './scenarioPips.js';

export {
  scenarioCalendarSchema,
  scenarioDocumentSchema,
  scenarioPipSchema,
} from './scenarioPips.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A moment in a scenario: a local date-time in the employee's zone (`2026-05-04T09:00`), or an
 * instant with its offset (`2026-05-04T13:00:00Z`, `2026-05-04T09:00-04:00`).
 */
export const scenarioTimeSchema = z
  .string()
  .refine((value) => LOCAL_DATE_TIME.test(value) || INSTANT.test(value), {
    message:
      "Expected a local date-time in the employee's zone (2026-05-04T09:00) or an instant with its offset (2026-05-04T13:00:00Z)",
  })
  .describe(
    "A local date-time in the employee's zone (2026-05-04T09:00) or an instant with its offset (2026-05-04T13:00:00Z).",
  );

/** A local calendar date, `YYYY-MM-DD`. */
const dateSchema = z.string().regex(DATE, 'Expected a local date, YYYY-MM-DD');

/** A date (`2026-06-30`, compared with the local day) or a moment (compared with the instant). */
const dateOrTimeSchema = z
  .string()
  .refine((value) => DATE.test(value) || LOCAL_DATE_TIME.test(value) || INSTANT.test(value), {
    message:
      'Expected a local date (2026-06-30), a local date-time (2026-06-30T23:59:59.999) or an instant (2026-07-01T03:59:59.999Z)',
  });

const codeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'Expected an error or issue code such as NOT_ALLOWED_IN_STATE');

/** A name from `actors` (or `manager`, `employee`, `hr`, `system`), or an inline actor. */
const actorRefSchema = z.union([
  z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'Expected an actor name such as "manager"'),
  actorSchema,
]);

/** Fields of a command the scenario writes differently from the engine (times, documents). */
const scenarioCommandOverrides: Readonly<Record<string, z.ZodRawShape>> = {
  ACKNOWLEDGE: {
    /** Defaults to the newest planDocument on the PIP; or a shorthand such as `planDocument:v2`. */
    documentSha256: z.string().min(1).optional(),
  },
  RECORD_REFUSAL: { documentSha256: z.string().min(1).optional() },
  PAUSE: { from: scenarioTimeSchema.optional(), until: scenarioTimeSchema.optional() },
  RESUME: { at: scenarioTimeSchema.optional() },
  DEADLINE_REACHED: { dueAt: scenarioTimeSchema },
};

const commandOptions = commandSchema.options.map((option) => {
  const type = option.shape.type.value;
  return option.extend({
    documents: z.array(scenarioDocumentSchema).max(50).optional(),
    ...scenarioCommandOverrides[type],
  });
});

/**
 * A command as a scenario writes it: any engine command (see `commandSchema` in `@pipkit/core`),
 * with documents in shorthand allowed, moments in the employee's local time allowed, and the
 * acknowledged document defaulting to the newest plan document.
 */
export const scenarioCommandSchema = z.discriminatedUnion(
  'type',
  commandOptions as unknown as [
    (typeof commandOptions)[number],
    ...(typeof commandOptions)[number][],
  ],
);

const deadlineExpectationSchema = z.union([
  dateOrTimeSchema,
  z.null(),
  z
    .object({
      date: dateSchema.optional(),
      dueAt: scenarioTimeSchema.optional(),
      scheduledAt: scenarioTimeSchema.optional(),
    })
    .strict(),
]);

/** What a step expects. Every field is optional; only what is written is checked. */
export const expectationSchema = z
  .object({
    /** The PIP's state after the step (`active`, `passed.watching`, ...). */
    state: z.enum(PIP_STATES).optional(),
    /**
     * The command must be refused with these codes: the error code (`COMMAND_REFUSED`,
     * `FORBIDDEN`, `INVALID_INPUT`) or issue codes (`NOT_ALLOWED_IN_STATE`). Without it, the
     * command must be accepted.
     */
    refused: z.union([codeSchema, z.array(codeSchema).min(1)]).optional(),
    /**
     * Pending deadlines by id: a date (the local day it falls on), a moment (its instant),
     * `{ date, dueAt, scheduledAt }`, or `null` for "not pending".
     */
    deadlines: z.record(z.string().min(1), deadlineExpectationSchema).optional(),
    /** The plan period, as local dates. */
    plan: z
      .object({
        startDate: dateSchema.optional(),
        endDate: dateSchema.optional(),
        originalEndDate: dateSchema.optional(),
      })
      .strict()
      .optional(),
    /** The termination proposal: its notice end (a local date) and replies received. */
    termination: z
      .object({
        noticeEndDate: dateSchema.optional(),
        replies: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
    /** The outcome, once final or passed. */
    outcome: z
      .object({
        status: z.enum(OUTCOME_STATUSES).optional(),
        reason: z.string().min(1).optional(),
        effectiveAt: scenarioTimeSchema.optional(),
        appealUntil: dateSchema.optional(),
        retainUntil: dateSchema.optional(),
      })
      .strict()
      .optional(),
    checkIns: z
      .object({
        held: z.number().int().nonnegative().optional(),
        missed: z.number().int().nonnegative().optional(),
        next: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    extensions: z
      .object({
        count: z.number().int().nonnegative().optional(),
        total: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
    /** Days the clock has stood still for leave, in all. */
    pausedDays: z.number().int().nonnegative().optional(),
    /** Exactly the event types this step appended to the PIP (the sweep's and the command's), in order. */
    events: z.array(z.string().regex(/^[A-Z][A-Z_]*$/)).optional(),
    /** Exactly the escalations this step fired for the PIP, in order. */
    escalations: z
      .array(
        z
          .object({
            trigger: escalationTriggerSchema,
            occurrence: z.number().int().positive().optional(),
            notify: z.array(z.string().min(1)).optional(),
          })
          .strict(),
      )
      .optional(),
    /** Exactly the outbox templates this step wrote for the PIP (`pip.escalation.checkInMissed`), in order. */
    outbox: z.array(z.string().min(1)).optional(),
    /** Exactly the deadlines the sweep fired in this step: ids of this PIP (`checkIn:2`) or timer ids (`pip-1/planEnd`). */
    fired: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** One step: opening a PIP, a command, a clock advance, or a check. */
export const stepSchema = z
  .object({
    /** A note for readers of the report. */
    note: z.string().optional(),
    /** The PIP the step is about; needed only when the scenario has more than one. */
    pip: z.string().min(1).optional(),
    /** When the command is sent; defaults to the current simulated time. */
    at: scenarioTimeSchema.optional(),
    /** Who sends the command. */
    as: actorRefSchema.optional(),
    /** Opens this PIP (one of `pips`) in draft: `engine.open`, which can be refused too. */
    open: z.string().min(1).optional(),
    /** The command to send. */
    command: scenarioCommandSchema.optional(),
    /** Moves the simulated clock to this moment and runs the timer sweep. */
    advanceTo: scenarioTimeSchema.optional(),
    /** What must be true after the step. */
    expect: expectationSchema.optional(),
  })
  .strict()
  .superRefine((step, context) => {
    const add = (message: string, path: string) =>
      context.addIssue({ code: 'custom', message, path: [path] });
    const actions = [step.open, step.command, step.advanceTo].filter(
      (value) => value !== undefined,
    );
    if (actions.length > 1)
      add(
        'A step does one thing: open, command or advanceTo.',
        step.command ? 'command' : 'advanceTo',
      );
    if (actions.length === 0 && !step.expect)
      add('A step needs open, command, advanceTo or expect.', 'expect');
    const acts = step.command !== undefined || step.open !== undefined;
    if (acts && step.as === undefined)
      add(
        'This step needs `as`: who acts (manager, employee, hr, system, a name from actors, or { id, role }).',
        'as',
      );
    if (!acts && step.as !== undefined) add('`as` belongs to an open or command step.', 'as');
    if (step.open !== undefined && step.pip !== undefined && step.pip !== step.open)
      add('An open step names its PIP in open; leave pip out.', 'pip');
    if (step.advanceTo !== undefined && step.at !== undefined)
      add('An advanceTo step has no `at`: advanceTo is its time.', 'at');
    if (!acts && step.expect?.refused !== undefined)
      add('Only an open or a command can be refused.', 'expect');
  });

/**
 * A scenario file: a policy, the PIPs' facts, timed steps and what must be true after each.
 * `pipkit simulate` runs it on a fresh store with a simulated clock. See `docs/scenarios.md`.
 */
export const scenarioSchema = z
  .object({
    /** For editors: the JSON Schema this file follows. */
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    /** Where the rules and numbers come from (regulations, statutes, handbooks, with sections). */
    sources: z.array(z.string().min(1)).optional(),
    /** A preset name from `presets` in @pipkit/core, or an inline policy document. */
    policy: z.union(
      [
        z.string().min(1).describe('A preset name, for example "default".'),
        z.object({ document: policyDocumentSchema }).strict(),
      ],
      {
        error: () =>
          'Expected a preset name (policy: usFederal432) or an inline policy (policy: { document: {...} }).',
      },
    ),
    /**
     * `auto` (default): the timer sweep runs whenever the clock moves, as in a deployment where it
     * runs every minute. `manual`: only `advanceTo` steps run it.
     */
    sweep: z.enum(['auto', 'manual']).default('auto'),
    /** Named actors for `as:`. `manager` and `employee` default to the PIP's, `hr` to `{ id: hr, role: hr }`. */
    actors: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/), actorSchema).optional(),
    pips: z.array(scenarioPipSchema).min(1),
    steps: z.array(stepSchema).min(1),
  })
  .strict()
  .superRefine((scenario, context) => {
    const ids = new Set<string>();
    scenario.pips.forEach((pip, index) => {
      if (ids.has(pip.id))
        context.addIssue({
          code: 'custom',
          message: `Two PIPs share the id "${pip.id}".`,
          path: ['pips', index, 'id'],
        });
      ids.add(pip.id);
    });
    const first = scenario.steps[0];
    if (first && first.at === undefined && first.advanceTo === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'The first step needs `at` (or advanceTo): the simulated clock starts there.',
        path: ['steps', 0, 'at'],
      });
    }
    scenario.steps.forEach((step, index) => {
      if (step.open !== undefined && !ids.has(step.open)) {
        context.addIssue({
          code: 'custom',
          message: `No PIP "${step.open}" in pips (${[...ids].join(', ')}).`,
          path: ['steps', index, 'open'],
        });
      }
      if (step.pip !== undefined && !ids.has(step.pip)) {
        context.addIssue({
          code: 'custom',
          message: `No PIP "${step.pip}" in pips (${[...ids].join(', ')}).`,
          path: ['steps', index, 'pip'],
        });
      }
      if (
        step.pip === undefined &&
        step.open === undefined &&
        ids.size > 1 &&
        (step.command || step.expect)
      ) {
        context.addIssue({
          code: 'custom',
          message: `This scenario has ${ids.size} PIPs: say which one with pip.`,
          path: ['steps', index, 'pip'],
        });
      }
    });
  });

/** A scenario as written (before defaults). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario. */
export type Scenario = z.output<typeof scenarioSchema>;
/** One validated step. */
export type ScenarioStep = z.output<typeof stepSchema>;
/** One step's expectations. */
export type Expectation = z.output<typeof expectationSchema>;
/** A command as a scenario writes it. */
export type ScenarioCommand = z.output<typeof scenarioCommandSchema>;

/** The command types a scenario may send (all of the engine's). */
/**
 * The scenario format as JSON Schema (draft 2020-12), for editors and other languages. The
 * committed `schema/scenario.schema.json` is this, and a test keeps them equal.
 *
 * @example
 * ```ts
 * import { scenarioJsonSchema } from '@pipkit/cli';
 * writeFileSync('scenario.schema.json', JSON.stringify(scenarioJsonSchema(), null, 2));
 * ```
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'pipkit scenario',
    description:
      'A pipkit scenario: a policy, the facts of one or more PIPs, timed commands and clock advances, and what must be true after each step. Run it with `pipkit simulate`.',
  };
}
