import { isPipkitError, ValidationError } from '@pipkit/core';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import {
  catalogues,
  createMessages,
  formatMessage,
  LOCALES,
  localDate,
  localTime,
  resolveLocale,
  UnknownLocaleError,
} from '../index.js';

/** The argument names of an ICU message, nested ones included (`{amount}` inside a select). */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: readonly unknown[]) => {
    for (const element of elements as { value?: unknown; options?: unknown }[]) {
      if (typeof element.value === 'string' && 'type' in element && element.type !== 0)
        names.add(element.value);
      if (element.options && typeof element.options === 'object')
        for (const option of Object.values(element.options as Record<string, { value: unknown[] }>))
          walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, 'en').getAst());
  return [...names].sort();
}

describe('the catalogues', () => {
  it('have exactly the same message ids in every locale', () => {
    const reference = Object.keys(catalogues.en).sort();
    for (const locale of LOCALES) expect(Object.keys(catalogues[locale]).sort()).toEqual(reference);
  });

  it('reads the arguments of nested plurals and selects', () => {
    expect(argumentsOf(catalogues.en['event.RESUMED'])).toEqual(['due', 'end', 'pausedDays']);
    expect(argumentsOf(catalogues.de['event.duration'])).toEqual(['amount', 'unit']);
  });

  it.each(Object.keys(catalogues.en))('%s takes the same ICU arguments in every locale', (id) => {
    const reference = argumentsOf(catalogues.en[id as keyof typeof catalogues.en]);
    for (const locale of LOCALES)
      expect(argumentsOf(catalogues[locale][id as keyof typeof catalogues.en]), locale).toEqual(
        reference,
      );
  });
});

describe('formatMessage', () => {
  it('applies English plural rules', () => {
    const resumed = (pausedDays: number) =>
      formatMessage('en', 'event.RESUMED', { pausedDays, end: 'Fri 8 May 2026', due: '' });
    expect(resumed(1)).toBe('resumed after 1 day; the plan now ends Fri 8 May 2026');
    expect(resumed(7)).toBe('resumed after 7 days; the plan now ends Fri 8 May 2026');
  });

  it('applies German plural rules, with the case the sentence needs', () => {
    const resumed = (pausedDays: number) =>
      formatMessage('de', 'event.RESUMED', { pausedDays, end: 'Fr., 8. Mai 2026', due: '' });
    expect(resumed(1)).toBe('hat nach 1 Tag fortgesetzt; der Plan endet jetzt am Fr., 8. Mai 2026');
    expect(resumed(7)).toBe(
      'hat nach 7 Tagen fortgesetzt; der Plan endet jetzt am Fr., 8. Mai 2026',
    );
    const duration = (amount: number, unit: string) =>
      formatMessage('de', 'event.duration', { amount, unit });
    expect(duration(1, 'businessDays')).toBe('1 Arbeitstag');
    expect(duration(10, 'businessDays')).toBe('10 Arbeitstage');
    expect(duration(2, 'weeks')).toBe('2 Wochen');
    expect(duration(1500, 'calendarDays')).toBe('1.500 Kalendertage');
  });

  it('refuses a missing argument rather than print a placeholder', () => {
    expect(() => formatMessage('en', 'event.CHECK_IN_MISSED', { number: 2 })).toThrow();
  });
});

describe('dates', () => {
  it('writes English dates as the CLI always has, in the zone and across DST', () => {
    expect(localTime('2026-03-03T16:00:00Z', 'America/Chicago')).toBe('Tue 3 Mar 2026 10:00 CST');
    expect(localTime('2026-03-17T14:30:00Z', 'America/Chicago')).toBe('Tue 17 Mar 2026 09:30 CDT');
    expect(localDate('2026-05-01')).toBe('Fri 1 May 2026');
    expect(localDate('2026-09-01')).toBe('Tue 1 Sep 2026');
  });

  it('writes German dates with German weekdays, months and punctuation', () => {
    expect(localDate('2026-05-01', { locale: 'de' })).toBe('Fr., 1. Mai 2026');
    expect(localDate('2026-03-03', { locale: 'de' })).toBe('Di., 3. März 2026');
    expect(localTime('2026-03-03T16:00:00Z', 'Europe/Berlin', { locale: 'de' })).toBe(
      'Di., 3. März 2026, 17:00 MEZ',
    );
    expect(localTime('2026-07-01T22:30:00Z', 'Europe/Berlin', { locale: 'de' })).toBe(
      'Do., 2. Juli 2026, 00:30 MESZ',
    );
  });
});

describe('locales', () => {
  it('resolves a tag to the catalogue of its language', () => {
    expect(resolveLocale('de-AT')).toBe('de');
    expect(createMessages('en-GB').locale).toBe('en');
    expect(createMessages('de').list(['a', 'b', 'c'])).toBe('a, b und c');
    expect(createMessages('en').list(['a', 'b', 'c'])).toBe('a, b, c');
  });

  it.each(['fr', 'xx-YY', '', 'not a locale'])(
    'refuses %j with a typed error and a stable code',
    (locale) => {
      const error = (() => {
        try {
          createMessages(locale);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(UnknownLocaleError);
      expect(error).toBeInstanceOf(ValidationError);
      expect(isPipkitError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as UnknownLocaleError).issues).toEqual([
        expect.objectContaining({ code: 'UNKNOWN_LOCALE', path: ['locale'] }),
      ]);
      expect((error as UnknownLocaleError).supported).toEqual(['en', 'de']);
    },
  );
});
