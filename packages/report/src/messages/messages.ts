import { ValidationError } from '@pipkit/core';
import { IntlMessageFormat } from 'intl-messageformat';
import type { Catalogue, MessageId, MessageValues } from './catalogue.js';
import { de } from './de.js';
import { en } from './en.js';

/** The locales with a catalogue. English is the reference. */
export const LOCALES = ['en', 'de'] as const;

/** A locale with a catalogue: `en` or `de`. */
export type Locale = (typeof LOCALES)[number];

/** Every catalogue by locale, for hosts that list them or check their own translations. */
export const catalogues: Readonly<Record<Locale, Catalogue>> = { en, de };

/**
 * The BCP 47 tag each catalogue formats numbers, dates, time zones and plurals with. English is
 * `en-US`, whose zone names are the familiar abbreviations (`CST`, `CDT`).
 */
const TAGS: Readonly<Record<Locale, string>> = { en: 'en-US', de: 'de-DE' };

/** The issue code of an {@link UnknownLocaleError}. */
export const UNKNOWN_LOCALE = 'UNKNOWN_LOCALE';

/**
 * A locale with no catalogue was asked for. Its `code` is `INVALID_INPUT` (it is a
 * `ValidationError` of `@pipkit/core`) and its one issue's code is {@link UNKNOWN_LOCALE}, at the
 * path `['locale']`.
 */
export class UnknownLocaleError extends ValidationError {
  /** The locale that was asked for. */
  readonly locale: string;
  /** The locales that have a catalogue. */
  readonly supported: readonly Locale[] = LOCALES;

  constructor(locale: string) {
    const message = `No message catalogue for locale "${locale}". Use one of: ${LOCALES.join(', ')}.`;
    super(message, [{ code: UNKNOWN_LOCALE, path: ['locale'], message }]);
    this.locale = locale;
  }
}

/** True for a locale with a catalogue. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The catalogue locale of a BCP 47 tag: `de`, `de-DE` and `de-AT` are `de`. Throws
 * {@link UnknownLocaleError} for a tag whose language has no catalogue, or that is not a tag.
 */
export function resolveLocale(locale: string): Locale {
  let language: string | undefined;
  try {
    language = new Intl.Locale(locale).language;
  } catch {
    throw new UnknownLocaleError(locale);
  }
  if (!isLocale(language)) throw new UnknownLocaleError(locale);
  return language;
}

/** One locale's messages, formatted with ICU MessageFormat and the locale's `Intl` rules. */
export interface Messages {
  /** The catalogue's locale. */
  readonly locale: Locale;
  /** The BCP 47 tag `Intl` formats with (`en-US`, `de-DE`). */
  readonly tag: string;
  /**
   * Formats one message. A missing argument throws (intl-messageformat's `FormatError`): a
   * message never prints a placeholder.
   */
  format(id: MessageId, values?: MessageValues): string;
  /** Joins items as a list in the locale (`a, b, c`; German `a, b und c`). */
  list(items: readonly string[]): string;
}

/**
 * The messages of one locale: `en`, `de`, or a tag of their languages (`de-CH`). Formatters are
 * compiled once per message and reused. Throws {@link UnknownLocaleError} for any other locale.
 *
 * @example
 * ```ts
 * const messages = createMessages('de');
 * messages.format('event.CHECK_IN_MISSED', { number: 2, due: '' }); // 'Gespräch 2 hat nicht stattgefunden'
 * ```
 */
export function createMessages(locale: string): Messages {
  const resolved = resolveLocale(locale);
  const catalogue = catalogues[resolved];
  const tag = TAGS[resolved];
  const compiled = new Map<MessageId, IntlMessageFormat>();
  const lists = new Intl.ListFormat(tag, { type: 'unit', style: 'short' });
  return {
    locale: resolved,
    tag,
    format(id, values = {}) {
      let formatter = compiled.get(id);
      if (formatter === undefined) {
        formatter = new IntlMessageFormat(catalogue[id], tag);
        compiled.set(id, formatter);
      }
      return String(formatter.format(values));
    },
    list: (items) => lists.format(items),
  };
}

const cache = new Map<Locale, Messages>();

/** The shared {@link Messages} of a locale (created once). */
export function messagesFor(locale: string): Messages {
  const resolved = resolveLocale(locale);
  let messages = cache.get(resolved);
  if (messages === undefined) {
    messages = createMessages(resolved);
    cache.set(resolved, messages);
  }
  return messages;
}

/**
 * Formats one message of one locale.
 *
 * @example
 * ```ts
 * formatMessage('en', 'event.RESUMED', { pausedDays: 1, end: 'Fri 8 May 2026', due: '' });
 * // 'resumed after 1 day; the plan now ends Fri 8 May 2026'
 * ```
 */
export function formatMessage(locale: string, id: MessageId, values?: MessageValues): string {
  return messagesFor(locale).format(id, values);
}
