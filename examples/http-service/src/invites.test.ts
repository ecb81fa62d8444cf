import { createEngine, defaultPolicy, memoryStore } from '@pipkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import {
  document,
  openBody,
  people,
  startService,
  type TestService,
} from './__fixtures__/service.js';

const plan = document('planDocument', 'the plan');

/** The UTC form iCalendar writes an instant in: `20260316T140000Z`. */
const icalUtc = (instant: string) => instant.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

describe('GET /pips/:id/invites.ics', () => {
  let service: TestService;
  const store = memoryStore();

  beforeAll(async () => {
    service = await startService(store);
    const engine = createEngine({ store, policies: [defaultPolicy], clock: service.clock });
    const { manager, hr, employee } = people;
    await engine.open({ ...openBody('pip-cal'), documents: [plan] }, { actor: manager });
    await engine.dispatch('pip-cal', { type: 'SUBMIT_FOR_APPROVAL' }, { actor: manager });
    await engine.dispatch('pip-cal', { type: 'APPROVE' }, { actor: hr });
    await engine.dispatch(
      'pip-cal',
      { type: 'ACKNOWLEDGE', documentSha256: plan.sha256 },
      { actor: employee },
    );
    const meeting = { meetingId: 'review-1', kind: 'reviewMeeting', attendees: [] };
    await engine.dispatch(
      'pip-cal',
      { type: 'SCHEDULE_MEETING', ...meeting, at: '2026-03-20T10:00' },
      { actor: manager },
    );
    await engine.dispatch(
      'pip-cal',
      { type: 'CANCEL_MEETING', meetingId: 'review-1' },
      { actor: manager },
    );
  });
  afterAll(() => service.close());

  it("serves the PIP's check-ins and meetings as a calendar, at pipkit's instants", async () => {
    const record = await service.request('GET', '/pips/pip-cal', { as: people.hr });
    const deadlines = record.json.context as {
      deadlines: Record<string, { scheduledAt?: string }>;
    };
    const checkIn = deadlines.deadlines['checkIn:1']?.scheduledAt;
    expect(checkIn).toBeDefined();

    const response = await service.request('GET', '/pips/pip-cal/invites.ics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('etag')).toBe(record.headers.get('etag'));
    const text = String(response.body);
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text).toContain('METHOD:PUBLISH\r\n');
    const events = text.split('BEGIN:VEVENT').slice(1);
    expect(events).toHaveLength(2);
    expect(events[0]).toContain('UID:pip-cal/checkIn:1@pipkit.invalid\r\n');
    expect(events[0]).toContain(`DTSTART:${icalUtc(checkIn!)}\r\n`);
    expect(events[0]).toContain('STATUS:CONFIRMED');
    // 10:00 in Chicago on 20 March 2026 (daylight time since 8 March) is 15:00Z.
    expect(events[1]).toContain('UID:pip-cal/meeting:review-1@pipkit.invalid\r\n');
    expect(events[1]).toContain('DTSTART:20260320T150000Z\r\n');
    expect(events[1]).toContain('STATUS:CANCELLED');
    // Cancelled by the PIP's last event: its seq is the SEQUENCE, above the invitation's.
    const { version } = record.json as { version: number };
    expect(events[1]).toContain(`SEQUENCE:${version}\r\n`);
    // No personal data: the ids of the people on the plan appear nowhere.
    for (const person of Object.values(people)) expect(text).not.toContain(person.id);
  });

  it('answers 304 while the PIP has not changed', async () => {
    const first = await service.request('GET', '/pips/pip-cal/invites.ics');
    const again = await service.request('GET', '/pips/pip-cal/invites.ics', {
      headers: { 'if-none-match': first.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('is read like the PIP: its employee may, another manager may not, nobody without a token', async () => {
    expect(
      (await service.request('GET', '/pips/pip-cal/invites.ics', { as: people.employee })).status,
    ).toBe(200);
    const stranger = { id: 'mgr-other', role: 'manager' } as const;
    const refused = await service.request('GET', '/pips/pip-cal/invites.ics', { as: stranger });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await service.request('GET', '/pips/pip-cal/invites.ics', { as: null })).status).toBe(
      401,
    );
    expect((await service.request('GET', '/pips/nobody/invites.ics')).status).toBe(404);
  });
});

describe('PIPKIT_INVITE_DOMAIN', () => {
  it('names the UID domain, and a value that is not a domain stops the service at start', () => {
    expect(loadConfig({}).inviteDomain).toBe('pipkit.invalid');
    expect(loadConfig({ PIPKIT_INVITE_DOMAIN: 'pip.example.com' }).inviteDomain).toBe(
      'pip.example.com',
    );
    expect(() => loadConfig({ PIPKIT_INVITE_DOMAIN: 'not a domain' })).toThrow(/domain/);
  });
});
