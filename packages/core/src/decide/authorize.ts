import { z } from 'zod';
import type { PipkitIssue } from '../errors/pipkitError.js';
import { parseInput } from '../errors/zodIssues.js';
import type { PipState } from '../machine/pipMachine.js';
import { type Command, type CommandType, COMMAND_TYPES } from '../model/commands.js';
import type { PipContext } from '../machine/types.js';
import type { PolicyDocument } from '../policy/policySchema.js';
import { type Actor, DEFAULT_TENANT_WIDE_READERS, type Role, roleSchema } from '../model/actor.js';
import { COMMAND_SPECS } from './commandSpecs.js';

/** What is being attempted: a command, opening a PIP, or reading one. */
export type AuthorizationAction =
  | CommandType
  | 'OPEN'
  | 'READ'
  | 'PURGE'
  /** Moving a running PIP to another version of its policy. */
  | 'MIGRATE'
  /** The dry run of a migration: what moving it would change. */
  | 'PLAN_MIGRATION'
  /** Retrying a PIP's parked deadlines once the cause of their failures is fixed. */
  | 'UNPARK'
  /** Listing, retrying or discarding a PIP's dead letters (outbox messages the relay gave up). */
  | 'DEAD_LETTERS';

/** Roles that may run each record-level capability under the default authorizer. */
const CAPABILITY_ROLES: Readonly<
  Record<'PURGE' | 'MIGRATE' | 'PLAN_MIGRATION' | 'UNPARK' | 'DEAD_LETTERS', readonly Role[]>
> = {
  PURGE: ['hr', 'legal'],
  MIGRATE: ['hr', 'system'],
  PLAN_MIGRATION: ['hr', 'legal', 'system'],
  UNPARK: ['hr', 'system'],
  DEAD_LETTERS: ['hr', 'system'],
};

/** Roles that may open a PIP under the default authorizer. */
const OPEN_ROLES: readonly Role[] = ['manager', 'hr'];

/** True for the record-level capabilities (purge, migrate, unpark), decided by role alone. */
function isCapability(action: AuthorizationAction): action is keyof typeof CAPABILITY_ROLES {
  return Object.hasOwn(CAPABILITY_ROLES, action);
}

/**
 * The facts of the PIP an authorizer decides about: who it is about, where it sits in the
 * organisation, and where it stands.
 */
export interface AuthorizationSubject {
  readonly pipId: string;
  readonly employeeId: string;
  /** The plan's manager, as recorded on the PIP. */
  readonly managerId: string;
  /** The organisational unit given at open, when the host gave one. */
  readonly orgUnitId?: string;
  /** The tenant the PIP belongs to, when the store knows it. */
  readonly tenantId?: string;
  /** The PIP's current state; absent for `OPEN` (the PIP does not exist yet). */
  readonly state?: PipState;
  /** The PIP's context; absent for `OPEN`. */
  readonly context?: PipContext;
}

/** Everything an authorizer may look at. */
export interface AuthorizationRequest {
  readonly actor: Actor;
  readonly action: AuthorizationAction;
  /** The command, for command actions. */
  readonly command?: Command;
  /** The PIP (for `OPEN`: the one about to be created). */
  readonly pip: AuthorizationSubject;
  readonly policy: PolicyDocument;
  /**
   * When the attempt is made (UTC ISO), from the engine's clock: the sweep's instant for a
   * deadline fire. Check dated grants (a delegation's window) against it, never the wall clock.
   */
  readonly at: string;
}

/**
 * The authorization port: returns every reason to deny (empty to allow), or a promise of them.
 * Runs before every command and read; deny by default. The engine awaits only a promise, so a
 * synchronous authorizer costs no extra turn of the event loop. An authorizer that throws,
 * rejects or answers anything but an array is a refusal with code `AUTHORIZATION_FAILED`.
 * Wrap {@link defaultAuthorizer} to add host rules, or use `orgChartAuthorizer`.
 */
export type Authorizer = (
  request: AuthorizationRequest,
) => readonly PipkitIssue[] | PromiseLike<readonly PipkitIssue[]>;

/** An {@link Authorizer} that answers at once (the default one): easy to wrap and compose. */
export type SyncAuthorizer = (request: AuthorizationRequest) => readonly PipkitIssue[];

