import {
  type CalendarDefinition,
  createCalendar,
  type Duration,
  durationSchema,
  type DueDateExplanation,
  explainDueDate,
  isValidTimeZone,
  type Policy,
  presetCalendars,
  presets,
} from '@pipkit/core';
import { ExitCode, parseInstantFlag, table, UsageError } from '../io.js';
import {
  type CliCommand,
  type Flags,
  listFlag,
  printJson,
  printLines,
  stringFlag,
} from './command.js';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const NOTES: Readonly<Record<string, string>> = {
  startDay: 'start day (not counted)',
  weekend: 'weekend',
  holiday: 'holiday',
  rolledFrom: 'not a business day: the deadline rolls',
  rolledPast: 'rolled past',
  rolledTo: 'rolled to this business day',
  leave: 'leave: the clock stood still',
};

/** `--pause <from>/<until>` (repeatable): the spans the clock stood still. */
function pausesFrom(flags: Flags): { from: Date; until: Date }[] {
  return listFlag(flags, 'pause').map((text) => {
    const [from, until, extra] = text.split('/');
    if (from === undefined || until === undefined || extra !== undefined) {
      throw new UsageError(
        `--pause "${text}" is not <from>/<until>.`,
        'For example --pause 2026-07-06T13:00:00Z/2026-07-13T13:00:00Z',
      );
    }
    return { from: parseInstantFlag(from, '--pause'), until: parseInstantFlag(until, '--pause') };
  });
}

/** The working calendar the flags name: a preset policy's, a preset jurisdiction's, or dates. */
function calendarFrom(flags: Flags): { label: string; definition: CalendarDefinition } {
  const preset = stringFlag(flags, 'preset');
  const named = stringFlag(flags, 'calendar');
  const holidays = stringFlag(flags, 'holidays');
  if ([preset, named, holidays].filter((flag) => flag !== undefined).length > 1) {
    throw new UsageError('Give one of --preset, --calendar and --holidays.');
  }
  if (preset !== undefined) {
    const registry: Readonly<Record<string, Policy>> = presets;
    const policy = Object.hasOwn(registry, preset) ? registry[preset] : undefined;
    if (!policy) {
      throw new UsageError(
        `Unknown preset "${preset}".`,
        `Use one of: ${Object.keys(registry).join(', ')}.`,
      );
    }
    return { label: `preset ${preset}`, definition: policy.document.calendar };
  }
  if (named !== undefined) {
    const registry: Readonly<Record<string, CalendarDefinition>> = presetCalendars;
    const definition = Object.hasOwn(registry, named) ? registry[named] : undefined;
    if (!definition) {
      throw new UsageError(
        `Unknown calendar "${named}".`,
        `Use one of: ${Object.keys(registry).join(', ')}.`,
      );
    }
    return { label: `calendar ${named}`, definition };
  }
  const dates = (holidays ?? '')
    .split(',')
    .map((date) => date.trim())
    .filter((date) => date.length > 0);
  return {
    label: dates.length > 0 ? 'given holidays' : 'no holidays',
    definition: { holidays: dates },
  };
}

/** The duration the flags give: `--duration <json>`, or `--days` with the convention flags. */
function durationFrom(flags: Flags): Duration {
  const json = stringFlag(flags, 'duration');
  const days = stringFlag(flags, 'days');
  let input: unknown;
  if (json !== undefined) {
    if (days !== undefined) throw new UsageError('Give --duration or --days, not both.');
    try {
      input = JSON.parse(json);
    } catch {
      throw new UsageError('--duration is not JSON.', `For example --duration '${EXAMPLE}'`);
    }
  } else if (days !== undefined) {
    input = {
      amount: /^\d+$/.test(days) ? Number(days) : days,
      unit: stringFlag(flags, 'unit') ?? 'calendarDays',
      counting: stringFlag(flags, 'counting') ?? 'inclusiveStart',
      rollForward: stringFlag(flags, 'roll') ?? 'none',
      endOfDay: true,
    };
  } else {
    throw new UsageError(
      'dates needs a duration.',
      'Pass --days <n> (and --unit, --counting, --roll) or --duration <json>.',
    );
  }
  const parsed = durationSchema.safeParse(input);
  if (!parsed.success) {
    throw new UsageError(
      `Invalid duration: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`,
      `For example --duration '${EXAMPLE}'`,
    );
  }
  return parsed.data;
}

const EXAMPLE =
  '{"amount":5,"unit":"businessDays","counting":"dayAfter","rollForward":"none","endOfDay":true}';

