/**
 * Refused attempts, as security review needs them: who tried what, on which PIP, when, and the
 * issue codes; never the messages, which may quote personal data. The engine appends each one to
 * the store's hash-chained refusal log (when the store has one) and hands it to the host's
 * listener (a SIEM, an audit table): a listener that throws or rejects, or an append that fails,
 * never changes the caller's outcome.
 */
import {
  REFUSAL_CODE_PATTERN,
  REFUSAL_CODES_MAX,
  type RefusalEntry,
} from '../audit/refusalChain.js';
import type { AuthorizationAction } from '../decide/authorize.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { Role } from '../model/actor.js';
import type { EngineLog } from '../observability/logger.js';
import { errorType } from '../observability/telemetry.js';

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

/** Where a reporter sends each refused attempt. @internal */
export interface RefusalSinks {
  /** The host's listener, if any. */
  readonly listener: RefusalListener | undefined;
  /** The store's refusal log, when the store has one (an optional capability). */
  readonly append: ((entry: RefusalEntry) => Promise<unknown>) | undefined;
  /** Where a failed append is reported. */
  readonly log: EngineLog;
  readonly now: () => string;
  readonly tenantId: string | undefined;
}

/**
 * An issue code as the refusal log keeps it: a stable code as it is; anything else an
 * authorizer returned as a code (free text, an over-long string) as `NONSTANDARD_CODE`, so
 * nothing but identifiers reaches the security trail and the attempt is still recorded.
 */
function loggedCode(code: string): string {
  return REFUSAL_CODE_PATTERN.test(code) ? code : 'NONSTANDARD_CODE';
}

/**
 * A reporter that hands each refusal, with the time and tenant, to the host's listener (its
 * failures swallowed) and appends it to the store's refusal log. The returned promise settles
 * once the append is durable, and never rejects: a failed append (a full disk, a store that is
 * down) is logged as `refused attempt not recorded` with its code, and the caller still gets
 * its own typed refusal. @internal
 */
export function refusalReporter(sinks: RefusalSinks): (facts: RefusalFacts) => Promise<void> {
  const { listener, append, log, now, tenantId } = sinks;
  if (!listener && !append) return () => Promise.resolve();
  return async (facts) => {
    const attempt: RefusedAttempt = {
      at: now(),
      actor: { id: facts.actor.id, role: facts.actor.role },
      action: facts.action,
      pipId: facts.pipId,
      ...(tenantId === undefined ? {} : { tenantId }),
      outcome: facts.outcome,
      codes: facts.issues.map((issue) => issue.code),
    };
    if (listener) {
      try {
        const settled = listener(attempt);
        if (settled && typeof settled.then === 'function') settled.then(undefined, () => undefined);
      } catch {
        // The listener is the host's: its failure is not the caller's refusal.
      }
    }
    if (!append) return;
    const entry: RefusalEntry = {
      pipId: attempt.pipId,
      at: attempt.at,
      actor: attempt.actor,
      action: attempt.action,
      outcome: attempt.outcome,
      codes: attempt.codes.slice(0, REFUSAL_CODES_MAX).map(loggedCode),
    };
    try {
      await append(entry);
    } catch (error) {
      // The trail could not be written: operators hear of it; the caller's outcome stays its own.
      log.error('refused attempt not recorded', {
        pipId: entry.pipId,
        action: entry.action,
        outcome: entry.outcome,
        code: errorType(error),
      });
    }
  };
}
