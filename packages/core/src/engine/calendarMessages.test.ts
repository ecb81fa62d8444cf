/**
 * Calendar messages through the engine: every check-in and meeting put in the calendar, moved or
 * taken away writes `pip.checkIn.*` / `pip.meeting.*` with its local date, time and zone and a
 * sequence that grows with every change, and what is held leaves the calendar alone.
 */
import { describe, expect, it } from 'vitest';
import {
  type CalendarMessageType,
  messagePayloadSchemas,
  type PipkitMessage,
} from '../messages/catalogue.js';

type CalendarMessage = Extract<PipkitMessage, { type: CalendarMessageType }>;
import type { Actor } from '../model/actor.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { presets } from '../presets.js';
import { doc, presetHarness } from '../policy/presets/__fixtures__/presetHarness.js';
import { memoryStore } from '../store/memoryStore.js';
import { createTestClock } from '../testing/testClock.js';
import { createEngine } from './createEngine.js';

const hr: Actor = { id: 'hr-1', role: 'hr' };
const manager: Actor = { id: 'mgr-1', role: 'manager' };
const employee: Actor = { id: 'emp-1', role: 'employee' };
const PLAN = { kind: 'planDocument', ref: 'dms://plan/1', sha256: '1'.padStart(64, '0') };

/** A default-policy plan in New York, acknowledged Tuesday 3 March 2026. */
async function activePlan() {
  const clock = createTestClock('2026-03-02T15:00:00Z');
  const store = memoryStore();
  const engine = createEngine({ store, policies: [defaultPolicy], clock, ids: () => 'pip-1' });
  await engine.open(
    {
      employee: { id: 'emp-1', timeZone: 'America/New_York' },
      managerId: 'mgr-1',
      policy: { id: defaultPolicy.id },
      goals: [{ id: 'g1', description: 'Resolve tickets', measure: '90% within SLA' }],
    },
    { actor: manager },
  );
  await engine.dispatch(
    'pip-1',
    { type: 'SUBMIT_FOR_APPROVAL', documents: [PLAN] },
    { actor: manager },
  );
  await engine.dispatch('pip-1', { type: 'APPROVE' }, { actor: hr });
  clock.set('2026-03-03T15:00:00Z');
  await engine.dispatch(
    'pip-1',
    { type: 'ACKNOWLEDGE', documentSha256: PLAN.sha256 },
    { actor: employee },
  );
  let read = 0;
  /** The calendar messages written since the last call, each checked against the catalogue. */
  const calendar = async (): Promise<CalendarMessage[]> => {
    const all = await store.pendingOutbox(1000);
    const fresh = all.slice(read);
    read = all.length;
    return fresh
      .filter((message) => /^pip\.(checkIn|meeting)\./.test(message.type))
      .map((message) => {
        const schema = messagePayloadSchemas[message.type as CalendarMessageType];
        return { ...message, payload: schema.parse(message.payload) } as CalendarMessage;
      });
  };
  return { engine, store, clock, calendar };
}

