import { describe, expect, it } from 'vitest';
import { capturedCli } from '../__fixtures__/captured.js';

const cli = capturedCli({ cwd: '/' });

const FIVE_AFTER = ['--days', '5', '--unit', 'businessDays', '--counting', 'dayAfter'];

describe('pipkit dates', () => {
  it('prints a readable day-by-day table with holidays named and sourced', async () => {
    const run = await cli(
      'dates',
      '--start',
      '2026-07-01T14:00:00Z',
      '--zone',
      'America/New_York',
      ...FIVE_AFTER,
      '--preset',
      'usFederal432',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      '2026-07-03  Fri     holiday; Independence Day (observed) (5 U.S.C. 6103(a); observed per 5 U.S.C. 6103(b) and Executive Order 11582)',
    );
    expect(run.stdout).toContain('2026-07-01  Wed     start day (not counted)');
    expect(run.stdout).toContain('2026-07-09  Thu  5  DUE');
    expect(run.stdout).toContain('Due 2026-07-09, ends 2026-07-10T03:59:59.999Z');
  });

  it('prints the explanation as JSON with --json, from a duration given whole', async () => {
    const run = await cli(
      'dates',
      '--start',
      '2027-12-22T12:00:00Z',
      '--zone',
      'Europe/London',
      '--duration',
      '{"amount":3,"unit":"businessDays","counting":"dayAfter","rollForward":"none","endOfDay":true}',
      '--calendar',
      'englandAndWales',
      '--json',
    );
    expect(run.code).toBe(0);
    const explained = JSON.parse(run.stdout) as {
      date: string;
      days: { date: string; note?: string; holiday?: { name: string } }[];
    };
    // Christmas Day and Boxing Day 2027 fall on the weekend: substitutes on Mon 27 and Tue 28.
    expect(explained.date).toBe('2027-12-29');
    expect(explained.days.find((day) => day.date === '2027-12-28')?.holiday?.name).toBe(
      'Boxing Day (substitute day)',
    );
  });

  it('counts only weekends with --holidays or no calendar flag', async () => {
    const run = await cli(
      'dates',
      '--start',
      '2026-07-01T14:00:00Z',
      '--zone',
      'America/New_York',
      ...FIVE_AFTER,
      '--holidays',
      '2026-07-03',
      '--json',
    );
    expect((JSON.parse(run.stdout) as { date: string }).date).toBe('2026-07-09');
    const plain = await cli(
      'dates',
      '--start',
      '2026-07-01T14:00:00Z',
      '--zone',
      'UTC',
      ...FIVE_AFTER,
      '--json',
    );
    expect((JSON.parse(plain.stdout) as { date: string }).date).toBe('2026-07-08');
  });

  it('refuses an unknown zone, preset or calendar, listing what exists, with exit code 2', async () => {
    const start = ['--start', '2026-07-01T14:00:00Z'];
    const zone = await cli('dates', ...start, '--zone', 'Mars/Olympus', '--days', '3');
    expect(zone.code).toBe(2);
    expect(zone.stderr).toContain('Unknown time zone "Mars/Olympus"');
    const preset = await cli('dates', ...start, '--zone', 'UTC', '--days', '3', '--preset', 'nope');
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain('Use one of: default, usFederal432, ukAcasCapability');
    const calendar = await cli(
      'dates',
      ...start,
      '--zone',
      'UTC',
      '--days',
      '3',
      '--calendar',
      'x',
    );
    expect(calendar.stderr).toContain('Use one of: usFederal, englandAndWales, scotland.');
    const holiday = await cli(
      'dates',
      ...start,
      '--zone',
      'UTC',
      '--days',
      '3',
      '--holidays',
      '2026-02-30',
    );
    expect(holiday.code).toBe(2);
    expect(holiday.stderr).toContain('INVALID_CALENDAR');
  });

  it('refuses a missing or invalid duration and a bad start', async () => {
    const base = ['dates', '--zone', 'UTC'];
    expect((await cli(...base, '--start', '2026-07-01T14:00:00Z')).stderr).toContain(
      'needs a duration',
    );
    const bad = await cli(
      ...base,
      '--start',
      '2026-07-01T14:00:00Z',
      '--days',
      '3',
      '--unit',
      'fortnights',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid duration: unit');
    expect((await cli(...base, '--start', 'tomorrow', '--days', '3')).stderr).toContain(
      '--start "tomorrow" is not an instant',
    );
    const json = await cli(...base, '--start', '2026-07-01T14:00:00Z', '--duration', '{');
    expect(json.stderr).toContain('--duration is not JSON');
  });

  it('moves the end past a leave given with --pause, listing the paused days', async () => {
    const args = ['dates', '--start', '2026-06-01T14:00:00Z', '--zone', 'America/New_York'];
    const plan = ['--days', '20', '--unit', 'businessDays', '--calendar', 'usFederal'];
    const run = await cli(
      ...args,
      ...plan,
      '--pause',
      '2026-06-08T13:00:00Z/2026-06-11T13:00:00Z',
      '--json',
    );
    expect(run.code).toBe(0);
    const explained = JSON.parse(run.stdout) as {
      date: string;
      pausedSpan: number;
      days: { date: string; note?: string }[];
    };
    expect(explained).toMatchObject({ date: '2026-07-02', pausedSpan: 3 });
    expect(explained.days.filter((day) => day.note === 'leave').map((day) => day.date)).toEqual([
      '2026-06-08',
      '2026-06-09',
      '2026-06-10',
    ]);
    const unpaused = JSON.parse((await cli(...args, ...plan, '--json')).stdout) as { date: string };
    expect(unpaused.date).toBe('2026-06-29');
    const bad = await cli(...args, ...plan, '--pause', '2026-06-08T13:00:00Z');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not <from>/<until>');
  });
});
