/**
 * What a query asks for: which PIPs (the filter), in which order, how many. Validated by zod, so
 * an unknown key, state or sort, a reversed range or an oversized page is a typed error naming
 * the field, never a silently empty list.
 */
import { z } from 'zod';
import { PIP_STATES } from '../machine/pipMachine.js';
import { DEADLINE_KINDS, OUTCOME_STATUSES } from '../machine/types.js';
import { hostIdSchema } from '../model/actor.js';

export { DEADLINE_KINDS, OUTCOME_STATUSES };

/** How many ids one filter may list, and how many PIPs one page may hold. */
export const QUERY_LIMITS = Object.freeze({ ids: 1000, policies: 100, default: 100, max: 1000 });

const instant = z.iso.datetime({ offset: true });

/** True unless both ends are given and `from` is after `to`. */
const inOrder = (range: { from?: string | undefined; to?: string | undefined }) =>
  range.from === undefined ||
  range.to === undefined ||
  Date.parse(range.from) <= Date.parse(range.to);
const reversed = { message: '"from" is after "to"', path: ['from'] };

/** A half-open range of instants: `from` inclusive, `to` exclusive; either may be left out. */
const rangeSchema = z
  .object({ from: instant.optional(), to: instant.optional() })
  .strict()
  .refine(inOrder, reversed);

const ids = z.array(hostIdSchema).min(1).max(QUERY_LIMITS.ids);

/** The filters of a query. Every field narrows the result; leaving it out does not filter. */
export const pipFilterSchema = z
  .object({
    /** Any of these states. */
    states: z.array(z.enum(PIP_STATES)).min(1).optional(),
    /** Plans whose outcome has any of these statuses (a plan without an outcome never matches). */
    outcomes: z.array(z.enum(OUTCOME_STATUSES)).min(1).optional(),
    /**
     * Plans whose outcome has any of these reasons: `passed`, `removed`, `demoted`,
     * `reassigned`, `retained`, `withdrawn`, `resigned`, `misconduct`, `transferred`,
     * `policyChanged`.
     */
    outcomeReasons: z.array(z.string().min(1).max(100)).min(1).max(100).optional(),
    employeeIds: ids.optional(),
    managerIds: ids.optional(),
    /** Plans of any of these organisational units (given at open). */
    orgUnitIds: ids.optional(),
    /** Any of these policies; with `version`, only that version. */
    policies: z
      .array(
        z
          .object({ id: z.string().min(1).max(100), version: z.number().int().min(1).optional() })
          .strict(),
      )
      .min(1)
      .max(QUERY_LIMITS.policies)
      .optional(),
    /** `true`: a deadline fired while what it waits for is still owed; `false`: nothing is. */
    overdue: z.boolean().optional(),
    /** The earliest pending deadline (reminders aside): due in `[from, to)`, of these kinds. */
    nextDeadline: z
      .object({
        from: instant.optional(),
        to: instant.optional(),
        kinds: z.array(z.enum(DEADLINE_KINDS)).min(1).optional(),
      })
      .strict()
      .refine(inOrder, reversed)
      .optional(),
    /** Opened (created) in `[from, to)`. */
    opened: rangeSchema.optional(),
    /** Given an outcome (passed, terminated, closed) in `[from, to)`. */
    closed: rangeSchema.optional(),
    /**
     * Entered its current state in `[from, to)`: with `to` ten days ago and `states: ['review']`,
     * the plans in review for more than ten days.
     */
    stateSince: rangeSchema.optional(),
  })
  .strict();

/** The filters of a query, as given. */
export type PipFilter = z.input<typeof pipFilterSchema>;

/** The orders a query can return PIPs in. */
export const QUERY_SORTS = ['pipId', 'nextDeadline', 'lastChange'] as const;

/**
 * The order: `pipId` (ascending), `nextDeadline` (the earliest first, PIPs with none last) or
 * `lastChange` (the most recently changed first). Ties always go by PIP id.
 */
export type QuerySort = (typeof QUERY_SORTS)[number];

/** A query: filters, order, page size, and the cursor of the page before. */
export const pipQuerySchema = pipFilterSchema.extend({
  sort: z.enum(QUERY_SORTS).optional(),
  /** PIPs per page: 1 to 1,000 (default 100). */
  limit: z.number().int().min(1).max(QUERY_LIMITS.max).optional(),
  /** The `next` cursor of the page before, from the same query. */
  cursor: z.string().min(1).max(2000).optional(),
});

/** A query, as given to `engine.query`. */
export type PipQuery = z.input<typeof pipQuerySchema>;

/** A validated filter with every instant in canonical UTC form (`toISOString`). */
export type NormalizedFilter = z.output<typeof pipFilterSchema>;

/** Puts every instant of a validated filter in canonical UTC form, so stores compare strings. */
export function normalizeFilter(filter: NormalizedFilter): NormalizedFilter {
  const { nextDeadline, opened, closed, stateSince } = filter;
  if (!nextDeadline && !opened && !closed && !stateSince) return filter;
  return {
    ...filter,
    ...(nextDeadline ? { nextDeadline: utcRange(nextDeadline) } : {}),
    ...(opened ? { opened: utcRange(opened) } : {}),
    ...(closed ? { closed: utcRange(closed) } : {}),
    ...(stateSince ? { stateSince: utcRange(stateSince) } : {}),
  };
}

/** A range with its ends as `toISOString` gives them; an end left out stays out. */
function utcRange<R extends { from?: string | undefined; to?: string | undefined }>(range: R): R {
  const { from, to, ...rest } = range;
  return {
    ...rest,
    ...(from === undefined ? {} : { from: new Date(from).toISOString() }),
    ...(to === undefined ? {} : { to: new Date(to).toISOString() }),
  } as R;
}
