/**
 * The PIPs of a scenario: the facts each opens with (employee, calendar, goals, documents).
 */
import { documentRefSchema, durationSchema, goalSchema, triggerSchema } from '@pipkit/core';
import { z } from 'zod';

/** A local calendar date, `YYYY-MM-DD`. */
const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a local date, YYYY-MM-DD');

/**
 * A document: the full reference, or the shorthand `kind` or `kind:label` (`planDocument:v2`),
 * for which the simulator makes a reference and a SHA-256 that stay the same on every run.
 */
export const scenarioDocumentSchema = z.union([
  z
    .string()
    .regex(
      /^[a-zA-Z][a-zA-Z0-9]*(:[A-Za-z0-9._-]+)?$/,
      'Expected a document kind such as "planDocument", optionally with a label: "planDocument:v2"',
    ),
  documentRefSchema,
]);

/** A working calendar from `@pipkit/holidays`: a region's observed days off. */
export const scenarioCalendarSchema = z
  .object({
    /** `US`, `US-WY`, `GB-ENG`, `GB-SCT`, ... (see `listRegions()` in @pipkit/holidays). */
    region: z.string().min(2),
    /** Years covered, both included; defaults to the year of the first step and the next. */
    years: z.object({ from: z.number().int(), to: z.number().int() }).strict().optional(),
    /** Holidays to drop, by date or by name (`Juneteenth`). */
    exclude: z.array(z.string().min(1)).optional(),
    /** Extra days off, `YYYY-MM-DD`. */
    include: z.array(dateSchema).optional(),
    /** Non-working ISO weekdays (1 = Monday); defaults to the region's weekend. */
    weekend: z.array(z.number().int().min(1).max(7)).optional(),
  })
  .strict();

/** One PIP of the scenario and the facts it opens with. */
export const scenarioPipSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'Ids are 1-128 letters, digits, and _ . : -'),
    employee: z
      .object({
        id: z.string().min(1),
        /** The employee's IANA zone: every day is counted there, and local times are read there. */
        timeZone: z.string().min(1),
        /** The employee's working calendar; the policy's own calendar when absent. */
        calendar: scenarioCalendarSchema.optional(),
        /** The employee's level, for a policy's `eligibility.maxLevel`. */
        level: z.number().int().min(0).max(1000).optional(),
        /** The employee's group, for a policy's `eligibility.groups`. */
        group: z.string().min(1).max(200).optional(),
      })
      .strict(),
    managerId: z.string().min(1),
    /** Defaults to one measurable goal. */
    goals: z.array(goalSchema).optional(),
    /** Documents attached when it opens. */
    documents: z.array(scenarioDocumentSchema).optional(),
    /** The plan's length when the policy offers a choice (`plan.durationChoices`). */
    planDuration: durationSchema.optional(),
    /** The fact the plan starts from (a rating, an incident), recorded at open. */
    trigger: triggerSchema.optional(),
    /** A procedure without a plan the policy allows (`procedures`): straight to the notice. */
    procedure: z.enum(['misconduct', 'jobAbandonment']).optional(),
  })
  .strict();
