import type { Actor } from '../model/actor.js';
import type { CitedInstance, DocumentRef, Goal, Trigger } from '../model/commands.js';
import type { Meeting } from '../model/meetings.js';
import type { StageContext, StageEvent } from './stageTypes.js';
import type { Duration } from '../calendar/duration.js';
import type { PipOutcome } from './outcomeTypes.js';
export { OUTCOME_STATUSES, type PipOutcome } from './outcomeTypes.js';

/** Every deadline kind. Each has one meaning when it fires (see `docs/concepts.md`). */
export const DEADLINE_KINDS = [
  'acknowledgement',
  'checkIn',
  'planEnd',
  'review',
  'reply',
  'decision',
  'watch',
  'pauseEnd',
  'reminder',
  'investigation',
  'obligation',
  'meeting',
  'issuance',
  'purge',
  'stageReview',
  'warning',
  'appealWindow',
  'appealDecision',
] as const;

/** What a deadline is for. */
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** A pending deadline: data in the snapshot and a row in the store's timer index. */
export interface Deadline {
  /** Stable within the PIP (`planEnd`, `checkIn:3`); the timer id is `pipId/id`. */
  readonly id: string;
  readonly kind: DeadlineKind;
  /** When it fires, UTC ISO. */
  readonly dueAt: string;
  /** The local date it falls on, in the employee's zone. */
  readonly date: string;
  /** For check-ins: the scheduled local meeting time, as UTC ISO. */
  readonly scheduledAt?: string;
}

/** A document attached to the PIP, with who attached it and when. */
export interface AttachedDocument extends DocumentRef {
  readonly attachedAt: string;
  readonly attachedBy: string;
}

/** A plan given to the employee after the policy's deadline counted from its trigger. */
export interface LateIssuance {
  /** The last day it should have been given (`plans.trigger.issueWithin` from the trigger). */
  readonly dueDate: string;
}

/** The employee on a plan: their id, IANA zone and, optionally, a registered working calendar. */
export interface PipEmployee {
  readonly id: string;
  readonly timeZone: string;
  /** Id of a calendar registered with the engine; the policy's calendar when absent. */
  readonly calendar?: string | undefined;
  /** The level and group the host gave at open (policy `eligibility`). */
  readonly level?: number | undefined;
  readonly group?: string | undefined;
}

