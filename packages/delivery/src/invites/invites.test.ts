import { isPipkitError, type StoredEvent } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { EMPLOYEE_ID, MANAGER_ID, londonPip } from '../__fixtures__/londonPip.js';
import { parseCalendar, wallClock } from '../__fixtures__/parseCalendar.js';
import { type Invite, invitesCalendar, invitesFor } from './invites.js';

const domain = 'pip.example.com';
const byId = (invites: readonly Invite[], id: string) => {
  const invite = invites.find((entry) => entry.deadlineId === id);
  if (!invite) throw new Error(`no invite for ${id}`);
  return invite;
};
/** The one VEVENT of an invite, as ical.js reads it, with the calendar's METHOD. */
const parsed = (invite: Invite) => {
  const calendar = parseCalendar(invite.ics);
  expect(calendar.events).toHaveLength(1);
  return { method: calendar.method, ...calendar.events[0]! };
};

describe('invitesFor', () => {
  it('invites to each check-in at the instant pipkit scheduled, 09:00 in London on both sides of the clock change', async () => {
    const pip = await londonPip();
    const checkIn1 = await pip.scheduledAt('checkIn:1');
    expect(checkIn1).toBe('2026-10-15T08:00:00.000Z');
    await pip.holdCheckIn();
    pip.clock.set('2026-10-15T10:00:00Z');
    const checkIn2 = await pip.scheduledAt('checkIn:2');
    // Thursday 29 October, the week after British Summer Time ends on Sunday 25 October.
    expect(checkIn2).toBe('2026-10-29T09:00:00.000Z');

    const invites = invitesFor(await pip.history(), { domain });
    const first = parsed(byId(invites, 'checkIn:1'));
    const second = parsed(byId(invites, 'checkIn:2'));
    expect(first.start).toBe(checkIn1);
    expect(second.start).toBe(checkIn2);
    expect(wallClock(first.start, 'Europe/London')).toBe('09:00');
    expect(wallClock(second.start, 'Europe/London')).toBe('09:00');
    expect(first.end).toBe('2026-10-15T08:30:00.000Z');
    // SEQUENCE is the seq of the event that scheduled each (the acknowledgement, the check-in held).
    const seqOf = (id: string) => byId(invites, id).changedSeq;
    expect([first.method, first.status, first.sequence]).toEqual([
      'REQUEST',
      'CONFIRMED',
      seqOf('checkIn:1'),
    ]);
    expect([second.method, second.status, second.sequence]).toEqual([
      'REQUEST',
      'CONFIRMED',
      seqOf('checkIn:2'),
    ]);
    expect(second.sequence).toBeGreaterThan(first.sequence);
    expect(first.uid).toBe('pip-london-1/checkIn:1@pip.example.com');
    expect(byId(invites, 'checkIn:1')).toMatchObject({ status: 'done', timeZone: 'Europe/London' });
    expect(byId(invites, 'checkIn:2')).toMatchObject({ status: 'scheduled', number: 2 });
  });

  it('keeps a meeting’s UID and raises its SEQUENCE when it moves, then sends a CANCEL', async () => {
    const pip = await londonPip();
    await pip.scheduleMeeting('2026-10-20T14:30');
    const scheduled = byId(invitesFor(await pip.history(), { domain }), 'meeting:review-1');
    expect(parsed(scheduled)).toMatchObject({
      method: 'REQUEST',
      sequence: scheduled.changedSeq,
      start: await pip.scheduledAt('meeting:review-1'),
      summary: 'reviewMeeting',
    });
    expect(parsed(scheduled).start).toBe('2026-10-20T13:30:00.000Z');

    pip.clock.set('2026-10-02T09:00:00Z');
    await pip.postponeMeeting('2026-10-27T14:30');
    const moved = byId(invitesFor(await pip.history(), { domain }), 'meeting:review-1');
    // 14:30 in London is 13:30Z before the clock change and 14:30Z after it.
    expect(parsed(moved)).toMatchObject({
      uid: scheduled.uid,
      method: 'REQUEST',
      sequence: moved.changedSeq,
      start: '2026-10-27T14:30:00.000Z',
      end: '2026-10-27T15:30:00.000Z',
      stamp: '2026-10-02T09:00:00.000Z',
    });
    expect(await pip.scheduledAt('meeting:review-1')).toBe('2026-10-27T14:30:00.000Z');
    expect(moved.sequence).toBeGreaterThan(scheduled.sequence);

    pip.clock.set('2026-10-03T09:00:00Z');
    await pip.cancelMeeting();
    const cancelled = byId(invitesFor(await pip.history(), { domain }), 'meeting:review-1');
    expect(cancelled).toMatchObject({ method: 'CANCEL', status: 'cancelled' });
    expect(cancelled.sequence).toBeGreaterThan(moved.sequence);
    expect(parsed(cancelled)).toMatchObject({
      uid: scheduled.uid,
      method: 'CANCEL',
      status: 'CANCELLED',
      sequence: cancelled.sequence,
      start: '2026-10-27T14:30:00.000Z',
      stamp: '2026-10-03T09:00:00.000Z',
    });
  });

  it('cancels a check-in a leave takes away and re-invites at the time the resume gives it', async () => {
    const pip = await londonPip();
    await pip.holdCheckIn();
    pip.clock.set('2026-10-20T10:00:00Z');
    await pip.pause();
    const paused = byId(invitesFor(await pip.history(), { domain }), 'checkIn:2');
    expect(parsed(paused)).toMatchObject({
      method: 'CANCEL',
      status: 'CANCELLED',
      sequence: paused.changedSeq,
    });
    expect(await pip.scheduledAt('checkIn:2')).toBeUndefined();

    pip.clock.set('2026-10-27T10:00:00Z');
    await pip.resume();
    const resumed = byId(invitesFor(await pip.history(), { domain }), 'checkIn:2');
    const moved = await pip.scheduledAt('checkIn:2');
    expect(moved).toBe('2026-11-05T09:00:00.000Z');
    expect(parsed(resumed)).toMatchObject({
      uid: paused.uid,
      method: 'REQUEST',
      status: 'CONFIRMED',
      sequence: resumed.changedSeq,
      start: moved,
    });
    expect(resumed.sequence).toBeGreaterThan(paused.sequence);
    expect(wallClock(moved!, 'Europe/London')).toBe('09:00');
  });

  it('keeps a missed check-in as it was and invites to the next one', async () => {
    const pip = await londonPip();
    // The end of 15 October in London: the sweep records check-in 1 missed.
    pip.clock.set('2026-10-16T00:00:00Z');
    const { fired } = await pip.engine.tick();
    expect(fired.map((entry) => entry.timerId)).toContain('pip-london-1/checkIn:1');
    const invites = invitesFor(await pip.history(), { domain });
    const missed = byId(invites, 'checkIn:1');
    expect(missed).toMatchObject({
      status: 'done',
      method: 'REQUEST',
      start: '2026-10-15T08:00:00.000Z',
    });
    // Missed is not a change a calendar shows: the SEQUENCE stays that of its scheduling.
    expect(missed.sequence).toBe(missed.changedSeq);
    const next = byId(invites, 'checkIn:2');
    expect(next).toMatchObject({ status: 'scheduled', sequence: next.changedSeq });
    expect(next.sequence).toBeGreaterThan(missed.sequence);
  });

  it('cancels the check-ins and meetings a closed plan had left', async () => {
    const pip = await londonPip();
    await pip.scheduleMeeting('2026-10-20T14:30');
    pip.clock.set('2026-10-05T09:00:00Z');
    await pip.close();
    const history = await pip.history();
    const invites = invitesFor(history, { domain });
    // Both cancelled by the close, the last event: its seq is their SEQUENCE.
    expect(invites.map((invite) => [invite.deadlineId, invite.method, invite.sequence])).toEqual([
      ['checkIn:1', 'CANCEL', history.length],
      ['meeting:review-1', 'CANCEL', history.length],
    ]);
    for (const invite of invites) {
      expect(parsed(invite)).toMatchObject({
        status: 'CANCELLED',
        stamp: '2026-10-05T09:00:00.000Z',
      });
    }
  });

  it('writes the same text for the same history, and nothing personal the host did not pass', async () => {
    const pip = await londonPip();
    await pip.scheduleMeeting('2026-10-20T14:30');
    const events = await pip.history();
    const once = invitesFor(events, { domain }).map((invite) => invite.ics);
    expect(invitesFor(events, { domain }).map((invite) => invite.ics)).toEqual(once);
    for (const text of once) {
      expect(text).not.toContain(EMPLOYEE_ID);
      expect(text).not.toContain(MANAGER_ID);
      expect(parseCalendar(text).events[0]).toMatchObject({
        classification: 'PRIVATE',
        attendees: [],
      });
    }
  });

  it('writes the host’s words and people', async () => {
    const pip = await londonPip();
    const [invite] = invitesFor(await pip.history(), {
      domain,
      classification: 'CONFIDENTIAL',
      describe: (occurrence) => ({
        summary: `Plan check-in ${occurrence.number ?? ''}`,
        description: 'Bring the ticket report.',
        location: 'Room 4',
        minutes: 45,
        organizer: { email: 'hr@example.com', name: 'HR' },
        attendees: [{ email: 'ada@example.com' }, { email: 'grace@example.com', name: 'Grace' }],
      }),
    });
    const event = parsed(invite!);
    expect(event).toMatchObject({
      summary: 'Plan check-in 1',
      organizer: 'hr@example.com',
      attendees: ['ada@example.com', 'grace@example.com'],
      classification: 'CONFIDENTIAL',
      end: '2026-10-15T08:45:00.000Z',
    });
    expect(invite!.ics).toContain('DESCRIPTION:Bring the ticket report.');
    expect(invite!.ics).toContain('LOCATION:Room 4');
  });

  it('writes an all-day event for a check-in recorded without a time (an earlier release)', async () => {
    const pip = await londonPip();
    const events = (await pip.history()).map(withoutScheduledAt);
    const event = parsed(byId(invitesFor(events, { domain }), 'checkIn:1'));
    expect(event).toMatchObject({ allDay: true, start: '2026-10-15', end: '2026-10-16' });
  });
});

