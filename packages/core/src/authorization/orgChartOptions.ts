/**
 * What a host tells `orgChartAuthorizer`: its roles and what each may do, how far up the manager
 * chain a relationship counts, and the two functions that read the host's org chart. Options are
 * validated once, when the authorizer is built; the org chart's answers at every call.
 */
import { z } from 'zod';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { AuthorizationAction, AuthorizationSubject } from '../decide/authorize.js';
import { COMMAND_TYPES } from '../model/commands.js';
import { type Actor, hostIdSchema, roleSchema } from '../model/actor.js';

/** Everything a host role can be allowed to do: every command, and the non-command actions. */
export const CAPABILITIES: readonly AuthorizationAction[] = Object.freeze([
  ...COMMAND_TYPES,
  'OPEN',
  'READ',
  'PURGE',
  'MIGRATE',
  'PLAN_MIGRATION',
  'UNPARK',
  'DEAD_LETTERS',
]);

/** The deepest manager chain the authorizer follows. */
export const MAX_MANAGER_CHAIN_LEVELS = 10;

const instantSchema = z.iso.datetime({ offset: true });

/**
 * A deputy acting for a principal between `from` (inclusive) and `until` (exclusive), both
 * instants compared with the attempt's time. The deputy holds the principal's roles on a plan
 * (limited to `roles` when given), never the principal's own plan as its employee, and never
 * through a second delegation (delegations do not chain).
 */
export const delegationSchema = z
  .object({
    principalId: hostIdSchema,
    deputyId: hostIdSchema,
    from: instantSchema,
    until: instantSchema,
    /** The host roles delegated; all the principal holds when absent. */
    roles: z.array(z.string().min(1).max(100)).max(50).optional(),
  })
  .strict();

/** A delegation from a principal to a deputy over a window of time. */
export type Delegation = z.infer<typeof delegationSchema>;

/** What the host's org chart says about one actor and one plan. */
export const orgRelationshipsSchema = z
  .object({
    /**
     * The managers above the plan's manager, nearest first: the skip-level manager, then the
     * next, up to `managerChainLevels - 1` of them (more are ignored). The plan's manager itself
     * is the one recorded on the plan (level 1).
     */
    managersAbove: z.array(hostIdSchema).max(100).default([]),
    /** The HR business partners of the plan's organisational unit. */
    hrBusinessPartners: z.array(hostIdSchema).max(1000).default([]),
    /** Delegations to the actor that may apply (the authorizer checks deputy and window). */
    delegations: z.array(delegationSchema).max(1000).default([]),
    /**
     * People with a declared conflict of interest on this plan: the actor among them is denied
     * everything (`CONFLICT_OF_INTEREST`), and a principal among them delegates nothing on it.
     */
    conflicts: z.array(hostIdSchema).max(1000).default([]),
  })
  .strict();

/** What the host's org chart says about one actor and one plan (see {@link orgRelationshipsSchema}). */
export type OrgRelationships = z.input<typeof orgRelationshipsSchema>;

/** What the host's org chart says about one person, for their read scope. */
export const orgReachSchema = z
  .object({
    /**
     * The managers below the person, by depth: `[0]` those who report to them directly, `[1]`
     * those one level further down, and so on (up to `managerChainLevels - 1` depths). The
     * plans those managers manage are the person's at levels 2, 3, ...
     */
    managersBelow: z.array(z.array(hostIdSchema).max(10_000)).max(100).default([]),
    /** The organisational units the person is HR business partner of. */
    partnerOf: z.array(hostIdSchema).max(10_000).default([]),
    /** Delegations to the person that may apply. */
    delegations: z.array(delegationSchema).max(1000).default([]),
  })
  .strict();

/** What the host's org chart says about one person, for their read scope (see {@link orgReachSchema}). */
export type OrgReach = z.input<typeof orgReachSchema>;

/** What the authorizer asks the host's org chart about one actor and one plan. */
export interface RelationshipsRequest {
  readonly actor: Actor;
  /** The plan's facts: ids, organisational unit, tenant, state. */
  readonly pip: AuthorizationSubject;
  /** When the attempt is made (UTC ISO), from the engine's clock. */
  readonly at: string;
  /** How far up the chain to look: `managerChainLevels`. */
  readonly levels: number;
}

/** What the authorizer asks the host's org chart about one person, for a read scope. */
export interface ReachRequest {
  readonly personId: string;
  /** When the attempt is made (UTC ISO), from the engine's clock. */
  readonly at: string;
  /** The tenant of the engine's store, when it has one. */
  readonly tenantId?: string;
  /** How far down the chain to look: `managerChainLevels`. */
  readonly levels: number;
}

