import type { Actor, PipEventType, StoredEvent } from '@pipkit/core';
import { messagesFor } from '../messages/messages.js';
import { formatInstant, formatInstantDay } from './dates.js';
import { describeWith } from './describeEvent.js';

/** How {@link timelineRows} and {@link renderTimeline} show a history. */
export interface TimelineOptions {
  /** `en` (default), `de`, or a tag of their languages. */
  readonly locale?: string;
  /** The IANA zone times are shown in: the employee's (`record.context.employee.timeZone`). */
  readonly timeZone: string;
}

/** One event of a PIP's history, ready to show: when, who, and a sentence. */
export interface TimelineRow {
  /** The event's sequence number in the PIP's chain (1, 2, 3, ...). */
  readonly seq: number;
  /** When it happened, UTC ISO, as stored. */
  readonly at: string;
  /** The day it happened in the zone (`Tue 3 Mar 2026`). */
  readonly localDate: string;
  /** The time it happened in the zone, with the zone's name (`Tue 3 Mar 2026 10:00 CST`). */
  readonly localTime: string;
  /** The event type (`CHECK_IN_MISSED`), for icons and filters. */
  readonly type: PipEventType;
  /** Who did it (the system actor for deadlines and escalations). */
  readonly actor: Actor;
  /** What happened, in the locale's words ({@link describeEvent}). */
  readonly text: string;
}

/**
 * A PIP's history as rows a host can show in a table or send as JSON, oldest first.
 *
 * @example
 * ```ts
 * const rows = timelineRows(await engine.history(pipId, { actor }), {
 *   locale: 'de',
 *   timeZone: record.context.employee.timeZone,
 * });
 * rows[0]; // { seq: 1, at: '2026-03-02T15:00:00.000Z', localDate: 'Mo., 2. März 2026', ... }
 * ```
 */
export function timelineRows(
  events: readonly StoredEvent[],
  options: TimelineOptions,
): TimelineRow[] {
  const messages = messagesFor(options.locale ?? 'en');
  const zone = options.timeZone;
  return events.map(({ seq, event }) => ({
    seq,
    at: event.at,
    localDate: formatInstantDay(messages, event.at, zone),
    localTime: formatInstant(messages, event.at, zone),
    type: event.type,
    actor: event.actor,
    text: describeWith(messages, event, zone),
  }));
}

/**
 * Renders a PIP's history as a table of lines: sequence number, when (in `zone`), who (a
 * display name from `names`, or the actor id, and the role), and what happened. The first line
 * is the heading.
 *
 * @example
 * ```ts
 * const lines = renderTimeline(await store.readEvents(pipId), 'America/Chicago', { 'grace.hopper': 'Grace' });
 * const german = renderTimeline(events, 'Europe/Berlin', {}, { locale: 'de' });
 * ```
 */
export function renderTimeline(
  events: readonly StoredEvent[],
  zone: string,
  names: Readonly<Record<string, string>>,
  options: { readonly locale?: string } = {},
): string[] {
  const messages = messagesFor(options.locale ?? 'en');
  const rows = timelineRows(events, { timeZone: zone, locale: messages.locale });
  const who = rows.map((row) =>
    messages.format('timeline.who', {
      name: names[row.actor.id] ?? row.actor.id,
      role: row.actor.role,
    }),
  );
  const heading = {
    seq: messages.format('timeline.heading.seq'),
    when: messages.format('timeline.heading.when'),
    who: messages.format('timeline.heading.who'),
    what: messages.format('timeline.heading.what'),
  };
  // Columns are as wide as their longest entry, and never narrower than the English table's.
  const widest = (minimum: number, texts: readonly string[]) =>
    texts.reduce((width, text) => Math.max(width, text.length), minimum);
  const whenWidth = widest(28, [heading.when, ...rows.map((row) => row.localTime)]);
  const whoWidth = widest(24, [heading.who, ...who]);
  const lines = rows.map((row, index) =>
    [
      String(row.seq).padStart(3),
      row.localTime.padEnd(whenWidth),
      (who[index] ?? '').padEnd(whoWidth),
      row.text,
    ].join('  '),
  );
  return [
    `${heading.seq.padStart(3)}  ${heading.when.padEnd(whenWidth)}  ${heading.who.padEnd(whoWidth)}  ${heading.what}`,
    ...lines,
  ];
}