describe('check-in calendar messages', () => {
  it('schedules the first check-in at acknowledgement, with its local date, time and zone', async () => {
    const { engine, calendar } = await activePlan();
    const [scheduled, ...rest] = await calendar();
    expect(rest).toEqual([]);
    expect(scheduled?.type).toBe('pip.checkIn.scheduled');
    const pip = await engine.get('pip-1', { actor: hr });
    const deadline = pip.context.deadlines['checkIn:1'];
    expect(scheduled?.payload).toMatchObject({
      notify: ['employee', 'manager'],
      employeeId: 'emp-1',
      managerId: 'mgr-1',
      occurrence: {
        id: 'checkIn:1',
        number: 1,
        date: deadline?.date,
        start: deadline?.scheduledAt,
        timeZone: 'America/New_York',
      },
      sequence: pip.version,
    });
    // The local time is the deadline's instant read in the employee's zone.
    const start = new Date(deadline?.scheduledAt ?? '');
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(start);
    expect(scheduled?.payload).toMatchObject({ occurrence: { time: local } });
  });

  it('a check-in held leaves its occurrence alone and schedules the next', async () => {
    const { engine, clock, calendar } = await activePlan();
    await calendar();
    const before = await engine.get('pip-1', { actor: hr });
    clock.set(before.context.deadlines['checkIn:1']?.scheduledAt ?? '');
    await engine.dispatch(
      'pip-1',
      {
        type: 'RECORD_CHECK_IN',
        assessment: 'onTrack',
        documents: [{ ...PLAN, kind: 'checkInNotes', ref: 'dms://notes/1' }],
      },
      { actor: manager },
    );
    const messages = await calendar();
    expect(messages.map((message) => [message.type, message.payload.occurrence.id])).toEqual([
      ['pip.checkIn.scheduled', 'checkIn:2'],
    ]);
  });

  it('a pause cancels the pending check-in and the resume puts one back with a higher sequence', async () => {
    const { engine, clock, calendar } = await activePlan();
    const [first] = await calendar();
    clock.set('2026-03-05T15:00:00Z');
    await engine.dispatch(
      'pip-1',
      { type: 'PAUSE', category: 'medicalLeave', hostRef: 'leave-1' },
      { actor: hr },
    );
    const [cancelled, ...none] = await calendar();
    expect(none).toEqual([]);
    expect(cancelled).toMatchObject({
      type: 'pip.checkIn.cancelled',
      payload: { occurrence: { id: 'checkIn:1' }, reason: 'PAUSED' },
    });
    clock.set('2026-03-20T15:00:00Z');
    await engine.dispatch('pip-1', { type: 'RESUME' }, { actor: hr });
    const [back] = await calendar();
    expect(back).toMatchObject({
      type: 'pip.checkIn.scheduled',
      payload: { occurrence: { id: 'checkIn:1' } },
    });
    const sequences = [first, cancelled, back].map((message) =>
      message && 'sequence' in message.payload ? message.payload.sequence : -1,
    );
    expect(sequences[0]).toBeLessThan(sequences[1] ?? -1);
    expect(sequences[1]).toBeLessThan(sequences[2] ?? -1);
    expect((await engine.verify('pip-1', { actor: hr })).ok).toBe(true);
  });

  it('closing the plan cancels the check-in still pending', async () => {
    const { engine, calendar } = await activePlan();
    await calendar();
    await engine.dispatch('pip-1', { type: 'CLOSE', reason: 'withdrawn' }, { actor: hr });
    expect((await calendar()).map((message) => [message.type, message.payload])).toEqual([
      ['pip.checkIn.cancelled', expect.objectContaining({ reason: 'CLOSED' })],
    ]);
  });
});

describe('meeting calendar messages (Acas Code para 11-12; ERA 1999 s.10)', () => {
  it('schedules, moves with an increasing sequence and the time it had, and cancels a hearing', async () => {
    const h = presetHarness([presets.ukAcasCapability], {
      start: '2026-05-11T09:00:00Z',
      timeZone: 'Europe/London',
    });
    const { pipId } = await h.open();
    await h.send(pipId, { type: 'ISSUE', documents: [doc('planDocument')] }, manager);
    h.at('2026-05-12T09:00:00Z');
    const seen = (await h.store.pendingOutbox(1000)).length;
    const meetingId = 'hearing-1';
    await h.send(
      pipId,
      {
        type: 'SCHEDULE_MEETING',
        meetingId,
        kind: 'hearing',
        attendees: ['mgr-1'],
        at: '2026-05-19T10:00',
        companion: { type: 'workplaceColleague', id: 'emp-9' },
      },
      manager,
    );
    await h.send(
      pipId,
      {
        type: 'POSTPONE_MEETING',
        meetingId,
        to: '2026-05-21T14:30',
        reason: 'companionUnavailable',
      },
      manager,
    );
    await h.send(pipId, { type: 'CANCEL_MEETING', meetingId }, manager);
    const messages = (await h.store.pendingOutbox(1000))
      .slice(seen)
      .filter((message) => message.type.startsWith('pip.meeting.'));
    expect(messages.map((message) => message.type)).toEqual([
      'pip.meeting.scheduled',
      'pip.meeting.moved',
      'pip.meeting.cancelled',
    ]);
    for (const message of messages) {
      messagePayloadSchemas[message.type as 'pip.meeting.moved'].parse(message.payload);
    }
    const [scheduled, moved, cancelled] = messages.map((message) => message.payload);
    expect(scheduled).toMatchObject({
      notify: ['employee', 'manager', 'hr'],
      occurrence: {
        id: 'meeting:hearing-1',
        meetingId,
        meetingKind: 'hearing',
        date: '2026-05-19',
        time: '10:00',
        start: '2026-05-19T09:00:00.000Z',
        timeZone: 'Europe/London',
      },
    });
    expect(moved).toMatchObject({
      occurrence: { date: '2026-05-21', time: '14:30', start: '2026-05-21T13:30:00.000Z' },
      previous: { date: '2026-05-19', time: '10:00', start: '2026-05-19T09:00:00.000Z' },
    });
    expect(cancelled).toMatchObject({
      reason: 'MEETING_CANCELLED',
      occurrence: { date: '2026-05-21' },
    });
    const sequences = [scheduled, moved, cancelled].map((payload) => Number(payload?.sequence));
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(3);
  });
});
