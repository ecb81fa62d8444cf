import { CalendarError, memoryStore, type PipEvent, type StoredEvent } from '@pipkit/core';
import { REFERENCE_PIP_ID, runReferenceLifecycle } from '@pipkit/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEvent, renderTimeline, timelineRows } from '../index.js';

const system = { id: 'pipkit:timer', role: 'system' } as const;
const at = '2026-04-01T12:00:00.000Z';
const missed: PipEvent = {
  type: 'CHECK_IN_MISSED',
  at,
  actor: system,
  number: 2,
  deadlines: {
    set: [
      { id: 'checkIn:3', kind: 'checkIn', date: '2026-04-14', dueAt: '2026-04-15T04:59:59.999Z' },
    ],
  },
};

let history: StoredEvent[];
beforeAll(async () => {
  const store = memoryStore();
  await runReferenceLifecycle(store);
  history = await store.readEvents(REFERENCE_PIP_ID);
});

describe('describeEvent', () => {
  it('words an event in English by default, with the deadlines it set', () => {
    expect(describeEvent(missed)).toBe('check-in 2 was missed; due: checkIn:3 Tue 14 Apr 2026');
  });

  it('words it in German from the German catalogue', () => {
    expect(describeEvent(missed, { locale: 'de' })).toBe(
      'Gespräch 2 hat nicht stattgefunden; fällig: checkIn:3 am Di., 14. Apr. 2026',
    );
  });

  it('says when an overturned dismissal reinstates the employee, and when a plan had not started at a return from leave', () => {
    const hr = { id: 'hr-1', role: 'hr' } as const;
    const overturned: PipEvent = {
      type: 'APPEAL_DECIDED',
      at,
      actor: hr,
      against: 'dismissal',
      outcome: 'overturned',
      reinstates: true,
    };
    expect(describeEvent(overturned)).toBe(
      'decided the appeal against the dismissal: overturned; the employee is reinstated',
    );
    const { reinstates: _reinstates, ...notDismissal } = overturned;
    expect(describeEvent({ ...notDismissal, against: 'firstWarning' })).toBe(
      'decided the appeal against the firstWarning: overturned',
    );
    const resumed: PipEvent = { type: 'RESUMED', at, actor: hr, pausedDays: 0, resumedAt: at };
    expect(describeEvent(resumed)).toBe('resumed after 0 days; the plan has not started yet');
  });

  it('shows a decision’s effective time in the zone it is given', () => {
    const decided = {
      type: 'DECIDED',
      at,
      actor: { id: 'hr-7', role: 'hr' },
      decision: 'remove',
      effectiveAt: '2026-06-01T14:00:00.000Z',
    } as PipEvent;
    expect(describeEvent(decided, { timeZone: 'America/Chicago' })).toBe(
      'decided: remove, effective Mon 1 Jun 2026 09:00 CDT',
    );
    expect(describeEvent(decided, { locale: 'de', timeZone: 'Europe/Berlin' })).toBe(
      'hat entschieden: Trennung, wirksam ab Mo., 1. Juni 2026, 16:00 MESZ',
    );
  });

  it('says when retention ended, and which legal holds keep the record, in both locales', () => {
    const due: PipEvent = { type: 'PURGE_DUE', at, actor: system, retainUntil: '2028-03-02' };
    const held: PipEvent = { ...due, heldBy: ['M-1', 'M-2'] };
    expect(describeEvent(due)).toBe(
      'the retention period ended on Thu 2 Mar 2028: the record may be purged',
    );
    expect(describeEvent(held)).toBe(
      'the retention period ended on Thu 2 Mar 2028, but legal holds keep the record (matters M-1, M-2)',
    );
    expect(describeEvent(due, { locale: 'de' })).toBe(
      'die Aufbewahrungsfrist endete am Do., 2. März 2028: die Akte darf gelöscht werden',
    );
    expect(describeEvent(held, { locale: 'de' })).toBe(
      'die Aufbewahrungsfrist endete am Do., 2. März 2028, doch Aufbewahrungspflichten halten die Akte fest (Verfahren M-1, M-2)',
    );
    const closed = {
      type: 'CLOSED',
      at,
      actor: { id: 'hr-7', role: 'hr' },
      reason: 'withdrawn',
      deadlines: {
        clear: [],
        set: [
          { id: 'purge', kind: 'purge', date: '2028-04-02', dueAt: '2028-04-01T23:00:00.000Z' },
        ],
      },
    } as PipEvent;
    expect(describeEvent(closed)).toBe('closed the plan (withdrawn); due: purge Sun 2 Apr 2028');
  });

  it('says which stage was issued, what it skipped, its review period and life, and what an appeal decided, in both locales', () => {
    const manager = { id: 'mgr-1', role: 'manager' } as const;
    const issued: PipEvent = {
      type: 'STAGE_ISSUED',
      at,
      actor: manager,
      stage: {
        number: 1,
        stage: 'finalWarning',
        issuedOn: '2026-08-31',
        issuedAt: at,
        issuedBy: 'mgr-1',
        reviewUntil: '2026-11-30',
        liveThrough: '2027-08-30',
        skipped: ['firstWarning'],
        skipReason: 'seriousImpact',
      },
    };
    expect(describeEvent(issued)).toBe(
      'issued the finalWarning (stage 1), skipping firstWarning (seriousImpact); review period to Mon 30 Nov 2026; live through Mon 30 Aug 2027',
    );
    expect(describeEvent(issued, { locale: 'de' })).toBe(
      'hat die Stufe finalWarning erteilt (Stufe 1), unter Überspringen von firstWarning (seriousImpact); Überprüfungszeitraum bis Mo., 30. Nov. 2026; wirksam bis einschließlich Mo., 30. Aug. 2027',
    );
    const varied: PipEvent = {
      type: 'APPEAL_DECIDED',
      at,
      actor: { id: 'senior-1', role: 'seniorManager' },
      against: 'finalWarning',
      stageNumber: 1,
      outcome: 'varied',
      replacement: { ...issued.stage, number: 2, stage: 'firstWarning', replaces: 1 },
    };
    expect(describeEvent(varied)).toBe(
      'decided the appeal against the finalWarning: varied to the firstWarning',
    );
    expect(describeEvent(varied, { locale: 'de' })).toBe(
      'hat über den Widerspruch gegen die Stufe finalWarning entschieden: ersetzt durch firstWarning',
    );
    const lapsed: PipEvent = { type: 'WARNING_EXPIRED', at, actor: system, stageNumber: 1 };
    expect(describeEvent(lapsed)).toBe('the warning of stage 1 has lapsed');
    expect(describeEvent(lapsed, { locale: 'de' })).toBe('die Abmahnung der Stufe 1 ist erloschen');
  });

  it('reads an event type it does not know as its type in words', () => {
    const future = { type: 'SOMETHING_NEW', at, actor: system } as unknown as PipEvent;
    expect(describeEvent(future)).toBe('something new');
  });

  it('describes every event of a whole lifecycle in both locales', () => {
    for (const { event } of history) {
      expect(describeEvent(event)).not.toMatch(/[{}]/);
      expect(describeEvent(event, { locale: 'de' })).not.toBe(describeEvent(event));
    }
  });
});

