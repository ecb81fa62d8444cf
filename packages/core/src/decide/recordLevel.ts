/**
 * Record-level commands: legal holds, about the record rather than the plan.
 */
import { type DecisionInput, type DecisionDraft, issue, base } from './decision.js';
import { purgeAfterRelease } from './purge.js';

/** Record-level commands: legal holds, about the record rather than the plan. Adds its events and refusals to `draft`. */
export function decideRecordLevel(input: DecisionInput, draft: DecisionDraft): void {
  const { command, context } = input;
  const { issues, events } = draft;
  switch (command.type) {
    case 'PLACE_LEGAL_HOLD':
      if ((context.legalHolds ?? []).includes(command.matterRef)) {
        issues.push(
          issue('LEGAL_HOLD_EXISTS', `Matter "${command.matterRef}" already holds this record.`, [
            'matterRef',
          ]),
        );
      }
      events.push({ ...base(input, 'LEGAL_HOLD_PLACED'), matterRef: command.matterRef });
      break;
    case 'RELEASE_LEGAL_HOLD':
      if (!(context.legalHolds ?? []).includes(command.matterRef)) {
        issues.push(
          issue('LEGAL_HOLD_NOT_FOUND', `No legal hold for matter "${command.matterRef}".`, [
            'matterRef',
          ]),
        );
      }
      {
        // Releasing the last hold on a final record brings its purge deadline back.
        const purge = purgeAfterRelease(input, command);
        const deadlines = purge.length > 0 ? { set: purge } : undefined;
        events.push({
          ...base(input, 'LEGAL_HOLD_RELEASED', deadlines),
          matterRef: command.matterRef,
        });
      }
      break;
    default:
      break;
  }
}
