/**
 * Acknowledgement: the employee's receipt of the plan, or a witnessed refusal to sign.
 */
import {
  type DecisionInput,
  type DecisionDraft,
  issue,
  startPlan,
  base,
  escalations,
} from './decision.js';
import type { PipkitIssue } from '../errors/pipkitError.js';
import type { DeadlineChanges, PipEvent } from '../machine/types.js';
import type { CommandOf } from '../model/commands.js';

function acknowledgementEvent(
  input: DecisionInput,
  command: CommandOf<'ACKNOWLEDGE'> | CommandOf<'RECORD_REFUSAL'>,
): { event: PipEvent | undefined; issues: PipkitIssue[] } {
  const issues: PipkitIssue[] = [];
  const known =
    input.context.documents.some((document) => document.sha256 === command.documentSha256) ||
    (command.documents ?? []).some((document) => document.sha256 === command.documentSha256);
  if (!known) {
    issues.push(
      issue(
        'DOCUMENT_NOT_ATTACHED',
        'The acknowledged document hash matches no document on this plan.',
        ['documentSha256'],
      ),
    );
  }
  if (
    command.type === 'RECORD_REFUSAL' &&
    input.policy.document.acknowledgement.mode !== 'refusalWithWitness'
  ) {
    issues.push(
      issue(
        'ACKNOWLEDGEMENT_REQUIRED',
        'This policy requires the employee to acknowledge; a refusal does not start the plan.',
      ),
    );
  }
  const amended = input.context.amendment?.documentSha256;
  if (amended !== undefined && command.documentSha256 !== amended) {
    issues.push(
      issue(
        'DOCUMENT_NOT_CURRENT',
        'Acknowledge the amended plan document, not an earlier version.',
        ['documentSha256'],
      ),
    );
  }
  // The period starts at the first acknowledgement only; a re-acknowledgement never restarts it.
  const startsNow =
    input.policy.document.plan.startsOn === 'acknowledgement' && input.context.plan === undefined;
  const plan = startsNow
    ? input.schedule.planFrom(input.now, input.context.planDuration)
    : undefined;
  const deadlines: DeadlineChanges = {
    clear: ['acknowledgement'],
    set: plan ? startPlan(input, plan) : [],
  };
  const event: PipEvent =
    command.type === 'ACKNOWLEDGE'
      ? {
          ...base(input, 'ACKNOWLEDGED', deadlines),
          documentSha256: command.documentSha256,
          ...(plan ? { plan } : {}),
        }
      : {
          ...base(input, 'REFUSAL_WITNESSED', deadlines),
          documentSha256: command.documentSha256,
          witnessId: command.witnessId,
          ...(plan ? { plan } : {}),
        };
  return { event, issues };
}

/** Acknowledgement: the employee's receipt of the plan, or a witnessed refusal to sign. Adds its events and refusals to `draft`. */
export function decideAcknowledgement(input: DecisionInput, draft: DecisionDraft): void {
  const { command } = input;
  const { issues, events } = draft;
  switch (command.type) {
    case 'ACKNOWLEDGE':
    case 'RECORD_REFUSAL': {
      const result = acknowledgementEvent(input, command);
      issues.push(...result.issues);
      if (result.event) events.push(result.event);
      // A refusal to sign is told to whoever the policy names (Louisville copies HR).
      if (result.event) events.push(...escalations(input, 'acknowledgementRefused', 1));
      break;
    }
    default:
      break;
  }
}
