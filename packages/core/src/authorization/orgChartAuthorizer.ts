/**
 * Authorization by the host's org chart: who a person is to a plan (its employee, a manager up
 * the chain, the HR business partner of its unit, a deputy of one of them, or a process role for
 * the whole tenant) decides what they may do, through host roles mapped onto pipkit's actions.
 */
import {
  type AuthorizationRequest,
  type AuthorizationSubject,
  type Authorizer,
  commandRoleIssues,
} from '../decide/authorize.js';
import { type PipkitIssue, ValidationError } from '../errors/pipkitError.js';
import { fromZodIssues, parseInput } from '../errors/zodIssues.js';
import type { Actor, Role } from '../model/actor.js';
import type { ReadScope } from '../query/storeQuery.js';
import type { Authorization } from './authorization.js';
import {
  crossFieldIssues,
  type Delegation,
  type OrgChartOptions,
  orgChartOptionsSchema,
  orgReachSchema,
  orgRelationshipsSchema,
} from './orgChartOptions.js';

type RelationshipFacts = ReturnType<typeof orgRelationshipsSchema.parse>;
type ReachFacts = ReturnType<typeof orgReachSchema.parse>;

/** One host role, ready to match. */
interface CompiledRole {
  readonly name: string;
  readonly heldBy: 'employee' | 'hrBusinessPartner' | 'managerChain' | 'tenant' | number;
  readonly actsAs: ReadonlySet<Role>;
  readonly may: ReadonlySet<string>;
}

const deny = (code: string, message: string): PipkitIssue => ({ code, path: ['actor'], message });

/** True when the delegation runs at `at`: from `from` (inclusive) to `until` (exclusive). */
export function delegationRunsAt(delegation: Delegation, at: string): boolean {
  const instant = Date.parse(at);
  return Date.parse(delegation.from) <= instant && instant < Date.parse(delegation.until);
}

/** The level of `personId` in the plan's manager chain (1: the plan's manager), if within `levels`. */
function chainLevel(
  personId: string,
  pip: AuthorizationSubject,
  facts: RelationshipFacts,
  levels: number,
): number | undefined {
  if (personId === pip.managerId) return 1;
  const above = facts.managersAbove.slice(0, levels - 1).indexOf(personId);
  return above < 0 ? undefined : above + 2;
}

/**
 * The host roles `personId` holds on the plan, acting in `acting`. A principal's roles seen
 * through a delegation (`delegated`) are only those of the chain and of HR partnering: nobody
 * acts as another's employee, and tenant-wide roles are the deputy's own business.
 */
function rolesHeld(
  roles: readonly CompiledRole[],
  personId: string,
  acting: Role,
  pip: AuthorizationSubject,
  facts: RelationshipFacts,
  levels: number,
  delegated: boolean,
): CompiledRole[] {
  const level = chainLevel(personId, pip, facts, levels);
  return roles.filter((role) => {
    if (!role.actsAs.has(acting)) return false;
    switch (role.heldBy) {
      case 'employee':
        return !delegated && personId === pip.employeeId;
      case 'tenant':
        return !delegated;
      case 'hrBusinessPartner':
        return facts.hrBusinessPartners.includes(personId);
      case 'managerChain':
        return level !== undefined;
      default:
        return level === role.heldBy;
    }
  });
}

/** Every host role the actor holds on the plan at `at`: their own and their principals'. */
function actorRoles(
  roles: readonly CompiledRole[],
  request: AuthorizationRequest,
  facts: RelationshipFacts,
  levels: number,
): CompiledRole[] {
  const { actor, pip, at } = request;
  const held = rolesHeld(roles, actor.id, actor.role, pip, facts, levels, false);
  for (const delegation of facts.delegations) {
    const { principalId } = delegation;
    if (delegation.deputyId !== actor.id || principalId === actor.id) continue;
    if (!delegationRunsAt(delegation, at) || facts.conflicts.includes(principalId)) continue;
    // The principal's own plan is never theirs to delegate.
    if (principalId === pip.employeeId) continue;
    const theirs = rolesHeld(roles, principalId, actor.role, pip, facts, levels, true);
    held.push(...theirs.filter((role) => delegation.roles?.includes(role.name) ?? true));
  }
  return held;
}

