/**
 * Refused attempts, as security review needs them: who tried what, on which PIP, when, and the
 * issue codes; never the messages, which may quote personal data. The engine hands each one to
 * the host's listener (a SIEM, an audit table) and goes on: a listener that throws or rejects
 * never changes the caller's outcome.
 */
import type { AuthorizationAction } from '../decide/authorize.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { Role } from '../model/actor.js';

/** One refused attempt. */
export interface RefusedAttempt {
  /** When it was refused (the engine's clock). */
  readonly at: string;
  readonly actor: { readonly id: string; readonly role: Role };
  /** The command, `OPEN`, `READ`, or a record-level capability (`PURGE`, `MIGRATE`, ...). */
  readonly action: AuthorizationAction;
  readonly pipId: string;
  /** The store's tenant, for stores with tenants. */
  readonly tenantId?: string;
  /** `FORBIDDEN`: the authorizer said no. `COMMAND_REFUSED`: the PIP's rules did. */
  readonly outcome: 'FORBIDDEN' | 'COMMAND_REFUSED';
  /** The issue codes, in order; no messages. */
  readonly codes: readonly string[];
}

/** The host's listener for refused attempts (`EngineOptions.onRefusal`). */
export type RefusalListener = (attempt: RefusedAttempt) => void | Promise<void>;

/** What a refusal site knows; the reporter adds the time and the tenant. @internal */
export interface RefusalFacts {
  readonly actor: { readonly id: string; readonly role: Role };
  readonly action: AuthorizationAction;
  readonly pipId: string;
  readonly outcome: RefusedAttempt['outcome'];
  readonly issues: readonly PipkitIssue[];
}

/**
 * A reporter that hands each refusal to `listener` with the time and tenant, swallowing its
 * failures; a no-op without a listener. @internal
 */
export function refusalReporter(
  listener: RefusalListener | undefined,
  now: () => string,
  tenantId: string | undefined,
): (facts: RefusalFacts) => void {
  if (!listener) return () => undefined;
  return (facts) => {
    const attempt: RefusedAttempt = {
      at: now(),
      actor: { id: facts.actor.id, role: facts.actor.role },
      action: facts.action,
      pipId: facts.pipId,
      ...(tenantId === undefined ? {} : { tenantId }),
      outcome: facts.outcome,
      codes: facts.issues.map((issue) => issue.code),
    };
    try {
      const settled = listener(attempt);
      if (settled && typeof settled.then === 'function') settled.then(undefined, () => undefined);
    } catch {
      // The listener is the host's: its failure is not the caller's refusal.
    }
  };
}