/** Roles allowed per command when a policy does not say. `APPROVE`/`REJECT`/`DECIDE` come from the policy. */
export const DEFAULT_PERMISSIONS: Readonly<Record<CommandType, readonly Role[]>> = Object.freeze(
  Object.fromEntries(
    COMMAND_TYPES.map((type): [CommandType, readonly Role[]] => [type, COMMAND_SPECS[type].roles]),
  ) as Record<CommandType, readonly Role[]>,
);

/** The roles a policy allows for a command, after its own overrides. */
export function allowedRoles(policy: PolicyDocument, command: CommandType): readonly Role[] {
  const explicit = policy.permissions[command];
  if (explicit) return explicit;
  if (command === 'APPROVE' || command === 'REJECT') return policy.approval.approverRoles;
  if (command === 'DECIDE') return policy.termination.deciderRoles;
  if (command === 'RECORD_APPEAL_OUTCOME' && policy.appeals) return policy.appeals.deciderRoles;
  return DEFAULT_PERMISSIONS[command];
}

const deny = (
  code: string,
  message: string,
  path: (string | number)[] = ['actor'],
): PipkitIssue => ({ code, path, message });

/** Options of {@link createDefaultAuthorizer}. */
export interface DefaultAuthorizerOptions {
  /**
   * The roles that may read every PIP of the tenant (default `['hr', 'legal', 'system']`,
   * {@link DEFAULT_TENANT_WIDE_READERS}). Everyone else reads only the plans they are on: an
   * employee their own, a manager those they manage. `[]` turns tenant-wide reading off.
   */
  readonly tenantWideReaders?: readonly Role[];
}

/** The options of the default authorizer, checked when it is built. */
export const defaultAuthorizerOptionsSchema = z
  .object({
    // An employee reads only their own plans, whatever the host says.
    tenantWideReaders: z
      .array(roleSchema.exclude(['employee']))
      .max(10)
      .optional(),
  })
  .strict();

/** Who the actor is on this plan: the reasons they may not act on it in their role. */
function personIssues(actor: Actor, pip: AuthorizationSubject): PipkitIssue[] {
  const issues: PipkitIssue[] = [];
  const isEmployee = actor.id === pip.employeeId;
  if (isEmployee && actor.role !== 'employee') {
    issues.push(deny('SELF_DEALING', 'The employee on a plan cannot act on it in another role.'));
  }
  if (actor.role === 'employee' && !isEmployee) {
    issues.push(
      deny('NOT_THE_EMPLOYEE', 'Only the employee on this plan can act as its employee.'),
    );
  }
  if (actor.role === 'manager' && actor.id !== pip.managerId) {
    issues.push(deny('NOT_THE_MANAGER', "Only the plan's manager can act as its manager."));
  }
  return issues;
}

/**
 * The policy's rules for a command, which every authorizer pipkit ships applies besides who the
 * actor is: the roles the policy allows for the command, and separation of duties (an approver
 * never approves what they submitted, a decider never decides their own proposal, a witness is
 * neither the employee nor the recorder). Empty for `READ`, `OPEN` and the record-level
 * capabilities, which are not commands. Appends to `issues` when given, and returns them.
 */
export function commandRoleIssues(
  request: AuthorizationRequest,
  issues: PipkitIssue[] = [],
): PipkitIssue[] {
  const { actor, action, command, pip, policy } = request;
  if (action === 'READ' || action === 'OPEN' || isCapability(action)) return issues;
  const roles = allowedRoles(policy, action);
  if (!roles.includes(actor.role)) {
    issues.push(
      deny(
        'ROLE_NOT_ALLOWED',
        `Role "${actor.role}" may not ${action}; allowed: ${roles.join(', ')}.`,
      ),
    );
  }
  const context = pip.context;
  if ((action === 'APPROVE' || action === 'REJECT') && context?.submittedBy === actor.id) {
    issues.push(
      deny('SEPARATION_OF_DUTIES', 'The person who submitted a plan cannot approve or reject it.'),
    );
  }
  if (action === 'DECIDE' && context?.termination?.proposedBy === actor.id) {
    issues.push(
      deny('SEPARATION_OF_DUTIES', 'The person who proposed a termination cannot decide it.'),
    );
  }
  if (action === 'RECORD_APPEAL_OUTCOME' && context && involvedInAppealed(context, actor.id)) {
    issues.push(
      deny(
        'SEPARATION_OF_DUTIES',
        'The person who issued or decided what is appealed cannot decide the appeal (Acas Code para 27).',
      ),
    );
  }
  if (
    command?.type === 'RECORD_REFUSAL' &&
    (command.witnessId === actor.id || command.witnessId === pip.employeeId)
  ) {
    issues.push(
      deny(
        'WITNESS_NOT_INDEPENDENT',
        'The witness must be neither the recorder nor the employee.',
        ['witnessId'],
      ),
    );
  }
  return issues;
}

