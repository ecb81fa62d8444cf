/**
 * One spec per command: every fact about a command in one row, so nothing is kept in parallel
 * tables. The schema of each command is in `model/commands.ts` (the public boundary parses it);
 * the machine stays the only authority on which states accept a command, through the spec's
 * `primaryEvent` (the event whose acceptance by the machine is the state check).
 */
import type { PipEventType } from '../machine/types.js';
import type { Role } from '../model/actor.js';
import type { CommandType } from '../model/commands.js';
import { decideAcknowledgement } from './acknowledgement.js';
import { decideCheckIns } from './checkIns.js';
import { decideDeadlines } from './deadlines.js';
import { decideExtensions } from './extensions.js';
import { decideLeave } from './leave.js';
import { decideMeetings } from './meetings.js';
import { decideOutcome } from './outcome.js';
import { decidePlanning } from './planning.js';
import { decideRecordLevel } from './recordLevel.js';
import { decideAppeals } from './appeals.js';
import { decideStages, decisionStageIssues } from './stages.js';
import type { DecisionDraft, DecisionInput } from './decision.js';

/** The families commands are decided in: one decider file each. */
export type CommandFamily =
  | 'acknowledgement'
  | 'checkIns'
  | 'deadlines'
  | 'extensions'
  | 'leave'
  | 'meetings'
  | 'outcome'
  | 'planning'
  | 'recordLevel'
  | 'stages'
  | 'appeals';

/** Every fact about one command. @internal */
export interface CommandSpec {
  /** The decider file that decides it. */
  readonly family: CommandFamily;
  /** Roles allowed when the policy does not say (`permissions`); approvers and deciders come from the policy. */
  readonly roles: readonly Role[];
  /**
   * The event that carries the state check: the machine must accept it in the PIP's state.
   * `undefined` for record-level commands (any state) and deadline fires (checked against the
   * PIP's own pending deadlines).
   */
  readonly primaryEvent: PipEventType | undefined;
  /** Needs the plan's clock running: refused while an investigation hold has stopped it. */
  readonly needsClock?: boolean;
  /** Gives the plan to the employee: the policy's across-plans limit (`plans.maxWithin`) is checked. */
  readonly givesPlan?: boolean;
  /** About the record rather than the plan: accepted after the outcome too. */
  readonly recordLevel?: boolean;
  /** The decider: adds the command's events and refusals to the draft. Pure. */
  readonly decide: (input: DecisionInput, draft: DecisionDraft) => void;
}