/** Everything the machine knows about one PIP: plain JSON, about a kilobyte. */
export interface PipContext extends StageContext {
  readonly pipId: string;
  readonly employee: PipEmployee;
  readonly managerId: string;
  /** The organisational unit the plan belongs to, when the host gave one at open. */
  readonly orgUnitId?: string;
  readonly policy: { readonly id: string; readonly version: number };
  readonly createdAt: string;
  readonly createdBy: string;
  readonly goals: readonly Goal[];
  /** The plan length chosen at open (policy `plan.durationChoices`); the policy's default otherwise. */
  readonly planDuration?: Duration;
  readonly documents: readonly AttachedDocument[];
  /** Cleared (set to undefined) when approval is rejected. */
  readonly submittedBy?: string | undefined;
  readonly approvedBy?: string;
  readonly issuedAt?: string;
  /** The fact that started the procedure, recorded at open. */
  readonly trigger?: Trigger;
  /** A procedure without a plan (`open({ procedure })`): it goes straight to the notice. */
  readonly procedure?: 'misconduct' | 'jobAbandonment';
  /** Set when the plan was given after the policy's deadline counted from the trigger. */
  readonly lateIssuance?: LateIssuance;
  readonly acknowledgement?: {
    readonly kind: 'signed' | 'refusalWitnessed';
    readonly at: string;
    readonly by: string;
    readonly documentSha256: string;
    readonly witnessId?: string;
  };
  /** The plan period, as local dates in the employee's zone. */
  readonly plan?: {
    readonly startDate: string;
    readonly endDate: string;
    readonly originalEndDate: string;
    /** The civil date the check-in grid is anchored to (moves with pauses). */
    readonly anchorDate: string;
  };
  readonly checkIns: {
    readonly held: number;
    readonly missed: number;
    readonly lastHeldAt?: string;
    readonly next: number;
  };
  readonly extensions: { readonly count: number; readonly total: number };
  /** Present while paused; cleared (set to undefined) on resume. */
  readonly pause?:
    | {
        readonly since: string;
        readonly category: string;
        readonly hostRef: string;
        readonly resumeTo: 'opened' | 'active' | 'extended';
      }
    | undefined;
  readonly pausedDays: number;
  /**
   * Legal holds in force, by the host's matter reference. While any is in force the record is
   * never purged, whatever its retention date. Absent when there is none.
   */
  readonly legalHolds?: readonly string[];
  /** Present while the plan is being amended (an edit pause: the clock keeps running). */
  readonly amendment?:
    | {
        readonly startedAt: string;
        readonly startedBy: string;
        readonly resumeTo: 'active' | 'extended';
        /** The amended plan document the employee must acknowledge, once issued. */
        readonly documentSha256?: string;
      }
    | undefined;
  /** Present while an investigation hold is open (an overlay on the plan's state). */
  readonly investigation?:
    | {
        readonly since: string;
        readonly hostRef: string;
        /** True when this hold stopped the plan's clock (the policy said so and it was running). */
        readonly stoppedClock: boolean;
      }
    | undefined;
  /** Findings of closed investigations, oldest first. */
  readonly investigationFindings?: readonly string[];
  readonly escalations: number;
  readonly termination?: {
    readonly proposedBy: string;
    readonly proposedAt: string;
    readonly noticeEndDate: string;
    readonly replies: number;
    /** The instances the notice cites, with their dates. */
    readonly instances?: readonly CitedInstance[];
  };
  /** Pending deadlines by id. */
  readonly deadlines: Readonly<Record<string, Deadline>>;
  /** Cleared (set to undefined) when a relapse sends a passed plan back to review. */
  readonly outcome?: PipOutcome | undefined;
  /** Obligations the employer owes (a union notice after an extension), by id. */
  readonly obligations?: Readonly<Record<string, Obligation>>;
  /** Meetings and hearings, by the host's meeting id. */
  readonly meetings?: Readonly<Record<string, Meeting>>;
  /** Extensions of the notice of proposed action: how many, and calendar days in all. */
  readonly noticeExtensions?: { readonly count: number; readonly total: number };
  /** Relapses recorded during the watch window, oldest first (each sent the PIP back to review). */
  readonly relapses?: readonly { readonly at: string; readonly by: string }[];
}

/** An employer obligation created by an event, such as telling the union about an extension. */
export interface Obligation {
  /** Who must be told. */
  readonly recipients: readonly string[];
  /** The last local day it may be met on. */
  readonly date: string;
  readonly status: 'pending' | 'overdue' | 'met';
  /** When it was recorded met. */
  readonly metAt?: string;
}

/** Dates an outcome event fixes: the appeal window's end and the retention period's end. */
export interface OutcomeDates {
  readonly appealUntil?: { readonly date: string; readonly dueAt: string };
  readonly retainUntil?: string;
  readonly purgeOn?: string;
}

/** Changes to the pending deadlines that an event carries. */
export interface DeadlineChanges {
  readonly set?: readonly Deadline[];
  readonly clear?: readonly string[];
}

/** The fields every event carries. */
export interface PipEventBase<T extends string> {
  readonly type: T;
  /** When it happened, UTC ISO. */
  readonly at: string;
  /** Who did it. */
  readonly actor: Actor;
  readonly deadlines?: DeadlineChanges;
}

/**
 * A fact the engine accepted. Events are what the log stores and what the machine folds; they
 * carry everything computed (dates, deadlines), so replaying them needs no policy and no clock.
 */