/** True when `actorId` issued the stage (or decided the outcome) the pending appeal is against. */
function involvedInAppealed(context: PipContext, actorId: string): boolean {
  const pending = context.appeals?.find((appeal) => appeal.status === 'pending');
  if (!pending) return false;
  if (pending.stageNumber === undefined) return context.outcome?.by === actorId;
  return (
    context.stages?.find((stage) => stage.number === pending.stageNumber)?.issuedBy === actorId
  );
}

/**
 * True when the PIP waits for a decision the policy gives `role` to make: a proposal of removal
 * (`termination.deciderRoles`) or a plan awaiting approval (`approval.approverRoles`, or the
 * policy's `permissions.APPROVE`). Whoever must decide reads what they decide on, and no more.
 */
function awaitsDecisionBy(request: AuthorizationRequest, role: Role): boolean {
  const { state } = request.pip;
  if (state === 'terminationProposed') return allowedRoles(request.policy, 'DECIDE').includes(role);
  if (state === 'pendingApproval') return allowedRoles(request.policy, 'APPROVE').includes(role);
  return false;
}

/**
 * Builds the default role policy: the policy's roles per command; an `employee` acts only on
 * their own PIP and a `manager` only on PIPs they manage; the employee never acts on their own
 * PIP in another role; separation of duties ({@link commandRoleIssues}). Reading: an employee
 * reads their own plans, a manager those they manage, a role the policy names to decide or approve
 * the plans awaiting that decision, and the `tenantWideReaders` (HR, legal and the system by
 * default) every plan. Invalid options throw `INVALID_INPUT` listing every problem.
 *
 * @example
 * ```ts
 * // HR and the system read every plan; legal only the plans a host rule gives it.
 * const authorize = createDefaultAuthorizer({ tenantWideReaders: ['hr', 'system'] });
 * // With its read scope too: createEngine({ ...defaultAuthorization({ tenantWideReaders }) }).
 * ```
 */
export function createDefaultAuthorizer(options: DefaultAuthorizerOptions = {}): SyncAuthorizer {
  const parsed = parseInput(defaultAuthorizerOptionsSchema, options, 'default authorizer options');
  const readers: ReadonlySet<Role> = new Set(
    parsed.tenantWideReaders ?? DEFAULT_TENANT_WIDE_READERS,
  );
  return (request) => {
    const { actor, action, pip } = request;
    if (action === 'OPEN' || isCapability(action)) {
      const roles = action === 'OPEN' ? OPEN_ROLES : CAPABILITY_ROLES[action];
      const issues = personIssues(actor, pip);
      if (!roles.includes(actor.role)) {
        issues.push(
          deny(
            'ROLE_NOT_ALLOWED',
            `Role "${actor.role}" may not ${action}; allowed: ${roles.join(', ')}.`,
          ),
        );
      }
      return issues;
    }
    if (action !== 'READ') return commandRoleIssues(request, personIssues(actor, pip));
    // The employee never reads their own plan in another role, tenant-wide reader or not.
    if (actor.id === pip.employeeId && actor.role !== 'employee') return personIssues(actor, pip);
    if (readers.has(actor.role)) return [];
    if (actor.role === 'employee' || actor.role === 'manager') return personIssues(actor, pip);
    if (awaitsDecisionBy(request, actor.role)) return personIssues(actor, pip);
    return [
      deny(
        'ROLE_NOT_ALLOWED',
        `Role "${actor.role}" reads only the plans it is part of; this one it is not.`,
      ),
    ];
  };
}

/**
 * The default role policy, built by {@link createDefaultAuthorizer} with its defaults: HR, legal
 * and the system read every PIP; employees and managers their own.
 */
export const defaultAuthorizer: SyncAuthorizer = createDefaultAuthorizer();