/** The spec of every command. @internal */
export const COMMAND_SPECS = {
  UPDATE_PLAN: {
    family: 'planning',
    roles: ['manager', 'hr'],
    primaryEvent: 'PLAN_UPDATED',
    decide: decidePlanning,
  },
  ATTACH_DOCUMENT: {
    family: 'planning',
    roles: ['employee', 'manager', 'hr', 'legal'],
    primaryEvent: 'DOCUMENTS_ATTACHED',
    decide: decidePlanning,
  },
  SUBMIT_FOR_APPROVAL: {
    family: 'planning',
    roles: ['manager', 'hr'],
    primaryEvent: 'SUBMITTED_FOR_APPROVAL',
    givesPlan: true,
    decide: decidePlanning,
  },
  APPROVE: {
    family: 'planning',
    roles: ['hr'],
    primaryEvent: 'APPROVED',
    givesPlan: true,
    decide: decidePlanning,
  },
  REJECT: {
    family: 'planning',
    roles: ['hr'],
    primaryEvent: 'APPROVAL_REJECTED',
    decide: decidePlanning,
  },
  ISSUE: {
    family: 'planning',
    roles: ['manager', 'hr'],
    primaryEvent: 'ISSUED',
    givesPlan: true,
    decide: decidePlanning,
  },
  ACKNOWLEDGE: {
    family: 'acknowledgement',
    roles: ['employee'],
    primaryEvent: 'ACKNOWLEDGED',
    decide: decideAcknowledgement,
  },
  RECORD_REFUSAL: {
    family: 'acknowledgement',
    roles: ['manager', 'hr'],
    primaryEvent: 'REFUSAL_WITNESSED',
    decide: decideAcknowledgement,
  },
  RECORD_CHECK_IN: {
    family: 'checkIns',
    roles: ['manager', 'hr'],
    primaryEvent: 'CHECK_IN_HELD',
    needsClock: true,
    decide: decideCheckIns,
  },
  PAUSE: {
    family: 'leave',
    roles: ['hr'],
    primaryEvent: 'PAUSED',
    needsClock: true,
    decide: decideLeave,
  },
  RESUME: { family: 'leave', roles: ['hr'], primaryEvent: 'RESUMED', decide: decideLeave },
  START_AMENDMENT: {
    family: 'planning',
    roles: ['manager', 'hr'],
    primaryEvent: 'AMENDMENT_STARTED',
    needsClock: true,
    decide: decidePlanning,
  },
  ISSUE_AMENDMENT: {
    family: 'planning',
    roles: ['manager', 'hr'],
    primaryEvent: 'AMENDMENT_ISSUED',
    decide: decidePlanning,
  },
  CANCEL_AMENDMENT: {
    family: 'planning',
    roles: ['manager', 'hr'],
    primaryEvent: 'AMENDMENT_CANCELLED',
    decide: decidePlanning,
  },
  START_INVESTIGATION: {
    family: 'leave',
    roles: ['hr', 'legal'],
    primaryEvent: 'INVESTIGATION_STARTED',
    decide: decideLeave,
  },
  CLOSE_INVESTIGATION: {
    family: 'leave',
    roles: ['hr', 'legal'],
    primaryEvent: 'INVESTIGATION_CLOSED',
    decide: decideLeave,
  },
  EXTEND: {
    family: 'extensions',
    roles: ['manager', 'hr'],
    primaryEvent: 'EXTENDED',
    needsClock: true,
    decide: decideExtensions,
  },
  CONCLUDE_EARLY: {
    family: 'outcome',
    roles: ['manager', 'hr'],
    primaryEvent: 'PERIOD_ENDED',
    needsClock: true,
    decide: decideOutcome,
  },
  PASS: {
    family: 'outcome',
    roles: ['manager', 'hr'],
    primaryEvent: 'PASSED',
    decide: decideOutcome,
  },
  PROPOSE_TERMINATION: {
    family: 'outcome',
    roles: ['manager', 'hr'],
    primaryEvent: 'TERMINATION_PROPOSED',
    decide: decideOutcome,
  },
  SUBMIT_REPLY: {
    family: 'outcome',
    roles: ['employee'],
    primaryEvent: 'REPLY_SUBMITTED',
    decide: decideOutcome,
  },
  DECIDE: {
    family: 'outcome',
    roles: ['hr'],
    primaryEvent: 'DECIDED',
    // A decision that reaches the ladder's decision stage (dismissal) follows the stage below it.
    decide: (input, draft) => {
      draft.issues.push(...decisionStageIssues(input));
      decideOutcome(input, draft);
    },
  },
  CLOSE: { family: 'outcome', roles: ['hr'], primaryEvent: 'CLOSED', decide: decideOutcome },
  EXTEND_NOTICE: {
    family: 'outcome',
    roles: ['hr'],
    primaryEvent: 'NOTICE_EXTENDED',
    decide: decideOutcome,
  },
  FULFIL_OBLIGATION: {
    family: 'extensions',
    roles: ['manager', 'hr'],
    primaryEvent: 'OBLIGATION_FULFILLED',
    decide: decideExtensions,
  },
  RECORD_RELAPSE: {
    family: 'outcome',
    roles: ['manager', 'hr'],
    primaryEvent: 'RELAPSE_RECORDED',
    decide: decideOutcome,
  },
  SCHEDULE_MEETING: {
    family: 'meetings',
    roles: ['manager', 'hr'],
    primaryEvent: 'MEETING_SCHEDULED',
    decide: decideMeetings,
  },
  POSTPONE_MEETING: {
    family: 'meetings',
    roles: ['manager', 'hr'],
    primaryEvent: 'MEETING_POSTPONED',
    decide: decideMeetings,
  },
  RECORD_MEETING: {
    family: 'meetings',
    roles: ['manager', 'hr'],
    primaryEvent: 'MEETING_RECORDED',
    decide: decideMeetings,
  },
  CANCEL_MEETING: {
    family: 'meetings',
    roles: ['manager', 'hr'],
    primaryEvent: 'MEETING_CANCELLED',
    decide: decideMeetings,
  },
  ISSUE_STAGE: {
    family: 'stages',
    roles: ['manager', 'hr'],
    primaryEvent: 'STAGE_ISSUED',
    decide: decideStages,
  },
  // Appeals may follow a decision that ended the plan (a dismissal): about the record.
  APPEAL: {
    family: 'appeals',
    roles: ['employee'],
    primaryEvent: undefined,
    recordLevel: true,
    decide: decideAppeals,
  },
  RECORD_APPEAL_OUTCOME: {
    family: 'appeals',
    roles: ['hr', 'seniorManager'],
    primaryEvent: undefined,
    recordLevel: true,
    decide: decideAppeals,
  },
  PLACE_LEGAL_HOLD: {
    family: 'recordLevel',
    roles: ['hr', 'legal'],
    primaryEvent: undefined,
    recordLevel: true,
    decide: decideRecordLevel,
  },
  RELEASE_LEGAL_HOLD: {
    family: 'recordLevel',
    roles: ['hr', 'legal'],
    primaryEvent: undefined,
    recordLevel: true,
    decide: decideRecordLevel,
  },
  DEADLINE_REACHED: {
    family: 'deadlines',
    roles: ['system'],
    primaryEvent: undefined,
    decide: decideDeadlines,
  },
} as const satisfies Readonly<Record<CommandType, CommandSpec>>;

/** The spec of one command type (own properties only). @internal */
export function commandSpec(type: CommandType): CommandSpec {
  return COMMAND_SPECS[type];
}
