/**
 * The outcome a PIP ends with: passed, terminated or closed, and reinstated when a dismissal is
 * overturned on appeal.
 */

/** The statuses a plan's outcome can have. */
export const OUTCOME_STATUSES = ['passed', 'terminated', 'closed', 'reinstated'] as const;

/** The final outcome of a PIP. Every outcome carries a reason. */
export interface PipOutcome {
  readonly status: (typeof OUTCOME_STATUSES)[number];
  /** `passed`, `removed`, `demoted`, `reassigned`, `retained`, `withdrawn`, `resigned`, `misconduct`, `transferred`, `policyChanged`. */
  readonly reason: string;
  readonly at: string;
  readonly by: string;
  /**
   * When the decision takes effect: the decision's `effectiveDate` (its first instant), or for a
   * removal or demotion without one the earliest it may (the day after the notice period).
   */
  readonly effectiveAt?: string;
  /** The local date the employee received the decision, when the decision gave one. */
  readonly receivedOn?: string;
  /** The ids of the proposal's cited instances the decision relies on. */
  readonly instancesRelied?: readonly string[];
  /** The last day (and instant) the employee may appeal, when the policy has an appeal window. */
  readonly appealUntil?: { readonly date: string; readonly dueAt: string };
  /** The last day the records must be kept, when the policy sets a retention period. */
  readonly retainUntil?: string;
  /** The day notations of unacceptable performance must be removed (policy `recordPurge`). */
  readonly purgeOn?: string;
  /**
   * Present when the decision was overturned on appeal (Acas Code paras 26-29): who decided the
   * appeal and when. A dismissal overturned reinstates the employee (status `reinstated`).
   */
  readonly overturned?: { readonly at: string; readonly by: string };
}