/** How a host role is held: the relationship between the actor and the plan. */
const heldBySchema = z.union([
  /** The actor is the plan's employee. */
  z.literal('employee'),
  /** The actor is an HR business partner of the plan's organisational unit. */
  z.literal('hrBusinessPartner'),
  /** Any level of the manager chain, 1 to `managerChainLevels`. */
  z.literal('managerChain'),
  /** Every plan of the tenant, for actors acting in one of the role's `actsAs` roles. */
  z.literal('tenant'),
  /** Exactly this level of the manager chain: 1 the plan's manager, 2 the skip level, ... */
  z.object({ managerLevel: z.number().int().min(1).max(MAX_MANAGER_CHAIN_LEVELS) }).strict(),
]);

const hostRoleSchema = z
  .object({
    heldBy: heldBySchema,
    /** The pipkit roles (`actor.role`) a holder acts in when using this role. */
    actsAs: z.array(roleSchema).min(1).max(6),
    /** What the role may do: commands, `READ`, `OPEN`, `PURGE`, `MIGRATE`, ... */
    may: z
      .array(z.enum(CAPABILITIES as [AuthorizationAction, ...AuthorizationAction[]]))
      .min(1)
      .max(CAPABILITIES.length),
  })
  .strict();

/** One host role: who holds it, the pipkit roles its holder acts in, and what it may do. */
export type HostRole = z.input<typeof hostRoleSchema>;

/** The options of `orgChartAuthorizer`, as validated. */
export const orgChartOptionsSchema = z
  .object({
    relationships: z.custom<(request: RelationshipsRequest) => unknown>(
      (value) => typeof value === 'function',
      'relationships must be a function',
    ),
    reach: z.custom<(request: ReachRequest) => unknown>(
      (value) => typeof value === 'function',
      'reach must be a function',
    ),
    managerChainLevels: z.number().int().min(1).max(MAX_MANAGER_CHAIN_LEVELS),
    roles: z
      .record(z.string().min(1).max(100), hostRoleSchema)
      .refine((roles) => Object.keys(roles).length > 0, 'name at least one role'),
  })
  .strict();

/**
 * The rules between fields: levels within the chain, and the employee's role kept apart. Run on
 * the raw options besides the schema, so one error lists every problem: the value may then be
 * partly invalid, hence the checks of its shape.
 */
export function crossFieldIssues(options: unknown): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  const { roles, managerChainLevels } = options as {
    roles?: unknown;
    managerChainLevels?: unknown;
  };
  if (typeof roles !== 'object' || roles === null) return issues;
  for (const [name, value] of Object.entries(roles)) {
    const role = value as { heldBy?: unknown; actsAs?: unknown };
    const level = (role.heldBy as { managerLevel?: unknown } | undefined)?.managerLevel;
    if (
      typeof level === 'number' &&
      typeof managerChainLevels === 'number' &&
      level > managerChainLevels
    ) {
      issues.push({
        code: 'LEVEL_BEYOND_CHAIN',
        path: ['roles', name, 'heldBy', 'managerLevel'],
        message: `Level ${level} is beyond managerChainLevels (${managerChainLevels}).`,
      });
    }
    if (!Array.isArray(role.actsAs)) continue;
    const asEmployee = role.actsAs.includes('employee');
    if ((role.heldBy === 'employee') !== asEmployee || (asEmployee && role.actsAs.length > 1)) {
      issues.push({
        code: 'EMPLOYEE_ROLE_MIXED',
        path: ['roles', name, 'actsAs'],
        message: 'A role held as the employee acts as `employee` only, and only such a role does.',
      });
    }
  }
  return issues;
}

/** The options of `orgChartAuthorizer`. */
export interface OrgChartOptions {
  /**
   * The host's org chart about one actor and one plan: the managers above the plan's manager,
   * the HR business partners of its unit, delegations to the actor, and declared conflicts of
   * interest. May be asynchronous; a throw or rejection refuses with `AUTHORIZATION_FAILED`.
   */
  readonly relationships: (
    request: RelationshipsRequest,
  ) => OrgRelationships | Promise<OrgRelationships>;
  /**
   * The host's org chart about one person, for their read scope: the managers below them by
   * depth, the units they partner, and delegations to them. May be asynchronous.
   */
  readonly reach: (request: ReachRequest) => OrgReach | Promise<OrgReach>;
  /** How far up the manager chain a relationship counts: 1 (the plan's manager) to 10. */
  readonly managerChainLevels: number;
  /** The host's roles by name: how each is held, the pipkit roles it acts in, what it may do. */
  readonly roles: Readonly<Record<string, HostRole>>;
}
