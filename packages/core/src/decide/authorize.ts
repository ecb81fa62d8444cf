import type { PipkitIssue } from '../errors/pipkitError.js';
import { type Command, type CommandType, COMMAND_TYPES } from '../model/commands.js';
import type { PipContext } from '../machine/types.js';
import type { PolicyDocument } from '../policy/policySchema.js';
import type { Actor, Role } from '../model/actor.js';
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
  | 'UNPARK';

/** Roles that may run each record-level capability under the default authorizer. */
const CAPABILITY_ROLES: Readonly<
  Record<'PURGE' | 'MIGRATE' | 'PLAN_MIGRATION' | 'UNPARK', readonly Role[]>
> = {
  PURGE: ['hr', 'legal'],
  MIGRATE: ['hr', 'system'],
  PLAN_MIGRATION: ['hr', 'legal', 'system'],
  UNPARK: ['hr', 'system'],
};

/** True for the record-level capabilities (purge, migrate, unpark), decided by role alone. */
function isCapability(action: AuthorizationAction): action is keyof typeof CAPABILITY_ROLES {
  return Object.hasOwn(CAPABILITY_ROLES, action);
}

/** Everything an authorizer may look at. */
export interface AuthorizationRequest {
  readonly actor: Actor;
  readonly action: AuthorizationAction;
  /** The command, for command actions. */
  readonly command?: Command;
  /** The PIP (for `OPEN`: the one about to be created). */
  readonly pip: {
    readonly pipId: string;
    readonly employeeId: string;
    readonly managerId: string;
    readonly context?: PipContext;
  };
  readonly policy: PolicyDocument;
}

/**
 * The authorization port: returns every reason to deny (empty to allow). Runs before every
 * command and read; deny by default. Wrap {@link defaultAuthorizer} to add host rules.
 */
export type Authorizer = (request: AuthorizationRequest) => readonly PipkitIssue[];

/** Roles allowed per command when a policy does not say. `APPROVE`/`REJECT`/`DECIDE` come from the policy. */
export const DEFAULT_PERMISSIONS: Readonly<Record<CommandType, readonly Role[]>> = Object.freeze(
  Object.fromEntries(
    COMMAND_TYPES.map((type): [CommandType, readonly Role[]] => [type, COMMAND_SPECS[type].roles]),
  ) as Record<CommandType, readonly Role[]>,
);

const READ_ROLES: readonly Role[] = ['hr', 'legal', 'seniorManager', 'system'];

/** The roles a policy allows for a command, after its own overrides. */
export function allowedRoles(policy: PolicyDocument, command: CommandType): readonly Role[] {
  const explicit = policy.permissions[command];
  if (explicit) return explicit;
  if (command === 'APPROVE' || command === 'REJECT') return policy.approval.approverRoles;
  if (command === 'DECIDE') return policy.termination.deciderRoles;
  return DEFAULT_PERMISSIONS[command];
}

const deny = (
  code: string,
  message: string,
  path: (string | number)[] = ['actor'],
): PipkitIssue => ({ code, path, message });

/**
 * The default role policy: the policy's roles per command; an `employee` acts only on their own
 * PIP and a `manager` only on PIPs they manage; the employee never acts on their own PIP in another
 * role; separation of duties (an approver never approves what they submitted, a decider never
 * decides their own proposal, a witness is neither the employee nor the recorder).
 */
export const defaultAuthorizer: Authorizer = ({ actor, action, command, pip, policy }) => {
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
  if (action === 'READ') {
    if (!['employee', 'manager'].includes(actor.role) && !READ_ROLES.includes(actor.role)) {
      issues.push(deny('ROLE_NOT_ALLOWED', `Role "${actor.role}" may not read PIPs.`));
    }
    return issues;
  }
  if (isCapability(action)) {
    const roles = CAPABILITY_ROLES[action];
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
  if (action === 'OPEN') {
    if (actor.role !== 'manager' && actor.role !== 'hr') {
      issues.push(
        deny('ROLE_NOT_ALLOWED', `Role "${actor.role}" may not open a PIP; managers and HR may.`),
      );
    }
    return issues;
  }
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
};