function readable(explained: DueDateExplanation, label: string): string[] {
  const { duration } = explained;
  const rows = explained.days.map((day) => [
    day.date,
    WEEKDAYS[day.weekday] ?? '',
    day.counted ? String(day.ordinal) : '',
    [
      day.note === undefined ? '' : (NOTES[day.note] ?? day.note),
      day.holiday
        ? `${day.holiday.name ?? 'holiday'}${day.holiday.source ? ` (${day.holiday.source})` : ''}`
        : '',
      day.due ? 'DUE' : '',
    ]
      .filter((part) => part.length > 0)
      .join('; '),
  ]);
  return [
    `${duration.amount} ${duration.unit}, ${duration.counting}, roll ${duration.rollForward}, in ${explained.timeZone} (${label})`,
    '',
    ...table([['date', 'day', '#', 'note'], ...rows]),
    '',
    ...(explained.pausedSpan > 0
      ? [
          `Paused: the end moved by ${explained.pausedSpan} ${duration.unit === 'businessDays' ? 'business' : 'calendar'} day(s).`,
        ]
      : []),
    `Due ${explained.date}, ends ${explained.dueAt}`,
  ];
}

/** `pipkit dates`: a due date counted day by day, to check a deadline by eye. */
export const datesCommand: CliCommand = {
  name: 'dates',
  summary: 'count a deadline day by day: which days counted, which were skipped and why',
  usage:
    'pipkit dates --start <instant> --zone <iana> (--days <n> [--unit] [--counting] [--roll] | --duration <json>) [--preset <name> | --calendar <name> | --holidays <dates>] [--json]',
  help: [
    'Computes a due date as the engine does (explainDueDate from @pipkit/core) and lists every',
    'local day from the start to the last day: counted (with its number), or skipped as the start',
    'day, a weekend, a holiday (with its name and legal source) or a roll past non-working days.',
    '',
    '  --start <instant>     the triggering instant, ISO 8601 with offset',
    "  --zone <iana>         the employee's zone, e.g. America/New_York",
    '  --days <n>            the amount; with --unit calendarDays|businessDays|weeks|months',
    '                        (default calendarDays), --counting inclusiveStart|dayAfter',
    '                        (default inclusiveStart), --roll none|nextBusinessDay|previousBusinessDay',
    '  --duration <json>     the whole duration as a policy writes it, instead of --days',
    '  --preset <name>       the working calendar of a preset policy (usFederal432, ...)',
    '  --calendar <name>     a preset jurisdiction calendar: usFederal, englandAndWales, scotland',
    '  --holidays <dates>    comma-separated YYYY-MM-DD holidays (default: weekends only)',
    '  --pause <from>/<until> a span the clock stood still (leave), repeatable: the end moves',
    '                        as the engine moves a plan when it resumes',
    '',
    'Example: pipkit dates --start 2026-07-01T14:00:00Z --zone America/New_York --days 5 \\',
    '           --unit businessDays --counting dayAfter --preset usFederal432',
  ].join('\n'),
  options: {
    start: { type: 'string' },
    zone: { type: 'string' },
    days: { type: 'string' },
    unit: { type: 'string' },
    counting: { type: 'string' },
    roll: { type: 'string' },
    duration: { type: 'string' },
    preset: { type: 'string' },
    calendar: { type: 'string' },
    holidays: { type: 'string' },
    pause: { type: 'string', multiple: true },
  },
  positionals: [0, 0],
  run({ flags, io, json }) {
    const startFlag = stringFlag(flags, 'start');
    if (startFlag === undefined)
      throw new UsageError('dates needs --start.', 'For example --start 2026-06-01T14:00:00Z');
    const start = parseInstantFlag(startFlag, '--start');
    const zone = stringFlag(flags, 'zone');
    if (zone === undefined || !isValidTimeZone(zone)) {
      throw new UsageError(
        zone === undefined ? 'dates needs --zone.' : `Unknown time zone "${zone}".`,
        'Give an IANA zone name, for example --zone Europe/London',
      );
    }
    const { label, definition } = calendarFrom(flags);
    const duration = durationFrom(flags);
    const calendar = createCalendar({ ...definition, timeZone: zone });
    const explained = explainDueDate(start, duration, calendar, { pauses: pausesFrom(flags) });
    if (json) printJson(io, explained);
    else printLines(io, readable(explained, label));
    return Promise.resolve(ExitCode.ok);
  },
};