/** The host's options, compiled for matching. */
function compileRoles(options: ReturnType<typeof orgChartOptionsSchema.parse>): CompiledRole[] {
  return Object.entries(options.roles).map(([name, role]) => ({
    name,
    heldBy: typeof role.heldBy === 'object' ? role.heldBy.managerLevel : role.heldBy,
    actsAs: new Set(role.actsAs),
    may: new Set(role.may),
  }));
}

/** The read scope of `actor` at `at`, from the host's reach of them and of their principals. */
async function scopeOf(
  roles: readonly CompiledRole[],
  options: OrgChartOptions,
  levels: number,
  actor: Actor,
  attempt: { readonly at: string; readonly tenantId?: string },
): Promise<ReadScope> {
  const readers = roles.filter((role) => role.may.has('READ') && role.actsAs.has(actor.role));
  if (readers.some((role) => role.heldBy === 'tenant')) return 'all';
  const employeeIds = readers.some((role) => role.heldBy === 'employee') ? [actor.id] : [];
  const reaching = readers.filter((role) => role.heldBy !== 'employee');
  if (reaching.length === 0) return { employeeIds };
  const managerIds = new Set<string>();
  const orgUnitIds = new Set<string>();
  const reachOf = async (personId: string): Promise<ReachFacts> =>
    parseInput(
      orgReachSchema,
      await options.reach({ personId, at: attempt.at, levels, ...tenantOf(attempt) }),
      'org chart reach',
    );
  const add = (personId: string, reach: ReachFacts, granted: readonly CompiledRole[]) => {
    for (const role of granted) {
      if (role.heldBy === 'hrBusinessPartner') {
        for (const unit of reach.partnerOf) orgUnitIds.add(unit);
        continue;
      }
      const [lowest, highest] =
        role.heldBy === 'managerChain' ? [1, levels] : [role.heldBy, role.heldBy];
      if (typeof lowest !== 'number' || typeof highest !== 'number') continue;
      if (lowest === 1) managerIds.add(personId);
      for (let level = Math.max(lowest, 2); level <= highest; level++) {
        for (const manager of reach.managersBelow[level - 2] ?? []) managerIds.add(manager);
      }
    }
  };
  const own = await reachOf(actor.id);
  add(actor.id, own, reaching);
  for (const delegation of own.delegations) {
    const { principalId } = delegation;
    if (delegation.deputyId !== actor.id || principalId === actor.id) continue;
    if (!delegationRunsAt(delegation, attempt.at)) continue;
    const granted = reaching.filter(
      (role) => role.heldBy !== 'tenant' && (delegation.roles?.includes(role.name) ?? true),
    );
    add(principalId, await reachOf(principalId), granted);
  }
  return { employeeIds, managerIds: [...managerIds], orgUnitIds: [...orgUnitIds] };
}

function tenantOf(attempt: { readonly tenantId?: string }): { tenantId?: string } {
  return attempt.tenantId === undefined ? {} : { tenantId: attempt.tenantId };
}

