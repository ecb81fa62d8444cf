// A PIP of an employee in London across the end of British Summer Time (25 October 2026), driven
// through the engine on a test clock: check-ins at 09:00 local before and after the change, a
// review meeting scheduled, postponed and cancelled, and a leave that moves a check-in.
import {
  type Actor,
  createEngine,
  defaultPolicy,
  type Engine,
  memoryStore,
  type StoredEvent,
} from '@pipkit/core';
import { createTestClock, type TestClock } from '@pipkit/core/testing';

/** Ids that must never reach an invite unless the host puts them there. */
export const EMPLOYEE_ID = 'emp-4711';
export const MANAGER_ID = 'mgr-0815';

const manager: Actor = { id: MANAGER_ID, role: 'manager' };
const hr: Actor = { id: 'hr-1', role: 'hr' };
const employee: Actor = { id: EMPLOYEE_ID, role: 'employee' };
const plan = { kind: 'planDocument', ref: 'dms://plan/1', sha256: 'a'.repeat(64) };
const notes = { kind: 'checkInNotes', ref: 'dms://notes/1', sha256: 'b'.repeat(64) };

/** The London PIP and the commands that move it along, one step at a time. */
export interface LondonPip {
  readonly engine: Engine;
  readonly clock: TestClock;
  readonly pipId: string;
  /** The PIP's stored events so far. */
  history(): Promise<StoredEvent[]>;
  /** Where pipkit has deadline `id` now (its `scheduledAt`), or undefined when it has none. */
  scheduledAt(id: string): Promise<string | undefined>;
  scheduleMeeting(at: string): Promise<void>;
  postponeMeeting(to: string): Promise<void>;
  cancelMeeting(): Promise<void>;
  holdCheckIn(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** HR closes the plan (the employee resigned). */
  close(): Promise<void>;
}

/**
 * Opens the PIP on 28 September 2026 and has it acknowledged on 1 October: the plan runs from
 * then, with check-in 1 on Thursday 15 October at 09:00 BST (08:00Z) and check-in 2 on Thursday
 * 29 October at 09:00 GMT (09:00Z).
 */
export async function londonPip(): Promise<LondonPip> {
  const clock = createTestClock('2026-09-28T09:00:00Z');
  const engine = createEngine({ store: memoryStore(), policies: [defaultPolicy], clock });
  const { pip } = await engine.open(
    {
      pipId: 'pip-london-1',
      employee: { id: EMPLOYEE_ID, timeZone: 'Europe/London' },
      managerId: MANAGER_ID,
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g1', description: 'Close tickets', measure: '90% within SLA' }],
      documents: [plan],
    },
    { actor: manager },
  );
  const { pipId } = pip;
  await engine.dispatch(pipId, { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
  await engine.dispatch(pipId, { type: 'APPROVE' }, { actor: hr });
  clock.set('2026-10-01T10:00:00Z');
  await engine.dispatch(
    pipId,
    { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
    { actor: employee },
  );
  const meeting = (command: Record<string, unknown>) =>
    engine
      .dispatch(pipId, { meetingId: 'review-1', ...command } as never, { actor: manager })
      .then(() => undefined);
  return {
    engine,
    clock,
    pipId,
    history: () => engine.history(pipId, { actor: hr }),
    async scheduledAt(id) {
      const record = await engine.get(pipId, { actor: hr });
      return record.context.deadlines[id]?.scheduledAt;
    },
    scheduleMeeting: (at) => meeting({ type: 'SCHEDULE_MEETING', kind: 'reviewMeeting', at }),
    postponeMeeting: (to) =>
      meeting({ type: 'POSTPONE_MEETING', to, reason: 'employerUnavailable' }),
    cancelMeeting: () => meeting({ type: 'CANCEL_MEETING' }),
    async holdCheckIn() {
      await engine.dispatch(
        pipId,
        { type: 'RECORD_CHECK_IN', assessment: 'onTrack', documents: [notes] },
        { actor: manager },
      );
    },
    async pause() {
      await engine.dispatch(
        pipId,
        { type: 'PAUSE', category: 'medicalLeave', hostRef: 'leave-1' },
        { actor: hr },
      );
    },
    async resume() {
      await engine.dispatch(pipId, { type: 'RESUME' }, { actor: hr });
    },
    async close() {
      await engine.dispatch(pipId, { type: 'CLOSE', reason: 'resigned' }, { actor: hr });
    },
  };
}