describe('invitesCalendar', () => {
  it('publishes every occurrence in one calendar, cancelled ones marked CANCELLED', async () => {
    const pip = await londonPip();
    await pip.scheduleMeeting('2026-10-20T14:30');
    await pip.cancelMeeting();
    const history = await pip.history();
    const calendar = parseCalendar(invitesCalendar(history, { domain }));
    expect(calendar.method).toBe('PUBLISH');
    const [checkIn, meeting] = invitesFor(history, { domain });
    expect(calendar.events.map((event) => [event.uid, event.status, event.sequence])).toEqual([
      ['pip-london-1/checkIn:1@pip.example.com', 'CONFIRMED', checkIn?.changedSeq],
      ['pip-london-1/meeting:review-1@pip.example.com', 'CANCELLED', history.length],
    ]);
    expect(meeting?.sequence).toBe(history.length);
  });

  it('is an empty calendar for a PIP not yet given', async () => {
    const pip = await londonPip();
    const created = (await pip.history()).slice(0, 3);
    expect(parseCalendar(invitesCalendar(created, { domain })).events).toEqual([]);
  });
});

describe('refusals', () => {
  const issueCode = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!isPipkitError(error, 'INVALID_INPUT')) throw error;
      return error.issues[0]?.code;
    }
    throw new Error('expected a ValidationError');
  };

  it('refuses a domain that is not a domain name', async () => {
    const events = await (await londonPip()).history();
    expect(issueCode(() => invitesFor(events, { domain: 'pip example' }))).toBe(
      'INVITE_DOMAIN_INVALID',
    );
    expect(issueCode(() => invitesCalendar(events, { domain: '' }))).toBe('INVITE_DOMAIN_INVALID');
  });

  it('refuses a history that is not one PIP’s events from its creation, in order', async () => {
    const events = await (await londonPip()).history();
    const other = events.map((stored) => ({ ...stored, pipId: 'pip-2' }));
    expect(issueCode(() => invitesFor(events.slice(1), { domain }))).toBe('INVITE_HISTORY_INVALID');
    expect(issueCode(() => invitesFor([...events.slice(0, 2), other[2]!], { domain }))).toBe(
      'INVITE_HISTORY_INVALID',
    );
    expect(issueCode(() => invitesFor([...events].reverse(), { domain }))).toBe(
      'INVITE_HISTORY_INVALID',
    );
  });

  it('refuses host text iCalendar cannot carry', async () => {
    const events = await (await londonPip()).history();
    expect(issueCode(() => invitesFor(events, { domain, describe: () => ({ minutes: 0 }) }))).toBe(
      'INVITE_TEXT_INVALID',
    );
    const badEmail = () => ({ organizer: { email: 'not an address' } });
    expect(issueCode(() => invitesFor(events, { domain, describe: badEmail }))).toBe(
      'INVITE_TEXT_INVALID',
    );
  });
});

/** The event as a release without `scheduledAt` on deadlines would have stored it. */
function withoutScheduledAt(stored: StoredEvent): StoredEvent {
  const set = stored.event.deadlines?.set;
  if (!set) return stored;
  const stripped = set.map(({ scheduledAt: _dropped, ...deadline }) => deadline);
  return {
    ...stored,
    event: { ...stored.event, deadlines: { ...stored.event.deadlines, set: stripped } },
  };
}