/** The options, or `INVALID_INPUT` listing every problem: the schema's and those between fields. */
function parseOptions(options: OrgChartOptions): ReturnType<typeof orgChartOptionsSchema.parse> {
  const between = crossFieldIssues(options);
  const parsed = orgChartOptionsSchema.safeParse(options);
  if (parsed.success && between.length === 0) return parsed.data;
  const issues = [...(parsed.success ? [] : fromZodIssues(parsed.error.issues)), ...between];
  throw new ValidationError(
    `Invalid orgChartAuthorizer options: ${issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    issues,
  );
}

/**
 * Authorization by the host's org chart. Host roles (any names) are held through a relationship
 * to the plan (`heldBy`): its employee, a level of the manager chain (`{ managerLevel: 2 }` is
 * the skip level; `'managerChain'` any level up to `managerChainLevels`), HR business partner of
 * its unit, or `'tenant'` for process roles that see every plan. A deputy holds the roles of a
 * principal who delegated to them, while the delegation runs (`from` inclusive, `until`
 * exclusive, against the attempt's time). Each role names the pipkit roles its holder acts in
 * (`actsAs`) and what it may do (`may`: commands, `READ`, `OPEN`, `PURGE`, `MIGRATE`,
 * `PLAN_MIGRATION`, `UNPARK`, `DEAD_LETTERS`). On top, the policy's roles per command and separation of duties
 * apply as in the default authorizer.
 *
 * Denials: `CONFLICT_OF_INTEREST` (the actor declared a conflict on the plan: always, whatever
 * their roles), `SELF_DEALING` (the employee acting on their own plan in another role),
 * `NO_RELATIONSHIP` (no role held on this plan in the actor's role), `CAPABILITY_NOT_GRANTED`
 * (roles held, none may do this). Returns the authorizer and the read scope it implies; spread
 * both into `createEngine`. Invalid options throw `INVALID_INPUT` listing every problem; an org
 * chart answer that does not fit its schema, a throw or a rejection refuses the request with
 * `AUTHORIZATION_FAILED`.
 *
 * @example
 * ```ts
 * const engine = createEngine({
 *   store,
 *   policies: [defaultPolicy],
 *   ...orgChartAuthorizer({
 *     managerChainLevels: 2,
 *     relationships: ({ actor, pip }) => org.relationships(actor.id, pip),
 *     reach: ({ personId }) => org.reach(personId),
 *     roles: {
 *       employee: { heldBy: 'employee', actsAs: ['employee'], may: ['READ', 'ACKNOWLEDGE'] },
 *       lineManager: { heldBy: { managerLevel: 1 }, actsAs: ['manager'], may: ['READ', 'OPEN'] },
 *       skipLevel: { heldBy: { managerLevel: 2 }, actsAs: ['seniorManager'], may: ['READ'] },
 *       timers: { heldBy: 'tenant', actsAs: ['system'], may: ['READ', 'DEADLINE_REACHED'] },
 *     },
 *   }),
 * });
 * ```
 */
export function orgChartAuthorizer(options: OrgChartOptions): Authorization {
  const parsed = parseOptions(options);
  const roles = compileRoles(parsed);
  const levels = parsed.managerChainLevels;
  const { relationships } = options;

  const authorize: Authorizer = async (request) => {
    const { actor, action, pip, at } = request;
    const answer = await relationships({ actor, pip, at, levels });
    const facts = parseInput(orgRelationshipsSchema, answer, 'org chart relationships');
    if (facts.conflicts.includes(actor.id)) {
      return [
        deny(
          'CONFLICT_OF_INTEREST',
          'A declared conflict of interest bars the actor from this plan.',
        ),
      ];
    }
    if (actor.id === pip.employeeId && actor.role !== 'employee') {
      return [deny('SELF_DEALING', 'The employee on a plan cannot act on it in another role.')];
    }
    const held = actorRoles(roles, request, facts, levels);
    if (held.length === 0) {
      return [
        deny('NO_RELATIONSHIP', `Acting as ${actor.role}, the actor holds no role on this plan.`),
      ];
    }
    if (!held.some((role) => role.may.has(action))) {
      const names = [...new Set(held.map((role) => role.name))].join(', ');
      return [deny('CAPABILITY_NOT_GRANTED', `None of the roles held (${names}) may ${action}.`)];
    }
    return commandRoleIssues(request);
  };

  return {
    authorize,
    readScope: (actor, attempt) => scopeOf(roles, options, levels, actor, attempt),
  };
}