export type PipEvent =
  | (PipEventBase<'PIP_CREATED'> & {
      readonly pipId: string;
      readonly employee: PipEmployee;
      readonly managerId: string;
      /** The organisational unit the host gave at open. */
      readonly orgUnitId?: string;
      readonly policy: { readonly id: string; readonly version: number };
      readonly goals: readonly Goal[];
      /** The plan length chosen at open, when the policy offers a choice. */
      readonly planDuration?: Duration;
      /** The fact that started the procedure. */
      readonly trigger?: Trigger;
      readonly procedure?: 'misconduct' | 'jobAbandonment'; // a procedure without a plan
    })
  | (PipEventBase<'PLAN_UPDATED'> & { readonly goals: readonly Goal[] })
  | (PipEventBase<'DOCUMENTS_ATTACHED'> & { readonly documents: readonly DocumentRef[] })
  | PipEventBase<'SUBMITTED_FOR_APPROVAL'>
  | (PipEventBase<'APPROVAL_REJECTED'> & { readonly reasonCode: string })
  | (PipEventBase<'APPROVED'> & { readonly plan?: PlanDates; readonly lateIssuance?: LateIssuance })
  | (PipEventBase<'ISSUED'> & { readonly plan?: PlanDates; readonly lateIssuance?: LateIssuance })
  | PipEventBase<'ISSUANCE_OVERDUE'>
  | (PipEventBase<'ACKNOWLEDGED'> & { readonly documentSha256: string; readonly plan?: PlanDates })
  | (PipEventBase<'REFUSAL_WITNESSED'> & {
      readonly documentSha256: string;
      readonly witnessId: string;
      readonly plan?: PlanDates;
    })
  | PipEventBase<'ACKNOWLEDGEMENT_OVERDUE'>
  | (PipEventBase<'CHECK_IN_HELD'> & {
      readonly number: number;
      readonly assessment: 'onTrack' | 'mixed' | 'offTrack';
    })
  | (PipEventBase<'CHECK_IN_MISSED'> & { readonly number: number })
  | (PipEventBase<'ESCALATED'> & {
      readonly trigger: string;
      readonly occurrence: number;
      readonly notify: readonly string[];
    })
  | (PipEventBase<'REMINDER_SENT'> & {
      /** The deadline reminded of. */
      readonly target: string;
      readonly notify: readonly string[];
    })
  | PipEventBase<'AMENDMENT_STARTED'>
  | (PipEventBase<'AMENDMENT_ISSUED'> & { readonly documentSha256: string })
  | PipEventBase<'AMENDMENT_CANCELLED'>
  | (PipEventBase<'INVESTIGATION_STARTED'> & {
      readonly hostRef: string;
      readonly stoppedClock: boolean;
    })
  | (PipEventBase<'INVESTIGATION_CLOSED'> & {
      readonly finding: string;
      /** Days the hold stopped the clock (0 when it did not), and the moved plan. */
      readonly heldDays: number;
      readonly plan?: PlanDates;
    })
  | PipEventBase<'INVESTIGATION_OVERDUE'>
  | (PipEventBase<'PAUSED'> & {
      readonly category: string;
      readonly hostRef: string;
      /** When the leave began, UTC ISO; if before the plan's start, the clock stops from that day. */
      readonly since: string;
    })
  | (PipEventBase<'RESUMED'> & {
      /** How far the plan moved (in its own unit): the leave's length, or 0 when it did not extend. */
      readonly pausedDays: number;
      /** The plan after the leave; absent when it had not started yet (leave before acknowledgement). */
      readonly plan?: PlanDates;
      /** When the clock restarted (the leave's end), UTC ISO. */
      readonly resumedAt: string;
      /** Present when the leave did not extend the plan (policy `leave`): how long it lasted. */
      readonly leaveDays?: number;
      /** Check-ins of the kept grid that fell inside the leave and are skipped (policy `leave.checkIns: 'keep'`). */
      readonly checkInsSkipped?: number;
    })
  | (PipEventBase<'EXTENDED'> & {
      readonly amount: number;
      readonly unit: string;
      readonly reason: string;
      readonly plan: PlanDates;
      /** The obligation the extension creates (policy `extensions.notify`), with its id. */
      readonly obligation?: {
        readonly id: string;
        readonly recipients: readonly string[];
        readonly date: string;
      };
      /** Present when the employee must re-acknowledge (policy `extensions.reacknowledge`). */
      readonly acknowledge?: { readonly documentSha256: string };
    })
  | (PipEventBase<'OBLIGATION_FULFILLED'> & { readonly obligationId: string })
  | (PipEventBase<'OBLIGATION_OVERDUE'> & { readonly obligationId: string })
  | (PipEventBase<'NOTICE_EXTENDED'> & {
      readonly amount: number;
      readonly reason: string;
      readonly noticeEndDate: string;
    })
  | PipEventBase<'RELAPSE_RECORDED'>
  | (PipEventBase<'MEETING_SCHEDULED'> & { readonly meetingId: string; readonly meeting: Meeting })
  | (PipEventBase<'MEETING_POSTPONED'> & {
      readonly meetingId: string;
      readonly to: string;
      readonly local: string;
      readonly reason: string;
      /**
       * The new local date when the employer moved the meeting (`employerUnavailable`): it is
       * then the day "proposed by the employer" that ERA 1999 s.10(5) counts from. Absent on
       * other moves and on events written before it existed, which leave `proposedDate` as it was.
       */
      readonly employerProposedDate?: string;
    })
  | (PipEventBase<'MEETING_RECORDED'> & {
      readonly meetingId: string;
      readonly outcome: 'held' | 'noShow';
      readonly companionAttended?: boolean;
    })
  | (PipEventBase<'MEETING_CANCELLED'> & { readonly meetingId: string })
  | (PipEventBase<'MEETING_OVERDUE'> & { readonly meetingId: string })
  | StageEvent
  | (PipEventBase<'LEGAL_HOLD_PLACED'> & { readonly matterRef: string })
  | (PipEventBase<'LEGAL_HOLD_RELEASED'> & { readonly matterRef: string })
  | (PipEventBase<'PURGE_DUE'> & {
      /** The last day the record had to be kept (`outcome.retainUntil`). */
      readonly retainUntil: string;
      /** Legal holds that kept the record; the deadline returns when the last is released. */
      readonly heldBy?: readonly string[];
    })
  | (PipEventBase<'POLICY_MIGRATED'> & {
      readonly from: { readonly id: string; readonly version: number };
      readonly to: { readonly id: string; readonly version: number };
      readonly plan?: PlanDates;
    })
  | (PipEventBase<'PERIOD_ENDED'> & { readonly early: boolean })
  | PipEventBase<'REVIEW_OVERDUE'>
  | (PipEventBase<'PASSED'> & OutcomeDates & { readonly watchUntil?: string })
  | PipEventBase<'WATCH_ENDED'>
  | (PipEventBase<'TERMINATION_PROPOSED'> & {
      readonly noticeEndDate: string;
      readonly instances?: readonly CitedInstance[];
      readonly absentSince?: string; // job abandonment: the absence's first day
    })
  | PipEventBase<'REPLY_SUBMITTED'>
  | PipEventBase<'REPLY_WINDOW_CLOSED'>
  | PipEventBase<'DECISION_OVERDUE'>
  | (PipEventBase<'DECIDED'> &
      OutcomeDates & {
        readonly decision: 'remove' | 'demote' | 'reassign' | 'retain';
        readonly effectiveAt?: string;
        /** The local date the employee received the decision, when the command gave one. */
        readonly receivedOn?: string;
        readonly instancesRelied?: readonly string[];
      })
  | (PipEventBase<'CLOSED'> & OutcomeDates & { readonly reason: string })
  | (PipEventBase<'MESSAGE_DEAD_LETTERED'> & {
      /** The outbox message the relay gave up on (its payload is not copied here). */
      readonly messageId: string;
      readonly messageType: string;
      /** Failed delivery attempts before it was given up. */
      readonly attempts: number;
      /** The last attempt's stable failure code. */
      readonly code: string;
    });

/** The type of an accepted event. */
export type PipEventType = PipEvent['type'];

/** The plan's dates as an event sets them. */
export interface PlanDates {
  readonly startDate: string;
  readonly endDate: string;
  readonly originalEndDate: string;
  readonly anchorDate: string;
}
