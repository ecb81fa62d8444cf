import type { AppealOutcome, AppealRecord, StageRecord } from '../model/stages.js';
import type { PipEventBase } from './types.js';

/** What a PIP's context keeps of formal stages and appeals. */
export interface StageContext {
  /** Formal stages issued (policy `stages`), in order of issue. */
  readonly stages?: readonly StageRecord[];
  /** Appeals against stages, in order of lodging; at most one is pending. */
  readonly appeals?: readonly AppealRecord[];
}

/** The events of formal stages and appeals (policy `stages` and `appeals`). */
export type StageEvent =
  | (PipEventBase<'STAGE_ISSUED'> & { readonly stage: StageRecord })
  | (PipEventBase<'STAGE_REVIEW_DUE'> & { readonly stageNumber: number })
  | (PipEventBase<'WARNING_EXPIRED'> & { readonly stageNumber: number })
  | (PipEventBase<'APPEAL_LODGED'> & {
      readonly against: string;
      /** The stage record appealed against; absent for a decision. */
      readonly stageNumber?: number;
    })
  | (PipEventBase<'APPEAL_WINDOW_CLOSED'> & { readonly stageNumber: number })
  | (PipEventBase<'APPEAL_DECIDED'> & {
      readonly against: string;
      readonly stageNumber?: number;
      readonly outcome: AppealOutcome;
      /** For `varied`: the stage record that replaces the one appealed against. */
      readonly replacement?: StageRecord;
      /** Set when an overturned dismissal reinstates the employee: the PIP moves to `reinstated`. */
      readonly reinstates?: true;
    })
  | (PipEventBase<'APPEAL_OVERDUE'> & { readonly against: string; readonly stageNumber?: number });