describe('timelineRows', () => {
  it('returns one typed row per event, in the zone asked for', () => {
    const rows = timelineRows(history, { timeZone: 'America/Chicago' });
    expect(rows).toHaveLength(history.length);
    expect(rows[0]).toEqual({
      seq: 1,
      at: history[0]?.event.at,
      localDate: 'Mon 2 Mar 2026',
      localTime: 'Mon 2 Mar 2026 09:00 CST',
      type: 'PIP_CREATED',
      actor: { id: 'grace.hopper', role: 'manager' },
      text: 'opened the plan in draft with 1 goal under pipkit-default@1',
    });
  });

  it('returns German rows with German dates and plurals', () => {
    const [first] = timelineRows(history, { timeZone: 'Europe/Berlin', locale: 'de' });
    expect(first).toMatchObject({
      localDate: 'Mo., 2. März 2026',
      localTime: 'Mo., 2. März 2026, 16:00 MEZ',
      text: 'hat den Plan als Entwurf mit 1 Ziel nach pipkit-default@1 angelegt',
    });
  });

  it('refuses a zone that is not an IANA zone', () => {
    expect(() => timelineRows(history, { timeZone: 'Mars/Olympus' })).toThrow(CalendarError);
  });
});

describe('renderTimeline', () => {
  it('renders a table with a heading and one line per event', () => {
    const lines = renderTimeline(history, 'America/Chicago', { 'grace.hopper': 'Grace' });
    expect(lines[0]).toBe(`  #  ${'when (employee time)'.padEnd(28)}  ${'who'.padEnd(24)}  what`);
    expect(lines[1]).toBe(
      `  1  ${'Mon 2 Mar 2026 09:00 CST'.padEnd(28)}  ${'Grace (manager)'.padEnd(24)}  opened the plan in draft with 1 goal under pipkit-default@1`,
    );
    expect(lines).toHaveLength(history.length + 1);
  });

  it('renders German roles and headings, and widens columns to fit them', () => {
    const lines = renderTimeline(history, 'Europe/Berlin', {}, { locale: 'de' });
    expect(lines[0]).toMatch(/^Nr\. {2}wann \(Ortszeit der Mitarbeitenden\) {2}wer +was$/);
    expect(lines[1]).toContain('grace.hopper (Führungskraft)');
    const whatColumn = (lines[0] ?? '').indexOf('was');
    for (const line of lines.slice(1)) expect(line[whatColumn - 1]).toBe(' ');
  });
});
