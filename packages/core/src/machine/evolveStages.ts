import type { AppealRecord, StageRecord } from '../model/stages.js';
import type { PipContext, PipEvent } from './types.js';

/** The context with stage `number` replaced by `update` of it (unchanged when there is none). */
function withStage(
  next: PipContext,
  number: number | undefined,
  update: (stage: StageRecord) => StageRecord,
): PipContext {
  const stages = next.stages ?? [];
  if (number === undefined || !stages.some((stage) => stage.number === number)) return next;
  return {
    ...next,
    stages: stages.map((stage) => (stage.number === number ? update(stage) : stage)),
  };
}

/** The context with its pending appeal replaced by `update` of it. */
function withPendingAppeal(
  next: PipContext,
  update: (appeal: AppealRecord) => AppealRecord,
): PipContext {
  const appeals = next.appeals ?? [];
  return {
    ...next,
    appeals: appeals.map((appeal) => (appeal.status === 'pending' ? update(appeal) : appeal)),
  };
}

/**
 * The outcome marked overturned when an appeal against the decision that ended the plan is
 * overturned; a reinstating one (a dismissal) takes the status `reinstated`.
 */
function overturnedOutcome(
  next: PipContext,
  event: Extract<PipEvent, { type: 'APPEAL_DECIDED' }>,
): PipContext {
  const outcome = next.outcome;
  if (!outcome || event.outcome !== 'overturned' || event.stageNumber !== undefined) return next;
  return {
    ...next,
    outcome: {
      ...outcome,
      ...(event.reinstates ? { status: 'reinstated' as const } : {}),
      overturned: { at: event.at, by: event.actor.id },
    },
  };
}

/** Events of formal stages and appeals; `undefined` for any other event. @internal */
export function evolveStages(next: PipContext, event: PipEvent): PipContext | undefined {
  switch (event.type) {
    case 'STAGE_ISSUED':
      return { ...next, stages: [...(next.stages ?? []), event.stage] };
    case 'APPEAL_LODGED':
      return {
        ...next,
        appeals: [
          ...(next.appeals ?? []),
          {
            against: event.against,
            ...(event.stageNumber === undefined ? {} : { stageNumber: event.stageNumber }),
            lodgedAt: event.at,
            lodgedBy: event.actor.id,
            status: 'pending',
          },
        ],
      };
    case 'APPEAL_DECIDED': {
      const decided = withPendingAppeal(next, (appeal) => ({
        ...appeal,
        status: event.outcome,
        decidedAt: event.at,
        decidedBy: event.actor.id,
        ...(event.replacement ? { replacement: event.replacement.stage } : {}),
      }));
      const marked = withStage(overturnedOutcome(decided, event), event.stageNumber, (stage) => ({
        ...stage,
        appeal: event.outcome,
      }));
      return event.replacement
        ? { ...marked, stages: [...(marked.stages ?? []), event.replacement] }
        : marked;
    }
    case 'STAGE_REVIEW_DUE':
    case 'WARNING_EXPIRED':
    case 'APPEAL_WINDOW_CLOSED':
    case 'APPEAL_OVERDUE':
      return next;
    default:
      return undefined;
  }
}
