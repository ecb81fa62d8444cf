import { type DeliveredMessage, isPipkitError } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { londonPip, type LondonPip } from '../__fixtures__/londonPip.js';
import { parseCalendar, wallClock } from '../__fixtures__/parseCalendar.js';
import { invitesFor } from './invites.js';
import { type CalendarMessage, inviteForMessage, isCalendarMessage } from './messageInvites.js';

const domain = 'pip.example.com';

/** The calendar messages the relay hands over since the last call, in order. */
async function calendarMessages(pip: LondonPip): Promise<CalendarMessage[]> {
  const handed: DeliveredMessage[] = [];
  await pip.engine.relay((message) => void handed.push(message), { limit: 1000 });
  return handed.filter(isCalendarMessage);
}

describe('inviteForMessage', () => {
  it('invites from each calendar message with the UID, SEQUENCE, method and times the history gives', async () => {
    const pip = await londonPip();
    await pip.scheduleMeeting('2026-10-20T14:30');
    pip.clock.set('2026-10-02T09:00:00Z');
    await pip.postponeMeeting('2026-10-27T14:30');
    pip.clock.set('2026-10-03T09:00:00Z');
    await pip.cancelMeeting();
    await pip.holdCheckIn();
    const messages = await calendarMessages(pip);
    expect(messages.map((message) => [message.type, message.payload.occurrence.id])).toEqual([
      ['pip.checkIn.scheduled', 'checkIn:1'],
      ['pip.meeting.scheduled', 'meeting:review-1'],
      ['pip.meeting.moved', 'meeting:review-1'],
      ['pip.meeting.cancelled', 'meeting:review-1'],
      ['pip.checkIn.scheduled', 'checkIn:2'],
    ]);
    const invites = messages.map((message) => inviteForMessage(message, { domain }));
    const meeting = invites.filter((invite) => invite.deadlineId === 'meeting:review-1');
    expect(meeting.map((invite) => invite.method)).toEqual(['REQUEST', 'REQUEST', 'CANCEL']);
    expect(new Set(meeting.map((invite) => invite.uid)).size).toBe(1);
    const sequences = meeting.map((invite) => invite.sequence);
    expect(sequences[0]).toBeLessThan(sequences[1] ?? 0);
    expect(sequences[1]).toBeLessThan(sequences[2] ?? 0);
    // The moved invite, as a calendar client reads it: 14:30 in London after the clock change.
    const moved = parseCalendar(meeting[1]?.ics ?? '');
    expect(moved.method).toBe('REQUEST');
    expect(moved.events[0]).toMatchObject({
      uid: 'pip-london-1/meeting:review-1@pip.example.com',
      sequence: sequences[1],
      start: '2026-10-27T14:30:00.000Z',
      stamp: '2026-10-02T09:00:00.000Z',
    });
    expect(wallClock(moved.events[0]?.start ?? '', 'Europe/London')).toBe('14:30');
    // The last message of each occurrence gives the invite the history gives, byte for byte.
    const fromHistory = invitesFor(await pip.history(), { domain });
    for (const invite of fromHistory) {
      const last = invites.filter((entry) => entry.deadlineId === invite.deadlineId).at(-1);
      if (invite.status === 'done') continue; // held: a calendar keeps what it was sent
      expect(last?.ics, invite.deadlineId).toBe(invite.ics);
    }
  });

  it('cancels from the message a pause writes and re-invites from the resume, SEQUENCE growing', async () => {
    const pip = await londonPip();
    await pip.holdCheckIn();
    await calendarMessages(pip);
    pip.clock.set('2026-10-20T10:00:00Z');
    await pip.pause();
    pip.clock.set('2026-10-27T10:00:00Z');
    await pip.resume();
    const [cancel, request] = (await calendarMessages(pip)).map((message) =>
      inviteForMessage(message, { domain }),
    );
    expect([cancel?.method, cancel?.deadlineId]).toEqual(['CANCEL', 'checkIn:2']);
    expect(parseCalendar(cancel?.ics ?? '').events[0]).toMatchObject({ status: 'CANCELLED' });
    expect([request?.method, request?.uid]).toEqual(['REQUEST', cancel?.uid]);
    expect(request?.start).toBe(await pip.scheduledAt('checkIn:2'));
    expect(request?.sequence).toBeGreaterThan(cancel?.sequence ?? Infinity);
  });

  it('puts the tenant in the UID, from messages and from the history alike', async () => {
    const pip = await londonPip();
    const [message] = await calendarMessages(pip);
    const options = { domain, tenantId: 'acme-eu' };
    const invite = inviteForMessage(message as CalendarMessage, options);
    expect(invite.uid).toBe('acme-eu/pip-london-1/checkIn:1@pip.example.com');
    expect(parseCalendar(invite.ics).events[0]?.uid).toBe(invite.uid);
    expect(invitesFor(await pip.history(), options)[0]?.uid).toBe(invite.uid);
  });

  it('refuses a tenant id that cannot be part of a UID', async () => {
    const pip = await londonPip();
    const [message] = await calendarMessages(pip);
    for (const tenantId of ['', 'acme eu', 'acme/eu', 'a@b']) {
      let code: string | undefined;
      try {
        inviteForMessage(message as CalendarMessage, { domain, tenantId });
      } catch (error) {
        if (isPipkitError(error, 'INVALID_INPUT')) code = error.issues[0]?.code;
      }
      expect(code, tenantId).toBe('INVITE_TENANT_INVALID');
    }
  });
});
